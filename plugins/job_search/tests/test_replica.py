"""Each server keeps its own index replica, fed by the change feed; no shared index files."""

from __future__ import annotations

import fcntl

import pytest

from job_search.tests.helpers import ft_feed, ft_offer, import_ft


def import_only(app, offers_list, **options):
    """Import without touching any index (what another server's import looks like)."""
    from job_search import importer

    with app.app_context():
        source = importer.all_sources()["france-travail"]
        return importer.import_feed(source, ft_feed(offers_list), "ft.json", **options)


def total(client, query: str = "") -> int:
    return client.get("/api/v1/jobs?" + query).get_json()["total"]


def test_a_new_server_catches_up_then_follows_the_feed(make_app, database_url, tmp_path):
    first = make_app(JOB_SEARCH={"INDEX_DIR": str(tmp_path / "server-a"), "SYNC_SECONDS": 0})
    import_only(first, [ft_offer("R1", "Soudeur"), ft_offer("R2", "Tuyauteur")])
    # Server B shares the database, not the index folder.
    second = make_app(
        catalog=None, JOB_SEARCH={"INDEX_DIR": str(tmp_path / "server-b"), "SYNC_SECONDS": 0}
    )
    result = second.test_cli_runner().invoke(args=["jobs", "sync"])
    assert "search index rebuilt: 2 offers indexed" in result.output
    client_a, client_b = first.test_client(), second.test_client()
    assert total(client_b) == 2
    # Server A's first request builds nothing big: a replica at 0 is rebuilt by `jobs sync`.
    first.test_cli_runner().invoke(args=["jobs", "sync"])
    assert total(client_a) == 2

    # A change on the database reaches both replicas on their next request (incrementally).
    import_only(first, [ft_offer("R1", "Soudeur TIG"), ft_offer("R3", "Chaudronnier")])
    assert total(client_a, "q=chaudronnier") == 1 and total(client_b, "q=chaudronnier") == 1
    assert total(client_b, "q=tig") == 1
    assert total(client_b, "q=tuyauteur") == 0  # withdrawn: missing from the full feed
    from job_search import service

    with second.app_context():
        engine = service.engine()
        assert engine.applied_seq() == service.replica.head_seq()
    assert (tmp_path / "server-a").is_dir() and (tmp_path / "server-b").is_dir()


def test_a_busy_writer_never_blocks_readers(make_app, tmp_path):
    app = make_app(JOB_SEARCH={"INDEX_DIR": str(tmp_path / "index"), "SYNC_SECONDS": 0})
    import_only(app, [ft_offer("T1", "Carreleur")])
    app.test_cli_runner().invoke(args=["jobs", "sync"])
    import_only(app, [ft_offer("T1", "Carreleur"), ft_offer("T2", "Plâtrier")])
    from job_search import replica, service

    with app.app_context():
        engine = service.engine()
        lock_path = engine.directory / "write.lock"
    with open(lock_path, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is writing
        with app.app_context():
            assert replica.sync(service.engine()).busy
        client = app.test_client()
        assert total(client) == 1  # still served, from the last commit
    assert total(client) == 2  # the next request catches up


def test_reindex_rebuilds_from_the_database(app, tmp_path):
    import_only(app, [ft_offer("U1", "Couvreur"), ft_offer("U2", "Zingueur")])
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "reindex"])
    assert "search index rebuilt: 2 offers indexed" in first.output
    again = runner.invoke(args=["jobs", "reindex"])
    assert "2 offers indexed" in again.output
    assert total(app.test_client()) == 2


def test_anonymous_answers_are_cached_until_the_index_moves(make_app, tmp_path, accounts_for):
    app = make_app(JOB_SEARCH={"INDEX_DIR": str(tmp_path / "index"), "SYNC_SECONDS": 3600})
    import_only(app, [ft_offer("V1", "Vitrier")])
    app.test_cli_runner().invoke(args=["jobs", "sync"])
    client = app.test_client()
    assert total(client, "q=vitrier") == 1
    import_only(app, [ft_offer("V1", "Vitrier"), ft_offer("V2", "Vitrier miroitier")])
    # This server has not applied the change yet: the same answer, from memory.
    assert total(client, "q=vitrier") == 1
    app.test_cli_runner().invoke(args=["jobs", "sync"])
    assert total(client, "q=vitrier") == 2  # the index moved: the cache no longer applies
    page = client.get("/job-search/?q=vitrier")
    assert page.status_code == 200 and client.get("/job-search/?q=vitrier").data == page.data
    # A signed-in person never gets another person's cached page.
    signed_in, accounts = accounts_for(app)
    accounts.seeker()
    assert "Enregistrer cette recherche" in signed_in.get("/job-search/?q=vitrier").text
    assert "Enregistrer cette recherche" not in client.get("/job-search/?q=vitrier").text


def test_a_restore_takes_the_offer_index_back_to_the_backup(make_app, tmp_path):
    app = make_app(schema=False, JOB_SEARCH={"INDEX_DIR": str(tmp_path / "index")})
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("restore is for SQLite (PostgreSQL has pg_restore)")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    import_ft(app, [ft_offer("B1", "Boulanger")])
    backup_file = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    import_ft(app, [ft_offer("B2", "Pâtissier")])  # a full feed: B1 is withdrawn
    client = app.test_client()
    assert total(client, "q=boulanger") == 0 and total(client, "q=patissier") == 1

    restored = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "job_search: search index rebuilt: 1 offers indexed" in restored.output
    assert total(client, "q=boulanger") == 1 and total(client, "q=patissier") == 0
    assert client.get("/job-search/?q=boulanger").status_code == 200
