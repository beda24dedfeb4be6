"""The emploistore command line: init, accounts, plugins, reindex."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from tests.fixtures import PASSWORD, SHIPPED_CATALOG


def table_counts(app) -> dict[str, int]:
    from emploistore.accounts.models import User
    from emploistore.catalog.models import Listing, Theme
    from emploistore.database import db
    from emploistore.engagement.models import Review

    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Theme, Listing, User, Review)
        }


def test_init_prepares_everything_and_is_idempotent(make_app):
    app = make_app(catalog=SHIPPED_CATALOG, schema=False, DEMO_CONTENT=True)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "catalogue loaded" in first.output and "search index built" in first.output
    after_first = table_counts(app)
    assert after_first["listing"] >= 40 and after_first["review"] > 0
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "catalogue loaded" not in second.output and "demo content" not in second.output
    assert table_counts(app) == after_first
    client = app.test_client()
    assert client.get("/api/v1/services?q=entretien").get_json()["total"] > 0
    assert "Les plus utiles" in client.get("/").get_data(as_text=True)


def test_init_keeps_admin_curation(make_app):
    app = make_app(catalog=SHIPPED_CATALOG, schema=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    from emploistore.admin.services import rename_theme
    from emploistore.catalog.services import get_theme

    with app.app_context():
        rename_theme(get_theme("se-former"), "Apprendre un métier", "")
    assert runner.invoke(args=["init"]).exit_code == 0
    themes = app.test_client().get("/api/v1/themes").get_json()["items"]
    assert "Apprendre un métier" in [t["name"] for t in themes]


def test_admin_create_reads_the_password_from_stdin(app, runner, client):
    result = runner.invoke(args=["admin", "create", "Chef@Example.org"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    login = client.post(
        "/compte/connexion", data={"email": "chef@example.org", "password": PASSWORD}
    )
    assert login.status_code == 303
    assert client.get("/admin/").status_code == 200


def test_user_create_with_role_and_refusals(app, runner, client):
    ok = runner.invoke(
        args=["user", "create", "p@example.org", "--role", "partner"], input=PASSWORD
    )
    assert ok.exit_code == 0 and "created partner p@example.org" in ok.output
    again = runner.invoke(args=["user", "create", "p@example.org"], input=PASSWORD)
    assert again.exit_code != 0 and "email" in again.output
    short = runner.invoke(args=["user", "create", "q@example.org"], input="court")
    assert short.exit_code != 0 and "password" in short.output
    role = runner.invoke(args=["user", "create", "r@example.org", "--role", "king"], input=PASSWORD)
    assert role.exit_code != 0 and "king" in role.output
    assert table_counts(app)["user_account"] == 1


def test_plugins_lists_nothing_honestly_when_none_is_installed(make_app, monkeypatch):
    from emploistore.plugins import manager

    monkeypatch.setattr(manager.PluginHost, "discover", lambda self: [])
    app = make_app()
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0 and "no plugin installed" in result.output


def test_console_script_and_flask_app_option_reach_the_same_cli():
    for command in (
        [sys.executable, "-m", "emploistore", "--help"],
        [sys.executable, "-m", "flask", "--app", "emploistore", "--help"],
    ):
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
        for name in ("serve", "init", "catalog", "reindex", "plugins", "admin", "user"):
            assert name in output.stdout, (command, name)


def test_version_is_the_store_version():
    output = subprocess.run(
        [sys.executable, "-m", "emploistore", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert output.strip() == "emploistore 0.1.0"
