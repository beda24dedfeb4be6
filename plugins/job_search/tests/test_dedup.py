"""Cross-source de-duplication: grouping rules, the canonical offer, and measured precision."""

from __future__ import annotations

import csv
import html
import itertools
from collections import defaultdict

import pytest

from emploistore import db
from job_search.dedup import company_key, same_title, title_key
from job_search.tests.helpers import csv_feed, ft_offer, import_ft, import_source, offers

SIRET = "73282932000074"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Aide-soignant / Aide-soignante", "Aide-soignante H/F", True),
        ("H/F - Valet de chambre", "Valet de chambre", True),
        ("Vendeur (CDI)", "Vendeuse - temps partiel", True),
        ("Assistant médico-technique", "Asssitant médico-technique", True),  # a typo
        ("Cariste", "Carsite", True),
        ("Caissier", "Pâtissière", False),  # 82 % similar, a different job
        ("Cariste", "Magasinier", False),
        ("Boulanger", "Boucher", False),
        ("Chef de rang", "Chef de partie", False),
    ],
)
def test_title_rule(first, second, same):
    assert same_title(title_key(first), title_key(second)) is same


def test_company_names_ignore_legal_forms_case_and_accents():
    assert company_key("Supermarché Uniane SAS") == company_key("SUPERMARCHE UNIANE")
    assert company_key("Boulangerie Martin SARL") != company_key("Boulangerie Durand SARL")


def keljob_row(reference: str, title: str, **extra: str) -> dict[str, str]:
    row = {
        "reference": reference,
        "titre": title,
        "description": "Même offre, publiée aussi sur Keljob.",
        "entreprise": "Clinique du Parc",
        "code_postal": "69003",
        "ville": "Lyon",
        "contrat": "CDI",
        "date_publication": "2026-11-19",
        "url": f"https://www.keljob.example/offres/{reference}",
        "salaire": "2 300 € brut par mois",
        "salaire_min": "2300",
        "periode_salaire": "month",
        "temps_travail": "Temps plein",
        "code_rome": "J1506",
    }
    row.update(extra)
    return row


def clinic(source_id: str, title: str, **extra) -> dict:
    return ft_offer(
        source_id, title, entreprise={"nom": "CLINIQUE DU PARC", "siret": SIRET}, **extra
    )


def test_the_same_offer_from_two_sources_is_shown_once(app):
    import_ft(app, [clinic("FT1", "Infirmière de nuit H/F")])
    report = import_source(app, "keljob", csv_feed([keljob_row("KJ1", "Infirmière de nuit")]))
    assert report.new == 1 and report.regrouped == 2
    stored = {o.source: o for o in offers(app)}
    # France Travail is the agency's own source: canonical even though Keljob's is more complete.
    assert stored["france-travail"].canonical_id is None
    assert stored["keljob"].canonical_id == stored["france-travail"].id
    assert "même employeur" in stored["keljob"].duplicate_reason
    client = app.test_client()
    found = client.get("/api/v1/jobs?q=infirmiere").get_json()
    assert found["total"] == 1
    assert found["items"][0]["sources"] == ["france-travail", "keljob"]
    assert client.get("/api/v1/jobs?source=keljob").get_json()["total"] == 1
    page = html.unescape(
        client.get(f"/job-search/offres/{stored['france-travail'].id}").get_data(as_text=True)
    )
    assert "Aussi publiée sur" in page and "https://www.keljob.example/offres/KJ1" in page
    # The duplicate's own address leads to the offer shown.
    moved = client.get(f"/job-search/offres/{stored['keljob'].id}")
    assert moved.status_code == 302
    detail = client.get(f"/api/v1/jobs/{stored['france-travail'].id}").get_json()
    assert [o["name"] for o in detail["also_published_on"]] == ["keljob"]
    # Read from the duplicate's side, the group is the canonical offer.
    other = client.get(f"/api/v1/jobs/{stored['keljob'].id}").get_json()
    assert other["canonical_id"] == stored["france-travail"].id
    assert [o["name"] for o in other["also_published_on"]] == ["france-travail"]


def test_when_the_canonical_offer_goes_the_other_is_shown(app):
    import_ft(app, [clinic("FT1", "Infirmière de nuit H/F"), clinic("FT2", "Brancardier")])
    import_source(app, "keljob", csv_feed([keljob_row("KJ1", "Infirmière de nuit")]))
    import_ft(app, [clinic("FT2", "Brancardier")])  # FT1 withdrawn from the full feed
    stored = {o.source_id: o for o in offers(app)}
    assert stored["FT1"].status == "withdrawn"
    assert stored["KJ1"].canonical_id is None and stored["KJ1"].duplicate_reason == ""
    found = app.test_client().get("/api/v1/jobs?q=infirmiere").get_json()
    assert found["total"] == 1 and found["items"][0]["sources"] == ["keljob"]


def test_different_jobs_of_one_employer_or_one_job_of_two_employers_stay_apart(app):
    import_ft(app, [clinic("FT1", "Infirmière de nuit"), clinic("FT2", "Aide-soignante")])
    import_source(
        app,
        "keljob",
        csv_feed(
            [
                keljob_row("KJ1", "Cuisinier"),  # same employer, other job
                keljob_row("KJ2", "Infirmière de nuit", entreprise="Hôpital Nord"),
                keljob_row("KJ3", "Infirmière de nuit", code_postal="69008", ville="Lyon"),
            ]
        ),
    )
    assert all(o.canonical_id is None for o in offers(app))
    assert app.test_client().get("/api/v1/jobs").get_json()["total"] == 5


def test_precision_on_a_labelled_sample(app, tmp_path):
    """The generator labels which offers are the same job; measure our grouping against it."""
    from job_search.generate import generate_feeds
    from job_search.models import Offer

    written = generate_feeds(tmp_path, 3000, seed=11)
    for name in ("france-travail", "keljob", "monstre-emploi"):
        with open(written[name], "rb") as stream:
            import_source(app, name, stream)
    truth: dict[str, set[tuple[str, str]]] = defaultdict(set)
    with open(written["duplicates"], encoding="utf-8") as labels:
        for row in csv.DictReader(labels):
            truth[row["group"]].add((row["source"], row["source_id"]))
    with app.app_context():
        rows = db.session.query(Offer.id, Offer.source, Offer.source_id, Offer.canonical_id)
        rows = rows.filter(Offer.status == "live").all()
    ids = {(r.source, r.source_id): r.id for r in rows}
    expected = set()
    for members in truth.values():
        live = sorted(ids[m] for m in members if m in ids)
        expected |= set(itertools.combinations(live, 2))
    groups: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        groups[r.canonical_id or r.id].append(r.id)
    found = set()
    for members in groups.values():
        found |= set(itertools.combinations(sorted(members), 2))
    assert len(expected) > 150  # the sample has real duplicates to find
    true_positives = len(found & expected)
    precision = true_positives / len(found)
    recall = true_positives / len(expected)
    print(f"dedup on 3,000 labelled offers: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.98
    assert recall >= 0.95
