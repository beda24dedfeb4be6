"""The embedded catalogue search engine: a whoosh index in the instance folder.

Readers keep one searcher per process and thread and refresh it when the index changes;
they never block on the writer. Writing takes whoosh's lock without waiting (one writer
at a time across all processes); ``rebuild`` replaces every document in one commit, or,
when the index is missing or damaged, builds a fresh one beside it and swaps it in.
"""

from __future__ import annotations

import gc
import shutil
import threading
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import And, FuzzyTerm, Or, Prefix, Query, Term
from whoosh.searching import Searcher

from emploistore.search.analysis import analyse, folding_analyzer, french_analyzer
from emploistore.search.interfaces import (
    FACET_FIELDS,
    IndexLocked,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
INDEX_NAME = "catalog"


def catalog_schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        doctype=ID(stored=True),
        title=TEXT(analyzer=french_analyzer(), field_boost=3.0, stored=True),
        promise=TEXT(analyzer=french_analyzer(), field_boost=2.0),
        body=TEXT(analyzer=french_analyzer()),
        # Folded, unstemmed words of the title, promise and provider: prefix and typo matching.
        words=TEXT(analyzer=folding_analyzer()),
        themes=KEYWORD(stored=True, commas=True),
        provider=ID(stored=True),
        free=ID(stored=True),
        platforms=KEYWORD(stored=True, commas=True),
        plugin=ID(stored=True),
        url=STORED(),
    )


def word_clause(word: str, fuzzy: bool) -> Query | None:
    """What one word of the query may match: stem, exact word, prefix, and near spellings."""
    stems = analyse(word)
    clauses: list[Query] = []
    if stems:
        stem = stems[0]
        clauses += [Term("title", stem), Term("promise", stem), Term("body", stem)]
    elif len(word) < 3:
        return None  # a stop word or a lone letter: not worth matching
    clauses.append(Term("words", word, boost=1.5))
    if len(word) >= 3:
        clauses.append(Prefix("words", word, boost=0.8))
    if fuzzy and len(word) >= 4:
        distance = 1 if len(word) < 8 else 2
        clauses.append(FuzzyTerm("words", word, maxdist=distance, prefixlength=1, boost=0.5))
    return Or(clauses)


def build_text_query(text: str, require_all: bool, fuzzy: bool = True) -> Query | None:
    words = analyse(text[:MAX_QUERY_CHARS], folding_analyzer())[:MAX_QUERY_WORDS]
    clauses = [clause for word in words if (clause := word_clause(word, fuzzy)) is not None]
    if not clauses:
        return None
    return And(clauses) if require_all else Or(clauses)


class WhooshCatalogSearch:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    # -- reading ----------------------------------------------------------------------

    def _searcher(self) -> Searcher:
        searcher: Searcher | None = getattr(self._local, "searcher", None)
        if searcher is not None and searcher.up_to_date():
            return searcher
        failure = ""
        # whoosh leaves a file open when it fails on a damaged index; the exception holds
        # it, so it is closed (and warned about) when the except block ends: keep that
        # inside this block. Only opening and refreshing pass here, not every search.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                if searcher is None:
                    if not whoosh_index.exists_in(str(self.path), indexname=INDEX_NAME):
                        raise SearchUnavailable("the search index does not exist")
                    ix = whoosh_index.open_dir(str(self.path), indexname=INDEX_NAME)
                    searcher = ix.searcher()
                else:
                    searcher = searcher.refresh()
            except SearchUnavailable:
                self._local.searcher = None
                raise
            except Exception as error:  # whoosh raises many kinds on a damaged index
                failure = repr(error)
            if failure:
                gc.collect()
        if failure:
            self._local.searcher = None
            raise SearchUnavailable(f"the search index cannot be read: {failure}")
        self._local.searcher = searcher
        return searcher

    def search(self, query: SearchQuery) -> SearchResults:
        filters: list[Query] = [Term("doctype", query.doctype)]
        for name, value in query.filters.items():
            filters.append(Term(name, value))
        # Precise first; near spellings only when that finds nothing; any word last.
        for require_all, fuzzy in ((True, False), (True, True), (False, True)):
            text_query = build_text_query(query.text, require_all, fuzzy)
            if text_query is None:
                return SearchResults(total=0, hits=[], facets=_empty_facets())
            try:
                results = self._run(text_query, And(filters), query)
            except SearchUnavailable:
                raise
            except Exception as error:
                self._local.searcher = None
                raise SearchUnavailable(f"the search failed: {error!r}") from error
            if results.total or not require_all:
                results.approximate = not require_all
                return results
        raise AssertionError("unreachable")  # pragma: no cover

    def _run(self, text_query: Query, filter_query: Query, query: SearchQuery) -> SearchResults:
        searcher = self._searcher()
        if not searcher.reader().doc_frequency("doctype", query.doctype):
            return SearchResults(total=0, hits=[], facets=_empty_facets())
        hidden = [
            Term("plugin", name)
            for name in (term.decode("utf-8") for term in searcher.lexicon("plugin"))
            if name and name not in query.active_plugins
        ]
        mask = Or(hidden) if hidden else None
        # The catalogue holds hundreds of documents: read every hit once for exact
        # facet counts instead of keeping facet columns.
        found = searcher.search(text_query, filter=filter_query, mask=mask, limit=None)
        facets = _empty_facets()
        hits: list[SearchHit] = []
        start = (query.page - 1) * query.per_page
        for position, hit in enumerate(found):
            stored = hit.fields()
            for name in FACET_FIELDS:
                for value in str(stored.get(name) or "").split(","):
                    if value:
                        facets[name][value] = facets[name].get(value, 0) + 1
            if start <= position < start + query.per_page:
                hits.append(SearchHit(key=stored["key"], score=hit.score, stored=stored))
        return SearchResults(total=len(found), hits=hits, facets=facets)

    # -- writing ----------------------------------------------------------------------

    @contextmanager
    def writing(self, wait_seconds: float = 0.0, replace_all: bool = False) -> Iterator[_Writer]:
        self.path.mkdir(parents=True, exist_ok=True)
        if not whoosh_index.exists_in(str(self.path), indexname=INDEX_NAME):
            whoosh_index.create_in(str(self.path), catalog_schema(), indexname=INDEX_NAME)
        ix = whoosh_index.open_dir(str(self.path), indexname=INDEX_NAME)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                writer = ix.writer()
                break
            except LockError as error:
                if time.monotonic() >= deadline:
                    raise IndexLocked("another process is writing the search index") from error
                time.sleep(0.05)
        try:
            yield _Writer(writer)
        except BaseException:
            writer.cancel()
            raise
        # The catalogue is small: merging small segments on commit stays cheap.
        writer.commit(mergetype=writing.CLEAR if replace_all else writing.MERGE_SMALL)

    def rebuild(self, documents: Iterable[Mapping[str, Any]]) -> int:
        """Replace every document in one commit; rebuild from scratch if the index is damaged.

        In place, readers see the old index until the commit and the new one after it.
        A missing or unreadable index is built beside the live folder and swapped in.
        """
        documents = list(documents)
        damaged = False
        with warnings.catch_warnings():  # see _searcher: whoosh leaks a file when damaged
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                with self.writing(wait_seconds=30.0, replace_all=True) as writer:
                    for document in documents:
                        writer.upsert(document)
            except IndexLocked:
                raise
            except Exception:
                damaged = True
            if damaged:
                gc.collect()
        if damaged:
            self._rebuild_fresh(documents)
        self._local.searcher = None
        return len(documents)

    def _rebuild_fresh(self, documents: list[Mapping[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(self.path.name + ".rebuild")
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        ix = whoosh_index.create_in(str(fresh), catalog_schema(), indexname=INDEX_NAME)
        writer = ix.writer()
        for document in documents:
            writer.add_document(**_fields(document))
        writer.commit()
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        fresh.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)


class _Writer:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def upsert(self, document: Mapping[str, Any]) -> None:
        self._writer.update_document(**_fields(document))

    def delete(self, key: str) -> None:
        self._writer.delete_by_term("key", key)


def _fields(document: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if value is not None}


def _empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in FACET_FIELDS}
