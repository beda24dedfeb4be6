"""The plugin contract: every hook a plugin may implement.

Implement a hook with ``from emploistore import hookimpl`` and a module-level function of
the same name. Each hook below says when the host calls it and what to return. The host
calls hooks one implementation at a time and isolates failures: a plugin that raises is
logged with its name and marked on /admin/plugins, and the rest of the store keeps
serving. docs/plugins/hooks.md documents each hook for plugin authors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

import click
import pluggy
from flask import Blueprint, Flask

from emploistore.plugins.types import (
    AccountTab,
    HomeCard,
    JobOfferSource,
    PublicEndpoint,
    SearchDocument,
    SeekerResource,
)

hookspec = pluggy.HookspecMarker("emploistore")
hookimpl = pluggy.HookimplMarker("emploistore")


@hookspec
def register_listings() -> Iterable[Mapping[str, Any]]:
    """Called by ``emploistore catalog load`` (and ``init``).

    Return the plugin's catalogue listing(s), each a mapping in the format of a
    ``listings`` entry of catalog.yaml, with ``kind: builtin`` and ``plugin`` set to the
    plugin's name. A listing with the same slug in catalog.yaml wins, so operators can
    reword a plugin's listing without touching its code.
    """


@hookspec
def register_blueprints(app: Flask) -> Iterable[Blueprint]:
    """Called once while the app is created.

    Return the plugin's blueprint(s). The first must be named after the plugin; any
    other must be named ``<plugin>_<something>``. The URL prefix defaults to
    ``/<plugin-name-with-dashes>`` and must start with it. Templates go in
    ``templates/<plugin>/`` and static files in the blueprint's static folder.
    """


@hookspec
def register_models() -> Iterable[type]:
    """Called once while the app is created.

    Return the plugin's SQLAlchemy model classes (subclasses of ``emploistore.db.Model``).
    The host checks that each table name starts with ``<plugin>_``; a plugin whose tables
    break that rule is marked failed.
    """


@hookspec
def register_migrations() -> str | PathLike[str] | None:
    """Called once while the app is created.

    Return the path of the plugin's Alembic ``versions`` folder. Its first revision must
    have ``branch_labels = ("<plugin>",)`` and ``down_revision = None``; ``emploistore
    init`` upgrades every branch to its head.
    """


@hookspec
def register_commands() -> Iterable[click.Command]:
    """Called once while the app is created.

    Return click commands or groups to add to the ``emploistore`` command line. A name
    already taken by the host or another plugin is refused and logged.
    """


@hookspec
def search_documents() -> Iterable[SearchDocument]:
    """Called by ``emploistore reindex``.

    Return the content inside the plugin that the store's search should find (course
    titles, lessons…). They appear under "Dans les services" on the search page. The
    host provides a request context, so ``url_for`` builds the documents' URLs.
    """


@hookspec
def home_cards(user: Any) -> Iterable[HomeCard]:
    """Called when the home page is rendered; ``user`` is the signed-in user or ``None``.

    Return cards to show under "Vos services" (e.g. "Reprendre votre cours"). Keep it
    fast: the home page waits for every implementation. The page seen by visitors
    without a session is cached (at most PAGE_CACHE_MAX_AGE seconds), so cards for
    ``user=None`` must not depend on the request.
    """


@hookspec
def account_tabs(user: Any) -> Iterable[AccountTab]:
    """Called when the account page is shown; ``user`` is the signed-in user.

    Return tabs linking to the plugin's pages for this person (e.g. "Mes CV").
    """


@hookspec
def export_user_data(user: Any) -> Mapping[str, Any] | None:
    """Called when a person downloads their data (POST /compte/export).

    Return everything the plugin keeps about ``user``, as JSON-ready data (it appears
    under ``services.<plugin>`` in the file), or None when it keeps nothing. Data in the
    plugin's tables is deleted with the account through their foreign keys to
    ``user_account`` (declare them with ``ondelete="CASCADE"``).
    """


@hookspec
def seeker_resources() -> Iterable[SeekerResource]:
    """Called once while the app is created, after the plugins are loaded.

    Return the job seekers' data the plugin lets partners read with consent, as
    SeekerResource entries (e.g. ``SeekerResource("cvs", "cv:read", ...)``). The host
    serves each at ``/api/v1/me/<name>`` behind OAuth, checks the scope, answers 404 for
    an item that is not the token's person, and lists the routes in the OpenAPI
    document. The name must be unique and the scope one of the store's delegation scopes.
    """


@hookspec
def job_offer_sources() -> Iterable[JobOfferSource]:
    """Called when the job search imports a feed (``emploistore jobs import``) and when it
    lists its sources (``emploistore jobs sources``).

    Return the offer feeds the plugin provides, as JobOfferSource entries: a unique name
    (used on the command line and stored on each offer), a label shown to job seekers
    ("aussi publiée sur …") and a ``read`` function turning a file into SourceRow entries
    with the normalised offer fields. Names must be unique across plugins.
    """


@hookspec
def public_api() -> Iterable[PublicEndpoint]:
    """Called once while the app is created, after the plugins are loaded.

    Return the read-only public API routes the plugin serves under ``/api/v1`` (e.g.
    ``/jobs``), as PublicEndpoint entries. The host adds each GET route (refusing a path
    the store already serves, or ``/me`` and ``/partner``), answers 404 while the plugin
    is switched off, and lists the operation and its schemas in ``/api/v1/openapi.json``.
    Views return JSON responses; errors should be problem details (RFC 9457).
    """


@hookspec
def prepare_store(app: Flask) -> Iterable[str]:
    """Called by ``emploistore init`` and ``emploistore serve`` once the database schema is
    up to date and the catalogue loaded, before any worker starts (not in each worker).

    Return short lines saying what the plugin prepared (shown on the console), e.g. demo
    data loaded or a search index brought up to date. Must be idempotent: it runs at every
    start.
    """


@hookspec
def startup(app: Flask) -> None:
    """Called once, after every plugin is loaded and the app is ready, in each process.

    Return nothing. Use it for cheap checks and warm-ups; raise to report that the plugin
    cannot work (the plugin is then marked failed and its pages answer 404).
    """


__all__ = [
    "AccountTab",
    "HomeCard",
    "SearchDocument",
    "hookimpl",
    "hookspec",
]
