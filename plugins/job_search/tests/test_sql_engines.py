"""The benchmark's SQL engines give tantivy's answers (job_search.sql_engines), and so does
tantivy alone (``columns=False``: every search, words or not, answered by tantivy's queries
and aggregations) against the store's engine, which answers searches without words from the
offers' columns (job_search.columns).

About 300 varied offers are indexed by tantivy, SQLite FTS5 (both ways of keeping the
sources) and PostgreSQL; each search below must give the same total, the same facets and
the same hits: in the same order for the date and distance sorts, the same set for the
relevance sort when the whole result fits on the page. The words searched are chosen where
stemming is not in question; the known differences of text analysis are pinned down by
their own tests.

PostgreSQL: set EMPLOISTORE_DATABASE_URL to a PostgreSQL URL (``postgresql+psycopg://…``
as the app takes it, or ``postgresql://…``); the engine works in a schema of its own,
dropped at the end. Otherwise those tests are skipped.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from job_search.engine import FACETS, Area, IndexDocument, OfferResults
from job_search.query import SALARY_STEPS, SINCE_DAYS, OfferQuery
from job_search.referential import commune, communes_within
from job_search.sql_engines import Fts5Engine, PostgresEngine, psycopg_url, query_words
from job_search.tantivy_engine import TantivyEngine

NOW = datetime(2025, 3, 14, 9, 30, 15, 500_000)
SEEN_AFTER = NOW - timedelta(days=5, hours=3)


def _epoch(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


EPOCH_NOW = _epoch(NOW)
DAY = 86_400
SEED = 20250314
PG_SCHEMA = "job_bench_test"

TITLES = (
    ("Infirmière de nuit", "J1506"),
    ("Infirmier en bloc opératoire", "J1506"),
    ("Infirmières diplômées d'État", "J1506"),
    ("Aide-soignant", "J1501"),
    ("Aide-soignante en EHPAD", "J1501"),
    ("Électricien du bâtiment", "F1602"),
    ("Électricienne industrielle", "F1602"),
    ("Développeur Java", "M1805"),
    ("Cuisinier", "G1602"),
    ("Chauffeur livreur", "N4105"),
    ("Comptable", "M1203"),
    ("Maçon", "F1703"),
    ("Plombier chauffagiste", "F1603"),
    ("Secrétaire médicale", "M1609"),
    ("Préparateur de commandes", "N1103"),
    ("Agent d'entretien", "K2204"),
    ("Mécanicien automobile", "I1604"),
    ("Cariste", "N1101"),
)
PHRASES = (
    "Nous recherchons une personne motivée pour rejoindre notre équipe.",
    "Horaires de nuit et week-end, majoration.",
    "Permis B exigé, véhicule de service fourni.",
    "Poste dans une clinique privée, travail en équipe.",
    "Formation assurée en interne, débutants bienvenus.",
    "Entrepôt logistique moderne, CACES 3 souhaité.",
    "Mutuelle, tickets restaurant et prime annuelle.",
    "Vous êtes rigoureux, autonome et ponctuel.",
    "Chantiers de rénovation dans toute la région.",
)
COMPANIES = ("Groupe Santé Plus", "Acme Services", "Transports Durand", "Hôtel Bellecour")
# Around Lyon (within 10 km of the whole city), Paris, Marseille, and farther away.
LYON_AREA = ("69123", "69381", "69383", "69386", "69388", "69266", "69142", "69202")
ELSEWHERE = ("75056", "75115", "75101", "13055", "13201", "33063", "31555", "46240")
SOURCES = ("francetravail", "keljob", "monstre")
CONTRACTS = ("cdi", "cdd", "interim", "saisonnier", "alternance", "independant")
# A few instants shared by several offers: the date sort falls back on the id.
SHARED_TIMES = tuple(EPOCH_NOW - k * 3 * DAY - 600 for k in range(6))


def _document(
    rng: random.Random, offer_id: int, title: str, rome: str, **fields: Any
) -> IndexDocument:
    code = fields.pop("commune", None) or rng.choice(LYON_AREA + ELSEWHERE)
    place = commune(code)
    city = place.name if place is not None else code
    company = rng.choice(COMPANIES)
    description = " ".join(rng.sample(PHRASES, 3))
    if rng.random() < 0.3:
        published = rng.choice(SHARED_TIMES)
    else:
        published = EPOCH_NOW - rng.randrange(0, 45 * DAY)
    salary_roll = rng.random()
    if salary_roll < 0.2:
        salary = None
    elif salary_roll < 0.35:
        salary = rng.choice(SALARY_STEPS)  # exactly a step: "at least" includes it
    else:
        salary = rng.randrange(1500, 5200, 50)
    expiry_roll = rng.random()
    if expiry_roll < 0.3:
        expires = None
    elif expiry_roll < 0.4:
        expires = EPOCH_NOW - rng.randrange(1, 10 * DAY)  # expired: never shown
    else:
        expires = EPOCH_NOW + rng.randrange(1, 60 * DAY)
    first = rng.choice(SOURCES)
    others = sorted(rng.sample([s for s in SOURCES if s != first], rng.choice((0, 0, 1, 2))))
    sources = (first, *others)
    values: dict[str, Any] = {
        "id": offer_id,
        "title": title,
        "body": f"{description} {company} {city}",
        "rome": rome,
        "commune": code,
        "contract": rng.choice(CONTRACTS),
        "experience": rng.choice(("", "beginner", "desired", "required")),
        "time": rng.choice(("", "full", "part")),
        "sources": sources,
        "salary": salary,
        "published": published,
        "seen": min(published + rng.randrange(0, 3 * DAY), EPOCH_NOW),
        "expires": expires,
    }
    values.update(fields)
    card = {
        "t": values["title"],
        "co": company,
        "city": city,
        "cc": values["commune"],
        "ct": values["contract"],
        "src": list(values["sources"]),
        "pub": (datetime(1970, 1, 1) + timedelta(seconds=values["published"])).date().isoformat(),
    }
    return IndexDocument(card=card, **values)


def make_documents() -> list[IndexDocument]:
    """About 300 offers, the same on every run."""
    rng = random.Random(SEED)
    ids = iter(rng.sample(range(1, 100_000), 400))
    docs = []
    for _ in range(290):
        title, rome = rng.choice(TITLES)
        docs.append(_document(rng, next(ids), title, rome))
    # Offers some searches are about.
    special = [
        ("Astronaute lunaire", "K1234", {"expires": EPOCH_NOW - 1}),  # expired a second ago
        ("Astronaute martien", "K1234", {"expires": EPOCH_NOW}),  # expires this second
        ("Serveuse en brasserie", "G1803", {"expires": None}),
        ("Commercial terrain", "D1402", {"expires": None}),
        ("Gestionnaire de paie", "M1501", {"expires": None}),
        ("Infirmière", "J1506", {"expires": None, "commune": "69381", "salary": 2000}),
        # Words PostgreSQL's parser would keep whole (a file path, an e-mail, a URL).
        (
            "Agent / Agente d'entretien/propreté de locaux",
            "K2204",
            {
                "expires": None,
                "body": "Écrire à recrutement@nettoyage-dupont.fr ou https://emploi.example/offre",
            },
        ),
        # First seen in the very second of SEEN_AFTER: not "after" it.
        ("Cariste", "N1101", {"expires": None, "seen": _epoch(SEEN_AFTER)}),
        ("Cariste", "N1101", {"expires": None, "seen": _epoch(SEEN_AFTER) + 1}),
    ]
    for title, rome, fields in special:
        docs.append(_document(rng, next(ids), title, rome, **fields))
    return docs


DOCUMENTS = make_documents()
LYON = Area("69123", communes_within("69123", 10))
PARIS = Area("75056", communes_within("75056", 5))


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tantivy_engine(tmp_path_factory: pytest.TempPathFactory) -> TantivyEngine:
    engine = TantivyEngine(tmp_path_factory.mktemp("tantivy"))
    engine.rebuild(iter(DOCUMENTS), 1)
    assert engine.columns_loaded  # searches without words are answered from the columns
    return engine


def postgres_url() -> str:
    """The PostgreSQL server to test on, or skip saying why there is none."""
    url = os.environ.get("EMPLOISTORE_DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres:")):
        pytest.skip("EMPLOISTORE_DATABASE_URL is not a PostgreSQL URL")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    plain = psycopg_url(url)
    try:
        with psycopg.connect(plain, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL unreachable at {url}: {str(error).strip().splitlines()[0]}")
    return plain


@pytest.fixture(scope="module", params=["fts5", "fts5-table", "postgres", "tantivy-alone"])
def sql_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fts5Engine | PostgresEngine | TantivyEngine]:
    engine: Fts5Engine | PostgresEngine
    if request.param == "tantivy-alone":
        alone = TantivyEngine(tmp_path_factory.mktemp("alone"), columns=False)
        alone.rebuild(iter(DOCUMENTS), 1)
        assert not alone.columns_loaded
        yield alone
        alone.destroy()
        return
    if request.param == "postgres":
        engine = PostgresEngine(postgres_url(), schema=PG_SCHEMA)
    else:
        sources = "table" if request.param == "fts5-table" else "column"
        engine = Fts5Engine(tmp_path_factory.mktemp("fts5") / "offers.sqlite3", sources=sources)
    try:
        engine.build(iter(DOCUMENTS), seq=1)
        yield engine
    finally:
        engine.destroy()


# --------------------------------------------------------------------------------------------
# The same answers
# --------------------------------------------------------------------------------------------


def assert_same(
    engine: Any, reference: TantivyEngine, query: OfferQuery, area: Area | None = None
) -> OfferResults:
    """``engine`` answers ``query`` as tantivy does; returns tantivy's answer."""
    expected = reference.search(query, area, NOW)
    found = engine.search(query, area, NOW)
    assert found.total == expected.total
    assert found.facets == expected.facets
    assert list(found.facets) == list(FACETS)
    assert engine.count(query, area, NOW) == expected.total
    without_facets = engine.search(query, area, NOW, facets=False)
    assert without_facets.total == expected.total
    assert without_facets.facets == {}
    for answer in (found, without_facets):
        if query.sort == "relevance":  # scores differ: the same set when it fits a page
            if expected.total <= query.per_page:
                assert {h.id for h in answer.hits} == {h.id for h in expected.hits}
            else:
                assert len(answer.hits) == len(expected.hits)
        else:
            got = [(h.id, h.card, h.distance_km) for h in answer.hits]
            assert got == [(h.id, h.card, h.distance_km) for h in expected.hits]
    return expected


SEARCHES: list[tuple[str, OfferQuery, Area | None]] = [
    ("everything, by date", OfferQuery(sort="date"), None),
    ("everything, page 2", OfferQuery(sort="date", page=2, per_page=10), None),
    ("everything, last page", OfferQuery(sort="date", page=25, per_page=10), None),
    ("infirmière", OfferQuery(text="infirmière", sort="date"), None),
    ("infirmiere", OfferQuery(text="infirmiere", sort="date"), None),
    ("infirmier", OfferQuery(text="infirmier", sort="date"), None),
    ("infirmières", OfferQuery(text="infirmières", sort="date"), None),
    ("Électricien", OfferQuery(text="Électricien", sort="date"), None),
    ("electricien", OfferQuery(text="electricien", sort="date"), None),
    ("aide soignant", OfferQuery(text="aide soignant", sort="date"), None),
    ("two words, title and body", OfferQuery(text="cariste entrepôt", sort="date"), None),
    ("entrepot without accent", OfferQuery(text="entrepot", sort="date"), None),
    ("stop words only", OfferQuery(text="de la", sort="date", per_page=50), None),
    ("absent word", OfferQuery(text="apiculteur"), None),
    ("relevance, one page", OfferQuery(text="maçon"), None),
    ("relevance, city in body", OfferQuery(text="macon marseille"), None),
    ("relevance, many", OfferQuery(text="nuit"), None),
    ("rome", OfferQuery(rome="J1506", sort="date"), None),
    ("rome and words", OfferQuery(rome="J1506", text="nuit", sort="date"), None),
    ("area, date", OfferQuery(place="69123", sort="date"), LYON),
    ("area, distance", OfferQuery(place="69123", sort="distance"), LYON),
    ("area, distance p2", OfferQuery(place="69123", sort="distance", page=2, per_page=10), LYON),
    ("Paris, distance", OfferQuery(place="75056", radius=5, sort="distance"), PARIS),
    ("distance without area", OfferQuery(sort="distance"), None),
    ("contract", OfferQuery(contract=("cdi",), sort="date"), None),
    (
        "contracts and experience",
        OfferQuery(contract=("cdd", "cdi"), experience=("beginner",)),
        None,
    ),
    ("time", OfferQuery(time=("part",), sort="date"), None),
    ("source", OfferQuery(source=("keljob",), sort="date"), None),
    ("two sources", OfferQuery(source=("keljob", "monstre"), sort="date"), None),
    ("salary at least a step", OfferQuery(salary_min=2000, sort="date"), None),
    ("salary between steps", OfferQuery(salary_min=2222, sort="date"), None),
    ("since", OfferQuery(since=7, sort="date"), None),
    (
        "every filter",
        OfferQuery(
            text="infirmière",
            place="69123",
            contract=("alternance", "cdd", "cdi", "interim", "saisonnier"),
            experience=("beginner", "desired", "required"),
            time=("full", "part"),
            source=("francetravail", "keljob"),
            salary_min=1800,
            since=31,
            sort="distance",
        ),
        LYON,
    ),
    (
        "filters, no words",
        OfferQuery(contract=("cdi",), salary_min=2500, since=14, source=("monstre",)),
        None,
    ),
    (
        "seen after",
        OfferQuery(sort="date", seen_after=SEEN_AFTER),
        None,
    ),
    ("expiring this second", OfferQuery(text="astronaute", sort="date"), None),
    ("words after a slash", OfferQuery(text="agent d'entretien propreté", sort="date"), None),
    ("a word in an e-mail address", OfferQuery(text="dupont", sort="date"), None),
    ("a word in a URL", OfferQuery(text="offre emploi", sort="date"), None),
]


@pytest.mark.parametrize(
    ("query", "area"), [(q, a) for _, q, a in SEARCHES], ids=[label for label, _, _ in SEARCHES]
)
def test_same_answers_as_tantivy(
    sql_engine: Any, tantivy_engine: TantivyEngine, query: OfferQuery, area: Area | None
) -> None:
    assert_same(sql_engine, tantivy_engine, query, area)


def test_the_searches_are_not_trivial(tantivy_engine: TantivyEngine) -> None:
    """The comparisons above compare something: most searches find offers, some many."""
    totals = {label: tantivy_engine.count(q, a, NOW) for label, q, a in SEARCHES}
    assert sum(1 for total in totals.values() if total > 0) >= len(SEARCHES) - 2
    assert totals["everything, by date"] > 200
    assert totals["area, distance"] > 20  # more than a page: page 2 is compared
    assert 0 < totals["every filter"] < totals["infirmière"]
    assert totals["expiring this second"] == 1
    everything = tantivy_engine.search(OfferQuery(sort="date"), None, NOW)
    assert all(everything.facets[name] for name in FACETS)


def test_all_spellings_find_the_offer(sql_engine: Any) -> None:
    """With and without accents, feminine, masculine, plural: "Infirmière" is found."""
    wanted = next(d.id for d in DOCUMENTS if d.title == "Infirmière")
    for text in ("infirmière", "infirmiere", "infirmier", "infirmières", "INFIRMIERS"):
        query = OfferQuery(text=text, per_page=50)
        found = sql_engine.search(query, None, NOW)
        assert found.total <= 50
        assert wanted in {hit.id for hit in found.hits}, text


def test_expired_offers_are_hidden(sql_engine: Any) -> None:
    found = sql_engine.search(OfferQuery(text="astronaute"), None, NOW)
    assert [hit.card["t"] for hit in found.hits] == ["Astronaute martien"]
    later = sql_engine.search(OfferQuery(text="astronaute"), None, NOW + timedelta(seconds=1))
    assert later.total == 0


def test_distance_and_cards(sql_engine: Any) -> None:
    """Hits carry the stored card and the distance of their commune."""
    found = sql_engine.search(OfferQuery(place="69123", sort="distance"), LYON, NOW)
    distances = LYON.distances()
    assert found.hits
    for hit in found.hits:
        assert hit.distance_km == distances[hit.card["cc"]]
    assert [h.distance_km for h in found.hits] == sorted(h.distance_km for h in found.hits)


def test_facet_keys(sql_engine: Any) -> None:
    facets = sql_engine.search(OfferQuery(), None, NOW).facets
    assert list(facets["salary_min"]) == [str(step) for step in SALARY_STEPS]
    assert list(facets["since"]) == [str(days) for days in sorted(SINCE_DAYS)]
    assert set(facets["source"]) == set(SOURCES)


def test_apply_updates_deletes_and_seq(sql_engine: Any, tantivy_engine: TantivyEngine) -> None:
    """apply(): a changed offer, a new one and a deleted one, as tantivy applies them."""
    assert sql_engine.applied_seq() == 1
    changed = replace(DOCUMENTS[0], title="Apiculteur", contract="saisonnier", expires=None)
    added = replace(
        DOCUMENTS[1], id=999_999, title="Apiculteur confirmé", sources=("ruche",), expires=None
    )
    gone = DOCUMENTS[2].id
    query = OfferQuery(text="apiculteur", sort="date")
    try:
        for engine in (sql_engine, tantivy_engine):
            engine.apply([changed, added], [gone], seq=2)
            engine.refresh()
        assert sql_engine.applied_seq() == 2
        expected = assert_same(sql_engine, tantivy_engine, query)
        assert {hit.id for hit in expected.hits} == {changed.id, added.id}
        assert expected.facets["source"].get("ruche") == 1
        assert_same(sql_engine, tantivy_engine, OfferQuery(sort="date", per_page=50))
        assert_same(sql_engine, tantivy_engine, OfferQuery(text="infirmière", sort="date"))
    finally:  # back to the documents the other tests expect
        for engine in (sql_engine, tantivy_engine):
            engine.apply(DOCUMENTS[:3], [added.id], seq=1)
            engine.refresh()


# --------------------------------------------------------------------------------------------
# Known differences of text analysis
# --------------------------------------------------------------------------------------------


def _ids(engine: Any, text: str) -> set[int]:
    found = engine.search(OfferQuery(text=text, per_page=50), None, NOW)
    assert found.total <= 50
    return {hit.id for hit in found.hits}


def _titled(title: str) -> int:
    return next(d.id for d in DOCUMENTS if d.title == title)


def test_fts5_text_differences(tmp_path: Path, tantivy_engine: TantivyEngine) -> None:
    """FTS5 has no stemmer: gender/number normalising and prefixes, not Snowball.

    - "serveur" finds "Serveuse" in FTS5 (the normaliser makes it "serveur"), not in
      tantivy (Snowball: "serveux" ≠ "serveur");
    - "commerciale" does not find "Commercial" in FTS5 (no rule for -ale), does in tantivy;
    - "gestion" finds "Gestionnaire" in FTS5 (a prefix), not in tantivy.
    """
    engine = Fts5Engine(tmp_path / "offers.sqlite3")
    try:
        engine.build(iter(DOCUMENTS))
        server, sales, payroll = (
            _titled("Serveuse en brasserie"),
            _titled("Commercial terrain"),
            _titled("Gestionnaire de paie"),
        )
        assert server in _ids(engine, "serveur")
        assert server not in _ids(tantivy_engine, "serveur")
        assert sales not in _ids(engine, "commerciale")
        assert sales in _ids(tantivy_engine, "commerciale")
        assert payroll in _ids(engine, "gestion")
        assert payroll not in _ids(tantivy_engine, "gestion")
    finally:
        engine.destroy()


def test_postgres_stems_as_tantivy(tantivy_engine: TantivyEngine) -> None:
    """PostgreSQL stems then folds as tantivy does: where FTS5 differs, it does not; and
    without the unaccent extension (folding with translate) the answers are the same."""
    url = postgres_url()
    for unaccent in (True, False):
        engine = PostgresEngine(url, schema=PG_SCHEMA + "_fold", unaccent=unaccent)
        try:
            engine.build(iter(DOCUMENTS))
            assert engine.folding == ("unaccent" if unaccent else "translate")
            for text in ("serveur", "commerciale", "gestion", "électricienne", "Maçon", "état"):
                assert _ids(engine, text) == _ids(tantivy_engine, text), text
        finally:
            engine.destroy()


def test_postgres_schemas_share_unaccent(tantivy_engine: TantivyEngine) -> None:
    """The unaccent extension exists once a database: destroying the engine whose schema
    holds it (the first built, when the database had none) leaves another one working."""
    url = postgres_url()
    first = PostgresEngine(url, schema=PG_SCHEMA + "_first")
    second = PostgresEngine(url, schema=PG_SCHEMA + "_second")
    query = OfferQuery(text="électricienne", sort="date")
    try:
        first.build(iter(DOCUMENTS))
        second.build(iter(DOCUMENTS))
        first.destroy()
        assert second.folding == "unaccent"
        assert_same(second, tantivy_engine, query)
        second.build(iter(DOCUMENTS))  # a rebuild drops the schema too
        assert_same(second, tantivy_engine, query)
    finally:
        first.destroy()
        second.destroy()


def test_query_words_skip_what_tantivy_skips() -> None:
    assert query_words("l'aide à domicile de nuit") == [("aide",), ("domicile",), ("nuit",)]
    assert query_words("Infirmières 3 x") == [
        ("infirmières", "infirmieres", "infirmier"),
        ("3",),
    ]
