"""Payload types that plugins return from hooks (re-exported by ``emploistore``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO


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


@dataclass(frozen=True)
class SourceRow:
    """One offer read from a source's file: its normalised fields, or why it was refused.

    ``line`` is where the row starts in the file (1-based line, or the item's position for
    formats without lines). ``fields`` uses the normalised offer keys documented in
    docs/plugins/hooks.md (``job_offer_sources``); ``error`` is a French reason.
    """

    line: int
    fields: Mapping[str, Any] | None = None
    error: str = ""


@dataclass(frozen=True)
class JobOfferSource:
    """A feed of job offers the job search imports (``emploistore jobs import NAME FILE``).

    ``read`` turns an open binary file into SourceRow entries, one per offer, and must not
    stop at a bad row: it yields a SourceRow with ``error`` and goes on. ``own`` marks the
    agency's own postings (shown first when the same offer comes from several sources).
    ``full_feed`` means each file holds every live offer of the source, so an offer missing
    from the file is withdrawn.
    """

    name: str
    label: str
    read: Callable[[BinaryIO], Iterable[SourceRow]]
    own: bool = False
    full_feed: bool = True
    website: str = ""


@dataclass(frozen=True)
class PublicEndpoint:
    """A read-only route of the public API that a plugin serves under ``/api/v1``.

    ``rule`` is a Flask rule relative to ``/api/v1`` (``/jobs``, ``/jobs/<int:job_id>``);
    ``openapi_path`` the same path in OpenAPI form (``/jobs/{job_id}``); ``operation`` the
    OpenAPI operation object of its GET (summary, parameters, responses) — or a function
    returning it, called in the request for ``/api/v1/openapi.json`` when it depends on
    data — and ``schemas`` the components it refers to as ``#/components/schemas/<name>``.
    """

    rule: str
    view: Callable[..., Any]
    openapi_path: str
    operation: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    schemas: Mapping[str, Mapping[str, Any]] | None = None
