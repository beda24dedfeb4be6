"""The catalogue: organisations, themes (with sub-themes) and service listings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore.database import db, utcnow


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ListingKind(enum.StrEnum):
    BUILTIN = "builtin"
    PARTNER = "partner"


PLATFORMS = ("web", "android", "ios")
AUDIENCES = (
    "tous",
    "jeunes",
    "etudiants",
    "cadres",
    "seniors",
    "reconversion",
    "handicap",
    "createurs",
)


class OrganisationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Organisation(db.Model):
    """A provider of services; partners apply for one and an administrator approves it.

    Organisations that come from catalog.yaml are approved from the start.
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    website: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=OrganisationStatus.APPROVED.value)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED.value

    listings: Mapped[list[Listing]] = relationship(back_populates="organisation")


class Theme(db.Model):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )

    parent: Mapped[Theme | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Theme]] = relationship(
        back_populates="parent", order_by="Theme.position", cascade="all, delete-orphan"
    )

    @property
    def top(self) -> Theme:
        return self.parent or self


listing_extra_theme = Table(
    "listing_extra_theme",
    db.metadata,
    Column("listing_id", ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Listing(db.Model):
    """A service in the store: a built-in plugin or a partner's web or mobile service."""

    __tablename__ = "listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    promise: Mapped[str] = mapped_column(String(140))
    description: Mapped[str] = mapped_column(Text, default="")
    # Rendered from ``description`` and sanitised when saved, never at display time.
    description_html: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=ListingKind.PARTNER.value)
    plugin: Mapped[str | None] = mapped_column(String(60))
    launch_url: Mapped[str | None] = mapped_column(String(500))
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_free: Mapped[bool] = mapped_column(default=True)
    price: Mapped[str] = mapped_column(String(120), default="")
    on_web: Mapped[bool] = mapped_column(default=True)
    on_android: Mapped[bool] = mapped_column(default=False)
    on_ios: Mapped[bool] = mapped_column(default=False)
    logo: Mapped[str | None] = mapped_column(String(300))
    screenshots: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=ListingStatus.DRAFT.value, index=True)
    featured: Mapped[bool] = mapped_column(default=False)
    featured_position: Mapped[int] = mapped_column(default=0)
    # Counters kept in step by single UPDATE statements (see engagement.services).
    launch_count: Mapped[int] = mapped_column(default=0)
    favourite_count: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # A partner service that needs the seeker signed in: launching goes through the OpenID
    # Connect third-party-initiated log-in of this client (see oauth/launch.py).
    sign_in_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_client.id", ondelete="SET NULL"), default=None
    )

    theme: Mapped[Theme] = relationship()
    organisation: Mapped[Organisation] = relationship(back_populates="listings")
    extra_themes: Mapped[list[Theme]] = relationship(secondary=listing_extra_theme)

    @property
    def platforms(self) -> list[str]:
        flags = (self.on_web, self.on_android, self.on_ios)
        return [name for name, on in zip(PLATFORMS, flags, strict=True) if on]

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def main_theme(self) -> Theme:
        return self.theme.top


class CatalogState(db.Model):
    """A single row whose version changes whenever what visitors see changes.

    Page caches in every worker compare it to decide whether a cached page is stale.
    """

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
