"""Public pages are cached for visitors without a session, and never served stale."""

from __future__ import annotations

from sqlalchemy import update


def rename_without_telling(app, slug: str, name: str) -> None:
    from emploistore.catalog.models import Listing
    from emploistore.database import db

    with app.app_context():
        db.session.execute(update(Listing).where(Listing.slug == slug).values(name=name))
        db.session.commit()


def test_anonymous_pages_are_served_from_the_cache_until_the_catalogue_changes(app):
    client = app.test_client()
    assert "Fiches métiers" in client.get("/services/fiches-metiers").get_data(as_text=True)
    rename_without_telling(app, "fiches-metiers", "Fiches renommées")
    cached = client.get("/services/fiches-metiers")
    assert "Fiches métiers" in cached.get_data(as_text=True)
    assert "default-src 'self'" in cached.headers["Content-Security-Policy"]
    from emploistore.catalog.state import bump_catalog_version
    from emploistore.database import db

    with app.app_context():
        bump_catalog_version()
        db.session.commit()
    assert "Fiches renommées" in client.get("/services/fiches-metiers").get_data(as_text=True)


def test_signed_in_visitors_never_get_cached_pages(app, client, accounts):
    client.get("/services/fiches-metiers")
    accounts.seeker()
    rename_without_telling(app, "fiches-metiers", "Nom tout neuf")
    page = client.get("/services/fiches-metiers").get_data(as_text=True)
    assert "Nom tout neuf" in page and "Ajouter à mes services" in page


def test_admin_changes_reach_anonymous_visitors_at_once(app, accounts):
    visitor = app.test_client()
    assert "Coaching entretien" not in _featured(visitor)
    from emploistore.catalog.models import Listing
    from emploistore.database import db

    with app.app_context():
        query = db.select(Listing.id).where(Listing.slug == "coaching-entretien")
        listing_id = db.session.scalar(query)
    accounts.admin()
    accounts.client.post(f"/admin/services/{listing_id}/une", data={"featured": "1"})
    assert "Coaching entretien" in _featured(visitor)


def _featured(client) -> str:
    page = client.get("/").get_data(as_text=True)
    start = page.find("À la une")
    return page[start : page.find("</section>", start)]


def test_cache_can_be_turned_off(make_app):
    app = make_app(PAGE_CACHE_SECONDS=0)
    client = app.test_client()
    client.get("/services/fiches-metiers")
    rename_without_telling(app, "fiches-metiers", "Sans cache")
    assert "Sans cache" in client.get("/services/fiches-metiers").get_data(as_text=True)
