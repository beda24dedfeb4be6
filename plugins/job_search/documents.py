"""From offers in the database to the documents the search engine indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select

from emploistore import db, normalise_gender_number
from job_search.engine import IndexDocument, epoch
from job_search.models import LIVE, Offer
from job_search.referential import commune, fold

SNIPPET = 220
# The columns search needs: the description is indexed but never loaded back from the index.
COLUMNS = (
    Offer.id,
    Offer.source,
    Offer.title,
    Offer.description,
    Offer.rome_code,
    Offer.job_title,
    Offer.company_name,
    Offer.commune_code,
    Offer.postal_code,
    Offer.city,
    Offer.contract_type,
    Offer.contract_months,
    Offer.working_time,
    Offer.experience,
    Offer.salary_text,
    Offer.salary_monthly,
    Offer.created_at,
    Offer.first_seen_at,
    Offer.expires_at,
    Offer.status,
    Offer.canonical_id,
    Offer.change_seq,
)


def city_label(commune_code: str, city: str, postal_code: str) -> str:
    place = commune(commune_code)
    name = place.name if place is not None else city
    department = place.departement if place is not None else postal_code[:2]
    return f"{name} ({department})" if department else name


def snippet(description: str) -> str:
    text = " ".join(description[: SNIPPET * 2].split())
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + "…"


def title_terms(title: str, job_title: str) -> str:
    """The title as indexed: with each word's folded masculine singular added.

    Snowball stems "vendeuse" and "vendeur" apart; adding "vendeur" to a title saying
    "Vendeuse" lets a search for either find it (the query side does the same).
    """
    text = f"{title} {job_title}"
    extra = {normalise_gender_number(word) for word in fold(text).split()}
    return text + " " + " ".join(sorted(extra))


def is_visible(row: Any) -> bool:
    return row.status == LIVE and row.canonical_id is None


def to_document(row: Any, also: Sequence[str]) -> IndexDocument:
    """``row`` has the COLUMNS; ``also`` lists the sources of its live duplicates."""
    sources = (row.source, *sorted(set(also) - {row.source}))
    card = {
        "t": row.title,
        "co": row.company_name,
        "city": city_label(row.commune_code, row.city, row.postal_code),
        "cc": row.commune_code,
        "ct": row.contract_type,
        "cm": row.contract_months,
        "wt": row.working_time,
        "ex": row.experience,
        "sal": row.salary_text,
        "pub": row.created_at.date().isoformat(),
        "src": list(sources),
        "snip": snippet(row.description),
    }
    return IndexDocument(
        id=row.id,
        title=title_terms(row.title, row.job_title),
        body=" ".join((row.description, row.company_name, row.city)),
        rome=row.rome_code,
        commune=row.commune_code,
        contract=row.contract_type,
        experience=row.experience or "",
        time=row.working_time or "",
        sources=sources,
        salary=row.salary_monthly,
        published=epoch(row.created_at),
        seen=epoch(row.first_seen_at),
        expires=epoch(row.expires_at) if row.expires_at is not None else None,
        card=card,
    )


def duplicate_sources(canonical_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """canonical offer id → sources of its live duplicates (all of them when ids is None)."""
    statement = select(Offer.canonical_id, Offer.source).where(
        Offer.status == LIVE, Offer.canonical_id.is_not(None)
    )
    if canonical_ids is not None:
        ids = list(canonical_ids)
        if not ids:
            return {}
        statement = statement.where(Offer.canonical_id.in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for canonical_id, source in db.session.execute(statement):
        found[canonical_id].append(source)
    return found


def visible_documents(batch: int = 5000) -> Iterator[IndexDocument]:
    """Every offer search shows, read in keyset batches (for a full rebuild)."""
    also = duplicate_sources()
    last = 0
    while True:
        rows = db.session.execute(
            select(*COLUMNS)
            .where(Offer.id > last, Offer.status == LIVE, Offer.canonical_id.is_(None))
            .order_by(Offer.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield to_document(row, also.get(row.id, ()))
        last = rows[-1].id
