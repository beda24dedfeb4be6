"""Images of partner listings: the logo and screenshots of the open revision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from emploistore.admin.models import record_audit
from emploistore.catalog.models import Listing, Organisation
from emploistore.database import db, utcnow
from emploistore.images import CleanImage, ImageRejected, clean_image
from emploistore.partners.manifest import (
    MAX_SCREENSHOTS,
)
from emploistore.partners.models import ListingRevision, MediaFile
from emploistore.partners.publishing import PublishingError, editable_revision

LOGO_LIMITS = {"max_bytes": 1024 * 1024, "max_pixels": 4096 * 4096, "box": (512, 512)}
SCREENSHOT_LIMITS = {"max_bytes": 4 * 1024 * 1024, "max_pixels": 8000 * 8000, "box": (1600, 1600)}


def _store_image(organisation: Organisation, image: CleanImage) -> str:
    sha = image.sha256
    if db.session.scalar(select(MediaFile.id).where(MediaFile.sha256 == sha)) is None:
        db.session.add(
            MediaFile(
                sha256=sha,
                organisation_id=organisation.id,
                mimetype=image.mimetype,
                width=image.width,
                height=image.height,
                data=image.data,
            )
        )
    return sha


def _clean(data: bytes, limits: dict[str, Any], field_name: str) -> CleanImage:
    try:
        return clean_image(data, **limits)
    except ImageRejected as error:
        raise PublishingError(
            422,
            "Invalid upload",
            f"Invalid field(s): {field_name}.",
            {field_name: [error.english]},
        ) from error


def set_logo(listing: Listing, data: bytes, actor: str) -> ListingRevision:
    image = _clean(data, LOGO_LIMITS, "file")
    revision = editable_revision(listing, actor)
    sha = _store_image(listing.organisation, image)
    revision.manifest = {**revision.manifest, "logo": sha}
    revision.updated_at = utcnow()
    record_audit(
        "revision.logo",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        revision=revision.number,
    )
    return revision


def add_screenshot(listing: Listing, data: bytes, alt: str, actor: str) -> ListingRevision:
    alt = " ".join((alt or "").split())
    if not 5 <= len(alt) <= 200:
        raise PublishingError(
            422,
            "Invalid upload",
            "Invalid field(s): alt.",
            {"alt": ["Describe the screenshot in 5 to 200 characters (alt text)."]},
        )
    image = _clean(data, SCREENSHOT_LIMITS, "file")
    revision = editable_revision(listing, actor)
    shots = list(revision.manifest.get("screenshots") or [])
    if len(shots) >= MAX_SCREENSHOTS:
        raise PublishingError(
            422,
            "Invalid upload",
            "Invalid field(s): file.",
            {"file": [f"At most {MAX_SCREENSHOTS} screenshots."]},
        )
    shots.append({"image": _store_image(listing.organisation, image), "alt": alt})
    revision.manifest = {**revision.manifest, "screenshots": shots}
    revision.updated_at = utcnow()
    return revision


def remove_screenshot(listing: Listing, index: int, actor: str) -> ListingRevision:
    revision = editable_revision(listing, actor)
    shots = list(revision.manifest.get("screenshots") or [])
    if not 0 <= index < len(shots):
        raise PublishingError(404, "Not found", f"No screenshot at position {index}.")
    shots.pop(index)
    revision.manifest = {**revision.manifest, "screenshots": shots}
    revision.updated_at = utcnow()
    return revision


def media(sha: str) -> MediaFile | None:
    if len(sha) != 64:
        return None
    return db.session.scalar(select(MediaFile).where(MediaFile.sha256 == sha))
