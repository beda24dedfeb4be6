"""Offer search through the page and the API: words, places, filters, facets, sorts, paging."""

from __future__ import annotations

import html
import re

import pytest

from job_search.tests.helpers import ft_offer, import_ft

LYON3 = {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"}
VILLEURBANNE = {"libelle": "69 - VILLEURBANNE", "codePostal": "69100", "commune": "69266"}
CALUIRE = {"libelle": "69 - CALUIRE ET CUIRE", "codePostal": "69300", "commune": "69034"}
VIENNE = {"libelle": "38 - VIENNE", "codePostal": "38200", "commune": "38544"}
PARIS15 = {"libelle": "75 - PARIS 15", "codePostal": "75015", "commune": "75115"}
MARSEILLE = {"libelle": "13 - MARSEILLE 01", "codePostal": "13001", "commune": "13201"}


def month(low: int) -> dict[str, str]:
    return {"libelle": f"Mensuel de {low}.00 Euros sur 12 mois"}


FEED = [
    ft_offer(
        "S1",
        "Infirmière de nuit H/F",
        lieuTravail=LYON3,
        experienceExige="D",
        salaire=month(2300),
        dureeTravailLibelleConverti="Temps plein",
        dateCreation="2026-11-21T08:00:00Z",
        romeCode="J1506",
    ),
    ft_offer(
        "S2",
        "Infirmier en EHPAD",
        lieuTravail=VILLEURBANNE,
        typeContrat="CDD",
        typeContratLibelle="Contrat à durée déterminée - 6 Mois",
        experienceExige="E",
        salaire={"libelle": "Horaire de 14.00 Euros"},
        dureeTravailLibelleConverti="Temps partiel",
        dateCreation="2026-11-19T08:00:00Z",
        romeCode="J1506",
    ),
    ft_offer(
        "S3",
        "Aide-soignante",
        lieuTravail=LYON3,
        typeContrat="MIS",
        dateCreation="2026-11-18T08:00:00Z",
        romeCode="J1501",
    ),
    ft_offer(
        "S4",
        "Infirmière",
        lieuTravail=PARIS15,
        dateCreation="2026-11-17T08:00:00Z",
        salaire=month(2600),
        romeCode="J1506",
    ),
    ft_offer(
        "S5",
        "Cariste",
        lieuTravail=MARSEILLE,
        typeContrat="MIS",
        dateCreation="2026-11-16T08:00:00Z",
        romeCode="N1101",
    ),
    ft_offer(
        "S6",
        "Cariste en entrepôt",
        lieuTravail=CALUIRE,
        experienceExige="S",
        dateCreation="2026-11-15T08:00:00Z",
        romeCode="N1101",
    ),
    ft_offer(
        "S7",
        "Magasinier cariste",
        lieuTravail=VIENNE,
        typeContrat="CDD",
        dateCreation="2026-11-14T08:00:00Z",
        salaire=month(1900),
        romeCode="N1103",
    ),
]


@pytest.fixture
def client(app):
    report = import_ft(app, FEED, now=None)
    assert report.new == len(FEED), report.rejections
    return app.test_client()


def api(client, query: str) -> dict:
    response = client.get("/api/v1/jobs?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def titles(body: dict) -> list[str]:
    return [item["title"] for item in body["items"]]


@pytest.mark.parametrize("words", ["infirmière", "infirmiere", "infirmier", "INFIRMIÈRES"])
def test_words_match_with_or_without_accents_and_gender(client, words):
    assert sorted(titles(api(client, f"q={words}"))) == [
        "Infirmier en EHPAD",
        "Infirmière",
        "Infirmière de nuit H/F",
    ]


def test_every_word_must_match(client):
    assert titles(api(client, "q=infirmiere+nuit")) == ["Infirmière de nuit H/F"]
    assert api(client, "q=infirmiere+boulanger")["total"] == 0


def test_a_rome_code_searches_the_job_family(client):
    assert sorted(titles(api(client, "q=N1101"))) == ["Cariste", "Cariste en entrepôt"]
    assert api(client, "rome=J1501")["items"][0]["title"] == "Aide-soignante"


def test_radius_counts_only_grow_and_show_the_distance(client):
    totals = [api(client, f"where=Lyon&radius={r}")["total"] for r in (5, 10, 20, 30, 50, 100)]
    assert totals == sorted(totals)
    assert totals[0] >= 3 and totals[-1] == 5  # Vienne is ~27 km away; Paris, Marseille never
    near = api(client, "where=Lyon&radius=30&sort=distance")
    distances = [item["distance_km"] for item in near["items"]]
    assert distances == sorted(distances) and all(d is not None for d in distances)
    assert near["items"][-1]["title"] == "Magasinier cariste"
    assert 20 < distances[-1] < 35


def test_a_place_by_postal_code_or_label(client):
    assert (
        api(client, "where=69100&radius=5")["total"]
        == api(client, "where=Villeurbanne+(69)&radius=5")["total"]
    )


def test_facets_are_counted_without_their_own_filter(client):
    body = api(client, "contract=cdi")
    assert body["total"] == 3
    # The contract facet ignores the contract filter: the other choices keep their counts.
    assert body["facets"]["contract"] == {"cdi": 3, "cdd": 2, "interim": 2}
    # Other facets are counted with it.
    assert body["facets"]["experience"] == {"beginner": 1, "desired": 1}
    both = api(client, "contract=cdi&contract=cdd&experience=required")
    assert both["total"] == 1
    assert both["facets"]["contract"] == {"cdd": 1}
    assert both["facets"]["experience"]["required"] == 1


def test_salary_and_time_filters(client):
    # 14 €/h is about 2,123 € a month: it counts as "at least 2,000".
    assert sorted(titles(api(client, "salary_min=2000"))) == [
        "Infirmier en EHPAD",
        "Infirmière",
        "Infirmière de nuit H/F",
    ]
    facets = api(client, "")["facets"]
    assert facets["salary_min"]["1800"] == 4 and facets["salary_min"]["2500"] == 1
    assert titles(api(client, "time=part")) == ["Infirmier en EHPAD"]


def test_sort_by_date_and_stable_paging(client):
    newest = api(client, "sort=date&per_page=50")
    assert [i["published_on"] for i in newest["items"]] == sorted(
        (i["published_on"] for i in newest["items"]), reverse=True
    )
    seen = []
    for page in range(1, 8):
        body = api(client, f"sort=date&per_page=1&page={page}")
        seen.extend(item["id"] for item in body["items"])
    assert len(seen) == len(set(seen)) == 7
    assert [i["id"] for i in newest["items"]] == seen
    assert "next" in api(client, "per_page=2")["links"]


def test_nothing_found_suggests_wider_searches(client):
    body = api(client, "q=cariste&where=Vienne+(38)&radius=5&contract=cdi")
    assert body["total"] == 0
    widen = body["widen"]
    # Only the wider searches that find something; the counts only grow with the radius.
    assert [w["radius_km"] for w in widen] == [50, None]
    counts = [w["total"] for w in widen]
    assert counts == [1, 1]  # the CDI in Caluire, ~35 km away
    assert api(client, "q=cariste&where=Vienne+(38)&radius=50&contract=cdi")["total"] == 1
    nowhere = api(client, "q=cariste&where=Vienne+(38)&radius=5&contract=interim")["widen"]
    assert [(w["radius_km"], w["total"]) for w in nowhere] == [(None, 1)]  # Marseille
    page = client.get("/job-search/?q=cariste&where=Vienne+(38)&radius=5&contract=interim")
    text = html.unescape(page.get_data(as_text=True))
    assert "Toute la France (1 offre)" in text


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("radius=7", "radius"),
        ("contract=cdz", "contract"),
        ("where=Nullepart-sur-Mer", "where"),
        ("sort=distance", "sort"),
        ("page=0", "page"),
        ("per_page=500", "per_page"),
        ("since=2", "since"),
        ("rome=12345", "rome"),
        ("salary_min=abc", "salary_min"),
        ("q=" + "a" * 201, "q"),
    ],
)
def test_bad_parameters_are_refused_naming_them(client, query, param):
    response = client.get("/api/v1/jobs?" + query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == [param]
    page = client.get("/job-search/?" + query)
    assert page.status_code == 400
    assert f'href="#f-{param}"' in page.get_data(as_text=True)


def test_the_search_page(client):
    page = client.get("/job-search/?q=infirmiere&where=Lyon&radius=10")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert re.search(r"2 offres à 10 km de Lyon \(69\)", text)
    assert "Infirmière de nuit H/F" in text and "Infirmière</a>" not in text  # Paris is far
    assert 'CDI <span class="jobs-count">(1)</span>' in text
    assert "Connectez-vous" in text
    empty = html.unescape(client.get("/job-search/").get_data(as_text=True))
    assert "7 offres de plusieurs sites" in empty


def test_suggestions(client):
    jobs = client.get("/job-search/suggestions/metiers?q=infirmiere").get_json()
    assert jobs and all("Infirmi" in j["label"] for j in jobs)
    places = client.get("/job-search/suggestions/lieux?q=6900").get_json()
    assert any(p["label"].startswith("Lyon") for p in places)
    assert client.get("/job-search/suggestions/lieux?q=l").get_json() == []


def test_the_offer_api_and_openapi(client):
    item = api(client, "q=aide-soignante")["items"][0]
    detail = client.get(item["url"]).get_json()
    assert detail["title"] == "Aide-soignante"
    assert detail["source"]["name"] == "france-travail"
    assert detail["contract_type"] == "interim"
    assert client.get("/api/v1/jobs/999999").status_code == 404
    assert client.get("/api/v1/jobs/99999999999").status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/jobs" in document["paths"] and "/jobs/{job_id}" in document["paths"]
    assert "JobSearch" in document["components"]["schemas"]
    listed = client.get("/api/v1/").get_json()["endpoints"]
    assert listed[-1] == "http://localhost/api/v1/jobs"


def test_the_api_root_lists_jobs_only_while_the_plugin_is_on(app, client):
    from emploistore.database import db
    from emploistore.plugins.manager import set_plugin_enabled

    with app.app_context():
        set_plugin_enabled("job_search", False)
        db.session.commit()
    listed = client.get("/api/v1/").get_json()["endpoints"]
    assert not any(url.endswith("/jobs") for url in listed)
    assert client.get("/api/v1/jobs").status_code == 404


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("Vendeuse en boulangerie", "vendeur"),
        ("Vendeur en boulangerie", "vendeuse"),
        ("Conductrice de bus", "conducteur"),
        ("Serveuse", "serveurs"),
        ("Infirmier de bloc", "infirmieres"),
    ],
)
def test_masculine_and_feminine_find_each_other(app, title, words):
    import_ft(app, [ft_offer("G1", title)])
    assert api(app.test_client(), f"q={words}")["total"] == 1


def test_a_job_code_alone_lists_the_newest_first(client):
    body = api(client, "rome=J1506")
    assert [i["published_on"] for i in body["items"]] == ["2026-11-21", "2026-11-19", "2026-11-17"]
