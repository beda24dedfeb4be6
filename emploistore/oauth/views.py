"""OAuth 2.0 / OpenID Connect endpoints, the consent screen and "Applications connectées"."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from emploistore.database import db, utcnow
from emploistore.extensions import csrf
from emploistore.oauth.keys import jwks
from emploistore.oauth.models import OAuthConsent
from emploistore.oauth.scopes import ALL_SCOPES, describe, split_scope
from emploistore.oauth.server import (
    issuer,
    require_oauth,
    revoke_grant,
    server,
    user_claims,
)

bp = Blueprint("oauth", __name__)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _no_store(response: Response) -> Response:
    response.headers.update(NO_STORE)
    return response


def _consent_for(user_id: int, client_id: int) -> OAuthConsent | None:
    return db.session.scalar(
        select(OAuthConsent).where(
            OAuthConsent.user_id == user_id, OAuthConsent.client_id == client_id
        )
    )


def _remember_consent(user_id: int, client_id: int, scope: str) -> None:
    consent = _consent_for(user_id, client_id)
    now = utcnow()
    if consent is None:
        db.session.add(
            OAuthConsent(user_id=user_id, client_id=client_id, scope=scope, granted_at=now)
        )
    else:
        consent.scope = " ".join(split_scope(consent.scope + " " + scope))
        consent.updated_at = now


def _bad_request_page(error: OAuth2Error) -> tuple[str, int]:
    # No redirect when the client or its redirect URI cannot be trusted: say it here.
    return render_template(
        "oauth/error.html",
        error=error.error,
        description=error.description or "",
    ), 400


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Response | tuple[str, int] | str:
    user = current_user if current_user.is_authenticated else None
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        if error.redirect_uri:
            return _no_store(_with_issuer(server.handle_error_response(None, error)))
        return _bad_request_page(error)
    prompts = (grant.request.payload.data.get("prompt") or "").split()
    if user is not None and "login" in prompts:
        # prompt=login: the client asks for a fresh log-in. Log out, then come back here
        # without "login" in the prompt (so the round trip ends).
        logout_user()
        return redirect(url_for("accounts.login", next=_without_prompt_login()), code=303)
    if user is None:
        return redirect(url_for("accounts.login", next=request.full_path), code=303)

    client = grant.client
    scope = grant.request.scope or ""
    if request.method == "GET":
        consent = _consent_for(user.id, client.id)
        covered = consent is not None and set(split_scope(scope)) <= set(consent.scopes)
        if covered and "consent" not in prompts:
            response = server.create_authorization_response(grant_user=user, grant=grant)
            db.session.commit()
            return _no_store(response)
        if "none" in prompts:
            from authlib.oidc.core.errors import ConsentRequiredError

            error = ConsentRequiredError(redirect_uri=grant.redirect_uri)
            error.state = grant.request.payload.state
            return _no_store(_with_issuer(server.handle_error_response(None, error)))
        page = render_template(
            "oauth/consent.html",
            client=client,
            organisation=client.organisation,
            purposes=describe(scope),
            scope=scope,
            redirect_host=_host(grant.redirect_uri),
        )
        return _no_store(make_response(page))

    decision = request.form.get("decision")
    if decision not in ("accept", "refuse"):
        abort(400)
    if decision == "accept":
        _remember_consent(user.id, client.id, scope)
        response = server.create_authorization_response(grant_user=user, grant=grant)
    else:
        response = server.create_authorization_response(grant_user=None, grant=grant)
    db.session.commit()
    return _no_store(response)


def _with_issuer(response: Response) -> Response:
    """Error redirects to the client carry ``iss`` too (RFC 9207 §2)."""
    location = response.headers.get("Location")
    if location and "iss" not in parse_qs(urlsplit(location).query):
        response.headers["Location"] = add_params_to_uri(location, {"iss": issuer()})
    return response


def _without_prompt_login() -> str:
    args = request.args.to_dict(flat=False)
    kept = [p for p in " ".join(args.pop("prompt", [])).split() if p != "login"]
    if kept:
        args["prompt"] = [" ".join(kept)]
    return request.path + "?" + urlencode(args, doseq=True)


def _host(uri: str | None) -> str:
    return urlsplit(uri or "").hostname or ""


@bp.post("/oauth/token")
@csrf.exempt
def token() -> Response:
    try:
        response = server.create_token_response()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return _no_store(response)


@bp.post("/oauth/revoke")
@csrf.exempt
def revoke() -> Response:
    response = server.create_endpoint_response("revocation")
    db.session.commit()
    return _no_store(response)


@bp.post("/oauth/introspect")
@csrf.exempt
def introspect() -> Response:
    response = server.create_endpoint_response("introspection")
    db.session.commit()
    return _no_store(response)


@bp.route("/oauth/userinfo", methods=["GET", "POST"])
@csrf.exempt
@require_oauth("openid")
def userinfo() -> Response:
    from authlib.integrations.flask_oauth2 import current_token

    claims = user_claims(current_token.user, current_token.client, current_token.scope)
    db.session.commit()  # a pairwise subject may have been created
    return _no_store(jsonify(claims))


@bp.get("/oauth/jwks")
def jwks_document() -> Response:
    response = jsonify(jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def discovery_document() -> dict[str, Any]:
    """OpenID Provider metadata (also served as RFC 8414 authorization server metadata)."""
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": base + url_for("oauth.authorize"),
        "token_endpoint": base + url_for("oauth.token"),
        "userinfo_endpoint": base + url_for("oauth.userinfo"),
        "jwks_uri": base + url_for("oauth.jwks_document"),
        "revocation_endpoint": base + url_for("oauth.revoke"),
        "introspection_endpoint": base + url_for("oauth.introspect"),
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "name", "locale", "email", "email_verified"],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
        "ui_locales_supported": ["fr-FR", "en"],
    }


@bp.get("/.well-known/openid-configuration")
@bp.get("/.well-known/oauth-authorization-server")
def openid_configuration() -> Response:
    response = jsonify(discovery_document())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --- "Applications connectées" ---------------------------------------------------------


@bp.get("/compte/applications")
@login_required
def connected_apps() -> str:
    consents = db.session.scalars(
        select(OAuthConsent)
        .where(OAuthConsent.user_id == current_user.id)
        .order_by(OAuthConsent.granted_at.desc())
    ).all()
    return render_template("oauth/connected_apps.html", consents=consents, describe=describe)


@bp.post("/compte/applications/<int:consent_id>/revoquer")
@login_required
def revoke_app(consent_id: int) -> Response:
    consent = db.session.get(OAuthConsent, consent_id)
    if consent is None or consent.user_id != current_user.id:
        abort(404)
    name = consent.client.name
    revoke_grant(current_user.id, consent.client_id)
    db.session.delete(consent)
    db.session.commit()
    flash(_("%(name)s n'a plus accès à votre compte.", name=name), "success")
    return redirect(url_for("oauth.connected_apps"), code=303)
