"""Payload types that plugins return from hooks (re-exported by ``emploistore``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page, under "Vos services"."""

    title: str
    text: str
    url: str
    link_label: str = "Ouvrir"


@dataclass(frozen=True)
class AccountTab:
    """A tab on the account page, linking to a page the plugin serves for that person."""

    label: str
    url: str


@dataclass(frozen=True)
class SearchDocument:
    """Content inside a service (a course, a lesson…) findable from the store's search.

    ``key`` is unique within the plugin; ``url`` is where the result links to.
    """

    key: str
    title: str
    text: str
    url: str


@dataclass(frozen=True)
class SeekerResource:
    """A job seeker's data that a partner may read, with the seeker's consent.

    The host serves it at ``GET /api/v1/me/<name>`` (``list_items(user_id)``: a list of
    JSON-ready summaries, each with an ``id``) and ``GET /api/v1/me/<name>/<id>``
    (``get_item(user_id, item_id)``: the item, or ``None`` when it is not that person's),
    to OAuth access tokens that carry ``scope`` — one of the store's delegation scopes
    (see emploistore/oauth/scopes.py), which the consent screen explains in French.
    """

    name: str
    scope: str
    list_items: Callable[[int], list[dict[str, Any]]]
    get_item: Callable[[int, int], dict[str, Any] | None]
    summary: str = ""
