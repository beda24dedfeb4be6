"""The person's CVs: list, create, import, duplicate, rename, lock, delete, photo, exports.

Every page works without JavaScript: actions are small forms that POST and redirect back.
"""

from __future__ import annotations

import json
import re
import unicodedata
from io import BytesIO
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from cv_builder import json_resume, photos, rendering, rome, services
from cv_builder.blueprint import bp, cv_or_404, page_context, refusal
from cv_builder.forms import read_text
from cv_builder.models import CV
from cv_builder.schemas import PAPERS, TEMPLATES
from cv_builder.sections import CV_TITLE_MAX

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
PDF_UNAVAILABLE = (
    "Le téléchargement en PDF n'est pas disponible sur ce serveur. "
    "Vous pouvez télécharger votre CV en texte ou au format JSON Resume."
)


def _index_page(status: int = 200, **context: Any) -> tuple[str, int]:
    cvs = services.list_cvs(current_user.id) if current_user.is_authenticated else []
    context.setdefault("raw", {})
    context.setdefault("errors", {})
    return render_template(
        "cv_builder/index.html",
        cvs=cvs,
        max_cvs=services.setting("MAX_CVS"),
        import_max_kb=services.setting("IMPORT_MAX_BYTES") // 1024,
        pdf_available=rendering.pdf_available(),
        **context,
    ), status


@bp.get("/")
def index() -> tuple[str, int]:
    return _index_page()


@bp.post("/cv")
@login_required
def create() -> Response | tuple[str, int]:
    result = read_text(request.form, "title", CV_TITLE_MAX, multiline=False)
    if not result.ok:
        return _index_page(422, raw=result.raw, errors=result.errors)
    try:
        cv = services.create_cv(
            current_user.id,
            result.data["title"] or "Mon CV",  # type: ignore[index]
            name=current_user.display_name,
            email=current_user.email,
        )
    except services.LimitReached as error:
        return _index_page(409, raw=result.raw, errors={"title": str(error)})
    flash("Votre CV est créé. Commencez par vos coordonnées.", "success")
    return redirect(url_for("cv_builder.editor", cv_id=cv.id), code=303)


@bp.post("/importer")
@login_required
def import_cv() -> Response | tuple[str, int]:
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        return _index_page(422, import_errors=["Choisissez un fichier JSON Resume (.json)."])
    limit = services.setting("IMPORT_MAX_BYTES")
    raw = upload.stream.read(limit + 1)
    try:
        cv, notices = services.import_cv(current_user.id, raw)
    except json_resume.ImportRefused as refused:
        return _index_page(refused.status, import_errors=refused.problems)
    flash("Votre CV est importé. Relisez-le avant de l'envoyer.", "success")
    for notice in notices:
        flash(notice, "info")
    return redirect(url_for("cv_builder.editor", cv_id=cv.id), code=303)


@bp.get("/cv/<int:cv_id>")
@login_required
def editor(cv_id: int) -> str:
    cv = cv_or_404(cv_id)
    return render_template("cv_builder/editor.html", raw={}, errors={}, **page_context(cv))


def _editor_error(
    cv: CV, raw: dict[str, str], errors: dict[str, str], status: int = 422
) -> tuple[str, int]:
    return render_template(
        "cv_builder/editor.html", raw=raw, errors=errors, **page_context(cv)
    ), status


@bp.post("/cv/<int:cv_id>/renommer")
@login_required
def rename(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    result = read_text(request.form, "title", CV_TITLE_MAX, multiline=False)
    if result.ok and not result.data["title"]:  # type: ignore[index]
        result.errors["title"] = "Donnez un nom à ce CV, par exemple : CV vendeuse."
    if not result.ok:
        return _editor_error(cv, result.raw, result.errors)
    services.rename_cv(cv, result.data["title"])  # type: ignore[index]
    flash("Le CV est renommé.", "success")
    return redirect(url_for("cv_builder.editor", cv_id=cv.id), code=303)


@bp.post("/cv/<int:cv_id>/dupliquer")
@login_required
def duplicate(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    try:
        twin = services.duplicate_cv(cv)
    except services.LimitReached as error:
        return refusal(str(error), 409, cv)
    flash(f"Copie créée : « {twin.title} ». Adaptez-la à l'offre visée.", "success")
    return redirect(url_for("cv_builder.editor", cv_id=twin.id), code=303)


@bp.post("/cv/<int:cv_id>/verrou")
@login_required
def lock(cv_id: int) -> Response:
    cv = cv_or_404(cv_id)
    locked = request.form.get("locked") == "1"
    services.set_locked(cv, locked)
    flash(
        "Le CV est verrouillé : il ne peut plus être modifié ni supprimé."
        if locked
        else "Le CV est déverrouillé : vous pouvez de nouveau le modifier.",
        "success",
    )
    return redirect(url_for("cv_builder.editor", cv_id=cv.id), code=303)


@bp.route("/cv/<int:cv_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete(cv_id: int) -> Response | str:
    cv = cv_or_404(cv_id)
    if request.method == "POST":
        title = cv.title
        services.delete_cv(cv)
        flash(f"Le CV « {title} » est supprimé.", "success")
        return redirect(url_for("cv_builder.index"), code=303)
    return render_template("cv_builder/delete.html", cv=cv)


@bp.post("/cv/<int:cv_id>/modele")
@login_required
def choose_template(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    template = request.form.get("template", "")
    paper = request.form.get("paper", "")
    errors = {}
    if template not in TEMPLATES:
        errors["template"] = "Choisissez l'un des modèles proposés."
    if paper not in PAPERS:
        errors["paper"] = "Choisissez le format A4 ou Lettre US."
    if errors:
        return _editor_error(cv, {"template": template, "paper": paper}, errors)
    services.set_template(cv, template, paper)
    flash(f"Modèle « {TEMPLATES[template]} » appliqué.", "success")
    return redirect(url_for("cv_builder.editor", cv_id=cv.id, _anchor="modele"), code=303)


# -- photo ---------------------------------------------------------------------------------


def photo_response(cv: CV) -> Response:
    photo = services.photo_of(cv)
    if photo is None:
        abort(404)
    response = send_file(BytesIO(photo.data), mimetype=photo.mimetype, etag=photo.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/cv/<int:cv_id>/photo")
@login_required
def photo(cv_id: int) -> Response:
    return photo_response(cv_or_404(cv_id))


# -- exports -------------------------------------------------------------------------------


def download_name(cv: CV, extension: str) -> str:
    """An ASCII file name from the person's name or the CV's title: cv-camille-dupont.pdf."""
    base = cv.content["basics"].get("name") or cv.title
    spelled = base.translate(LIGATURES)
    folded = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60] or "cv"
    return f"cv-{slug}.{extension}" if not slug.startswith("cv") else f"{slug}.{extension}"


def pdf_response(cv: CV, *, attachment: bool = True) -> Response | tuple[str, int]:
    document = rendering.build_document(cv.content, cv.template, _photo_data_uri(cv), heading=1)
    name = cv.content["basics"].get("name")
    try:
        pdf = rendering.render_pdf(document, f"CV de {name}" if name else cv.title, cv.paper)
    except rendering.PdfUnavailable:
        return refusal(PDF_UNAVAILABLE, 503, cv)
    disposition = "attachment" if attachment else "inline"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{download_name(cv, "pdf")}"'},
    )


def _photo_data_uri(cv: CV) -> str | None:
    photo = services.photo_of(cv)
    return photos.data_uri(photo.data, photo.mimetype) if photo else None


@bp.get("/cv/<int:cv_id>/cv.pdf")
@login_required
def export_pdf(cv_id: int) -> Response | tuple[str, int]:
    return pdf_response(cv_or_404(cv_id))


@bp.get("/cv/<int:cv_id>/cv.txt")
@login_required
def export_text(cv_id: int) -> Response:
    cv = cv_or_404(cv_id)
    return Response(
        rendering.render_text(cv.content),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{download_name(cv, "txt")}"'},
    )


@bp.get("/cv/<int:cv_id>/cv.json")
@login_required
def export_json(cv_id: int) -> Response:
    cv = cv_or_404(cv_id)
    body = json.dumps(services.to_json_resume(cv), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{download_name(cv, "json")}"'},
    )


# -- ROME codes ----------------------------------------------------------------------------


@bp.get("/codes-rome")
def rome_codes() -> str:
    words = request.args.get("q", "")[:100]
    return render_template(
        "cv_builder/rome.html",
        words=words,
        found=rome.search(words) if words.strip() else [],
        back=_local(request.args.get("retour", "")),
    )


def _local(path: str) -> str | None:
    """A return link only to a page of this service."""
    return path if re.fullmatch(r"/cv-builder/cv/\d+/coordonnees", path) else None
