"""The plugin's blueprint and what every page shares: finding the person's CV, refusals.

Routes are registered on ``bp`` by views.py (CVs, exports), editor_views.py (sections,
items, identity, preview) and share_views.py (share links); hooks.py imports all three.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from cv_builder import content as cv_content
from cv_builder import rendering, services
from cv_builder.models import CV
from cv_builder.schemas import PAPERS, TEMPLATE_HINTS, TEMPLATES
from cv_builder.sections import LEVEL_LABELS, SECTION_KINDS
from emploistore import db

bp = Blueprint(
    "cv_builder",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix="/cv-builder",
)


def cv_or_404(cv_id: int) -> CV:
    """The signed-in person's CV; another person's CV id is answered 404, like a missing one."""
    cv = services.get_cv(current_user.id, cv_id)
    if cv is None:
        abort(404)
    return cv


def section_or_404(cv: CV, section_id: str) -> dict[str, Any]:
    section = cv_content.find_section(cv.content, section_id)
    if section is None:
        abort(404)
    return section


def item_or_404(section: dict[str, Any], item_id: str) -> dict[str, Any]:
    item = cv_content.find_item(section, item_id)
    if item is None:
        abort(404)
    return item


def photo_src(cv: CV) -> str | None:
    photo = services.photo_of(cv)
    if photo is None:
        return None
    return url_for("cv_builder.photo", cv_id=cv.id, v=photo.sha256[:12])


def preview_document(cv: CV, content: dict[str, Any] | None = None, heading: int = 3) -> Any:
    return rendering.build_document(
        content if content is not None else cv.content, cv.template, photo_src(cv), heading
    )


def page_context(cv: CV) -> dict[str, Any]:
    """What the editing pages share: the CV, its preview, labels."""
    return {
        "cv": cv,
        "document": preview_document(cv),
        "cvh": rendering.HELPERS,
        "kinds": SECTION_KINDS,
        "section_title": cv_content.section_title,
        "item_title": cv_content.item_title,
        "has_content": cv_content.has_content,
        "templates": TEMPLATES,
        "template_hints": TEMPLATE_HINTS,
        "papers": PAPERS,
        "level_labels": LEVEL_LABELS,
        "pdf_available": rendering.pdf_available(),
    }


def refusal(message: str, status: int, cv: CV | None = None) -> tuple[str, int]:
    return render_template("cv_builder/refused.html", message=message, cv=cv), status


@bp.errorhandler(services.CVLocked)
def locked(_error: services.CVLocked) -> tuple[str, int]:
    db.session.rollback()
    cv_id = (request.view_args or {}).get("cv_id")
    cv = services.get_cv(current_user.id, cv_id) if cv_id else None
    return refusal(
        "Ce CV est verrouillé : il ne peut être ni modifié ni supprimé. "
        "Déverrouillez-le, ou dupliquez-le pour créer une version à modifier.",
        409,
        cv,
    )


@bp.errorhandler(StaleDataError)
def changed_meanwhile(_error: StaleDataError) -> tuple[str, int]:
    db.session.rollback()
    return refusal(
        "Ce CV vient d'être modifié ailleurs (dans un autre onglet ?). "
        "Rechargez la page, puis recommencez.",
        409,
    )


@bp.after_request
def private_pages(response: Response) -> Response:
    """CVs are personal data: no shared cache keeps them, no search engine indexes them."""
    if request.endpoint != "cv_builder.static":
        response.headers.setdefault("Cache-Control", "private, no-store")
        if {"cv_id", "token"} & set(request.view_args or {}):
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    return response
