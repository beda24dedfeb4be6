"""Queue index changes in the caller's database transaction."""

from __future__ import annotations

from emploistore.database import db
from emploistore.search.models import SearchOutboxEntry


def listing_key(listing_id: int) -> str:
    return f"listing:{listing_id}"


def queue_listing(listing_id: int) -> None:
    """Ask the index writer to refresh one listing once the transaction commits."""
    db.session.add(SearchOutboxEntry(doc_key=listing_key(listing_id)))
