"""CVs of one person: every function takes the owner's id or a CV already found through it.

Views and the delegated API (``list_cvs``, ``json_resume_for``) go through these functions,
so no query reads a CV without its owner's id.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select

from cv_builder import content as cv_content
from cv_builder import json_resume, photos
from cv_builder.models import CV, CVPhoto, ShareLink
from cv_builder.schemas import PAPERS, TEMPLATES
from cv_builder.sections import CV_TITLE_MAX
from emploistore import db, utcnow

DEFAULTS: dict[str, Any] = {
    "MAX_CVS": 20,  # per person
    "IMPORT_MAX_BYTES": json_resume.IMPORT_MAX_BYTES,
    "PHOTO_MAX_BYTES": photos.PHOTO_MAX_BYTES,
}


class CVLocked(RuntimeError):
    """The CV is locked: it cannot be changed or deleted until it is unlocked."""


class LimitReached(RuntimeError):
    """A per-person limit; the message is French."""


def setting(name: str) -> Any:
    """``CV_BUILDER = {"MAX_CVS": 20, ...}`` in the app config overrides the defaults."""
    settings = (current_app.config.get("CV_BUILDER") or {}) if has_app_context() else {}
    return settings.get(name, DEFAULTS[name])


# -- reading ------------------------------------------------------------------------------


def list_cvs(user_id: int) -> list[CV]:
    """The person's CVs, most recently changed first (the delegated API lists these)."""
    return list(
        db.session.scalars(
            select(CV).where(CV.user_id == user_id).order_by(CV.updated_at.desc(), CV.id.desc())
        )
    )


def get_cv(user_id: int, cv_id: int) -> CV | None:
    """One CV of this person, or None (another person's CV is "not found", never "forbidden")."""
    return db.session.scalar(select(CV).where(CV.id == cv_id, CV.user_id == user_id))


def photo_of(cv: CV) -> CVPhoto | None:
    return db.session.get(CVPhoto, cv.id)


def to_json_resume(cv: CV, *, include_hidden: bool = True) -> dict[str, Any]:
    photo = photo_of(cv)
    return json_resume.to_json_resume(
        title=cv.title,
        template=cv.template,
        paper=cv.paper,
        updated_at=cv.updated_at,
        content=cv.content,
        photo=photo.data if photo else None,
        include_hidden=include_hidden,
    )


def json_resume_for(user_id: int, cv_id: int, *, include_hidden: bool = False) -> dict | None:
    """The CV as a JSON Resume v1 document, or None when it is not this person's CV.

    For the delegated API (``GET /api/v1/me/cvs/{id}``, scope ``cv:read``): by default only
    what the CV shows (hidden sections and items are left out); our extra fields are under
    ``"x-emploistore"``; the photo, when shown, is a ``data:image/webp;base64,…`` URI.
    """
    cv = get_cv(user_id, cv_id)
    return None if cv is None else to_json_resume(cv, include_hidden=include_hidden)


def summary_of(user_id: int) -> tuple[int, CV | None]:
    """How many CVs the person has, and the one changed last (for the home card)."""
    count = db.session.scalar(select(func.count(CV.id)).where(CV.user_id == user_id)) or 0
    latest = db.session.scalar(
        select(CV).where(CV.user_id == user_id).order_by(CV.updated_at.desc()).limit(1)
    )
    return count, latest


# -- writing ------------------------------------------------------------------------------


def _check_room(user_id: int) -> None:
    count = db.session.scalar(select(func.count(CV.id)).where(CV.user_id == user_id)) or 0
    if count >= setting("MAX_CVS"):
        raise LimitReached(
            f"Vous avez déjà {count} CV : c'est le maximum. Supprimez-en un pour en créer un autre."
        )


def _title(text: str) -> str:
    return " ".join(text.split())[:CV_TITLE_MAX]


def create_cv(user_id: int, title: str, *, name: str = "", email: str = "") -> CV:
    _check_room(user_id)
    cv = CV(
        user_id=user_id,
        title=_title(title) or "Mon CV",
        template=next(iter(TEMPLATES)),
        paper=next(iter(PAPERS)),
        content=cv_content.new_content(name=name[:150], email=email[:254]),
    )
    db.session.add(cv)
    db.session.commit()
    return cv


def duplicate_cv(cv: CV) -> CV:
    """A new, unlocked copy (the way to derive a targeted CV from a locked master)."""
    _check_room(cv.user_id)
    copy_title = _title(f"Copie de {cv.title}")
    twin = CV(
        user_id=cv.user_id,
        title=copy_title,
        template=cv.template,
        paper=cv.paper,
        content=copy.deepcopy(cv.content),
    )
    db.session.add(twin)
    db.session.flush()
    photo = photo_of(cv)
    if photo is not None:
        db.session.add(
            CVPhoto(
                cv_id=twin.id,
                data=photo.data,
                mimetype=photo.mimetype,
                width=photo.width,
                height=photo.height,
                sha256=photo.sha256,
            )
        )
    db.session.commit()
    return twin


def _editable(cv: CV) -> None:
    if cv.locked:
        raise CVLocked


def _touch(cv: CV) -> None:
    cv.updated_at = utcnow()


def rename_cv(cv: CV, title: str) -> None:
    _editable(cv)
    cv.title = _title(title) or cv.title
    _touch(cv)
    db.session.commit()


def set_template(cv: CV, template: str, paper: str) -> None:
    _editable(cv)
    if template not in TEMPLATES or paper not in PAPERS:
        raise ValueError("unknown template or paper")
    cv.template, cv.paper = template, paper
    _touch(cv)
    db.session.commit()


def set_locked(cv: CV, locked: bool) -> None:
    cv.locked = locked
    db.session.commit()


def delete_cv(cv: CV) -> None:
    _editable(cv)
    db.session.delete(cv)
    db.session.commit()


def save_content(cv: CV, content: dict[str, Any]) -> None:
    """Store a changed document (made by the functions of content.py)."""
    _editable(cv)
    cv_content.check_size(content)
    cv.content = content
    _touch(cv)
    db.session.commit()


def set_photo(cv: CV, data: bytes) -> None:
    """Check, re-encode and store a photo; raise photos.ImageRejected (French message)."""
    _editable(cv)
    clean = photos.clean_photo(data, setting("PHOTO_MAX_BYTES"))
    _store_photo(cv, clean)
    _touch(cv)
    db.session.commit()


def _store_photo(cv: CV, clean: Any) -> None:
    photo = photo_of(cv)
    if photo is None:
        photo = CVPhoto(cv_id=cv.id)
        db.session.add(photo)
    photo.data, photo.mimetype = clean.data, clean.mimetype
    photo.width, photo.height, photo.sha256 = clean.width, clean.height, clean.sha256
    photo.updated_at = utcnow()


def remove_photo(cv: CV) -> None:
    _editable(cv)
    photo = photo_of(cv)
    if photo is not None:
        db.session.delete(photo)
        _touch(cv)
        db.session.commit()


def import_cv(user_id: int, raw: bytes) -> tuple[CV, list[str]]:
    """Create a CV from a JSON Resume file; raise json_resume.ImportRefused, storing nothing."""
    data = json_resume.read_upload(raw, setting("IMPORT_MAX_BYTES"))
    imported = json_resume.from_json_resume(data)
    clean = None
    if imported.photo is not None:
        try:
            clean = photos.clean_photo(imported.photo, setting("PHOTO_MAX_BYTES"))
        except photos.ImageRejected as error:
            raise json_resume.ImportRefused([f"Photo (basics.image) : {error}"]) from None
    try:
        _check_room(user_id)
    except LimitReached as error:
        raise json_resume.ImportRefused([str(error)], 409) from None
    cv = CV(
        user_id=user_id,
        title=_title(imported.title) or "CV importé",
        template=imported.template,
        paper=imported.paper,
        content=imported.content,
    )
    db.session.add(cv)
    db.session.flush()
    if clean is not None:
        _store_photo(cv, clean)
    db.session.commit()
    return cv, imported.notices


def export_user(user_id: int) -> dict[str, Any]:
    """Everything kept about the person, for "Télécharger mes données"."""

    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat() + "Z" if moment else None

    rows = []
    for cv in list_cvs(user_id):
        shares = db.session.scalars(
            select(ShareLink).where(ShareLink.cv_id == cv.id).order_by(ShareLink.id)
        )
        rows.append(
            {
                "title": cv.title,
                "locked": cv.locked,
                "created_at": stamp(cv.created_at),
                "updated_at": stamp(cv.updated_at),
                "resume": to_json_resume(cv),
                "share_links": [
                    {
                        "created_at": stamp(share.created_at),
                        "expires_at": stamp(share.expires_at),
                        "revoked_at": stamp(share.revoked_at),
                        "views": share.view_count,
                        "last_viewed_at": stamp(share.last_viewed_at),
                    }
                    for share in shares
                ],
            }
        )
    return {"cvs": rows}
