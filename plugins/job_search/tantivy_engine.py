"""Offer search on tantivy: one index per server, in the instance folder, fed by replica.py.

Text is analysed for French: lowercase, Snowball stemming, then accent folding, so
"infirmière", "infirmières" and "infirmier" give the same term. Stemming an accent-less word
gives another stem ("infirmiere" → "infirmier"), so each word of a query is looked up as
typed and as its folded masculine singular ("infirmiere" → "infirmier" → "infirmi"), and
either matches.

Filters are fast-field queries; a radius is the set of communes around the place
(referential.communes_within), so the count grows with the radius by construction. Facets
are tantivy aggregations: one call for the facets whose filter is not in use, one more for
each facet whose filter is (counted without it).

One process writes at a time (a lock file beside the index); readers never wait: they see
a commit when ``refresh`` finds the applied sequence moved.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Document, FieldType, Filter, Index, Occur, Query, TextAnalyzerBuilder, Tokenizer

from emploistore import normalise_gender_number
from job_search.engine import FACETS, Area, IndexDocument, OfferHit, OfferResults
from job_search.query import SALARY_STEPS, SINCE_DAYS, OfferQuery
from job_search.referential import fold

SCHEMA_VERSION = 1
NO_EXPIRY = 2**62
WORD = re.compile(r"\w+")
TITLE_BOOST = 3.0
_STOPWORDS_TEXT = (
    "a au aux avec ce ces d dans de des du en et h f hf il la le les l leur mais ou par "
    "pour qu que qui sa se ses son sur un une vos votre nous vous"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


class IndexBusy(RuntimeError):
    """Another process is writing this index."""


@lru_cache(maxsize=1)
def french() -> tantivy.TextAnalyzer:
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.stemmer("french"))
        .filter(Filter.ascii_fold())
        .build()
    )


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", tokenizer_name="fr")
    sb.add_text_field("body", tokenizer_name="fr", index_option="freq")
    for name in ("rome", "commune", "contract", "experience", "time", "sources"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("salary", "published", "seen", "expires", "datekey"):
        sb.add_integer_field(name, indexed=True, fast=True)
    sb.add_bytes_field("card", stored=True)
    return sb.build()


def query_terms(text: str) -> list[set[str]]:
    """For each meaningful word of ``text``, the index terms that may match it."""
    groups: list[set[str]] = []
    analyzer = french()
    for word in WORD.findall(text.lower()):
        folded = fold(word)
        if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        terms = set(analyzer.analyze(word))
        for variant in {folded, normalise_gender_number(folded)}:
            terms.update(analyzer.analyze(variant))
        if terms:
            groups.append(terms)
    return groups


def _epoch(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


class TantivyEngine:
    """The store's offer engine."""

    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / f"v{SCHEMA_VERSION}"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self._index = self._open()
        self._seen_state: tuple[int, int] | None = None
        self._applied = self._read_applied()

    # -- storage ------------------------------------------------------------------------
    def _open(self) -> Index:
        exists = Index.exists(str(self.directory))
        index = Index(self.schema, path=str(self.directory), reuse=exists)
        index.register_tokenizer("fr", french())
        return index

    @property
    def _state_file(self) -> Path:
        return self.directory / "applied.json"

    def _read_applied(self) -> int:
        try:
            return int(json.loads(self._state_file.read_text())["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def applied_seq(self) -> int:
        return self._applied

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    def refresh(self) -> None:
        try:
            stat = self._state_file.stat()
        except OSError:
            return
        state = (stat.st_mtime_ns, stat.st_size)
        if state != self._seen_state:
            self._seen_state = state
            self._applied = self._read_applied()
            self._index.reload()

    @contextmanager
    def _writing(self, threads: int = 1, heap: int = 64_000_000) -> Iterator[Any]:
        with open(self.directory / "write.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise IndexBusy(str(self.directory)) from None
            try:
                writer = self._index.writer(heap, threads)
                try:
                    yield writer
                finally:
                    writer.wait_merging_threads()
                    del writer
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_applied(self, seq: int) -> None:
        temporary = self._state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"seq": seq}))
        os.replace(temporary, self._state_file)
        self._applied = seq

    def _document(self, doc: IndexDocument) -> Document:
        fields: dict[str, Any] = {
            "id": doc.id,
            "title": doc.title,
            "body": doc.body,
            "commune": doc.commune,
            "contract": doc.contract,
            "sources": list(doc.sources),
            "published": doc.published,
            "seen": doc.seen,
            "expires": doc.expires if doc.expires is not None else NO_EXPIRY,
            "datekey": doc.published * 2**31 + doc.id,
            "card": json.dumps(doc.card, ensure_ascii=False, separators=(",", ":")).encode(),
        }
        for name in ("rome", "experience", "time"):
            if value := getattr(doc, name):
                fields[name] = value
        if doc.salary is not None:
            fields["salary"] = doc.salary
        return Document(**fields)

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int], seq: int) -> None:
        with self._writing() as writer:
            for offer_id in deletes:
                writer.delete_documents_by_term("id", offer_id)
            for doc in upserts:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))
            writer.commit()
        self._write_applied(seq)
        self._index.reload()

    def rebuild(self, documents: Iterable[IndexDocument], seq: int, threads: int = 2) -> int:
        """Replace the whole index (a new server, or ``emploistore jobs reindex``)."""
        count = 0
        with self._writing(threads=threads, heap=256_000_000) as writer:
            writer.delete_all_documents()
            for doc in documents:
                writer.add_document(self._document(doc))
                count += 1
            writer.commit()
        self._write_applied(seq)
        self._index.reload()
        return count

    def destroy(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- searching ----------------------------------------------------------------------
    def _filters(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> list[Query]:
        """The query's filters; without the facet filters when ``facets`` is False."""
        s = self.schema
        clauses = [Query.range_query(s, "expires", FieldType.Integer, _epoch(now), None)]
        if area is not None:
            clauses.append(Query.term_set_query(s, "commune", [c for c, _ in area.communes]))
        if query.rome:
            clauses.append(Query.term_query(s, "rome", query.rome))
        if facets:
            for name in ("contract", "experience", "time", "source"):
                if values := getattr(query, name):
                    field = "sources" if name == "source" else name
                    clauses.append(Query.term_set_query(s, field, list(values)))
            if query.salary_min:
                clauses.append(
                    Query.range_query(s, "salary", FieldType.Integer, query.salary_min, None)
                )
        if facets and query.since:
            start = _epoch(now - timedelta(days=query.since))
            clauses.append(Query.range_query(s, "published", FieldType.Integer, start, None))
        if query.seen_after is not None:
            after = _epoch(query.seen_after) + 1
            clauses.append(Query.range_query(s, "seen", FieldType.Integer, after, None))
        return clauses

    def _text_query(self, text: str) -> Query | None:
        groups = query_terms(text)
        if not groups:
            return None
        s = self.schema
        words = []
        for terms in groups:
            options = []
            for term in sorted(terms):
                title = Query.term_query(s, "title", term)
                options.append((Occur.Should, Query.boost_query(title, TITLE_BOOST)))
                options.append((Occur.Should, Query.term_query(s, "body", term)))
            words.append((Occur.Must, Query.boolean_query(options)))
        return Query.boolean_query(words)

    def _query(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> Query:
        clauses = [(Occur.Must, c) for c in self._filters(query, area, now, facets)]
        text = self._text_query(query.text)
        if text is not None:
            clauses.append((Occur.Must, text))
        return Query.boolean_query(clauses)

    def count(self, query: OfferQuery, area: Area | None, now: datetime) -> int:
        return self._index.searcher().search(self._query(query, area, now), 1).count

    def search(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> OfferResults:
        searcher = self._index.searcher()
        main = self._query(query, area, now)
        if query.sort == "distance" and area is not None:
            total, addresses = self._by_distance(searcher, query, area, now)
        else:
            order = {} if query.sort == "relevance" else {"order_by_field": "datekey"}
            found = searcher.search(main, query.per_page, count=True, offset=query.offset, **order)
            total, addresses = found.count, [address for _, address in found.hits]
        distances = area.distances() if area is not None else {}
        hits = []
        for address in addresses:
            stored = searcher.doc(address)
            card = json.loads(stored.get_first("card"))
            hits.append(
                OfferHit(
                    id=stored.get_first("id"), card=card, distance_km=distances.get(card["cc"])
                )
            )
        result = OfferResults(total=total, hits=hits)
        if facets:
            result.facets = self._facets(searcher, query, area, now)
        return result

    def _by_distance(
        self, searcher: Any, query: OfferQuery, area: Area, now: datetime
    ) -> tuple[int, list[Any]]:
        """Nearest communes first, newest first within a commune; stable across pages."""
        main = self._query(query, area, now)
        counted = searcher.aggregate(
            main, {"c": {"terms": {"field": "commune", "size": len(area.communes)}}}
        )
        per_commune = {b["key"]: b["doc_count"] for b in counted["c"]["buckets"]}
        total = sum(per_commune.values())
        start, end = query.offset, query.offset + query.per_page
        addresses: list[Any] = []
        position = 0
        for code, _km in area.communes:
            here = per_commune.get(code, 0)
            if not here:
                continue
            if position + here > start and position < end:
                local = max(0, start - position)
                wanted = min(here - local, end - max(start, position))
                narrowed = Query.boolean_query(
                    [
                        (Occur.Must, main),
                        (Occur.Must, Query.term_query(self.schema, "commune", code)),
                    ]
                )
                found = searcher.search(
                    narrowed, wanted, count=False, offset=local, order_by_field="datekey"
                )
                addresses.extend(address for _, address in found.hits)
            position += here
            if position >= end:
                break
        return total, addresses

    def _facets(
        self, searcher: Any, query: OfferQuery, area: Area | None, now: datetime
    ) -> dict[str, dict[str, int]]:
        """Every facet in one aggregation pass over the query without its facet filters.

        Each facet sits under a filter aggregation holding the *other* facets' filters, so
        it is counted without its own.
        """
        aggregations: dict[str, Any] = {}
        for name in FACETS:
            others = self._facet_filter(query, now, skip=name)
            counted = self._aggregation(name, now)
            aggregations[name] = {"filter": others, "aggs": {"v": counted}} if others else counted
        answer = searcher.aggregate(self._query(query, area, now, facets=False), aggregations)
        results = {}
        for name in FACETS:
            node = answer[name]
            results[name] = self._read_facet(name, node.get("v", node), now)
        return results

    @staticmethod
    def _facet_filter(query: OfferQuery, now: datetime, skip: str) -> str:
        """The facet filters in use but ``skip``'s, in tantivy's query language."""
        parts = []
        for name in ("contract", "experience", "time", "source"):
            values = getattr(query, name)
            if values and name != skip:
                field = "sources" if name == "source" else name
                parts.append(f"{field}: IN [{' '.join(json.dumps(v) for v in values)}]")
        if query.salary_min and skip != "salary_min":
            parts.append(f"salary:>={int(query.salary_min)}")
        if query.since and skip != "since":
            parts.append(f"published:>={_epoch(now - timedelta(days=query.since))}")
        return " AND ".join(f"({part})" for part in parts)

    @staticmethod
    def _aggregation(name: str, now: datetime) -> dict[str, Any]:
        if name == "salary_min":
            edges = list(SALARY_STEPS)
            ranges = [{"to": edges[0]}]
            ranges += [{"from": a, "to": b} for a, b in itertools.pairwise(edges)]
            ranges.append({"from": edges[-1]})
            return {"range": {"field": "salary", "ranges": ranges}}
        if name == "since":
            starts = sorted(TantivyEngine._starts(name, now).values())
            ranges = [{"to": starts[0]}]
            ranges += [{"from": a, "to": b} for a, b in itertools.pairwise(starts)]
            ranges.append({"from": starts[-1]})
            return {"range": {"field": "published", "ranges": ranges}}
        field = "sources" if name == "source" else name
        return {"terms": {"field": field, "size": 50}}

    @staticmethod
    def _starts(name: str, now: datetime) -> dict[str, int]:
        """For the range facets: facet value → the lower bound it counts from."""
        if name == "salary_min":
            return {str(step): step for step in SALARY_STEPS}
        return {str(days): _epoch(now - timedelta(days=days)) for days in SINCE_DAYS}

    @classmethod
    def _read_facet(cls, name: str, answer: dict[str, Any], now: datetime) -> dict[str, int]:
        buckets = answer.get("buckets", [])
        if name in ("salary_min", "since"):
            # Disjoint ranges → "at least X" / "in the last N days": the ranges from X up.
            counted = [(b["from"], b["doc_count"]) for b in buckets if "from" in b]
            return {
                value: sum(count for start, count in counted if start >= lower)
                for value, lower in cls._starts(name, now).items()
            }
        return {b["key"]: b["doc_count"] for b in buckets if b["doc_count"]}
