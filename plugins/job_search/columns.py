"""The indexed offers' filter and sort fields as arrays, for searches without words.

A search without words (filters only, a job code, a place and a radius) matches a large
share of the offers: counting each facet over 100,000 or more offers with tantivy's
aggregations costs 10–25 ms. These arrays (numpy, one row per indexed offer, newest first)
answer such a search — its total, every facet count, the ids of its page by date or by
distance — in a millisecond or two; tantivy then loads only the page's cards. Searches with
words stay with tantivy, whose matches are narrow.

The index's writer keeps them beside the index (``columns.npz``, written before the
applied sequence moves); readers load them again when they see the sequence move, as they
reload the index. The answers are those of tantivy's filters to the row: the engines'
parity tests check it (plugins/job_search/tests/test_sql_engines.py).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from job_search.engine import FACETS, NO_EXPIRY, Area, IndexDocument, epoch
from job_search.query import SALARY_STEPS, SINCE_DAYS, OfferQuery

FILE_NAME = "columns.npz"
# Fields kept as a code into a vocabulary of their values ("" for none).
TERM_FIELDS = ("rome", "commune", "contract", "experience", "time")
# Sources are a bit set per offer (an offer and its duplicates' sources).
MAX_SOURCES = 63
NO_SALARY = -1
NUMBERS = ("ids", "published", "seen", "expires", "salary")
COMBINED = ("contract", "experience", "time")
# The salary histogram's buckets: below the first step, then from each step up.
SALARY_BUCKETS = len(SALARY_STEPS) + 1


class TooManySources(ValueError):
    """More distinct sources than a bit set holds: searches fall back on tantivy."""


@dataclass
class Page:
    """What the arrays answer: the total, the page's offer ids in order, the facets."""

    total: int
    ids: list[int]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class _Vocabulary:
    """Values ↔ codes of one field; grows, never renumbers."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.values: list[str] = []
        self.codes: dict[str, int] = {}
        for value in values:
            self.code(value)

    def code(self, value: str) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.values)
            self.values.append(value)
        return found

    def lookup(self, values: Iterable[str]) -> np.ndarray:
        """A boolean table over the codes: True for ``values`` (unknown ones ignored)."""
        table = np.zeros(len(self.values), dtype=bool)
        for value in values:
            code = self.codes.get(value)
            if code is not None:
                table[code] = True
        return table


@dataclass
class OfferColumns:
    """One row per indexed offer, ordered newest first (published, then id, descending)."""

    ids: np.ndarray
    published: np.ndarray
    seen: np.ndarray
    expires: np.ndarray
    salary: np.ndarray
    sources: np.ndarray  # int64 bit set over vocabularies["sources"]
    codes: dict[str, np.ndarray]
    vocabularies: dict[str, _Vocabulary]
    # Derived on creation: one code per row for contract × experience × time × salary step,
    # so that one histogram gives those four facets.
    combined: np.ndarray = field(init=False, repr=False)
    shape: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        steps = np.searchsorted(np.array(SALARY_STEPS), self.salary, side="right")
        sizes = (len(self.vocabularies[name].values) or 1 for name in COMBINED)
        self.shape = (*sizes, SALARY_BUCKETS)
        combined = np.zeros(len(self.ids), dtype=np.int64)
        for name, size in zip(COMBINED, self.shape, strict=False):
            combined = combined * size + self.codes[name]
        self.combined = (combined * self.shape[-1] + steps).astype(np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    # -- building -----------------------------------------------------------------------
    def updated(self, upserts: Sequence[IndexDocument], deletes: Iterable[int]) -> OfferColumns:
        """These columns with ``upserts`` written over and ``deletes`` removed."""
        gone = {*deletes, *(doc.id for doc in upserts)}
        keep = ~np.isin(self.ids, np.fromiter(gone, dtype=np.int64, count=len(gone)))
        builder = ColumnsBuilder(self.vocabularies)
        builder.add(upserts)
        return builder.columns(base=self, keep=keep)

    # -- storage ------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        arrays: dict[str, np.ndarray] = {name: getattr(self, name) for name in NUMBERS}
        arrays["sources"] = self.sources
        for name, codes in self.codes.items():
            arrays[f"code_{name}"] = codes
        for name, vocabulary in self.vocabularies.items():
            arrays[f"vocabulary_{name}"] = np.array(vocabulary.values, dtype=str)
        temporary = directory / (FILE_NAME + ".tmp")
        with open(temporary, "wb") as out:
            np.savez(out, **arrays)
        os.replace(temporary, directory / FILE_NAME)

    @classmethod
    def load(cls, directory: Path) -> OfferColumns | None:
        """The columns saved in ``directory``, or None when there are none (or unreadable)."""
        try:
            with open(directory / FILE_NAME, "rb") as stream, np.load(stream) as saved:
                arrays = {name: saved[name] for name in saved.files}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None  # searches fall back on tantivy; ``jobs reindex`` writes them anew
        try:
            return cls(
                **{name: arrays[name] for name in NUMBERS},
                sources=arrays["sources"],
                codes={name: arrays[f"code_{name}"] for name in TERM_FIELDS},
                vocabularies={
                    name: _Vocabulary(arrays[f"vocabulary_{name}"].tolist())
                    for name in (*TERM_FIELDS, "sources")
                },
            )
        except KeyError:
            return None

    # -- searching ----------------------------------------------------------------------
    def search(
        self,
        query: OfferQuery,
        area: Area | None,
        now: datetime,
        facets: bool = True,
        page: bool = True,
    ) -> Page:
        """The search ``query`` without words: total, page ids (date or distance), facets."""
        base = self._base(query, area, now)
        filters = self._filters(query, now)
        every = base.copy()
        for mask in filters.values():
            every &= mask
        rows = np.flatnonzero(every)
        result = Page(total=int(rows.size), ids=[])
        if page:
            if query.sort == "distance" and area is not None:
                result.ids = self._by_distance(rows, area, query.offset, query.per_page)
            else:
                chosen = rows[query.offset : query.offset + query.per_page]
                result.ids = self.ids[chosen].tolist()
        if facets:
            result.facets = self._facets(base, filters, rows, now)
        return result

    def _base(self, query: OfferQuery, area: Area | None, now: datetime) -> np.ndarray:
        """The rows the search may show before its facet filters."""
        mask = self.expires >= epoch(now)
        if area is not None:
            table = self.vocabularies["commune"].lookup(code for code, _km in area.communes)
            mask &= table[self.codes["commune"]]
        if query.rome:
            mask &= self.vocabularies["rome"].lookup([query.rome])[self.codes["rome"]]
        if query.seen_after is not None:
            mask &= self.seen > epoch(query.seen_after)
        return mask

    def _filters(self, query: OfferQuery, now: datetime) -> dict[str, np.ndarray]:
        """Each facet filter in use → the rows it lets through."""
        masks: dict[str, np.ndarray] = {}
        for name in ("contract", "experience", "time"):
            if values := getattr(query, name):
                masks[name] = self.vocabularies[name].lookup(values)[self.codes[name]]
        if query.source:
            masks["source"] = (self.sources & self._bits(query.source)) != 0
        if query.salary_min:
            masks["salary_min"] = self.salary >= query.salary_min
        if query.since:
            masks["since"] = self.published >= epoch(now - timedelta(days=query.since))
        return masks

    def _bits(self, sources: Iterable[str]) -> int:
        codes = self.vocabularies["sources"].codes
        return sum(1 << codes[name] for name in set(sources) if name in codes)

    def _by_distance(self, rows: np.ndarray, area: Area, offset: int, size: int) -> list[int]:
        """Nearest communes first (the area's order), newest first within a commune."""
        codes = self.vocabularies["commune"].codes
        rank = np.full(len(self.vocabularies["commune"].values), len(area.communes), np.int64)
        for position, (code, _km) in enumerate(area.communes):
            found = codes.get(code)
            if found is not None and rank[found] == len(area.communes):
                rank[found] = position
        ranks = rank[self.codes["commune"][rows]]
        # A stable sort keeps the rows' own order (newest first) within each commune.
        order = np.argsort(ranks, kind="stable")[offset : offset + size]
        return self.ids[rows[order]].tolist()

    def _facets(
        self,
        base: np.ndarray,
        filters: dict[str, np.ndarray],
        rows: np.ndarray,
        now: datetime,
    ) -> dict[str, dict[str, int]]:
        """Every facet, each counted without its own filter (with all the others).

        The facets whose filter is not in use share the search's rows; each facet whose
        filter is in use is counted over the rows of the search without it.
        """
        results: dict[str, dict[str, int]] = {}
        idle = [name for name in FACETS if name not in filters]
        if idle:
            results.update(self._count(idle, rows, now))
        for name in filters:
            mask = base.copy()
            for other, kept in filters.items():
                if other != name:
                    mask &= kept
            results.update(self._count([name], np.flatnonzero(mask), now))
        return {name: results[name] for name in FACETS}

    def _count(
        self, names: Sequence[str], rows: np.ndarray, now: datetime
    ) -> dict[str, dict[str, int]]:
        everything = rows.size == len(self.ids)  # no gathering: the arrays as they are
        counts: dict[str, dict[str, int]] = {}
        if any(name in names for name in (*COMBINED, "salary_min")):
            combined = self.combined if everything else self.combined[rows]
            size = int(np.prod(self.shape))
            histogram = np.bincount(combined, minlength=size).reshape(self.shape)
            for axis, name in enumerate((*COMBINED, "salary_min")):
                if name not in names:
                    continue
                others = tuple(a for a in range(len(self.shape)) if a != axis)
                totals = histogram.sum(axis=others).tolist()
                if name == "salary_min":  # bucket 0 is below the first step
                    at_least = np.cumsum(totals[::-1])[::-1].tolist()
                    counts[name] = {
                        str(step): at_least[i + 1] for i, step in enumerate(SALARY_STEPS)
                    }
                else:
                    values = self.vocabularies[name].values
                    pairs = zip(values, totals, strict=False)
                    counts[name] = {value: count for value, count in pairs if count and value}
        if "since" in names:
            # The rows are newest first: read backwards, their dates ascend.
            ascending = (self.published if everything else self.published[rows])[::-1]
            counts["since"] = {
                str(days): int(
                    ascending.size
                    - np.searchsorted(ascending, epoch(now - timedelta(days=days)), side="left")
                )
                for days in SINCE_DAYS
            }
        if "source" in names:
            counts["source"] = self._count_sources(
                self.sources if everything else self.sources[rows]
            )
        return counts

    def _count_sources(self, bits: np.ndarray) -> dict[str, int]:
        names = self.vocabularies["sources"].values
        if len(names) <= 12:  # count each combination once, then add them up per source
            combinations = np.bincount(bits, minlength=1 << len(names))
            present = np.arange(combinations.size)
            counts = {
                name: int(combinations[(present >> bit) & 1 == 1].sum())
                for bit, name in enumerate(names)
            }
        else:
            counts = {
                name: int(np.count_nonzero(bits & (1 << bit))) for bit, name in enumerate(names)
            }
        return {name: count for name, count in counts.items() if count}


class ColumnsBuilder:
    """Collects documents' fields (``add``, ``add_one``), then makes sorted arrays of them."""

    def __init__(self, vocabularies: dict[str, _Vocabulary] | None = None) -> None:
        self.vocabularies = {
            name: _Vocabulary(vocabularies[name].values if vocabularies else ())
            for name in (*TERM_FIELDS, "sources")
        }
        self.numbers: dict[str, list[int]] = {name: [] for name in NUMBERS}
        self.sources: list[int] = []
        self.codes: dict[str, list[int]] = {name: [] for name in TERM_FIELDS}

    def add(self, documents: Iterable[IndexDocument]) -> ColumnsBuilder:
        for doc in documents:
            self.add_one(doc)
        return self

    def add_one(self, doc: IndexDocument) -> None:
        numbers, vocabularies = self.numbers, self.vocabularies
        numbers["ids"].append(doc.id)
        numbers["published"].append(doc.published)
        numbers["seen"].append(doc.seen)
        numbers["expires"].append(NO_EXPIRY if doc.expires is None else doc.expires)
        numbers["salary"].append(NO_SALARY if doc.salary is None else doc.salary)
        for name in TERM_FIELDS:
            self.codes[name].append(vocabularies[name].code(getattr(doc, name) or ""))
        bits = 0
        for source in doc.sources:
            code = vocabularies["sources"].code(source)
            if code >= MAX_SOURCES:
                raise TooManySources(f"more than {MAX_SOURCES} sources")
            bits |= 1 << code
        self.sources.append(bits)

    def columns(
        self, base: OfferColumns | None = None, keep: np.ndarray | None = None
    ) -> OfferColumns:
        arrays: dict[str, Any] = {
            name: np.array(values, dtype=np.int64) for name, values in self.numbers.items()
        }
        arrays["sources"] = np.array(self.sources, dtype=np.int64)
        codes = {name: np.array(values, dtype=np.int32) for name, values in self.codes.items()}
        if base is not None and keep is not None:
            for name in NUMBERS:
                arrays[name] = np.concatenate((getattr(base, name)[keep], arrays[name]))
            arrays["sources"] = np.concatenate((base.sources[keep], arrays["sources"]))
            for name in TERM_FIELDS:
                codes[name] = np.concatenate((base.codes[name][keep], codes[name]))
        # Newest first: published descending, then id descending (tantivy's "datekey").
        order = np.lexsort((-arrays["ids"], -arrays["published"]))
        return OfferColumns(
            **{name: arrays[name][order] for name in NUMBERS},
            sources=arrays["sources"][order],
            codes={name: values[order] for name, values in codes.items()},
            vocabularies=self.vocabularies,
        )
