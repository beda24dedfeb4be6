"""Catalogue queries for pages and the API: only what visitors may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from emploistore.catalog.models import (
    Listing,
    ListingKind,
    ListingStatus,
    Organisation,
    Theme,
    listing_extra_theme,
)
from emploistore.database import db
from emploistore.plugins.manager import plugin_host

SORTS = ("pertinence", "note", "nom", "recent")
# Bayesian prior for "most helpful": a few ratings pull a listing toward this average.
PRIOR_MEAN, PRIOR_WEIGHT = 3.5, 5


@dataclass
class ListingPage:
    items: list[Listing]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_listings() -> Select[tuple[Listing]]:
    """Published listings whose service can be launched (a built-in needs its plugin)."""
    active = sorted(plugin_host(current_app).active_names())
    return (
        select(Listing)
        .where(Listing.status == ListingStatus.PUBLISHED.value)
        .where(
            or_(
                Listing.kind == ListingKind.PARTNER.value,
                Listing.plugin.in_(active) if active else False,
            )
        )
        # Cards show the organisation: one JOIN rather than a second query per list.
        .options(joinedload(Listing.organisation))
    )


def top_themes() -> list[Theme]:
    return list(
        db.session.scalars(
            select(Theme)
            .where(Theme.parent_id.is_(None))
            .order_by(Theme.position, Theme.id)
            .options(selectinload(Theme.children))
        )
    )


def get_theme(slug: str) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def get_visible_listing(slug: str) -> Listing | None:
    return db.session.scalar(
        visible_listings().where(Listing.slug == slug).options(selectinload(Listing.extra_themes))
    )


def featured_listings(limit: int = 6) -> list[Listing]:
    return list(
        db.session.scalars(
            visible_listings()
            .where(Listing.featured.is_(True))
            .order_by(Listing.featured_position, Listing.name)
            .limit(limit)
        )
    )


def helpfulness() -> Any:
    """Average rating shrunk toward a prior, so one 5-star review does not top the list."""
    return (Listing.rating_sum + PRIOR_MEAN * PRIOR_WEIGHT) / (Listing.rating_count + PRIOR_WEIGHT)


def most_helpful(limit: int = 6) -> list[Listing]:
    return list(
        db.session.scalars(
            visible_listings()
            .where(Listing.rating_count > 0)
            .order_by(helpfulness().desc(), Listing.launch_count.desc(), Listing.name)
            .limit(limit)
        )
    )


def theme_ids(theme: Theme) -> list[int]:
    return [theme.id, *(child.id for child in theme.children)]


def in_theme(query: Select[Any], theme: Theme) -> Select[Any]:
    ids = theme_ids(theme)
    extra = select(listing_extra_theme.c.listing_id).where(listing_extra_theme.c.theme_id.in_(ids))
    return query.where(or_(Listing.theme_id.in_(ids), Listing.id.in_(extra)))


def apply_filters(query: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
    if filters.get("free") is not None:
        query = query.where(Listing.is_free.is_(bool(filters["free"])))
    platform = filters.get("platform")
    if platform:
        query = query.where(getattr(Listing, f"on_{platform}").is_(True))
    provider = filters.get("provider")
    if provider:
        query = query.join(Organisation, Listing.organisation_id == Organisation.id).where(
            Organisation.slug == provider
        )
    return query


def order(query: Select[Any], sort: str, theme: Theme | None = None) -> Select[Any]:
    if sort == "note":
        return query.order_by(helpfulness().desc(), Listing.name)
    if sort == "nom":
        return query.order_by(Listing.name)
    if sort == "recent":
        return query.order_by(Listing.published_at.desc(), Listing.id.desc())
    # "pertinence": the theme's own services first, then the most used.
    own_first = (
        case((Listing.theme_id.in_(theme_ids(theme)), 0), else_=1) if theme else Listing.id * 0
    )
    return query.order_by(
        own_first, Listing.featured.desc(), Listing.launch_count.desc(), Listing.name
    )


def listing_page(
    filters: Mapping[str, Any],
    sort: str = "pertinence",
    page: int = 1,
    per_page: int = 20,
    theme: Theme | None = None,
    themes: bool = False,
) -> ListingPage:
    query = apply_filters(visible_listings(), filters)
    if theme is not None:
        query = in_theme(query, theme)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    ordered = order(query, sort, theme).limit(per_page).offset((page - 1) * per_page)
    items = db.session.scalars(with_themes(ordered) if themes else ordered).all()
    return ListingPage(items=list(items), total=total or 0, page=page, per_page=per_page)


def providers_in(theme: Theme | None = None) -> list[Organisation]:
    """Organisations with at least one visible listing (in the theme), for filter menus."""
    listings = visible_listings()
    if theme is not None:
        listings = in_theme(listings, theme)
    ids = listings.with_only_columns(Listing.organisation_id).distinct().subquery()
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(select(ids))).order_by(Organisation.name)
        )
    )


@dataclass(frozen=True)
class ListingLink:
    """What a plugin needs to point a visitor to another service of the store."""

    slug: str
    name: str
    promise: str
    url: str


def listing_link(slug: str) -> ListingLink | None:
    """A link to a service page, or None when that service is not visible (for plugins)."""
    listing = db.session.scalar(visible_listings().where(Listing.slug == slug))
    if listing is None:
        return None
    return ListingLink(
        slug=listing.slug,
        name=listing.name,
        promise=listing.promise,
        url=url_for("catalog.service", slug=listing.slug),
    )


def with_themes(query: Select[Any]) -> Select[Any]:
    """Load every listing's themes with the list (the API shows them): no query per item."""
    return query.options(
        joinedload(Listing.theme).joinedload(Theme.parent), selectinload(Listing.extra_themes)
    )


def listings_by_ids(ids: Sequence[int], themes: bool = False) -> list[Listing]:
    """Visible listings in the given order (search results come back as ids)."""
    if not ids:
        return []
    query = visible_listings().where(Listing.id.in_(ids))
    rows = db.session.scalars(with_themes(query) if themes else query)
    found = {listing.id: listing for listing in rows}
    return [found[i] for i in ids if i in found]
