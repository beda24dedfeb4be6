"""``emploistore jobs import``: idempotent, counted, row by row, withdrawals, nothing lost."""

from __future__ import annotations

import json

from job_search.tests.helpers import ft_offer, import_ft, offers


def test_import_counts_new_then_unchanged_then_updated(app):
    feed = [ft_offer("A1", "Boulanger H/F"), ft_offer("A2", "Vendeuse en boulangerie")]
    first = import_ft(app, feed)
    assert (first.new, first.updated, first.unchanged, first.rejected) == (2, 0, 0, 0)
    again = import_ft(app, feed)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    feed[1]["intitule"] = "Vendeuse en boulangerie-pâtisserie"
    changed = import_ft(app, feed)
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 1)
    stored = offers(app)
    assert len(stored) == 2  # re-importing never duplicates
    assert stored[1].title == "Vendeuse en boulangerie-pâtisserie"
    assert stored[0].source == "france-travail" and stored[0].source_id == "A1"


def test_a_bad_row_is_rejected_with_its_line_and_the_rest_goes_on(app):
    feed = [
        ft_offer("B1", "Cariste"),
        ft_offer("B2", ""),
        ft_offer("B3", "Magasinier", typeContrat="XYZ"),
        ft_offer("B4", "Préparateur de commandes", lieuTravail={"codePostal": "00000"}),
        ft_offer("B1", "Cariste (doublon d'identifiant)"),
        ft_offer("B5", "Agent de quai", dateCreation="hier"),
        ft_offer("B6", "Chauffeur livreur"),
    ]
    report = import_ft(app, feed)
    assert report.new == 2 and report.rejected == 5
    reasons = dict(report.rejections)
    assert "intitulé" in reasons[2]
    assert "type de contrat" in reasons[3]
    assert "commune introuvable" in reasons[4] or "code postal" in reasons[4]
    assert "déjà vu ligne 1" in reasons[5]
    assert "date" in reasons[6]
    assert [o.source_id for o in offers(app)] == ["B1", "B6"]


def test_offers_missing_from_a_full_feed_are_withdrawn_and_come_back(app):
    import_ft(app, [ft_offer("C1", "Serveur"), ft_offer("C2", "Cuisinier")])
    report = import_ft(app, [ft_offer("C1", "Serveur")])
    assert report.withdrawn == 1
    by_id = {o.source_id: o for o in offers(app)}
    assert by_id["C2"].status == "withdrawn" and by_id["C2"].withdrawn_reason == "absente du flux"
    client = app.test_client()
    assert client.get("/api/v1/jobs?q=cuisinier").get_json()["total"] == 0
    assert client.get(f"/api/v1/jobs/{by_id['C2'].id}").status_code == 410
    back = import_ft(app, [ft_offer("C1", "Serveur"), ft_offer("C2", "Cuisinier")])
    assert back.updated == 1
    assert client.get("/api/v1/jobs?q=cuisinier").get_json()["total"] == 1


def test_a_partial_feed_withdraws_nothing(app):
    import_ft(app, [ft_offer("D1", "Plombier"), ft_offer("D2", "Électricien")])
    report = import_ft(app, [ft_offer("D1", "Plombier")], full_feed=False)
    assert report.withdrawn == 0
    assert all(o.status == "live" for o in offers(app))


def test_expired_offers_are_withdrawn(app):
    feed = [
        ft_offer("E1", "Jardinier", dateExpiration="2026-01-31T00:00:00Z"),
        ft_offer("E2", "Paysagiste", dateExpiration="2099-01-31T00:00:00Z"),
    ]
    report = import_ft(app, feed)
    assert report.new == 1 and report.withdrawn == 1
    client = app.test_client()
    assert client.get("/api/v1/jobs?q=jardinier").get_json()["total"] == 0
    assert client.get("/api/v1/jobs?q=paysagiste").get_json()["total"] == 1


def test_cli_import_reports_counts_and_rejections(app, tmp_path):
    feed = tmp_path / "offres.json"
    feed.write_text(
        json.dumps([ft_offer("F1", "Boucher"), ft_offer("F2", "Boucher", typeContrat="")]),
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "import", "france-travail", str(feed)])
    assert result.exit_code == 0, result.output
    assert "france-travail: 1 new, 0 updated, 0 unchanged, 0 withdrawn, 1 rejected" in result.output
    assert "line 2: type de contrat" in result.output
    assert "search index" in result.output
    as_json = runner.invoke(args=["jobs", "import", "france-travail", str(feed), "--json"])
    body = json.loads(as_json.output)
    assert body["unchanged"] == 1 and body["rejections"][0]["line"] == 2


def test_an_unreadable_file_changes_nothing(app, tmp_path):
    import_ft(app, [ft_offer("G1", "Menuisier")])
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"resultats": [' + json.dumps(ft_offer("G2", "Charpentier")) + ", {oops", "utf-8"
    )
    result = app.test_cli_runner().invoke(args=["jobs", "import", "france-travail", str(broken)])
    assert result.exit_code != 0
    assert "nothing was imported" in result.output
    stored = offers(app)
    assert [o.source_id for o in stored] == ["G1"] and stored[0].status == "live"


def test_unknown_source_is_refused(app, tmp_path):
    feed = tmp_path / "x.json"
    feed.write_text("[]", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["jobs", "import", "nope", str(feed)])
    assert result.exit_code != 0
    assert "unknown source 'nope'" in result.output
