"""The offer search interface: what the service asks of an engine, and what it gets back.

The engine is chosen by measurement (bench/jobs.py, docs/job-search.md): tantivy serves the
store; other engines implement the same protocol for the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from job_search.query import OfferQuery

# Facets, in the order the page shows them; each is counted without its own filter.
FACETS = ("contract", "experience", "time", "salary_min", "since", "source")
# Engines store "never expires" as this epoch second.
NO_EXPIRY = 2**62


def epoch(moment: datetime) -> int:
    """Seconds since 1970 of a naive UTC datetime: how engines store and compare dates."""
    return int((moment - datetime(1970, 1, 1)).total_seconds())


@dataclass(frozen=True)
class Area:
    """The communes within the radius around the searched place, nearest first."""

    centre: str
    communes: Sequence[tuple[str, float]]  # (INSEE code, km)

    def distances(self) -> dict[str, float]:
        return dict(self.communes)


@dataclass
class OfferHit:
    id: int
    card: dict[str, Any]  # what a result shows, stored in the index (see documents.py)
    distance_km: float | None = None


@dataclass
class OfferResults:
    total: int
    hits: list[OfferHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexDocument:
    """One visible offer as engines index it (built by documents.py)."""

    id: int
    title: str
    body: str
    rome: str
    commune: str
    contract: str
    experience: str
    time: str
    sources: tuple[str, ...]
    salary: int | None
    published: int  # epoch seconds
    seen: int  # epoch seconds
    expires: int | None
    card: dict[str, Any]


class OfferEngine(Protocol):
    name: str

    def search(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> OfferResults: ...

    def count(self, query: OfferQuery, area: Area | None, now: datetime) -> int: ...

    def applied_seq(self) -> int: ...

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int], seq: int) -> None:
        """Write the changes up to ``seq`` and make them visible to new searches."""
        ...

    def refresh(self) -> None:
        """See what another process committed."""
        ...
