"""Search services: documents from the database, the single writer, catalogue queries."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from typing import Any

from flask import Flask, current_app, has_request_context
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from emploistore.catalog.models import Listing, ListingStatus
from emploistore.database import db
from emploistore.plugins.manager import plugin_host
from emploistore.search.interfaces import (
    IndexLocked,
    SearchBackend,
    SearchQuery,
    SearchResults,
)
from emploistore.search.models import SearchOutboxEntry
from emploistore.search.outbox import listing_key
from emploistore.search.whoosh_backend import WhooshCatalogSearch

EXTENSION_KEY = "emploistore.search"
OUTBOX_BATCH = 500
log = logging.getLogger(__name__)


def init_search(app: Flask, backend: SearchBackend | None = None) -> None:
    app.extensions[EXTENSION_KEY] = backend or WhooshCatalogSearch(app.config["SEARCH_INDEX_PATH"])


def search_backend() -> SearchBackend:
    return current_app.extensions[EXTENSION_KEY]


def listing_document(listing: Listing) -> dict[str, Any]:
    """What the index knows of a listing; only published listings are indexed."""
    themes = {listing.theme.slug, listing.main_theme.slug}
    for extra in listing.extra_themes:
        themes |= {extra.slug, extra.top.slug}
    organisation = listing.organisation
    return {
        "key": listing_key(listing.id),
        "doctype": "listing",
        "title": listing.name,
        "promise": listing.promise,
        "body": f"{listing.description}\n{organisation.name}",
        "words": f"{listing.name} {listing.promise} {organisation.name}",
        "themes": ",".join(sorted(themes)),
        "provider": organisation.slug,
        "free": "1" if listing.is_free else "0",
        "platforms": ",".join(listing.platforms),
        "plugin": listing.plugin,
    }


def _published_listings() -> Any:
    return (
        select(Listing)
        .where(Listing.status == ListingStatus.PUBLISHED.value)
        .options(
            selectinload(Listing.theme),
            selectinload(Listing.extra_themes),
            selectinload(Listing.organisation),
        )
    )


def all_documents() -> Iterator[Mapping[str, Any]]:
    for listing in db.session.scalars(_published_listings()):
        yield listing_document(listing)
    host = plugin_host(current_app)
    # Reindexing runs from the command line too: give plugins a request context so that
    # url_for builds their (relative) URLs.
    with nullcontext() if has_request_context() else current_app.test_request_context("/"):
        contributed = host.call_each("search_documents")
    for plugin_name, documents in contributed:
        for document in documents:
            yield {
                "key": f"plugin:{plugin_name}:{document.key}",
                "doctype": "plugin",
                "title": document.title,
                "body": document.text,
                "words": document.title,
                "plugin": plugin_name,
                "url": document.url,
            }


def reindex() -> int:
    """Rebuild the whole index from the database (the source of truth)."""
    last_queued = db.session.scalar(select(func.max(SearchOutboxEntry.id))) or 0
    count = search_backend().rebuild(all_documents())
    db.session.execute(delete(SearchOutboxEntry).where(SearchOutboxEntry.id <= last_queued))
    db.session.commit()
    sync_search_index()
    return count


def sync_search_index() -> int:
    """Apply queued changes to the index, if no other process is writing it.

    When another process holds the writer lock it will see our rows: it re-reads the
    outbox after releasing the lock, and our rows were committed before we tried.
    """
    applied = 0
    backend = search_backend()
    while True:
        entries = db.session.scalars(
            select(SearchOutboxEntry).order_by(SearchOutboxEntry.id).limit(OUTBOX_BATCH)
        ).all()
        if not entries:
            return applied
        last_id = entries[-1].id
        listing_ids = {
            int(e.doc_key.split(":", 1)[1]) for e in entries if e.doc_key.startswith("listing:")
        }
        listings = {
            listing.id: listing
            for listing in db.session.scalars(
                _published_listings().where(Listing.id.in_(listing_ids))
            )
        }
        try:
            with backend.writing() as writer:
                for listing_id in listing_ids:
                    if listing_id in listings:
                        writer.upsert(listing_document(listings[listing_id]))
                    else:
                        writer.delete(listing_key(listing_id))
        except IndexLocked:
            db.session.rollback()
            return applied
        except Exception:
            # The index is damaged: keep the rows; `emploistore reindex` repairs and drains.
            log.exception("the search index could not be updated")
            db.session.rollback()
            return applied
        db.session.execute(delete(SearchOutboxEntry).where(SearchOutboxEntry.id <= last_id))
        db.session.commit()
        applied += len(listing_ids)


def commit_and_index() -> None:
    """Commit the session, then bring the index in step with what was committed."""
    db.session.commit()
    sync_search_index()


def search_catalog(
    text: str,
    filters: Mapping[str, str] | None = None,
    page: int = 1,
    per_page: int = 20,
    doctype: str = "listing",
) -> SearchResults:
    return search_backend().search(
        SearchQuery(
            text=text,
            filters=dict(filters or {}),
            active_plugins=plugin_host(current_app).active_names(),
            doctype=doctype,
            page=page,
            per_page=per_page,
        )
    )
