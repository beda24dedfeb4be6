"""Reading the filters, sorting and page of a catalogue page from its query string.

Pages are forgiving (a bad value is ignored, as a person may have edited the URL);
the API is strict and answers 400 instead (see emploistore.catalog.schemas).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from emploistore.catalog.models import PLATFORMS
from emploistore.catalog.services import SORTS

MAX_PAGE = 1000


@dataclass
class PageQuery:
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = "pertinence"
    page: int = 1

    def search_filters(self) -> dict[str, str]:
        return search_terms(self.filters)


def search_terms(filters: Mapping[str, Any], theme_slug: str | None = None) -> dict[str, str]:
    """Catalogue filters (free, platform, provider, theme) in the search index's terms."""
    terms = {}
    if filters.get("free") is not None:
        terms["free"] = "1" if filters["free"] else "0"
    if filters.get("platform"):
        terms["platforms"] = filters["platform"]
    if filters.get("provider"):
        terms["provider"] = filters["provider"]
    if theme_slug:
        terms["themes"] = theme_slug
    return terms


def read_page_query(args: MultiDict[str, str]) -> PageQuery:
    query = PageQuery()
    free = args.get("gratuit")
    if free in {"1", "0"}:
        query.filters["free"] = free == "1"
    platform = args.get("plateforme")
    if platform in PLATFORMS:
        query.filters["platform"] = platform
    provider = args.get("fournisseur", "")
    if provider and len(provider) <= 60:
        query.filters["provider"] = provider
    if args.get("tri") in SORTS:
        query.sort = args["tri"]
    page = args.get("page", "1")
    query.page = min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1
    return query
