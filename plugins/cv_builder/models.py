"""CVs, their photos and their share links (cv_builder_ tables).

A CV's sections live in one JSON document (``content``, shaped in content.py): a CV is read
and written whole, sections are reordered as a list, and JSON Resume maps onto it directly.
``version`` makes SQLAlchemy check that nobody else changed the row between read and write
(two workers saving the same CV at once cannot silently lose one of the changes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore import db, utcnow


class CV(db.Model):
    __tablename__ = "cv_builder_cv"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(20), default="classique")
    paper: Mapped[str] = mapped_column(String(10), default="a4")
    locked: Mapped[bool] = mapped_column(default=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    photo: Mapped[CVPhoto | None] = relationship(
        back_populates="cv", cascade="all, delete-orphan", passive_deletes=True, lazy="select"
    )
    shares: Mapped[list[ShareLink]] = relationship(
        back_populates="cv", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API


class CVPhoto(db.Model):
    """The re-encoded photo (WebP), one per CV; a separate row so lists never load it."""

    __tablename__ = "cv_builder_photo"

    cv_id: Mapped[int] = mapped_column(
        ForeignKey("cv_builder_cv.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mimetype: Mapped[str] = mapped_column(String(40), default="image/webp")
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))  # the ETag
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    cv: Mapped[CV] = relationship(back_populates="photo")


class ShareLink(db.Model):
    """A private link to read one CV; only the SHA-256 of its random token is stored."""

    __tablename__ = "cv_builder_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    cv_id: Mapped[int] = mapped_column(
        ForeignKey("cv_builder_cv.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    view_count: Mapped[int] = mapped_column(default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(default=None)

    cv: Mapped[CV] = relationship(back_populates="shares")

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"
