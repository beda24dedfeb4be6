"""The CV builder as a plugin of the store: listing, launch, hooks, data export and deletion."""

from __future__ import annotations

from sqlalchemy import text as sql

from cv_builder.tests.helpers import BASE, create_cv, cv_id, text
from emploistore import db
from tests.fixtures import PASSWORD, SHIPPED_CATALOG


def test_it_is_loaded_through_its_entry_point(app):
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records["cv_builder"]
    assert record.loaded, record.errors
    assert record.blueprints == ["cv_builder"]
    assert {"register_blueprints", "account_tabs", "home_cards", "export_user_data"} <= set(
        record.hooks
    )


def test_its_catalogue_listing_shows_and_opens_the_service(make_app):
    app = make_app(catalog=SHIPPED_CATALOG)
    client = app.test_client()
    listing = client.get("/api/v1/services/createur-de-cv")
    assert listing.status_code == 200
    assert listing.get_json()["name"] == "Créateur de CV"
    assert "Créateur de CV" in text(client.get("/themes/preparer-sa-candidature"))
    launch = client.post("/services/createur-de-cv/lancer")
    assert launch.status_code in (302, 303)
    assert launch.headers["Location"].endswith(f"{BASE}/")
    assert "Créateur de CV" in text(client.get(launch.headers["Location"]))


def test_home_cards_and_account_tabs(app, client, accounts):
    accounts.seeker()
    assert "Vos CV" not in text(client.get("/"))
    assert f'href="{BASE}/"' in client.get("/compte").get_data(as_text=True)
    assert "Mes CV" in text(client.get("/compte"))
    path = create_cv(client, "CV logistique")
    home = text(client.get("/"))
    assert "Vos CV" in home and "1 CV enregistré. Dernier modifié : « CV logistique »." in home
    assert f'href="{path}"' in client.get("/").get_data(as_text=True)


def test_the_data_export_holds_every_cv_and_deletion_removes_them(app, client, accounts):
    accounts.seeker()
    assert "cv_builder" not in client.post("/compte/export").get_json()["services"]
    path = create_cv(client, "CV vente")
    client.post(f"{path}/coordonnees", data={"name": "Zoé Lefèvre"})
    client.post(f"{path}/partage", data={"jours": "7"})
    exported = client.post("/compte/export").get_json()["services"]["cv_builder"]
    (cv,) = exported["cvs"]
    assert cv["title"] == "CV vente" and cv["resume"]["basics"]["name"] == "Zoé Lefèvre"
    assert cv["share_links"][0]["views"] == 0 and "token" not in str(cv["share_links"])
    assert client.post("/compte/supprimer", data={"delete-password": PASSWORD}).status_code == 303
    with app.app_context():
        for table in ("cv_builder_cv", "cv_builder_photo", "cv_builder_share"):
            assert db.session.execute(sql(f"SELECT COUNT(*) FROM {table}")).scalar() == 0  # noqa: S608
    assert cv_id(path)


def test_an_admin_can_switch_the_service_off(app, client, accounts):
    accounts.admin()
    path = create_cv(client)
    assert client.post("/admin/plugins/cv_builder", data={"enabled": "0"}).status_code == 303
    assert client.get(f"{BASE}/").status_code == 404
    assert client.get(path).status_code == 404
    client.post("/admin/plugins/cv_builder", data={"enabled": "1"})
    assert client.get(path).status_code == 200


def test_pages_are_private_and_carry_the_store_security_headers(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    for url in (f"{BASE}/", path, f"{path}/cv.json"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    with client.get(f"{BASE}/static/preview.js") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")
