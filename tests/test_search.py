"""Catalogue search: French analysis, typos, facets, hostile input, index upkeep."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures import SHIPPED_CATALOG


def slugs(client, query: str, **params) -> list[str]:
    response = client.get("/api/v1/services", query_string={"q": query, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["slug"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    "query",
    [
        "infirmière",
        "infirmiere",
        "infirmier",
        "infirmières",
        "INFIRMIERE",
        "développeuse",
        "developpeur",
    ],
)
def test_accents_gender_and_number_all_meet(client, query):
    assert slugs(client, query) == ["fiches-metiers"]


def test_accentless_word_finds_accented_text(client):
    assert "fiches-metiers" in slugs(client, "metier")
    assert "lettre-de-motivation" in slugs(client, "ecrivez")


def test_typo_and_prefix_tolerance(client):
    assert "coaching-entretien" in slugs(client, "entretein")  # swapped letters
    assert "coaching-entretien" in slugs(client, "coachng")  # missing letter
    assert "lettre-de-motivation" in slugs(client, "motiv")  # prefix


def test_precise_matches_come_before_near_spellings(client):
    # "cadre" exists: the fuzzy tier must not add "cadrez"-like noise
    assert slugs(client, "cadres") == ["offres-cadres"]


def test_only_published_listings_are_found(client):
    assert slugs(client, "archivé") == []  # only in the archived listing
    assert slugs(client, "brouillon") == []  # only in the draft


def test_facets_and_filters_on_the_search_page(client):
    page = client.get("/recherche?q=offre").get_data(as_text=True)
    assert "Trouver un emploi (1)" in page
    assert slugs(client, "coach", free="false") == ["coaching-entretien"]
    assert slugs(client, "coach", free="true") == []
    assert slugs(client, "offres", platform="ios") == ["offres-cadres"]
    assert slugs(client, "offres", theme="choisir-un-metier") == ["offres-cadres"]  # extra theme
    assert slugs(client, "offres", provider="keljob") == []


@pytest.mark.parametrize(
    "hostile",
    [
        "((((",
        "title:cv OR",
        "*",
        "?*~2^3",
        "AND OR NOT",
        '"unterminated',
        "metier" * 2000,
        "x" * 10_000,
        "\x00\x01<script>",
        "cv " * 500,
    ],
)
def test_hostile_queries_never_fail(client, hostile):
    assert client.get("/recherche", query_string={"q": hostile}).status_code == 200
    response = client.get("/api/v1/services", query_string={"q": hostile[:200]})
    assert response.status_code == 200


def test_paging_is_stable_with_a_total(make_app):
    app = make_app(catalog=SHIPPED_CATALOG)
    client = app.test_client()
    first = client.get("/api/v1/services?q=emploi&per_page=5&page=1").get_json()
    second = client.get("/api/v1/services?q=emploi&per_page=5&page=2").get_json()
    assert first["total"] == second["total"] > 5
    assert not {i["slug"] for i in first["items"]} & {i["slug"] for i in second["items"]}


def test_index_follows_catalogue_changes(app, runner, tmp_path):
    import yaml

    from tests.fixtures import SMALL_CATALOG

    data = yaml.safe_load(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["listings"][0]["status"] = "archived"
    data["listings"][1]["name"] = "Offres de boulangerie"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(args=["catalog", "load", str(path)]).exit_code == 0
    client = app.test_client()
    assert slugs(client, "infirmiere") == []
    assert slugs(client, "boulangerie") == ["offres-cadres"]


def test_missing_index_gives_503_and_reindex_restores_it(app, runner):
    client = app.test_client()
    shutil.rmtree(Path(app.config["SEARCH_INDEX_PATH"]))
    app.extensions["emploistore.search"]._local.searcher = None
    response = client.get("/recherche?q=cv")
    assert response.status_code == 503
    assert "La recherche est momentanément indisponible" in response.get_data(as_text=True)
    assert client.get("/api/v1/services?q=cv").status_code == 503
    assert client.get("/api/v1/services?q=cv").mimetype == "application/problem+json"
    # Browsing does not depend on the index.
    assert client.get("/").status_code == 200
    assert client.get("/themes/se-former").status_code == 200
    assert runner.invoke(args=["reindex"]).exit_code == 0
    assert client.get("/recherche?q=infirmiere").status_code == 200
    assert slugs(client, "infirmiere") == ["fiches-metiers"]


def test_corrupt_index_gives_503_and_reindex_repairs_it(app, runner):
    index = Path(app.config["SEARCH_INDEX_PATH"])
    for path in index.iterdir():
        path.write_bytes(b"garbage")
    app.extensions["emploistore.search"]._local.searcher = None
    client = app.test_client()
    assert client.get("/recherche?q=cv").status_code == 503
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert slugs(client, "infirmiere") == ["fiches-metiers"]


def test_second_writer_leaves_changes_queued_for_the_first(app):
    """One writer at a time: while the index is locked, changes wait in the outbox."""
    from emploistore.catalog.models import Listing
    from emploistore.database import db
    from emploistore.search.models import SearchOutboxEntry
    from emploistore.search.outbox import queue_listing
    from emploistore.search.services import search_backend, sync_search_index

    with app.app_context():
        listing = db.session.scalar(db.select(Listing).where(Listing.slug == "offres-cadres"))
        listing.name = "Offres de charpentier"
        queue_listing(listing.id)
        db.session.commit()
        with search_backend().writing():  # another process holds the writer lock
            assert sync_search_index() == 0
        assert db.session.scalar(db.select(db.func.count(SearchOutboxEntry.id))) == 1
        assert sync_search_index() == 1
        assert db.session.scalar(db.select(db.func.count(SearchOutboxEntry.id))) == 0
    assert slugs(app.test_client(), "charpentier") == ["offres-cadres"]


def test_search_page_shows_facet_counts_for_each_filter(client):
    page = client.get("/recherche?q=offres").get_data(as_text=True)
    assert "Gratuit (1)" in page and "Payant (0)" in page
    assert "iPhone (1)" in page and "Android (0)" in page
    assert "Apec (1)" in page
    assert "Keljob" not in page.split('id="f-fournisseur"')[1].split("</select>")[0]
