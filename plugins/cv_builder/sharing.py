"""Private share links: a random token in the URL, only its SHA-256 in the database.

The token (32 random bytes) is shown once, when the link is made; whoever holds it can read
the CV until the link expires or its owner cuts it. A lost link cannot be shown again: the
owner cuts it and makes a new one. Views are counted by one ``UPDATE … SET n = n + 1``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from cv_builder.models import CV, ShareLink
from emploistore import db, utcnow

EXPIRY_CHOICES: dict[int, str] = {
    1: "1 jour",
    7: "1 semaine",
    30: "1 mois",
    90: "3 mois",
    180: "6 mois",
}
DEFAULT_EXPIRY_DAYS = 30
MAX_ACTIVE_LINKS = 10  # per CV


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def shares_of(cv: CV) -> list[ShareLink]:
    return list(
        db.session.scalars(
            select(ShareLink).where(ShareLink.cv_id == cv.id).order_by(ShareLink.id.desc())
        )
    )


def create_share(cv: CV, days: int) -> tuple[ShareLink, str]:
    """A new link valid ``days`` days; returns it with its token (never stored)."""
    if days not in EXPIRY_CHOICES:
        raise ValueError("unknown expiry")
    now = utcnow()
    active = [share for share in shares_of(cv) if share.status(now) == "active"]
    if len(active) >= MAX_ACTIVE_LINKS:
        raise ValueError(
            f"Ce CV a déjà {MAX_ACTIVE_LINKS} liens actifs : "
            "coupez-en un avant d'en créer un autre."
        )
    token = secrets.token_urlsafe(32)
    share = ShareLink(cv_id=cv.id, token_hash=_hash(token), expires_at=now + timedelta(days=days))
    db.session.add(share)
    db.session.commit()
    return share, token


def revoke_share(cv: CV, share_id: int) -> bool:
    """Cut one link of this CV; False when the CV has no such link."""
    share = db.session.scalar(
        select(ShareLink).where(ShareLink.id == share_id, ShareLink.cv_id == cv.id)
    )
    if share is None:
        return False
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        db.session.commit()
    return True


def active_share(token: str) -> ShareLink | None:
    """The link for a token, if it exists, is not cut and has not expired."""
    if not token or len(token) > 100:
        return None
    now = utcnow()
    return db.session.scalar(
        select(ShareLink).where(
            ShareLink.token_hash == _hash(token),
            ShareLink.revoked_at.is_(None),
            ShareLink.expires_at > now,
        )
    )


def count_view(share: ShareLink) -> None:
    db.session.execute(
        update(ShareLink)
        .where(ShareLink.id == share.id)
        .values(view_count=ShareLink.view_count + 1, last_viewed_at=utcnow())
    )
    db.session.commit()
