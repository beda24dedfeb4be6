"""Error pages in French for people, problem details (RFC 9457) for the API."""

from __future__ import annotations

import logging

from authlib.integrations.flask_oauth2.errors import _HTTPException as OAuthHTTPException
from flask import Flask, Response, json, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from emploistore.api.problems import problem
from emploistore.database import db
from emploistore.search.interfaces import SearchUnavailable

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Demande incorrecte"), _("La demande n'a pas pu être comprise.")),
        403: (_("Accès refusé"), _("Vous n'avez pas accès à cette page.")),
        404: (_("Page introuvable"), _("Cette page n'existe pas ou plus.")),
        405: (_("Action impossible"), _("Cette action n'est pas possible ici.")),
        413: (_("Fichier trop lourd"), _("Le fichier envoyé dépasse la taille permise.")),
        429: (
            _("Trop de tentatives"),
            _("Trop de tentatives en peu de temps. Attendez quelques minutes et réessayez."),
        ),
        500: (
            _("Erreur du service"),
            _("Une erreur s'est produite de notre côté. Réessayez dans un instant."),
        ),
        503: (
            _("Service momentanément indisponible"),
            _("Ce service est momentanément indisponible. Réessayez dans quelques minutes."),
        ),
    }


def error_response(status: int, detail: str | None = None) -> tuple[Response | str, int]:
    title, text = _messages().get(status, (str(status), ""))
    if request.path.startswith("/api/"):
        return problem(status, title, detail or text), status
    return render_template("error.html", status=status, title=title, text=detail or text), status


def bearer_error(error: OAuthHTTPException) -> Response:
    """A protected resource's refusal (RFC 6750 §3): JSON body and WWW-Authenticate."""
    status = error.code or 401
    body = error.get_body()
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "www-authenticate"]
    try:
        code = json.loads(body).get("error", "")
    except ValueError:
        code = ""
    if code in ("missing_authorization", "unsupported_token_type"):
        # No bearer token at all: no error code in the challenge (RFC 6750 §3.1).
        challenge = 'Bearer realm="Emploi Store"'
    else:
        challenge = f'Bearer realm="Emploi Store", error="{code or "invalid_token"}"'
    headers.append(("WWW-Authenticate", challenge))
    return Response(body, status=status, headers=headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if isinstance(error, OAuthHTTPException):
            return bearer_error(error)
        if isinstance(error, InternalServerError):
            return make_response(error_response(500))
        response = make_response(error_response(status))
        # Keep what the exception says beyond the body, e.g. Allow on a 405 (RFC 9110).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[Response | str, int]:
        return error_response(
            400,
            _("Le formulaire a expiré ou a été envoyé d'ailleurs. Rechargez la page et réessayez."),
        )

    @app.errorhandler(SearchUnavailable)
    def search_down(error: SearchUnavailable) -> tuple[Response | str, int]:
        log.error("search unavailable: %s", error)
        return error_response(
            503,
            _(
                "La recherche est momentanément indisponible. Vous pouvez parcourir les "
                "services par thème en attendant."
            ),
        )

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError) -> tuple[Response | str, int]:
        # The error code names the cause (SQLITE_BUSY is "database is locked", SQLITE_FULL a
        # full disk) without the driver's message, which may quote stored values.
        orig = error.orig
        code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
        log.error("database error: %s %s", orig.__class__.__name__, code or "")
        db.session.rollback()
        return error_response(
            503,
            _(
                "Nous ne pouvons pas enregistrer ni lire vos données pour le moment. "
                "Rien n'a été modifié. Réessayez dans quelques minutes."
            ),
        )
