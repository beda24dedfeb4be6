"""Faults: a read-only or full database gives a clear page and nothing half-written."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import event, func, select


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def sqlite_app(app):  # type: ignore[no-untyped-def]
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("these faults are SQLite's (a file on a disk); PostgreSQL reports its own")
    return app


def counters(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from emploistore.catalog.models import Listing
    from emploistore.database import db
    from emploistore.engagement.models import Favourite

    with app.app_context():
        db.session.remove()
        rows = db.session.scalar(select(func.count(Favourite.id)))
        counter = db.session.scalar(select(func.sum(Listing.favourite_count)))
        return rows, counter


def test_read_only_database_serves_pages_and_refuses_writes_clearly(sqlite_app, make_app, accounts):
    accounts.create()
    path = sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    read_only = make_app(
        catalog=None, schema=False, DATABASE_URL=f"sqlite:///file:{path}?mode=ro&uri=true"
    )
    client = read_only.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/services/fiches-metiers").status_code == 200
    # Logging in writes (last log-in time): refused with a clear page, nothing stored.
    response = client.post(
        "/compte/connexion",
        data={"email": "camille@example.org", "password": "un mot de passe solide"},
    )
    assert response.status_code == 503
    assert "Rien n'a été modifié" in text(response)
    assert counters(sqlite_app) == (0, 0)


def test_full_disk_rolls_back_the_whole_change(sqlite_app, client, accounts):
    from emploistore.database import db

    accounts.seeker()
    client.post("/services/fiches-metiers/favori")
    before = counters(sqlite_app)
    assert before == (1, 1)
    with sqlite_app.app_context():
        engine = db.engine

    def tiny_disk(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # The database may not grow by a single page: SQLite then reports "database or
        # disk is full" (SQLITE_FULL), exactly as on a full disk.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", tiny_disk)
    try:
        engine.dispose()  # new connections get the limit
        # 1,990 three-byte characters (about 6 KB) cannot fit in the free space of any
        # 4 KB page: the review needs a new page, and the disk is "full".
        client.post("/services/offres-cadres/lancer")
        response = client.post(
            "/services/offres-cadres/avis", data={"rating": "4", "text": "€" * 1990}
        )
    finally:
        event.remove(engine, "connect", tiny_disk)
        engine.dispose()
    assert response.status_code == 503, response.status_code
    assert "Rien n'a été modifié" in text(response)
    from emploistore.engagement.models import Review

    with sqlite_app.app_context():
        db.session.remove()
        assert db.session.scalar(select(func.count(Review.id))) == 0
        listing_rating = db.session.execute(
            db.text("SELECT rating_count FROM listing WHERE slug='offres-cadres'")
        ).scalar()
        assert listing_rating == 0  # the counter was not bumped without its review
    assert counters(sqlite_app) == before
    assert client.get("/").status_code == 200
