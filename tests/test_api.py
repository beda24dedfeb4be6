"""The public read API: themes, services with filters, search and paging, problem details."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from tests.fixtures import SMALL_CATALOG

PUBLISHED = {
    "fiches-metiers",
    "offres-cadres",
    "coaching-entretien",
    "lettre-de-motivation",
    "mooc-numerique",
}
HIDDEN = {"ancien-service", "service-en-preparation"}
PROBLEM = "application/problem+json"


def slugs(body: dict) -> list[str]:
    return [item["slug"] for item in body["items"]]


def get_services(client, **params) -> dict:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags_in(markup: str) -> list[tuple[str, dict[str, str]]]:
    parser = TagCollector()
    parser.feed(markup)
    parser.close()
    return parser.tags


# -- themes -------------------------------------------------------------------------------


def test_themes_lists_the_four_top_themes_in_order_with_sub_themes(client):
    response = client.get("/api/v1/themes")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    items = response.get_json()["items"]
    assert [t["slug"] for t in items] == [
        "choisir-un-metier",
        "se-former",
        "preparer-sa-candidature",
        "trouver-un-emploi",
    ]
    assert [t["position"] for t in items] == [1, 2, 3, 4]
    assert items[0]["name"] == "Choisir un métier"
    assert items[0]["description"] == "Découvrir des métiers."
    assert [s["slug"] for s in items[2]["subthemes"]] == [
        "redaction-du-cv",
        "entrainement-entretien",
    ]
    assert items[2]["subthemes"][1]["name"] == "S'entraîner à l'entretien"
    assert all(len(t["subthemes"]) >= 1 for t in items)


# -- listing services ---------------------------------------------------------------------


def test_services_lists_only_published_listings(client):
    body = get_services(client)

    assert set(slugs(body)) == PUBLISHED
    assert body["total"] == 5
    assert body["page"] == 1
    assert body["per_page"] == 20


def test_search_never_returns_draft_or_archived_listings(client):
    for q in ("brouillon", "archivé", "préparation", "ancien", "keljob", "service"):
        body = get_services(client, q=q)
        assert not HIDDEN & set(slugs(body)), q
        assert body["total"] == len(body["items"]), q


def test_search_by_provider_name_finds_only_its_published_listings(client):
    body = get_services(client, q="keljob")

    assert set(slugs(body)) == {"coaching-entretien", "lettre-de-motivation"}
    assert body["total"] == 2


def test_paging_keeps_the_total_and_covers_every_listing_once(client):
    pages = [get_services(client, per_page=2, page=n) for n in (1, 2, 3, 4)]

    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert {p["total"] for p in pages} == {5}
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    assert {p["per_page"] for p in pages} == {2}
    seen = [slug for p in pages for slug in slugs(p)]
    assert sorted(seen) == sorted(PUBLISHED)


def test_search_results_are_paged_too(client):
    first = get_services(client, q="apec", per_page=1, page=1)
    second = get_services(client, q="apec", per_page=1, page=2)

    assert first["total"] == second["total"] == 2
    assert {*slugs(first), *slugs(second)} == {"fiches-metiers", "offres-cadres"}


FILTER_CASES = [
    # A top theme includes its sub-themes and listings that name it as an extra theme.
    ({"theme": "choisir-un-metier"}, {"fiches-metiers", "offres-cadres"}),
    ({"theme": "decouvrir-des-metiers"}, {"fiches-metiers"}),
    ({"theme": "preparer-sa-candidature"}, {"coaching-entretien", "lettre-de-motivation"}),
    ({"theme": "trouver-un-emploi"}, {"offres-cadres"}),
    ({"free": "false"}, {"coaching-entretien"}),
    ({"free": "true"}, PUBLISHED - {"coaching-entretien"}),
    ({"platform": "android"}, {"fiches-metiers", "coaching-entretien"}),
    ({"platform": "ios"}, {"offres-cadres"}),
    ({"provider": "apec"}, {"fiches-metiers", "offres-cadres"}),
    ({"provider": "personne"}, set()),
    ({"theme": "choisir-un-metier", "platform": "ios"}, {"offres-cadres"}),
    ({"free": "true", "provider": "keljob"}, {"lettre-de-motivation"}),
]


def test_filters(client):
    for params, expected in FILTER_CASES:
        body = get_services(client, **params)
        assert set(slugs(body)) == expected, params
        assert body["total"] == len(expected), params


def test_search_ignores_accents_and_case(client):
    for q, expected in (
        ("metier", "fiches-metiers"),
        ("métier", "fiches-metiers"),
        ("infirmiere", "fiches-metiers"),  # the description says "infirmière"
        ("INFIRMIÈRE", "fiches-metiers"),
        ("lettre", "lettre-de-motivation"),
    ):
        body = get_services(client, q=q)
        assert slugs(body) == [expected], q
        assert body["total"] == 1, q


def test_search_combined_with_filters(client):
    for params, expected in (
        ({"q": "keljob", "free": "false"}, ["coaching-entretien"]),
        ({"q": "apec", "platform": "ios"}, ["offres-cadres"]),
        ({"q": "apec", "theme": "choisir-un-metier"}, ["fiches-metiers", "offres-cadres"]),
        ({"q": "emploi", "theme": "choisir-un-metier"}, ["offres-cadres"]),
        ({"q": "metier", "provider": "keljob"}, []),
    ):
        body = get_services(client, **params)
        assert sorted(slugs(body)) == expected, params
        assert body["total"] == len(expected), params


def test_items_carry_the_listing_summary(client):
    items = {item["slug"]: item for item in get_services(client)["items"]}

    paid = items["coaching-entretien"]
    assert paid["free"] is False
    assert paid["price"] == "45 € la séance"
    assert paid["platforms"] == ["android"]
    assert paid["provider"] == {"slug": "keljob", "name": "Keljob"}
    assert paid["theme"] == "preparer-sa-candidature"
    assert paid["subtheme"] == "entrainement-entretien"
    assert items["offres-cadres"]["extra_themes"] == ["choisir-un-metier"]
    assert items["fiches-metiers"]["featured"] is True
    assert items["fiches-metiers"]["url"] == "http://localhost/services/fiches-metiers"
    assert "description_html" not in paid
    assert "launch_count" not in paid


# -- bad parameters -----------------------------------------------------------------------


BAD_PARAMETERS = [
    ("couleur=bleu", "couleur"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("per_page=500", "per_page"),
    ("per_page=0", "per_page"),
    ("platform=fax", "platform"),
    ("free=maybe", "free"),
    ("theme=unknown-theme", "theme"),
    ("theme=Pas%20un%20slug", "theme"),
    ("provider=A", "provider"),
    ("q=" + "x" * 201, "q"),
    ("q=metier&per_page=101", "per_page"),
]


def test_bad_parameters_are_problem_details_naming_the_parameter(client):
    for query, parameter in BAD_PARAMETERS:
        response = client.get(f"/api/v1/services?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == PROBLEM, query
        body = response.get_json()
        assert body["status"] == 400, query
        assert body["title"] == "Bad request parameters", query
        assert list(body["errors"]) == [parameter], query
        assert body["errors"][parameter], query
        assert parameter in body["detail"], query


def test_several_bad_parameters_are_all_named(client):
    response = client.get("/api/v1/services?page=0&platform=fax&couleur=bleu")

    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert set(response.get_json()["errors"]) == {"page", "platform", "couleur"}


def test_unknown_api_address_and_method_are_problem_details(client):
    missing = client.get("/api/v1/nulle-part")
    wrong_method = client.post("/api/v1/services")

    assert missing.status_code == 404
    assert missing.mimetype == PROBLEM
    assert missing.get_json()["status"] == 404
    assert wrong_method.status_code == 405
    assert wrong_method.mimetype == PROBLEM
    assert wrong_method.get_json()["status"] == 405


# -- one service --------------------------------------------------------------------------


def test_service_detail(client):
    response = client.get("/api/v1/services/fiches-metiers")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["slug"] == "fiches-metiers"
    assert body["name"] == "Fiches métiers"
    assert body["promise"] == "Découvrez plus de 500 métiers expliqués simplement."
    assert body["theme"] == "choisir-un-metier"
    assert body["subtheme"] == "decouvrir-des-metiers"
    assert body["provider"] == {"slug": "apec", "name": "Apec"}
    assert body["free"] is True
    assert body["platforms"] == ["web", "android"]
    assert body["audience"] == ["tous"]
    assert body["kind"] == "partner"
    assert body["rating"] == {"average": None, "count": 0}
    assert body["launch_count"] == 0
    assert body["published_at"]
    assert "<strong>métier d'infirmière</strong>" in body["description_html"]
    assert body["description"].startswith("Des fiches pour comprendre")


def test_unpublished_or_unknown_service_is_a_404_problem(client):
    for slug in ("service-en-preparation", "ancien-service", "inconnu"):
        response = client.get(f"/api/v1/services/{slug}")
        assert response.status_code == 404, slug
        assert response.mimetype == PROBLEM, slug
        body = response.get_json()
        assert body["status"] == 404, slug
        assert body["title"] == "Not found", slug
        assert slug in body["detail"], slug
        assert "name" not in body, slug


HOSTILE_DESCRIPTION = (
    "Texte <script>alert(1)</script> puis [lien](javascript:alert(1)) et "
    '<a href="javascript:alert(2)">clic</a> <img src=x onerror="alert(3)"> '
    "et [un vrai lien](https://www.apec.example/aide)."
)


def test_description_html_is_sanitised(make_app, tmp_path):
    source = SMALL_CATALOG.read_text(encoding="utf-8")
    original = "    description: Des modèles de lettre et des conseils pour chaque paragraphe.\n"
    assert original in source
    catalog = tmp_path / "catalog_hostile.yaml"
    catalog.write_text(
        source.replace(original, f"    description: '{HOSTILE_DESCRIPTION}'\n"), encoding="utf-8"
    )
    client = make_app(catalog=catalog).test_client()

    body = client.get("/api/v1/services/lettre-de-motivation").get_json()
    page = client.get("/services/lettre-de-motivation").get_data(as_text=True)
    description = page[page.index('<div class="description">') :]
    description = description[: description.index("</section>")]

    for markup in (body["description_html"], description):
        tags = tags_in(markup)
        assert [t for t, _ in tags if t in {"script", "img", "iframe"}] == []
        for _tag, attributes in tags:
            assert not [name for name in attributes if name.startswith("on")]
            for value in attributes.values():
                assert not value.strip().lower().startswith("javascript:")
        links = [attributes.get("href") for tag, attributes in tags if tag == "a"]
        assert links == ["https://www.apec.example/aide"]
        # What was refused is shown as text, escaped.
        assert "alert(1)" in html.unescape(markup)
