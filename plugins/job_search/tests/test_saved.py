"""Saved offers, saved searches and their new-offer alerts; every query scoped to its owner."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path

from emploistore import db
from job_search.tests.helpers import ft_offer, import_ft, offers


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_saving_an_offer_needs_an_account(app, client):
    import_ft(app, [ft_offer("K1", "Boulanger")])
    offer_id = offers(app)[0].id
    response = client.post(f"/job-search/offres/{offer_id}/enregistrer")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    assert "Se connecter pour enregistrer" in page_text(
        client.get(f"/job-search/offres/{offer_id}")
    )


def test_save_list_and_remove_an_offer(app, client, accounts):
    import_ft(app, [ft_offer("K1", "Boulanger"), ft_offer("K2", "Pâtissier")])
    first, _second = (o.id for o in offers(app))
    accounts.seeker()
    assert client.post(f"/job-search/offres/{first}/enregistrer").status_code == 302
    assert client.post(f"/job-search/offres/{first}/enregistrer").status_code == 302  # once
    listed = page_text(client.get("/job-search/mes-offres"))
    assert listed.count("Boulanger</a>") == 1 and "Pâtissier" not in listed
    assert "Retirer de mes offres" in page_text(client.get(f"/job-search/offres/{first}"))
    client.post(f"/job-search/offres/{first}/retirer", data={"next": "mes-offres"})
    assert "pas encore enregistré" in page_text(client.get("/job-search/mes-offres"))
    assert client.post("/job-search/offres/999999/enregistrer").status_code == 404


def test_saved_things_are_private(app, client, accounts):
    import_ft(app, [ft_offer("K1", "Boulanger")])
    offer_id = offers(app)[0].id
    accounts.seeker("a@example.org")
    client.post(f"/job-search/offres/{offer_id}/enregistrer")
    client.post(
        "/job-search/mes-recherches", data={"q": "boulanger", "name": "Pain", "alert": "on"}
    )
    accounts.logout()
    accounts.seeker("b@example.org")
    assert "Boulanger" not in page_text(client.get("/job-search/mes-offres"))
    assert "Pain" not in page_text(client.get("/job-search/mes-recherches"))
    from job_search.models import SavedSearch

    with app.app_context():
        search_id = db.session.query(SavedSearch.id).scalar()
    assert client.post(f"/job-search/mes-recherches/{search_id}/supprimer").status_code == 404
    assert client.post(f"/job-search/mes-recherches/{search_id}/alerte").status_code == 404
    with app.app_context():
        assert db.session.get(SavedSearch, search_id) is not None


def test_save_a_search_then_get_a_digest_of_new_offers(app, client, accounts, monkeypatch):
    import_ft(app, [ft_offer("L1", "Cariste", dateCreation="2026-11-10T08:00:00Z")])
    accounts.seeker("camille@example.org")
    response = client.post(
        "/job-search/mes-recherches",
        data={"q": "cariste", "where": "Lyon", "radius": "10", "contract": "cdi", "alert": "on"},
    )
    assert response.status_code == 302
    kept = page_text(client.get("/job-search/mes-recherches"))
    assert "cariste à 10 km de Lyon (69)" in kept
    link = kept.split('<h2 class="card-title"><a href="')[1].split('"')[0]
    assert "contract=cdi" in link and "where=Lyon" in link

    from job_search import alerts
    from job_search.models import SavedSearch

    sent = []
    # The offer already there when the search was saved is not "new".
    with app.app_context():
        assert alerts.run_alerts(send=sent.append).people == 0
        later = datetime.utcnow() + timedelta(minutes=1)
        db.session.query(SavedSearch).update({"last_alert_at": later - timedelta(seconds=30)})
        db.session.commit()
    import_ft(
        app,
        [
            ft_offer("L1", "Cariste", dateCreation="2026-11-10T08:00:00Z"),
            ft_offer("L2", "Cariste de nuit"),
            ft_offer("L3", "Cariste", typeContrat="CDD"),  # filtered out: CDD
        ],
        now=later,
    )
    with app.app_context():
        report = alerts.run_alerts(now=later + timedelta(minutes=1), send=sent.append)
    assert (report.people, report.searches, report.offers) == (1, 1, 1)
    message = sent[0]
    assert message["To"] == "camille@example.org"
    assert message["Subject"] == "1 nouvelle offre pour vous"
    body = message.get_content()
    assert "Cariste de nuit" in body and "http://127.0.0.1:8000/job-search/offres/" in body
    assert "http://127.0.0.1:8000/job-search/mes-recherches" in body
    # The next run has nothing new to say.
    with app.app_context():
        assert alerts.run_alerts(now=later + timedelta(minutes=2), send=sent.append).people == 0
    assert len(sent) == 1


def test_the_default_sender_writes_private_files(app):
    from email.message import EmailMessage

    from job_search import alerts

    message = EmailMessage()
    message["To"] = "x@example.org"
    message["Subject"] = "Test"
    message.set_content("Bonjour")
    with app.app_context():
        alerts.sender()(message)
    written = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(written) == 1
    assert written[0].stat().st_mode & 0o077 == 0
    assert message_from_bytes(written[0].read_bytes())["Subject"] == "Test"


def test_turning_an_alert_off_and_deleting_a_search(app, client, accounts):
    accounts.seeker()
    client.post("/job-search/mes-recherches", data={"q": "serveur", "name": "Salle", "alert": "on"})
    from job_search.models import SavedSearch

    with app.app_context():
        search_id = db.session.query(SavedSearch.id).scalar()
    client.post(f"/job-search/mes-recherches/{search_id}/alerte", data={})
    with app.app_context():
        assert db.session.get(SavedSearch, search_id).alert is False
    client.post(f"/job-search/mes-recherches/{search_id}/supprimer")
    assert "Aucune recherche enregistrée" in page_text(client.get("/job-search/mes-recherches"))


def test_a_bad_saved_search_is_refused(app, client, accounts):
    accounts.seeker()
    response = client.post("/job-search/mes-recherches", data={"radius": "7", "name": "x"})
    assert response.status_code == 302
    assert "ne peut pas être enregistrée" in page_text(client.get(response.headers["Location"]))


def test_export_and_account_deletion(app, client, accounts):
    import_ft(app, [ft_offer("M1", "Fleuriste")])
    offer_id = offers(app)[0].id
    accounts.seeker()
    client.post(f"/job-search/offres/{offer_id}/enregistrer")
    client.post("/job-search/mes-recherches", data={"q": "fleuriste", "name": "Fleurs"})
    exported = client.post("/compte/export").get_json()
    mine = exported["services"]["job_search"]
    assert mine["saved_offers"][0]["title"] == "Fleuriste"
    assert mine["saved_searches"][0]["name"] == "Fleurs"
