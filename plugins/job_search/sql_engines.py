"""Two SQL offer engines for the benchmark (bench/jobs.py): SQLite FTS5 and PostgreSQL.

They answer the same ``OfferEngine`` protocol as tantivy_engine.TantivyEngine, with the same
filters, facets, sorts, hit cards and totals, so that the store's engine is chosen by
measurement. Each keeps its own tables (never the app's): ``build(documents)`` drops and
reloads them, ``apply`` writes changes, ``size_bytes`` says what they take, ``destroy``
removes them.

Same answers as tantivy
    Filters: ``expires >= now`` (whole seconds; documents without expiry never expire), the
    area's communes, the exact ROME code, contract / experience / time among the chosen
    values, any of the chosen sources, monthly salary >= salary_min, published within
    ``since`` days, first seen after ``seen_after``. Facets are counted without their own
    filter: the terms facets as {value: count} (empty values are not counted), salary_min
    as cumulative "at least X" counts for every SALARY_STEPS value, since as cumulative
    counts for every SINCE_DAYS value. Sorts: date = published desc, id desc; distance =
    the area's commune order, then published desc, id desc; relevance = a text score (not
    tantivy's BM25: only the set of hits is the same, not their order).

Text: what matches, engine by engine
    Both engines read the query's words as tantivy does (``query_words``: the same word
    split, the same stop words and one-letter words skipped), and every word must match
    the title or the body.

    PostgreSQL analyses as tantivy does: Snowball French stemming *then* accent folding,
    and each query word is looked up as typed, folded, and folded masculine singular
    (``emploistore.normalise_gender_number``), any of them matching. Its Snowball is the
    same algorithm as tantivy's (the same stems on the vocabulary tried in the tests); the
    text search configuration ``job_bench.fr`` is ``french`` without its stop words
    (tantivy indexes every word; the query skips the same few stop words). Postgres folds
    stems with ``unaccent`` when the extension can be created, else with ``translate()``
    over the French accented letters (``PostgresEngine.folding`` says which). ASCII
    punctuation is made spaces before PostgreSQL's parser reads the text, which otherwise
    keeps "entretien/propreté" (a file path to it), URLs, e-mail addresses and hyphenated
    words whole: words are split where tantivy splits them. What can still differ: tantivy
    drops words of 40 bytes or more, and the two Snowball implementations may not agree on
    every word.

    FTS5 has no French stemmer. Title and body are folded (case, accents, œ/æ/ß) and each
    word is brought to its masculine singular by ``normalise_gender_number`` before
    indexing; each query word is treated the same way and looked up as a prefix
    (``"infirmier"*``; numbers are looked up whole). So "infirmière", "infirmiere",
    "infirmier", "infirmières" all find "Infirmière", as in tantivy, but:

    - FTS5 finds more where a prefix matches a longer word: "gestion" finds
      "gestionnaire", "art" "artisan", "boulanger" "boulangerie"; and where the normaliser
      brings a feminine to the masculine and Snowball does not: "serveur" finds "serveuse",
      "vendeur" "vendeuse", "conducteur" "conductrice" (tantivy's stems are "serveux",
      "vendeux", "conductric": tantivy and PostgreSQL miss them);
    - FTS5 finds less where Snowball brings forms together and the normaliser has no rule:
      "commerciale" does not find "commercial", "médicale" "médical", "spécialisée"
      "spécialisé", nor "comptable" "comptabilité", "animateur" "animation".

    Relevance: FTS5's ``bm25`` with the title weighted 3 (tantivy's TITLE_BOOST), and
    PostgreSQL's ``ts_rank_cd`` with title (weight A) 1.0, body (B) 0.333.

How they are built
    FTS5: one SQLite file (WAL, mmap): ``docs`` (the filter columns), ``cards`` (the card
    JSON, apart so that scanning ``docs`` reads narrow rows), the sources in a JSON column
    filtered with ``instr`` (``sources="column"``, the default: measured faster than a
    ``doc_sources`` table, ``sources="table"``, on 20,000 generated offers: a source filter
    with its facets 52 against 72 ms, everything by date 38 against 65 ms; same size,
    28 MB), and a contentless FTS5 table ``docs_fts`` (``unicode61
    remove_diacritics 2``) on the prepared title and body, its rowid being ``docs.row``.
    Contentless keeps the file small, but its rows cannot be deleted: ``apply`` gives a
    changed offer a new ``row`` and leaves the old FTS row behind, unreachable (the join
    drops it; it still counts in bm25's statistics) until the next ``build``.

    PostgreSQL: a schema of its own (``job_bench``) in the given database: ``docs`` with a
    ``tsvector`` (title weight A, body weight B; GIN index), btree indexes on the filter
    columns, ``sources text[]`` with a GIN index; loaded with COPY into an unlogged table,
    then ``CREATE TABLE AS`` computes the vectors (in parallel where the server allows),
    then the indexes, then VACUUM ANALYZE. The ``unaccent`` extension is created in that
    schema when the database has none (one per database: when another engine's schema
    uses it, dropping this schema first moves it there). Statements run with
    ``plan_cache_mode = force_custom_plan`` so that the text query (an immutable function
    of the parameters) is planned as a constant.

A search is one statement (one round trip for PostgreSQL): ``m`` gathers the rows that
pass the filters never lifted for a facet (expiry, area, ROME, seen_after, words) and fail
at most one facet filter, each row knowing which one it fails ('' for none); the page is
the best rows of ``m`` failing none (cards read for the page only), the total is their
count, and a facet counts the rows failing nothing or only its own filter. With words,
``m`` is materialised (the words are matched and scored once); without, it is inlined
(the page walks an index). PostgreSQL counts every facet in one pass with GROUPING SETS;
SQLite has none, and counts each value of each facet with ``count(*) FILTER`` in one pass
(the values found in the offers are kept in ``meta`` by ``build`` and ``apply``). Without
facets, the page and the count are two statements (a pipeline: one round trip).
"""

# SQL is assembled here from fixed names and constants only; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from emploistore import normalise_gender_number
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
from job_search.tantivy_engine import STOPWORDS, WORD

TERMS_FACETS = ("contract", "experience", "time")
BATCH = 2000
TITLE_WEIGHT = 3.0  # tantivy_engine.TITLE_BOOST
SCHEMA = "job_bench"
# Made spaces before PostgreSQL parses text: ASCII punctuation, so that its parser sees words
# only, as tantivy's tokenizer does (no file path "entretien/propreté", URL, e-mail, host or
# hyphenated word tokens); and the letters unaccent turns into an apostrophe, which would
# break a tsvector's text form.
_SEPARATORS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + "ŉʹʻʼʽˈ"
_SPACED = str.maketrans(dict.fromkeys(_SEPARATORS, " "))
_FRENCH_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ"
_FRENCH_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def query_words(text: str) -> list[tuple[str, ...]]:
    """For each meaningful word of ``text``: its spellings to look up (as typed, folded,
    folded masculine singular), skipping what tantivy_engine.query_terms skips."""
    words: list[tuple[str, ...]] = []
    for word in WORD.findall(text.lower()):
        folded = fold(word)
        if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        words.append(tuple(dict.fromkeys((word, folded, normalise_gender_number(folded)))))
    return words


@lru_cache(maxsize=200_000)
def _normal_word(word: str) -> str:
    return normalise_gender_number(word)


def fts_text(text: str) -> str:
    """What FTS5 indexes of a title or body: folded words, each in its masculine singular."""
    return " ".join(_normal_word(word) for word in WORD.findall(fold(text)))


def fts_match(words: Sequence[tuple[str, ...]]) -> str:
    """The FTS5 query for ``query_words``: every word, folded and normalised, as a prefix."""
    parts = []
    for spellings in words:
        term = normalise_gender_number(fold(spellings[0]))
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted if term.isdigit() else quoted + "*")
    return " AND ".join(parts)


def _card(doc: IndexDocument) -> str:
    return json.dumps(doc.card, ensure_ascii=False, separators=(",", ":"))


def _batches(items: Iterable[IndexDocument], size: int = BATCH) -> Iterator[list[IndexDocument]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# (total, {facet: {value: count}}), salary_min and since counted cumulatively
_Counts = tuple[int, dict[str, dict[str, int]]]
_Reader = Callable[[list[Sequence[Any]]], _Counts]


def _shape(raw: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Facets as tantivy_engine gives them: terms without empty values or zero counts,
    every SALARY_STEPS and SINCE_DAYS key (cumulative counts), keys as strings."""
    facets: dict[str, dict[str, int]] = {}
    for name in FACETS:
        found = raw.get(name, {})
        if name == "salary_min":
            facets[name] = {str(step): found.get(str(step), 0) for step in SALARY_STEPS}
        elif name == "since":
            facets[name] = {str(days): found.get(str(days), 0) for days in sorted(SINCE_DAYS)}
        else:
            kept = [(key, count) for key, count in found.items() if key and count]
            facets[name] = dict(sorted(kept, key=lambda item: (-item[1], item[0])))
    return facets


@lru_cache(maxsize=8)
def _parse_values(text: str) -> dict[str, list[str]]:
    return json.loads(text)  # type: ignore[no-any-return]


def _cumulative(buckets: dict[str, int], keys: Sequence[int], reverse: bool) -> dict[str, int]:
    """Disjoint bucket counts → "at least / within" counts, accumulated along ``keys``."""
    running, counts = 0, {}
    for key in sorted(keys, reverse=reverse):
        running += buckets.get(str(key), 0)
        counts[str(key)] = running
    return counts


# --------------------------------------------------------------------------------------------
# The SQL both engines share
# --------------------------------------------------------------------------------------------


class _Params:
    """Named parameters of one statement: ``p(value)`` stores it and returns its placeholder."""

    def __init__(self, placeholder: Callable[[str], str]) -> None:
        self.values: dict[str, Any] = {}
        self._placeholder = placeholder

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return self._placeholder(name)


@dataclass
class _Plan:
    """One search as SQL pieces over ``d``, the docs table."""

    params: _Params
    joins: str = ""
    base: list[str] = field(default_factory=list)  # never lifted for a facet
    filters: dict[str, str] = field(default_factory=dict)  # facet name → its filter
    # The sort: (alias, expression, direction), most significant first.
    sort: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return " AND ".join([*self.base, *self.filters.values()])

    def sort_columns(self) -> str:
        return ", ".join(f"{expression} AS {alias}" for alias, expression, _ in self.sort)

    def order(self, table: str = "") -> str:
        prefix = f"{table}." if table else ""
        return ", ".join(f"{prefix}{alias} {direction}" for alias, _, direction in self.sort)


class _SqlEngine:
    """What both SQL engines share: a search turned into SQL, facets read back."""

    docs = "docs"
    cards = "cards"  # the table of the cards, by ``key``
    key = "row"  # the column joining docs, cards and (FTS5) the text and sources
    _false = "0"  # a filter on a NULL value fails
    _facet_columns = 'd.contract, d.experience, d."time", d.salary'
    # Materialise ``m`` when facet filters are on (measured: yes for SQLite, whose
    # FILTER counts would each evaluate ``fail`` again; no for PostgreSQL).
    _materialize_filtered = True

    _lock: threading.Lock
    _opened: list[Any]
    _local: threading.local

    def close(self) -> None:
        """Close every connection this engine opened."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()

    # -- dialect ------------------------------------------------------------------------------
    def _params(self) -> _Params:
        raise NotImplementedError

    def _in(self, p: _Params, column: str, values: Sequence[Any]) -> str:
        raise NotImplementedError

    def _area_in(self, p: _Params, codes: list[str]) -> str:
        raise NotImplementedError

    def _area_join(self, p: _Params, codes: list[str]) -> tuple[str, str]:
        """(JOIN clause, expression of the commune's rank) walking the area in order."""
        raise NotImplementedError

    def _sources_in(self, p: _Params, values: Sequence[str]) -> str:
        raise NotImplementedError

    def _text(self, p: _Params, words: list[tuple[str, ...]]) -> tuple[str, str, str, str]:
        """(JOIN clause, condition, score expression, "ASC" or "DESC": best first)."""
        raise NotImplementedError

    def _as_int(self, condition: str) -> str:
        return f"({condition})"

    # -- statements ---------------------------------------------------------------------------
    def _plan(
        self, query: OfferQuery, area: Area | None, now: datetime, ordered: bool = True
    ) -> _Plan:
        plan = _Plan(self._params())
        p = plan.params
        joins: list[str] = []
        plan.base.append(f"d.expires >= {p(epoch(now))}")
        if words := query_words(query.text):
            join, condition, score, best = self._text(p, words)
            joins.append(join)
            plan.base.append(condition)
            if ordered and query.sort == "relevance":
                plan.sort.append(("s_score", score, best))
        if area is not None:
            codes = list(dict.fromkeys(code for code, _km in area.communes))
            if ordered and query.sort == "distance":
                join, rank = self._area_join(p, codes)
                joins.append(join)
                plan.sort.append(("s_place", rank, "ASC"))
            else:
                plan.base.append(self._area_in(p, codes))
        plan.sort += [("s_published", "d.published", "DESC"), ("s_id", "d.id", "DESC")]
        if query.rome:
            plan.base.append(f"d.rome = {p(query.rome)}")
        if query.seen_after is not None:
            plan.base.append(f"d.seen >= {p(epoch(query.seen_after) + 1)}")
        for name in TERMS_FACETS:
            if values := getattr(query, name):
                plan.filters[name] = self._in(p, f'd."{name}"', values)
        if query.source:
            plan.filters["source"] = self._sources_in(p, query.source)
        if query.salary_min:
            plan.filters["salary_min"] = f"d.salary >= {p(query.salary_min)}"
        if query.since:
            start = epoch(now - timedelta(days=query.since))
            plan.filters["since"] = f"d.published >= {p(start)}"
        plan.joins = " ".join(j for j in joins if j)
        return plan

    def _page_sql(self, query: OfferQuery, area: Area | None, now: datetime) -> tuple[str, _Params]:
        """The page of hits: (id, card), best first; cards read for the page only."""
        plan = self._plan(query, area, now)
        p = plan.params
        page = (
            f"SELECT d.{self.key} AS s_key, {plan.sort_columns()} FROM {self.docs} d "
            f"{plan.joins} WHERE {plan.where} ORDER BY {plan.order()} "
            f"LIMIT {p(query.per_page)} OFFSET {p(query.offset)}"
        )
        sql = (
            f"SELECT x.s_id, c.card FROM ({page}) x JOIN {self.cards} c "
            f"ON c.{self.key} = x.s_key ORDER BY {plan.order('x')}"
        )
        return sql, p

    def _count_sql(
        self, query: OfferQuery, area: Area | None, now: datetime
    ) -> tuple[str, _Params]:
        plan = self._plan(query, area, now, ordered=False)
        sql = f"SELECT count(*) FROM {self.docs} d {plan.joins} WHERE {plan.where}"
        return sql, plan.params

    def _search_sql(
        self, query: OfferQuery, area: Area | None, now: datetime
    ) -> tuple[str, _Params, _Reader]:
        """The page, the total and the facets in one statement, and how to read its facet rows.

        ``m`` holds the rows matching the base filters and failing at most one facet
        filter, with ``fail`` naming it ('' for none). When there are words, ``m`` is
        materialised so that they are matched and scored once; otherwise it is inlined (the
        page then walks an index). Rows: ('hit', NULL, position, id, card), then the
        dialect's facet rows (see _facet_selects)."""
        plan = self._plan(query, area, now)
        p = plan.params
        where = list(plan.base)
        checks = {name: f"coalesce({c}, {self._false})" for name, c in plan.filters.items()}
        if checks:
            cases = " ".join(f"WHEN NOT {check} THEN '{name}'" for name, check in checks.items())
            fail = f"CASE {cases} ELSE '' END"
            if len(checks) > 1:
                failures = " + ".join(self._as_int(f"NOT {check}") for check in checks.values())
                where.append(f"{failures} <= 1")
        else:
            fail = "''"
        sort_names = ", ".join(f"m.{alias}" for alias, _, _ in plan.sort)
        hits = (
            f"SELECT 'hit' AS f, NULL AS k, row_number() OVER (ORDER BY {plan.order('x')}) AS n, "
            f"x.s_id AS id, c.card AS card FROM ("
            f"SELECT m.s_key, {sort_names} FROM m WHERE m.fail = '' "
            f"ORDER BY {plan.order('m')} LIMIT {p(query.per_page)} OFFSET {p(query.offset)}"
            f") x JOIN {self.cards} c ON c.{self.key} = x.s_key"
        )
        selects, read = self._facet_selects(p, now)
        materialized = (
            "MATERIALIZED" if self._materialize(query, bool(checks)) else "NOT MATERIALIZED"
        )
        sql = (
            f"WITH m AS {materialized} (SELECT d.{self.key} AS s_key, {plan.sort_columns()}, "
            f"{self._facet_columns}, {fail} AS fail FROM {self.docs} d {plan.joins} "
            f"WHERE {' AND '.join(where)}) " + " UNION ALL ".join([hits, *selects])
        )
        return sql, p, read

    def _materialize(self, query: OfferQuery, filtered: bool) -> bool:
        """Whether ``m`` is computed once (else inlined in each use)."""
        return bool(query_words(query.text)) or (filtered and self._materialize_filtered)

    def _facet_selects(self, p: _Params, now: datetime) -> tuple[list[str], _Reader]:
        """SELECTs (f, k, n, id, card) counting the facets and the total over ``m``, and
        the function reading their rows into (total, raw counts) for _shape."""
        raise NotImplementedError

    def _read_search(
        self, rows: Iterable[Sequence[Any]], read: _Reader, area: Area | None
    ) -> OfferResults:
        """The answer from the rows of _search_sql."""
        hits: list[tuple[int, int, str]] = []
        facet_rows = []
        for row in rows:
            if row[0] == "hit":
                hits.append((row[2], row[3], row[4]))
            else:
                facet_rows.append(row)
        total, raw = read(facet_rows)
        ordered = [(offer_id, card) for _, offer_id, card in sorted(hits)]
        return OfferResults(total=total, hits=self._hits(ordered, area), facets=_shape(raw))

    @staticmethod
    def _hits(rows: Iterable[Sequence[Any]], area: Area | None) -> list[OfferHit]:
        distances = area.distances() if area is not None else {}
        hits = []
        for offer_id, card_json in rows:
            card = json.loads(card_json)
            hits.append(OfferHit(id=offer_id, card=card, distance_km=distances.get(card["cc"])))
        return hits


# --------------------------------------------------------------------------------------------
# SQLite FTS5
# --------------------------------------------------------------------------------------------


class Fts5Engine(_SqlEngine):
    """Offers in a SQLite file of their own, words in a contentless FTS5 table.

    ``sources="table"`` keeps an offer's sources in ``doc_sources`` (one row each);
    ``"column"`` (the default) in a JSON column of ``docs``, filtered with ``instr`` (faster:
    see the module's docstring)."""

    name = "fts5"

    def __init__(self, path: Path, sources: Literal["table", "column"] = "column") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if sources not in ("table", "column"):
            raise ValueError(f"sources: 'table' or 'column', not {sources!r}")
        self.sources_mode = sources
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        if sources == "column":
            self._facet_columns = _SqlEngine._facet_columns + ", d.sources"

    # -- connections --------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit; WAL; mmap)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA mmap_size = 1073741824")
            connection.execute("PRAGMA cache_size = -65536")
            connection.execute("PRAGMA temp_store = MEMORY")
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def destroy(self) -> None:
        """Remove the database file."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def size_bytes(self) -> int:
        return sum(
            Path(f"{self.path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{self.path}{suffix}").exists()
        )

    # -- writing ------------------------------------------------------------------------------
    _TABLES = (
        "CREATE TABLE docs (row INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL UNIQUE, "
        'rome TEXT, commune TEXT, contract TEXT, experience TEXT, "time" TEXT, sources TEXT, '
        "salary INTEGER, published INTEGER NOT NULL, seen INTEGER NOT NULL, "
        "expires INTEGER NOT NULL)",
        # Apart, so that scanning docs (facets of a broad search) reads narrow rows.
        "CREATE TABLE cards (row INTEGER PRIMARY KEY, card TEXT NOT NULL)",
        "CREATE TABLE doc_sources (row INTEGER NOT NULL, source TEXT NOT NULL, "
        "PRIMARY KEY (row, source)) WITHOUT ROWID",
        "CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='', "
        "tokenize = 'unicode61 remove_diacritics 2')",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL)",
    )
    _INDEXES = (
        "CREATE INDEX docs_published ON docs (published, id)",
        "CREATE INDEX docs_commune ON docs (commune, published, id)",
        "CREATE INDEX docs_rome ON docs (rome, published, id)",
        "CREATE INDEX docs_salary ON docs (salary)",
        "CREATE INDEX docs_seen ON docs (seen)",
        "CREATE INDEX doc_sources_source ON doc_sources (source, row)",
    )

    def _doc_row(self, row: int, doc: IndexDocument) -> tuple[Any, ...]:
        sources = (
            json.dumps(list(doc.sources), ensure_ascii=False)
            if self.sources_mode == "column"
            else None
        )
        expires = doc.expires if doc.expires is not None else NO_EXPIRY
        return (
            row,
            doc.id,
            doc.rome,
            doc.commune,
            doc.contract,
            doc.experience,
            doc.time,
            sources,
            doc.salary,
            doc.published,
            doc.seen,
            expires,
        )

    def _insert(
        self, connection: sqlite3.Connection, rows: list[tuple[int, IndexDocument]]
    ) -> None:
        connection.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._doc_row(row, doc) for row, doc in rows],
        )
        connection.executemany(
            "INSERT INTO cards VALUES (?, ?)", [(row, _card(doc)) for row, doc in rows]
        )
        if self.sources_mode == "table":
            connection.executemany(
                "INSERT OR IGNORE INTO doc_sources VALUES (?, ?)",
                [(row, source) for row, doc in rows for source in doc.sources],
            )
        connection.executemany(
            "INSERT INTO docs_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(row, fts_text(doc.title), fts_text(doc.body)) for row, doc in rows],
        )

    def build(self, documents: Iterable[IndexDocument], seq: int = 0) -> None:
        """Drop and reload every table from ``documents``, then index."""
        connection = self._connection()
        with self._lock:
            connection.execute("PRAGMA synchronous = OFF")
            try:
                connection.execute("BEGIN IMMEDIATE")
                for table in ("docs_fts", "doc_sources", "cards", "docs", "meta"):
                    connection.execute(f"DROP TABLE IF EXISTS {table}")
                connection.execute("COMMIT")
                connection.execute("VACUUM")  # an empty file again: size_bytes tells the truth
                connection.execute("BEGIN IMMEDIATE")
                for statement in self._TABLES:
                    connection.execute(statement)
                row = 0
                source_names: set[str] = set()
                for batch in _batches(documents):
                    source_names.update(source for doc in batch for source in doc.sources)
                    numbered = [(row + i, doc) for i, doc in enumerate(batch, start=1)]
                    row += len(batch)
                    self._insert(connection, numbered)
                for statement in self._INDEXES:
                    connection.execute(statement)
                connection.execute("INSERT INTO docs_fts (docs_fts) VALUES ('optimize')")
                connection.execute("INSERT INTO meta VALUES ('seq', ?)", (seq,))
                values = {
                    name: [
                        v
                        for (v,) in connection.execute(
                            f'SELECT DISTINCT "{name}" FROM docs WHERE "{name}" != \'\''
                        )
                    ]
                    for name in TERMS_FACETS
                }
                values["source"] = sorted(source_names)
                self._write_values(connection, values)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            finally:
                connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("ANALYZE")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int], seq: int) -> None:
        """Write changes; a changed offer gets a new row (its old FTS row stays, unreachable)."""
        docs = list(upserts)
        gone = [*deletes, *(doc.id for doc in docs)]
        connection = self._connection()
        with self._lock:
            connection.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(gone), 500):
                    ids = gone[start : start + 500]
                    marks = ", ".join("?" * len(ids))
                    for table in ("doc_sources", "cards"):
                        connection.execute(
                            f"DELETE FROM {table} WHERE row IN "
                            f"(SELECT row FROM docs WHERE id IN ({marks}))",
                            ids,
                        )
                    connection.execute(f"DELETE FROM docs WHERE id IN ({marks})", ids)
                (last,) = connection.execute(
                    "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'docs'"
                ).fetchone()
                (fts_last,) = connection.execute(
                    "SELECT coalesce(max(rowid), 0) FROM docs_fts"
                ).fetchone()
                first = max(last, fts_last) + 1
                self._insert(connection, list(enumerate(docs, start=first)))
                connection.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (seq,))
                values = {k: list(v) for k, v in self._facet_values(connection).items()}
                for doc in docs:
                    for name in TERMS_FACETS:
                        value = getattr(doc, name)
                        if value and value not in values[name]:
                            values[name].append(value)
                    values["source"] += [s for s in doc.sources if s not in values["source"]]
                self._write_values(connection, values)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    @staticmethod
    def _write_values(connection: sqlite3.Connection, values: dict[str, list[str]]) -> None:
        text = json.dumps(values, ensure_ascii=False)
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('values', ?)", (text,))

    @staticmethod
    def _facet_values(connection: sqlite3.Connection) -> dict[str, list[str]]:
        """The values of the terms facets found in the offers (kept by build and apply)."""
        row = connection.execute("SELECT value FROM meta WHERE key = 'values'").fetchone()
        return _parse_values(row[0]) if row else {name: [] for name in (*TERMS_FACETS, "source")}

    def applied_seq(self) -> int:
        try:
            found = self._connection().execute("SELECT value FROM meta WHERE key = 'seq'")
        except sqlite3.OperationalError:  # not built yet
            return 0
        row = found.fetchone()
        return int(row[0]) if row else 0

    def refresh(self) -> None:
        """Nothing to do: every statement sees the last commit."""

    # -- SQL dialect --------------------------------------------------------------------------
    def _params(self) -> _Params:
        return _Params(lambda name: f":{name}")

    def _in(self, p: _Params, column: str, values: Sequence[Any]) -> str:
        return f"{column} IN ({', '.join(p(value) for value in values)})"

    def _area_in(self, p: _Params, codes: list[str]) -> str:
        return f"d.commune IN (SELECT value FROM json_each({p(json.dumps(codes))}))"

    def _area_join(self, p: _Params, codes: list[str]) -> tuple[str, str]:
        return f"JOIN json_each({p(json.dumps(codes))}) AS a ON a.value = d.commune", "a.key"

    def _sources_in(self, p: _Params, values: Sequence[str]) -> str:
        if self.sources_mode == "column":
            tests = [f"instr(d.sources, {p(json.dumps(v, ensure_ascii=False))})" for v in values]
            return "(" + " OR ".join(tests) + ")"
        return f"d.row IN (SELECT s.row FROM doc_sources s WHERE {self._in(p, 's.source', values)})"

    def _facet_selects(self, p: _Params, now: datetime) -> tuple[list[str], _Reader]:
        """One pass over ``m``: a count for each value of each facet (the values found in
        the offers, see _facet_values), in a JSON array; with ``sources="table"`` the source
        facet is a GROUP BY over doc_sources."""
        values = self._facet_values(self._connection())
        layout: list[tuple[str, str]] = [("total", "")]
        counts = ["count(*) FILTER (WHERE m.fail = '')"]

        def add(name: str, key: str, condition: str) -> None:
            layout.append((name, key))
            counts.append(f"count(*) FILTER (WHERE m.fail IN ('', '{name}') AND {condition})")

        for name in TERMS_FACETS:
            for value in values[name]:
                add(name, value, f'm."{name}" = {p(value)}')
        if self.sources_mode == "column":
            for value in values["source"]:
                add(
                    "source", value, f"instr(m.sources, {p(json.dumps(value, ensure_ascii=False))})"
                )
        for step in SALARY_STEPS:
            add("salary_min", str(step), f"m.salary >= {step}")
        for days in SINCE_DAYS:
            add("since", str(days), f"m.s_published >= {p(epoch(now - timedelta(days=days)))}")
        # SQLite takes at most 127 arguments a function: arrays of arrays.
        chunks = [counts[i : i + 100] for i in range(0, len(counts), 100)]
        arrays = ", ".join(f"json_array({', '.join(chunk)})" for chunk in chunks)
        selects = [f"SELECT 'counts', NULL, NULL, NULL, json_array({arrays}) FROM m"]
        if self.sources_mode == "table":
            selects.append(
                "SELECT 'source', s.source, count(*), NULL, NULL FROM m JOIN doc_sources s "
                "ON s.row = m.s_key WHERE m.fail IN ('', 'source') GROUP BY s.source"
            )

        def read(rows: list[Sequence[Any]]) -> _Counts:
            raw: dict[str, dict[str, int]] = {name: {} for name in FACETS}
            total = 0
            for f, k, n, _id, card in rows:
                if f != "counts":
                    raw[f][k] = n
                    continue
                found = [count for chunk in json.loads(card) for count in chunk]
                for (name, key), count in zip(layout, found, strict=True):
                    if name == "total":
                        total = count
                    else:
                        raw[name][key] = count
            return total, raw

        return selects, read

    def _text(self, p: _Params, words: list[tuple[str, ...]]) -> tuple[str, str, str, str]:
        return (
            "JOIN docs_fts ON docs_fts.rowid = d.row",
            f"docs_fts MATCH {p(fts_match(words))}",
            f"bm25(docs_fts, {TITLE_WEIGHT}, 1.0)",
            "ASC",  # bm25(): lower is better
        )

    # -- searching ----------------------------------------------------------------------------
    def count(self, query: OfferQuery, area: Area | None, now: datetime) -> int:
        sql, p = self._count_sql(query, area, now)
        return int(self._connection().execute(sql, p.values).fetchone()[0])

    def search(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> OfferResults:
        connection = self._connection()
        if facets:
            sql, p, read = self._search_sql(query, area, now)
            return self._read_search(connection.execute(sql, p.values).fetchall(), read, area)
        sql, p = self._page_sql(query, area, now)
        hits = self._hits(connection.execute(sql, p.values).fetchall(), area)
        return OfferResults(total=self.count(query, area, now), hits=hits)


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def psycopg_url(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://…``) as psycopg reads it."""
    return re.sub(r"^postgres(?:ql)?\+\w+://", "postgresql://", url)


class PostgresEngine(_SqlEngine):
    """Offers in a schema of their own (``job_bench``) of a PostgreSQL database.

    ``url``: a psycopg or SQLAlchemy (``postgresql+psycopg://``) URL. Everything the engine
    makes lives in ``schema``, dropped by ``build`` and ``destroy``; the ``unaccent``
    extension is used where it is, or created there (see _drop_schema).
    ``unaccent=False`` does without it (stems folded with ``translate``)."""

    name = "postgres"
    _false = "false"
    cards = docs = f"{SCHEMA}.docs"
    key = "id"
    _materialize_filtered = False
    _facet_columns = _SqlEngine._facet_columns + ", d.sources"
    # ts_rank_cd weights {D, C, B, A}: title (A) 3 times the body (B), as tantivy's boost.
    _WEIGHTS = "'{0.1, 0.2, 0.333, 1.0}'"

    def __init__(self, url: str, schema: str = SCHEMA, unaccent: bool = True) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
            raise ValueError(f"schema: a plain lower-case SQL name, not {schema!r}")
        self.url = psycopg_url(url)
        self.schema = schema
        self.docs = self.cards = f"{schema}.docs"
        self.unaccent = unaccent
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Any] = []

    # -- connections --------------------------------------------------------------------------
    def _connection(self) -> Any:
        """This thread's connection (autocommit; custom plans, see _text)."""
        import psycopg

        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            connection = psycopg.connect(self.url, autocommit=True)
            connection.execute("SET plan_cache_mode = force_custom_plan")
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def destroy(self) -> None:
        """Drop the schema and everything in it (see _drop_schema)."""
        connection = self._connection()
        with connection.transaction():
            self._drop_schema(connection)
        self.close()

    @staticmethod
    def _quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _fold_function(self, schema: str, extension_schema: str | None) -> str:
        """CREATE OR REPLACE of ``schema``'s fold(): unaccent's or the translate fallback."""
        if extension_schema is not None:
            ext = self._quoted(extension_schema)
            body = f"SELECT {ext}.unaccent('{ext}.unaccent'::regdictionary, $1)"
        else:
            body = (
                f"SELECT replace(replace(translate($1, '{_FRENCH_ACCENTED}', "
                f"'{_FRENCH_PLAIN}'), 'œ', 'oe'), 'æ', 'ae')"
            )
        return (
            f"CREATE OR REPLACE FUNCTION {self._quoted(schema)}.fold(text) RETURNS text "
            f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f${body}$f$"
        )

    def _drop_schema(self, connection: Any) -> None:
        """Drop this engine's schema. The unaccent extension exists once in a database:
        if it lives in this schema and another engine's schema uses it (a benchmark and
        the tests on one database), it is first moved there and that schema's fold()
        pointed at it, so that dropping this schema does not break the other."""
        found = connection.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        ).fetchone()
        if found is not None and found[0] == self.schema:
            users = [
                name
                for (name,) in connection.execute(
                    "SELECT DISTINCT n.nspname FROM pg_proc p JOIN pg_namespace n "
                    "ON n.oid = p.pronamespace WHERE p.proname = 'fold' AND n.nspname <> %s "
                    "AND strpos(p.prosrc, %s) > 0 ORDER BY 1",
                    (self.schema, f"{self._quoted(self.schema)}.unaccent"),
                )
            ]
            if users:
                connection.execute(f"ALTER EXTENSION unaccent SET SCHEMA {self._quoted(users[0])}")
                for name in users:
                    connection.execute(self._fold_function(name, users[0]))
        connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def size_bytes(self) -> int:
        found = self._connection().execute(
            "SELECT pg_total_relation_size(to_regclass(%s))", (self.docs,)
        )
        return int(found.fetchone()[0] or 0)

    @property
    def folding(self) -> str:
        """How stems are folded: 'unaccent' or 'translate' (when the extension is missing)."""
        found = self._connection().execute(
            f"SELECT value FROM {self.schema}.meta WHERE key = 'fold'"
        )
        return str(found.fetchone()[0])

    # -- writing ------------------------------------------------------------------------------
    _LOAD_TABLE = (
        "id bigint, title text, body text, rome text, commune text, contract text, "
        'experience text, "time" text, sources text[], salary integer, published bigint, '
        "seen bigint, expires bigint, card text"
    )
    _COLUMNS = (
        'id, title, body, rome, commune, contract, experience, "time", sources, salary, '
        "published, seen, expires, card"
    )

    def _setup(self, connection: Any) -> str:
        """The schema, its text search configuration and functions; returns the folding."""
        import psycopg

        s = self.schema
        self._drop_schema(connection)
        connection.execute(f"CREATE SCHEMA {s}")
        place = None
        if self.unaccent:
            try:
                with connection.transaction():
                    connection.execute(f"CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA {s}")
            except psycopg.Error:  # not allowed here: the fallback below
                pass
            else:
                place = connection.execute(
                    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                    "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
                ).fetchone()
        folding = "translate" if place is None else "unaccent"
        pure = "LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        separators = _SEPARATORS.replace("'", "''")
        blanks = " " * len(_SEPARATORS)
        statements = [
            f"CREATE TEXT SEARCH DICTIONARY {s}.french_stem "
            "(TEMPLATE = snowball, LANGUAGE = french)",
            f"CREATE TEXT SEARCH CONFIGURATION {s}.fr (COPY = pg_catalog.french)",
            f"ALTER TEXT SEARCH CONFIGURATION {s}.fr ALTER MAPPING FOR asciiword, asciihword, "
            f"hword_asciipart, word, hword, hword_part WITH {s}.french_stem",
            # Stems are folded after stemming, as tantivy does, through the text form of the
            # vector or query (letters unaccent would turn into quotes are removed first).
            self._fold_function(s, None if place is None else place[0]),
            f"CREATE FUNCTION {s}.clean(text) RETURNS text {pure} STRICT AS "
            f"$f$SELECT translate($1, '{separators}', '{blanks}')$f$",
            f"CREATE FUNCTION {s}.doc_tsv(text, text) RETURNS tsvector {pure} AS $f$"
            f"SELECT {s}.fold(("
            # Title and body come cleaned (_load_row: translate() here doubles the time).
            f"setweight(to_tsvector('{s}.fr', coalesce($1, '')), 'A') || "
            f"setweight(to_tsvector('{s}.fr', coalesce($2, '')), 'B')"
            ")::text)::tsvector$f$",
            f"CREATE FUNCTION {s}.word_query(text) RETURNS tsquery {pure} STRICT AS $f$"
            f"SELECT {s}.fold(plainto_tsquery('{s}.fr', {s}.clean($1))::text)::tsquery$f$",
            f"CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
            f"CREATE UNLOGGED TABLE {s}.load ({self._LOAD_TABLE})",
        ]
        for statement in statements:
            connection.execute(statement)
        connection.execute(f"INSERT INTO {s}.meta VALUES ('fold', %s)", (folding,))
        return folding

    @staticmethod
    def _load_row(doc: IndexDocument) -> tuple[Any, ...]:
        """A row of the load table; title and body with _SEPARATORS made spaces."""
        expires = doc.expires if doc.expires is not None else NO_EXPIRY
        return (
            doc.id,
            doc.title.translate(_SPACED),
            doc.body.translate(_SPACED),
            doc.rome,
            doc.commune,
            doc.contract,
            doc.experience,
            doc.time,
            list(doc.sources),
            doc.salary,
            doc.published,
            doc.seen,
            expires,
            _card(doc),
        )

    def _copy(self, connection: Any, documents: Iterable[IndexDocument]) -> None:
        statement = f"COPY {self.schema}.load ({self._COLUMNS}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for doc in documents:
                copy.write_row(self._load_row(doc))

    _SELECT_LOADED = (
        'SELECT id, rome, commune, contract, experience, "time", sources, salary, published, '
        "seen, expires, {s}.doc_tsv(title, body) AS tsv, card FROM {load}"
    )
    _INDEXES = (
        "ALTER TABLE {s}.docs ADD PRIMARY KEY (id)",
        "CREATE INDEX docs_tsv ON {s}.docs USING gin (tsv)",
        "CREATE INDEX docs_sources ON {s}.docs USING gin (sources)",
        "CREATE INDEX docs_published ON {s}.docs (published, id)",
        "CREATE INDEX docs_commune ON {s}.docs (commune, published, id)",
        "CREATE INDEX docs_rome ON {s}.docs (rome, published, id)",
        "CREATE INDEX docs_contract ON {s}.docs (contract)",
        "CREATE INDEX docs_experience ON {s}.docs (experience)",
        'CREATE INDEX docs_time ON {s}.docs ("time")',
        "CREATE INDEX docs_salary ON {s}.docs (salary)",
        "CREATE INDEX docs_seen ON {s}.docs (seen)",
        "CREATE INDEX docs_expires ON {s}.docs (expires)",
    )

    def build(self, documents: Iterable[IndexDocument], seq: int = 0) -> None:
        """Drop the schema, COPY the documents, compute the vectors, index, analyse."""
        connection = self._connection()
        with self._lock, connection.transaction():
            connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
            self._setup(connection)
            self._copy(connection, documents)
            loaded = self._SELECT_LOADED.format(s=self.schema, load=f"{self.schema}.load")
            connection.execute(f"CREATE TABLE {self.docs} AS {loaded}")
            connection.execute(f"DROP TABLE {self.schema}.load")
            for statement in self._INDEXES:
                connection.execute(statement.format(s=self.schema))
            connection.execute(f"INSERT INTO {self.schema}.meta VALUES ('seq', %s)", (str(seq),))
        connection.execute(f"VACUUM ANALYZE {self.schema}.docs")

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int], seq: int) -> None:
        """Write changes in one transaction."""
        docs = list(upserts)
        gone = [*deletes, *(doc.id for doc in docs)]
        connection = self._connection()
        with self._lock, connection.transaction():
            connection.execute(f"DELETE FROM {self.schema}.docs WHERE id = ANY(%s)", (gone,))
            connection.execute(f"CREATE TEMP TABLE load ({self._LOAD_TABLE}) ON COMMIT DROP")
            statement = f"COPY load ({self._COLUMNS}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(statement) as copy:
                for doc in docs:
                    copy.write_row(self._load_row(doc))
            loaded = self._SELECT_LOADED.format(s=self.schema, load="load")
            connection.execute(f"INSERT INTO {self.docs} {loaded}")
            connection.execute(
                f"UPDATE {self.schema}.meta SET value = %s WHERE key = 'seq'", (str(seq),)
            )

    def applied_seq(self) -> int:
        import psycopg

        try:
            found = self._connection().execute(
                f"SELECT value FROM {self.schema}.meta WHERE key = 'seq'"
            )
        except psycopg.errors.UndefinedTable:
            return 0
        row = found.fetchone()
        return int(row[0]) if row else 0

    def refresh(self) -> None:
        """Nothing to do: every statement sees the last commit."""

    # -- SQL dialect --------------------------------------------------------------------------
    def _params(self) -> _Params:
        return _Params(lambda name: f"%({name})s")

    def _as_int(self, condition: str) -> str:
        return f"({condition})::int"

    def _in(self, p: _Params, column: str, values: Sequence[Any]) -> str:
        return f"{column} = ANY({p(list(values))}::text[])"

    def _area_in(self, p: _Params, codes: list[str]) -> str:
        return f"d.commune = ANY({p(codes)}::text[])"

    def _area_join(self, p: _Params, codes: list[str]) -> tuple[str, str]:
        return (
            f"JOIN unnest({p(codes)}::text[]) WITH ORDINALITY AS a(code, ord) "
            "ON a.code = d.commune",
            "a.ord",
        )

    def _sources_in(self, p: _Params, values: Sequence[str]) -> str:
        return f"d.sources && {p(list(values))}::text[]"

    def _facet_selects(self, p: _Params, now: datetime) -> tuple[list[str], _Reader]:
        """One pass over ``m``: GROUPING SETS, each facet's key with ``fail`` (sources as
        the whole array, split here; salary and date as disjoint buckets, added up here)."""
        salary = " ".join(
            f"WHEN m.salary >= {step} THEN '{step}'" for step in sorted(SALARY_STEPS, reverse=True)
        )
        since = " ".join(
            f"WHEN m.s_published >= {p(epoch(now - timedelta(days=days)))} THEN '{days}'"
            for days in sorted(SINCE_DAYS)
        )
        keys = {
            "contract": "m.contract",
            "experience": "m.experience",
            "time": 'm."time"',
            "source": "m.sources",
            "salary_min": f"CASE {salary} END",
            "since": f"CASE {since} END",
        }
        facet = " ".join(f"WHEN GROUPING({key}) = 0 THEN '{name}'" for name, key in keys.items())
        key = (
            "coalesce("
            + ", ".join(
                "array_to_json(m.sources)::text" if name == "source" else expression
                for name, expression in keys.items()
            )
            + ")"
        )
        sets = ", ".join(f"(m.fail, {expression})" for expression in keys.values())
        select = (
            f"SELECT CASE {facet} ELSE 'total' END, {key}, count(*), NULL, m.fail FROM m "
            f"GROUP BY GROUPING SETS ({sets}, (m.fail))"
        )

        def read(rows: list[Sequence[Any]]) -> _Counts:
            raw: dict[str, dict[str, int]] = {name: {} for name in FACETS}
            total = 0
            for name, value, count, _id, fail in rows:
                if name == "total":
                    total += count if fail == "" else 0
                elif fail in ("", name) and value is not None:
                    for one in json.loads(value) if name == "source" else (value,):
                        raw[name][one] = raw[name].get(one, 0) + count
            raw["salary_min"] = _cumulative(raw["salary_min"], SALARY_STEPS, reverse=True)
            raw["since"] = _cumulative(raw["since"], SINCE_DAYS, reverse=False)
            return total, raw

        return [select], read

    def _text(self, p: _Params, words: list[tuple[str, ...]]) -> tuple[str, str, str, str]:
        # An immutable function of constants: planned as a constant (custom plans, see
        # _connection), so the GIN index is used and the query built once.
        groups = [
            "(" + " || ".join(f"{self.schema}.word_query({p(s)})" for s in spellings) + ")"
            for spellings in words
        ]
        tsquery = "(" + " && ".join(groups) + ")"
        return (
            "",
            f"d.tsv @@ {tsquery}",
            f"ts_rank_cd({self._WEIGHTS}, d.tsv, {tsquery})",
            "DESC",
        )

    # -- searching ----------------------------------------------------------------------------
    def count(self, query: OfferQuery, area: Area | None, now: datetime) -> int:
        sql, p = self._count_sql(query, area, now)
        return int(self._connection().execute(sql, p.values).fetchone()[0])

    def search(
        self, query: OfferQuery, area: Area | None, now: datetime, facets: bool = True
    ) -> OfferResults:
        connection = self._connection()
        if facets:
            sql, p, read = self._search_sql(query, area, now)
            return self._read_search(connection.execute(sql, p.values).fetchall(), read, area)
        page_sql, page_p = self._page_sql(query, area, now)
        count_sql, count_p = self._count_sql(query, area, now)
        with connection.pipeline():  # one round trip for both statements
            page = connection.execute(page_sql, page_p.values)
            counted = connection.execute(count_sql, count_p.values)
        hits = self._hits(page.fetchall(), area)
        return OfferResults(total=int(counted.fetchone()[0]), hits=hits)
