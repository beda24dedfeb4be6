"""emploistore backup / restore: online, consistent, checked; PostgreSQL gets guidance."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select


def on_sqlite(app) -> bool:  # type: ignore[no-untyped-def]
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def favourite_consistency(connection: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """Listings whose favourite counter disagrees with their favourite rows."""
    return connection.execute(
        "SELECT l.slug, l.favourite_count, COUNT(f.id) FROM listing l "
        "LEFT JOIN favourite f ON f.listing_id = l.id GROUP BY l.id "
        "HAVING l.favourite_count != COUNT(f.id)"
    ).fetchall()


def test_backup_during_writes_is_consistent_and_restores(make_app, tmp_path):
    # Made by the migrations, as a real store is: restore runs them on the backup.
    app = make_app(schema=False)
    if not on_sqlite(app):
        pytest.skip("SQLite backups only; the PostgreSQL case is the next test")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    from emploistore.accounts.services import create_user
    from emploistore.catalog.models import Listing
    from emploistore.database import db
    from emploistore.engagement.models import Favourite
    from emploistore.engagement.services import set_favourite

    with app.app_context():
        user_ids = [create_user(f"u{i}@example.org", "un mot de passe solide").id for i in range(4)]
        db.session.commit()
    stop = threading.Event()
    written = []

    def write_continuously() -> None:
        from emploistore.accounts.models import User

        with app.app_context():
            listings = db.session.scalars(
                select(Listing).where(Listing.status == "published")
            ).all()
            users = [db.session.get(User, user_id) for user_id in user_ids]
            turn = 0
            while not stop.is_set():
                user, listing = users[turn % len(users)], listings[turn % len(listings)]
                set_favourite(user, listing, wanted=(turn // 20) % 2 == 0)
                written.append(turn)
                turn += 1

    writer = threading.Thread(target=write_continuously)
    writer.start()
    try:
        time.sleep(0.3)
        backup_file = tmp_path / "backups" / "store.sqlite3"
        result = runner.invoke(args=["backup", str(backup_file)])
    finally:
        time.sleep(0.2)
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "backup written to" in result.output and "favourite" in result.output
    assert len(written) > 10  # writes really ran during the backup

    snapshot = sqlite3.connect(backup_file)
    assert snapshot.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert favourite_consistency(snapshot) == []
    backed_up = snapshot.execute("SELECT COUNT(*) FROM favourite").fetchone()[0]
    snapshot.close()

    with app.app_context():  # change things after the backup, then go back to it
        db.session.query(Favourite).delete()
        db.session.commit()
    restored = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "search index built" in restored.output
    with app.app_context():
        db.session.remove()
        assert db.session.scalar(select(func.count(Favourite.id))) == backed_up
    assert app.test_client().get("/api/v1/services?q=metier").get_json()["total"] >= 1


def test_postgresql_gets_pg_dump_guidance(make_app, runner, tmp_path):
    app = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert not (tmp_path / "x.dump").exists()


def test_refusals_change_nothing(app, runner, tmp_path):
    if not on_sqlite(app):
        pytest.skip("SQLite backups only")
    existing = tmp_path / "already.sqlite3"
    existing.write_text("keep me", encoding="utf-8")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text(encoding="utf-8") == "keep me"

    stranger = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(stranger)
    connection.execute("CREATE TABLE notes (id INTEGER)")
    connection.commit()
    connection.close()
    before = app.test_client().get("/api/v1/services").get_json()["total"]
    result = runner.invoke(args=["restore", str(stranger), "--yes"])
    assert result.exit_code != 0 and "not an Emploi Store database" in result.output
    assert app.test_client().get("/api/v1/services").get_json()["total"] == before

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert app.test_client().get("/api/v1/services").get_json()["total"] == before


def test_restore_asks_before_replacing(app, runner, tmp_path):
    if not on_sqlite(app):
        pytest.skip("SQLite backups only")
    backup_file = tmp_path / "b.sqlite3"
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    result = runner.invoke(args=["restore", str(backup_file)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
