"""Editing a CV: identity and contact, photo, sections and their items, preview.

Buttons that reorder or hide are small POST forms (no JavaScript needed). With JavaScript,
static/preview.js posts the form being typed to ``live_preview`` and shows the answer: the
same template as the PDF, with the unsaved changes, stored nowhere.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from cv_builder import content as cv_content
from cv_builder import forms, photos, rendering, services
from cv_builder.blueprint import (
    bp,
    cv_or_404,
    item_or_404,
    page_context,
    preview_document,
    section_or_404,
)
from cv_builder.forms import raw_value
from cv_builder.models import CV
from cv_builder.rome import rome_labels
from cv_builder.schemas import clean_text
from cv_builder.sections import (
    BASICS_FIELDS,
    LOCATION_FIELDS,
    MAX_PROFILES,
    PROFILE_FIELDS,
    SECTION_KINDS,
    SUMMARY_MAX,
)

DIRECTIONS = {"haut": "up", "bas": "down"}


def _editor(cv: CV, anchor: str = "") -> Response:
    return redirect(url_for("cv_builder.editor", cv_id=cv.id, _anchor=anchor or None), code=303)


def _section_page_url(cv: CV, section_id: str, anchor: str = "") -> str:
    return url_for("cv_builder.section", cv_id=cv.id, section_id=section_id, _anchor=anchor or None)


def _back(cv: CV, default: str) -> Response:
    """Back to the page the button was on (the editor or the section page)."""
    target = request.form.get("retour", "")
    if target.startswith(f"/cv-builder/cv/{cv.id}") and "//" not in target:
        return redirect(target, code=303)
    return redirect(default, code=303)


# -- identity and contact ------------------------------------------------------------------


def _basics_raw(cv: CV) -> dict[str, str]:
    basics = cv.content["basics"]
    raw = {spec.name: raw_value(spec, basics.get(spec.name, "")) for spec in BASICS_FIELDS}
    raw["romeCode"] = cv.content.get("romeCode", "")
    for spec in LOCATION_FIELDS:
        raw[f"location-{spec.name}"] = basics["location"].get(spec.name, "")
    for index in range(MAX_PROFILES):
        profile = basics["profiles"][index] if index < len(basics["profiles"]) else {}
        for spec in PROFILE_FIELDS:
            raw[f"profiles-{index}-{spec.name}"] = profile.get(spec.name, "")
    raw["photoVisible"] = "1" if cv.content.get("photoVisible", True) else ""
    return raw


def identity_page(
    cv: CV,
    raw: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    photo_error: str = "",
    status: int | None = None,
) -> tuple[str, int]:
    raw = raw if raw is not None else _basics_raw(cv)
    filled = sum(
        1
        for index in range(MAX_PROFILES)
        if any(raw.get(f"profiles-{index}-{spec.name}") for spec in PROFILE_FIELDS)
    )
    return render_template(
        "cv_builder/identity.html",
        raw=raw,
        errors=errors or {},
        photo_error=photo_error,
        basics_fields=BASICS_FIELDS,
        location_fields=LOCATION_FIELDS,
        profile_fields=PROFILE_FIELDS,
        profile_rows=min(MAX_PROFILES, filled + 1),
        rome_label=rome_labels().get(cv.content.get("romeCode", "")),
        photo=services.photo_of(cv),
        photo_max_kb=services.setting("PHOTO_MAX_BYTES") // 1024,
        **page_context(cv),
    ), status or (422 if errors or photo_error else 200)


@bp.route("/cv/<int:cv_id>/coordonnees", methods=["GET", "POST"])
@login_required
def identity(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    if request.method == "GET":
        return identity_page(cv)
    result = forms.read_basics(request.form)
    if not result.ok:
        return identity_page(cv, result.raw, result.errors)
    data = result.data or {}
    rome_code, photo_visible = data.pop("romeCode"), data.pop("photoVisible")
    try:
        changed = cv_content.set_basics(cv.content, data, rome_code, photo_visible)
    except cv_content.ContentError as error:
        return identity_page(cv, result.raw, {"name": str(error)})
    services.save_content(cv, changed)
    flash("Identité et coordonnées enregistrées.", "success")
    return _editor(cv, "identite")


@bp.post("/cv/<int:cv_id>/photo")
@login_required
def upload_photo(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return identity_page(cv, photo_error="Choisissez une photo (JPEG, PNG ou WebP).")
    limit = services.setting("PHOTO_MAX_BYTES")
    try:
        services.set_photo(cv, upload.stream.read(limit + 1))
    except photos.ImageRejected as error:
        return identity_page(cv, photo_error=str(error))
    flash("Photo enregistrée.", "success")
    return redirect(url_for("cv_builder.identity", cv_id=cv.id, _anchor="photo"), code=303)


@bp.post("/cv/<int:cv_id>/photo/supprimer")
@login_required
def delete_photo(cv_id: int) -> Response:
    cv = cv_or_404(cv_id)
    services.remove_photo(cv)
    flash("Photo supprimée.", "success")
    return redirect(url_for("cv_builder.identity", cv_id=cv.id, _anchor="photo"), code=303)


# -- sections ------------------------------------------------------------------------------


def section_page(
    cv: CV,
    section: dict[str, Any],
    raw: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> tuple[str, int]:
    if raw is None:
        raw = {"title": section.get("title", ""), "summary": cv.content["basics"]["summary"]}
    return render_template(
        "cv_builder/section.html",
        section=section,
        kind=SECTION_KINDS[section["kind"]],
        raw=raw,
        errors=errors or {},
        summary_max=SUMMARY_MAX,
        **page_context(cv),
    ), (422 if errors else 200)


@bp.route("/cv/<int:cv_id>/rubriques/<section_id>", methods=["GET", "POST"])
@login_required
def section(cv_id: int, section_id: str) -> Response | tuple[str, int]:
    """The section's items; its POST saves the summary's text or the section's title."""
    cv = cv_or_404(cv_id)
    found = section_or_404(cv, section_id)
    if request.method == "GET":
        return section_page(cv, found)
    if "summary" in request.form and found["kind"] == "summary":
        result = forms.read_text(request.form, "summary", SUMMARY_MAX, multiline=True)
        if not result.ok:
            return section_page(cv, found, result.raw, result.errors)
        services.save_content(cv, cv_content.set_summary(cv.content, result.data["summary"]))  # type: ignore[index]
        flash("Profil enregistré.", "success")
        return _editor(cv, f"rubrique-{section_id}")
    result = forms.read_section_title(request.form, required=found["kind"] == "custom")
    if not result.ok:
        return section_page(cv, found, result.raw, result.errors)
    services.save_content(
        cv,
        cv_content.set_section_title(cv.content, section_id, result.data["title"]),  # type: ignore[index]
    )
    flash("Titre de la rubrique enregistré.", "success")
    return redirect(_section_page_url(cv, section_id), code=303)


@bp.post("/cv/<int:cv_id>/rubriques")
@login_required
def add_section(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    result = forms.read_section_title(request.form, required=True)
    if not result.ok:
        return render_template(
            "cv_builder/editor.html",
            raw={"section-title": result.raw["title"]},
            errors={"section-title": result.errors["title"]},
            **page_context(cv),
        ), 422
    try:
        changed, section_id = cv_content.add_custom_section(cv.content, result.data["title"])  # type: ignore[index]
    except cv_content.ContentError as error:
        return render_template(
            "cv_builder/editor.html",
            raw={"section-title": result.raw["title"]},
            errors={"section-title": str(error)},
            **page_context(cv),
        ), 409
    services.save_content(cv, changed)
    flash("Rubrique ajoutée. Ajoutez-lui des éléments.", "success")
    return redirect(_section_page_url(cv, section_id), code=303)


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/deplacer")
@login_required
def move_section(cv_id: int, section_id: str) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    section_or_404(cv, section_id)
    direction = DIRECTIONS.get(request.form.get("sens", ""))
    if direction is None:
        return _bad_direction(cv)
    services.save_content(cv, cv_content.move_section(cv.content, section_id, direction))
    return _editor(cv, f"rubrique-{section_id}")


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/visibilite")
@login_required
def toggle_section(cv_id: int, section_id: str) -> Response:
    cv = cv_or_404(cv_id)
    section_or_404(cv, section_id)
    visible = request.form.get("visible") == "1"
    services.save_content(cv, cv_content.set_section_visible(cv.content, section_id, visible))
    return _back(cv, url_for("cv_builder.editor", cv_id=cv.id, _anchor=f"rubrique-{section_id}"))


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/supprimer")
@login_required
def delete_section(cv_id: int, section_id: str) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    found = section_or_404(cv, section_id)
    if found["kind"] != "custom":
        return render_template(
            "cv_builder/refused.html",
            message="Cette rubrique ne peut pas être supprimée : masquez-la si vous ne "
            "voulez pas qu'elle apparaisse sur le CV.",
            cv=cv,
        ), 409
    services.save_content(cv, cv_content.delete_section(cv.content, section_id))
    flash(f"Rubrique « {cv_content.section_title(found)} » supprimée.", "success")
    return _editor(cv, "rubriques")


def _bad_direction(cv: CV) -> tuple[str, int]:
    return render_template(
        "cv_builder/refused.html",
        message="Sens inconnu : le champ « sens » doit valoir « haut » ou « bas ».",
        cv=cv,
    ), 422


# -- items ---------------------------------------------------------------------------------


def item_page(
    cv: CV,
    section: dict[str, Any],
    item_id: str | None,
    raw: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    return render_template(
        "cv_builder/item.html",
        section=section,
        kind=SECTION_KINDS[section["kind"]],
        item_id=item_id,
        raw=raw,
        errors=errors or {},
        **page_context(cv),
    ), status or (422 if errors else 200)


@bp.route("/cv/<int:cv_id>/rubriques/<section_id>/ajouter", methods=["GET", "POST"])
@login_required
def new_item(cv_id: int, section_id: str) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    found = section_or_404(cv, section_id)
    kind = SECTION_KINDS[found["kind"]]
    if not kind.has_items:
        return redirect(_section_page_url(cv, section_id), code=303)
    if request.method == "GET":
        return item_page(cv, found, None, {spec.name: "" for spec in kind.fields})
    return _save_item(cv, found, None)


@bp.route("/cv/<int:cv_id>/rubriques/<section_id>/elements/<item_id>", methods=["GET", "POST"])
@login_required
def item(cv_id: int, section_id: str, item_id: str) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    found = section_or_404(cv, section_id)
    existing = item_or_404(found, item_id)
    if request.method == "GET":
        kind = SECTION_KINDS[found["kind"]]
        raw = {spec.name: raw_value(spec, existing.get(spec.name, "")) for spec in kind.fields}
        return item_page(cv, found, item_id, raw)
    return _save_item(cv, found, item_id)


def _save_item(cv: CV, section: dict[str, Any], item_id: str | None) -> Response | tuple[str, int]:
    result = forms.read_item(section["kind"], request.form)
    if not result.ok:
        return item_page(cv, section, item_id, result.raw, result.errors)
    try:
        changed, saved_id = cv_content.save_item(
            cv.content, section["id"], item_id, result.data or {}
        )
    except cv_content.ContentError as error:
        return item_page(cv, section, item_id, result.raw, status=409, errors={"_form": str(error)})
    services.save_content(cv, changed)
    title = cv_content.item_title(section["kind"], result.data or {})
    flash(f"« {title} » enregistré.", "success")
    return redirect(_section_page_url(cv, section["id"], f"element-{saved_id}"), code=303)


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/elements/<item_id>/deplacer")
@login_required
def move_item(cv_id: int, section_id: str, item_id: str) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    item_or_404(section_or_404(cv, section_id), item_id)
    direction = DIRECTIONS.get(request.form.get("sens", ""))
    if direction is None:
        return _bad_direction(cv)
    services.save_content(cv, cv_content.move_item(cv.content, section_id, item_id, direction))
    return redirect(_section_page_url(cv, section_id, f"element-{item_id}"), code=303)


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/elements/<item_id>/visibilite")
@login_required
def toggle_item(cv_id: int, section_id: str, item_id: str) -> Response:
    cv = cv_or_404(cv_id)
    item_or_404(section_or_404(cv, section_id), item_id)
    visible = request.form.get("visible") == "1"
    services.save_content(cv, cv_content.set_item_visible(cv.content, section_id, item_id, visible))
    return redirect(_section_page_url(cv, section_id, f"element-{item_id}"), code=303)


@bp.post("/cv/<int:cv_id>/rubriques/<section_id>/elements/<item_id>/supprimer")
@login_required
def delete_item(cv_id: int, section_id: str, item_id: str) -> Response:
    cv = cv_or_404(cv_id)
    found = section_or_404(cv, section_id)
    removed = item_or_404(found, item_id)
    services.save_content(cv, cv_content.delete_item(cv.content, section_id, item_id))
    flash(f"« {cv_content.item_title(found['kind'], removed)} » supprimé.", "success")
    return redirect(_section_page_url(cv, section_id), code=303)


# -- preview -------------------------------------------------------------------------------


@bp.get("/cv/<int:cv_id>/apercu")
@login_required
def preview(cv_id: int) -> str:
    cv = cv_or_404(cv_id)
    return render_template(
        "cv_builder/preview.html",
        cv=cv,
        document=preview_document(cv, heading=2),
        cvh=rendering.HELPERS,
        pdf_available=rendering.pdf_available(),
    )


@bp.post("/cv/<int:cv_id>/apercu")
@login_required
def live_preview(cv_id: int) -> Response:
    """The CV with the form being typed applied, as HTML for preview.js; nothing is saved."""
    cv = cv_or_404(cv_id)
    content = copy.deepcopy(cv.content)
    target = request.form.get("apercu", "")
    kind_name, _, rest = target.partition(":")
    if kind_name == "identite":
        basics = forms.lenient_basics(request.form)
        content["basics"] = {**basics, "summary": content["basics"]["summary"]}
        content["photoVisible"] = bool(request.form.get("photoVisible"))
    elif kind_name == "profil":
        summary = clean_text(request.form.get("summary", ""), multiline=True)
        content["basics"]["summary"] = summary[:SUMMARY_MAX]
    elif kind_name == "element":
        section_id, _, item_id = rest.partition(":")
        found = section_or_404(cv, section_id)
        values = forms.lenient_item(found["kind"], request.form)
        section = cv_content.find_section(content, section_id)
        assert section is not None
        existing = cv_content.find_item(section, item_id) if item_id else None
        if existing is not None:
            existing.update(values)
        else:
            section["items"].append({"id": "apercu", "visible": True, **values})
    html = rendering.render_document_html(preview_document(cv, content, heading=3))
    return Response(html, mimetype="text/html")
