"""Each server's offer index is a replica of the database, fed by the change feed.

Every change search can see gives the offer the next ``change_seq`` (models.py). A server
remembers the last sequence its index applied; ``sync`` reads the offers changed since, in
sequence order, and upserts or deletes them. A new server starts from 0: its first sync
rebuilds the whole index from the offers table (``emploistore jobs reindex`` does the same
on demand). No index file is shared between servers.

Within a server, one process writes (a lock file); the others only reload when the applied
sequence moves, so readers never wait on a writer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select

from emploistore import db
from job_search.documents import (
    COLUMNS,
    duplicate_sources,
    is_visible,
    to_document,
    visible_documents,
)
from job_search.engine import IndexDocument
from job_search.models import FeedState, Offer
from job_search.tantivy_engine import IndexBusy, TantivyEngine


@dataclass
class SyncReport:
    applied: int = 0
    upserts: int = 0
    deletes: int = 0
    rebuilt: bool = False
    busy: bool = False
    seconds: float = 0.0


def head_seq() -> int:
    """The sequence of the newest change in the database."""
    return db.session.scalar(select(FeedState.seq).where(FeedState.id == 1)) or 0


def sync(engine: TantivyEngine, max_changes: int | None = None, batch: int = 5000) -> SyncReport:
    """Bring the index up to the database's change feed (or ``max_changes`` closer)."""
    started = time.perf_counter()
    report = SyncReport()
    engine.refresh()
    head = head_seq()
    applied = engine.applied_seq()
    if head == applied:
        return report
    try:
        if applied == 0 or head < applied:  # a new server, or a database restored
            report.upserts = engine.rebuild(visible_documents(), head)
            report.rebuilt, report.applied = True, head
        else:
            while applied < head and (max_changes is None or report.applied < max_changes):
                applied = _apply_batch(engine, applied, batch, report)
    except IndexBusy:
        report.busy = True
        engine.refresh()
    report.seconds = time.perf_counter() - started
    return report


def _apply_batch(engine: TantivyEngine, after: int, batch: int, report: SyncReport) -> int:
    rows = db.session.execute(
        select(*COLUMNS).where(Offer.change_seq > after).order_by(Offer.change_seq).limit(batch)
    ).all()
    if not rows:
        return head_seq()
    visible = [row for row in rows if is_visible(row)]
    also = duplicate_sources(row.id for row in visible)
    upserts: list[IndexDocument] = [to_document(row, also.get(row.id, ())) for row in visible]
    deletes = [row.id for row in rows if not is_visible(row)]
    last = rows[-1].change_seq
    engine.apply(upserts, deletes, last)
    report.applied += len(rows)
    report.upserts += len(upserts)
    report.deletes += len(deletes)
    return last


def rebuild(engine: TantivyEngine) -> SyncReport:
    """Rebuild the index from the offers table, whatever it applied before."""
    started = time.perf_counter()
    head = head_seq()
    report = SyncReport(rebuilt=True, applied=head)
    report.upserts = engine.rebuild(visible_documents(), head)
    report.seconds = time.perf_counter() - started
    return report
