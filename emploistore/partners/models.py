"""Partners: organisation members and domains, listing revisions, media and daily views."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing, Organisation
from emploistore.database import db, utcnow


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Membership(db.Model):
    __tablename__ = "organisation_member"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER.value


class OrganisationDomain(db.Model):
    """A domain the organisation publishes on; only verified ones may be used in listings."""

    __tablename__ = "organisation_domain"
    __table_args__ = (UniqueConstraint("organisation_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class RevisionState(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


OPEN_STATES = (RevisionState.DRAFT.value, RevisionState.CHANGES_REQUESTED.value)


class ListingRevision(db.Model):
    """One proposed version of a partner listing: its manifest and the review decision.

    A listing has at most one open revision (draft, changes requested or pending). The
    published listing is never touched until an administrator approves a revision.
    """

    __tablename__ = "listing_revision"
    __table_args__ = (UniqueConstraint("listing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=RevisionState.DRAFT.value, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    reason: Mapped[str] = mapped_column(Text, default="")

    listing: Mapped[Listing] = relationship()
    decided_by: Mapped[User | None] = relationship()


class MediaFile(db.Model):
    """An uploaded image, re-encoded; stored in the database so every server can serve it."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    mimetype: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListingDayViews(db.Model):
    """How many times a service page was shown on a day (for partner statistics)."""

    __tablename__ = "listing_day_views"
    __table_args__ = (UniqueConstraint("listing_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column()
    views: Mapped[int] = mapped_column(default=0)


Index("ix_listing_revision_listing_state", ListingRevision.listing_id, ListingRevision.state)
