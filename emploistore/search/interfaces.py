"""The catalogue search interface, and a null implementation for tests and outages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

FACET_FIELDS = ("themes", "provider", "free", "platforms")


class SearchUnavailable(RuntimeError):
    """The index is missing or unreadable; browsing works, search answers 503."""


class IndexLocked(RuntimeError):
    """Another process is writing the index; the caller leaves its changes queued."""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    filters: Mapping[str, str] = field(default_factory=dict)  # facet field → value
    # Documents tied to a plugin not in this set (disabled, failed, missing) are hidden.
    active_plugins: frozenset[str] = frozenset()
    doctype: str = "listing"
    page: int = 1
    per_page: int = 20


@dataclass
class SearchHit:
    key: str
    score: float
    stored: Mapping[str, Any]


@dataclass
class SearchResults:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    # True when no result had every word and the results match only some of them.
    approximate: bool = False


class IndexWriter(Protocol):
    def upsert(self, document: Mapping[str, Any]) -> None: ...
    def delete(self, key: str) -> None: ...


class SearchBackend(Protocol):
    def search(self, query: SearchQuery) -> SearchResults: ...

    def writing(self, wait_seconds: float = 0.0, replace_all: bool = False) -> Any:
        """Context manager yielding an IndexWriter; commits on success, raises IndexLocked."""

    def rebuild(self, documents: Iterable[Mapping[str, Any]]) -> int: ...


class NullSearch:
    """Finds nothing and stores nothing: for tests that do not exercise search."""

    def search(self, query: SearchQuery) -> SearchResults:
        return SearchResults(total=0, hits=[], facets={name: {} for name in FACET_FIELDS})

    def writing(self, wait_seconds: float = 0.0, replace_all: bool = False) -> Any:
        from contextlib import nullcontext

        return nullcontext(_NullWriter())

    def rebuild(self, documents: Iterable[Mapping[str, Any]]) -> int:
        return sum(1 for _ in documents)


class _NullWriter:
    def upsert(self, document: Mapping[str, Any]) -> None:
        return None

    def delete(self, key: str) -> None:
        return None
