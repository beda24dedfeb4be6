"""``emploistore jobs import SOURCE FILE``: read a feed, store what changed, group duplicates.

Idempotent: an offer is known by (source, source id); a re-import stores only rows whose
content changed and counts the rest as unchanged. A bad row is rejected with its line and
a French reason, and the others go on. Offers past their expiry date, and — for a full
feed — offers of that source missing from the file, are withdrawn (kept, not deleted).
The whole import is one transaction: it takes the change feed's row first, so imports run
one at a time and the sequence numbers they hand out grow in commit order.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from flask import g, has_request_context
from sqlalchemy import insert, select, update

from emploistore import JobOfferSource, db, plugin_answers, utcnow
from job_search import dedup
from job_search.models import LIVE, WITHDRAWN, FeedState, ImportRun, Offer
from job_search.records import RowRejected, clean_record, monthly_salary
from job_search.referential import locate

log = logging.getLogger(__name__)
CHUNK = 2000
KEPT_REJECTIONS = 1000
EXPIRED = "expirée"
MISSING = "absente du flux"


@dataclass
class ImportReport:
    source: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0  # missing from a full feed, or expired
    rejected: int = 0
    regrouped: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "rejected": self.rejected,
            "regrouped": self.regrouped,
        }


class UnknownSource(LookupError):
    pass


def all_sources() -> dict[str, JobOfferSource]:
    """Every source the active plugins declare (``job_offer_sources``), by name.

    Asked once per request (pages show labels for every result).
    """
    if has_request_context() and "job_search_sources" in g:
        return g.job_search_sources
    found: dict[str, JobOfferSource] = {}
    owners: dict[str, str] = {}
    for plugin, answer in plugin_answers("job_offer_sources"):
        for source in answer:
            if source.name in found:
                _report_clash(source.name, owners[source.name], plugin)
                continue
            found[source.name], owners[source.name] = source, plugin
    if has_request_context():
        g.job_search_sources = found
    return found


_REPORTED: set[tuple[str, str, str]] = set()


def _report_clash(name: str, first: str, second: str) -> None:
    """Two plugins declare one source name: the first one's is used; said once a process."""
    if (name, first, second) not in _REPORTED:
        _REPORTED.add((name, first, second))
        log.warning(
            "job source %r of plugin %s is ignored: plugin %s already declares that name",
            name,
            second,
            first,
        )


def own_source_names() -> list[str]:
    return [name for name, source in all_sources().items() if source.own]


class FeedCounter:
    """Hands out change-feed sequence numbers inside one transaction."""

    def __init__(self) -> None:
        # Take the feed row's write lock first (an UPDATE locks on PostgreSQL and SQLite).
        locked = db.session.execute(
            update(FeedState).where(FeedState.id == 1).values(seq=FeedState.seq)
        )
        if locked.rowcount == 0:  # type: ignore[attr-defined]
            db.session.add(FeedState(id=1, seq=0))
            db.session.flush()
        self.seq = db.session.scalar(select(FeedState.seq).where(FeedState.id == 1)) or 0

    def __call__(self) -> int:
        self.seq += 1
        return self.seq

    def save(self) -> None:
        db.session.execute(update(FeedState).where(FeedState.id == 1).values(seq=self.seq))


def _hash(record: Mapping[str, Any]) -> str:
    payload = repr(sorted(record.items()))
    return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()


_COMPLETENESS = (
    "description",
    "rome_code",
    "job_title",
    "company_name",
    "company_siret",
    "url",
    "working_time",
    "experience",
    "salary_min",
    "expires_at",
)


def prepare(fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A source row → the offer's column values; RowRejected names the field at fault."""
    record = clean_record(fields, now)
    place = locate(
        record["commune_code"],
        record["postal_code"],
        record["city"],
        record["latitude"],
        record["longitude"],
    )
    if place is None:
        where = record["postal_code"] or record["commune_code"] or record["city"] or "vide"
        raise RowRejected(f"lieu : commune introuvable ({where})")
    record["commune_code"] = place.code
    record["postal_code"] = record["postal_code"] or place.postal_codes[0]
    record["city"] = record["city"] or place.name
    if record["latitude"] is None:
        record["latitude"], record["longitude"] = place.latitude, place.longitude
    record["content_hash"] = _hash(record)
    record["salary_monthly"] = monthly_salary(
        record["salary_min"] if record["salary_min"] is not None else record["salary_max"],
        record["salary_period"],
    )
    record["completeness"] = sum(1 for key in _COMPLETENESS if record.get(key))
    record["dedup_title"] = dedup.title_key(record["title"])[:200]
    record["dedup_company"] = dedup.company_key(record["company_name"])[:200]
    return record


def import_feed(
    source: JobOfferSource,
    stream: BinaryIO,
    filename: str = "",
    now: datetime | None = None,
    full_feed: bool | None = None,
) -> ImportReport:
    """Import one file of ``source``; commits, and returns what it did."""
    started = time.perf_counter()
    now = now or utcnow()
    full = source.full_feed if full_feed is None else full_feed
    report = ImportReport(source=source.name)
    counter = FeedCounter()
    existing = {
        row.source_id: row
        for row in db.session.execute(
            select(Offer.id, Offer.source_id, Offer.content_hash, Offer.status).where(
                Offer.source == source.name
            )
        )
    }
    seen: dict[str, int] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    table = Offer.__table__

    def flush(final: bool = False) -> None:
        if inserts and (final or len(inserts) >= CHUNK):
            db.session.execute(insert(table), inserts)
            inserts.clear()
        if updates and (final or len(updates) >= CHUNK):
            db.session.execute(
                update(table)
                .where(table.c.id == db.bindparam("oid"))
                .values({k: db.bindparam(k) for k in updates[0] if k != "oid"}),
                updates,
            )
            updates.clear()

    def reject(line: int, message: str) -> None:
        report.rejected += 1
        if len(report.rejections) < KEPT_REJECTIONS:
            report.rejections.append((line, message))

    for row in source.read(stream):
        if row.fields is None:
            reject(row.line, row.error or "ligne illisible")
            continue
        try:
            record = prepare(row.fields, now)
        except RowRejected as error:
            reject(row.line, str(error))
            continue
        key = record["source_id"]
        if key in seen:
            reject(row.line, f"identifiant de l'offre : « {key} » déjà vu ligne {seen[key]}")
            continue
        seen[key] = row.line
        expired = record["expires_at"] is not None and record["expires_at"] <= now
        status = WITHDRAWN if expired else LIVE
        state = {
            "status": status,
            "withdrawn_at": now if expired else None,
            "withdrawn_reason": EXPIRED if expired else "",
        }
        known = existing.get(key)
        if known is None:
            inserts.append(
                record
                | state
                | {
                    "source": source.name,
                    "first_seen_at": now,
                    "duplicate_reason": "",
                    "canonical_id": None,
                    "change_seq": counter(),
                }
            )
            if expired:
                report.withdrawn += 1
            else:
                report.new += 1
        elif known.content_hash != record["content_hash"] or known.status != status:
            updates.append(record | state | {"oid": known.id, "change_seq": counter()})
            if expired and known.status == LIVE:
                report.withdrawn += 1
            else:
                report.updated += 1
        else:
            report.unchanged += 1
        flush()
    flush(final=True)

    if full:
        missing = [
            {"oid": row.id, "seq": counter()}
            for key, row in sorted(existing.items())
            if key not in seen and row.status == LIVE
        ]
        _withdraw(missing, now, MISSING)
        report.withdrawn += len(missing)
    report.withdrawn += expire(now, counter)
    if report.new or report.updated or report.withdrawn:
        # Nothing changed, nothing to regroup: a daily re-import of an unchanged feed is cheap.
        report.regrouped = dedup.regroup(own_source_names(), counter)
    counter.save()
    report.seconds = time.perf_counter() - started
    db.session.add(
        ImportRun(
            source=source.name,
            filename=filename[-200:],
            started_at=now,
            seconds=round(report.seconds, 3),
            counts=report.counts,
            rejections=[list(r) for r in report.rejections],
        )
    )
    db.session.commit()
    return report


def _withdraw(rows: Iterable[Mapping[str, Any]], now: datetime, why: str) -> None:
    rows = list(rows)
    if not rows:
        return
    table = Offer.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == db.bindparam("oid"))
        .values(
            status=WITHDRAWN,
            withdrawn_at=now,
            withdrawn_reason=why,
            change_seq=db.bindparam("seq"),
        ),
        rows,
    )


def expire(now: datetime, counter: FeedCounter | None = None) -> int:
    """Withdraw every live offer whose expiry date has passed. Returns how many."""
    own_counter = counter is None
    counter = counter or FeedCounter()
    ids = db.session.scalars(
        select(Offer.id)
        .where(Offer.status == LIVE, Offer.expires_at.is_not(None), Offer.expires_at <= now)
        .order_by(Offer.id)
    ).all()
    _withdraw(({"oid": i, "seq": counter()} for i in ids), now, EXPIRED)
    if own_counter:
        if ids:
            dedup.regroup(own_source_names(), counter)
        counter.save()
        db.session.commit()
    return len(ids)
