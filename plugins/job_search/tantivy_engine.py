"""Offer search on tantivy: one index per server, in the instance folder, fed by replica.py.

Text is analysed for French: lowercase, Snowball stemming, then accent folding, so
"infirmière", "infirmières" and "infirmier" give the same term. Stemming an accent-less word
gives another stem ("infirmiere" → "infirmier"), so each word of a query is looked up as
typed and as its folded masculine singular ("infirmiere" → "infirmier" → "infirmi"), and
either matches.

Filters are fast-field queries; a radius is the set of communes around the place
(referential.communes_within), so the count grows with the radius by construction. A search
with words is answered by tantivy, its facets by aggregations: one over the search for the
facets whose filter is not in use, one more for each facet whose filter is (counted without
it). A search without words matches a large share of the offers: the offers' fields kept as
arrays beside the index (columns.py) answer its total, facets and page, and tantivy only
loads the page's cards. Without words, "relevance" means newest first, as "date" does.

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
from job_search.columns import FILE_NAME as COLUMNS_FILE
from job_search.columns import ColumnsBuilder, OfferColumns, TooManySources
from job_search.engine import (
    FACETS,
    NO_EXPIRY,
    Area,
    IndexDocument,
    OfferHit,
    OfferResults,
    epoch,
)
from job_search.query import SALARY_STEPS, SINCE_DAYS, OfferQuery
from job_search.referential import fold

SCHEMA_VERSION = 2  # 2: the columns beside the index (a new folder: a full rebuild)
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


class TantivyEngine:
    """The store's offer engine."""

    name = "tantivy"

    def __init__(self, directory: Path, columns: bool = True) -> None:
        """``columns=False`` answers every search with tantivy alone (the parity tests)."""
        self.directory = Path(directory) / f"v{SCHEMA_VERSION}"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self._index = self._open()
        self._seen_state: tuple[int, int] | None = None
        self._applied = self._read_applied()
        self._use_columns = columns
        self._columns = OfferColumns.load(self.directory) if columns else None

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

    @property
    def columns_loaded(self) -> bool:
        """Whether searches without words are answered from the columns (columns.py)."""
        return self._columns is not None

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
            if self._use_columns:
                self._columns = OfferColumns.load(self.directory)

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
        upserts, deletes = list(upserts), list(deletes)
        with self._writing() as writer:
            for offer_id in deletes:
                writer.delete_documents_by_term("id", offer_id)
            for doc in upserts:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))
            writer.commit()
            # The columns on disk are the last writer's, whichever process it was.
            columns = OfferColumns.load(self.directory)
            if columns is not None:
                try:
                    columns = columns.updated(upserts, deletes)
                except TooManySources:
                    columns = None
            self._save_columns(columns)
        self._write_applied(seq)
        self._index.reload()

    def rebuild(self, documents: Iterable[IndexDocument], seq: int, threads: int = 2) -> int:
        """Replace the whole index (a new server, or ``emploistore jobs reindex``)."""
        count = 0
        builder: ColumnsBuilder | None = ColumnsBuilder()
        with self._writing(threads=threads, heap=256_000_000) as writer:
            writer.delete_all_documents()
            for doc in documents:
                writer.add_document(self._document(doc))
                if builder is not None:
                    try:
                        builder.add_one(doc)
                    except TooManySources:
                        builder = None
                count += 1
            writer.commit()
            self._save_columns(builder.columns() if builder is not None else None)
        self._write_applied(seq)
        self._index.reload()
        return count

    def _save_columns(self, columns: OfferColumns | None) -> None:
        """Write the columns, or remove them (searches then use tantivy alone)."""
        if columns is None:
            (self.directory / COLUMNS_FILE).unlink(missing_ok=True)
        else:
            columns.save(self.directory)
        if self._use_columns:
            self._columns = columns

    def destroy(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- searching ----------------------------------------------------------------------
    def _filters(self, query: OfferQuery, area: Area | None, now: datetime) -> list[Query]:
        """The query's filters (everything but its words)."""
        s = self.schema
        clauses = [Query.range_query(s, "expires", FieldType.Integer, epoch(now), None)]
        if area is not None:
            clauses.append(Query.term_set_query(s, "commune", [c for c, _ in area.communes]))
        if query.rome:
            clauses.append(Query.term_query(s, "rome", query.rome))
        for name in ("contract", "experience", "time", "source"):
            if values := getattr(query, name):
                field = "sources" if name == "source" else name
                clauses.append(Query.term_set_query(s, field, list(values)))
        if query.salary_min:
            lowest = query.salary_min
            clauses.append(Query.range_query(s, "salary", FieldType.Integer, lowest, None))
        if query.since:
            start = epoch(now - timedelta(days=query.since))
            clauses.append(Query.range_query(s, "published", FieldType.Integer, start, None))
        if query.seen_after is not None:
            after = epoch(query.seen_after) + 1
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
        self, query: OfferQuery, area: Area | None, now: datetime, text: Query | None
    ) -> Query:
        """The filters of ``query`` and its words (``text``: ``_text_query(query.text)``)."""
        clauses = [(Occur.Must, c) for c in self._filters(query, area, now)]
        if text is not None:
            clauses.append((Occur.Must, text))
        return Query.boolean_query(clauses)

    def count(self, query: OfferQuery, area: Area | None, now: datetime) -> int:
        text = self._text_query(query.text)
        if self._columns is not None and text is None:
            return self._columns.search(query, area, now, facets=False, page=False).total
        return self._index.searcher().search(self._query(query, area, now, text), 1).count

    def search(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> OfferResults:
        searcher = self._index.searcher()
        text = self._text_query(query.text)
        if self._columns is not None and text is None:
            return self._search_columns(self._columns, searcher, query, area, now, facets)
        main = self._query(query, area, now, text)
        if query.sort == "distance" and area is not None:
            total, addresses = self._by_distance(searcher, main, query, area, now, text)
        else:
            # Without words every offer scores the same: "relevance" is newest first too.
            order = {} if query.sort == "relevance" and text else {"order_by_field": "datekey"}
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
            result.facets = self._facets(searcher, query, area, now, text)
        return result

    def _search_columns(
        self,
        columns: OfferColumns,
        searcher: Any,
        query: OfferQuery,
        area: Area | None,
        now: datetime,
        facets: bool,
    ) -> OfferResults:
        """A search without words: the arrays answer, tantivy loads the page's cards."""
        page = columns.search(query, area, now, facets=facets)
        cards: dict[int, dict[str, Any]] = {}
        if page.ids:
            wanted = Query.term_set_query(self.schema, "id", page.ids)
            for _score, address in searcher.search(wanted, len(page.ids), count=False).hits:
                stored = searcher.doc(address)
                cards[stored.get_first("id")] = json.loads(stored.get_first("card"))
        distances = area.distances() if area is not None else {}
        hits = [
            OfferHit(id=offer_id, card=card, distance_km=distances.get(card["cc"]))
            for offer_id in page.ids
            if (card := cards.get(offer_id)) is not None
        ]
        return OfferResults(total=page.total, hits=hits, facets=page.facets)

    def _by_distance(
        self,
        searcher: Any,
        main: Query,
        query: OfferQuery,
        area: Area,
        now: datetime,
        text: Query | None,
    ) -> tuple[int, list[Any]]:
        """Nearest communes first, newest first within a commune; stable across pages."""
        counted = searcher.aggregate(
            main, {"c": {"terms": {"field": "commune", "size": len(area.communes)}}}
        )
        per_commune = {b["key"]: b["doc_count"] for b in counted["c"]["buckets"]}
        # Within one commune the area's set of communes is a needless clause (often 1,000+).
        local_search = self._query(query, None, now, text)
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
                        (Occur.Must, local_search),
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
        self,
        searcher: Any,
        query: OfferQuery,
        area: Area | None,
        now: datetime,
        text: Query | None,
    ) -> dict[str, dict[str, int]]:
        """Each facet counted without its own filter, with all the others.

        One aggregation over the whole search counts the facets whose filter is not in
        use; each facet whose filter is in use is counted over the search without it. Each
        pass visits only the offers its search matches (a filter aggregation inside one
        pass would visit every offer its filter lets through, words or not).
        """
        active = [name for name in FACETS if getattr(query, name)]
        passes: list[tuple[OfferQuery, list[str]]] = []
        idle = [name for name in FACETS if name not in active]
        if idle:
            passes.append((query, idle))
        passes.extend((query.without(name), [name]) for name in active)
        answers: dict[str, dict[str, Any]] = {}
        for searched, names in passes:
            aggregations = {name: self._aggregation(name, now) for name in names}
            searched_query = self._query(searched, area, now, text)
            answers.update(searcher.aggregate(searched_query, aggregations))
        return {name: self._read_facet(name, answers[name], now) for name in FACETS}

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
        return {str(days): epoch(now - timedelta(days=days)) for days in SINCE_DAYS}

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
