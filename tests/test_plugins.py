"""The plugin contract: discovery through entry points, one test per hook, isolation."""

from __future__ import annotations

import itertools
import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

_names = itertools.count(1)


def plugin_name() -> str:
    """A fresh plugin name per test: model tables are registered process-wide."""
    return f"demo{next(_names)}"


BLUEPRINT_PLUGIN = """
from flask import Blueprint, render_template
from emploistore import hookimpl

bp = Blueprint("{name}", __name__, template_folder="templates")

@bp.get("/")
def index():
    return render_template("{name}/index.html", greeting="Bonjour depuis le module")

@hookimpl
def register_blueprints(app):
    return [bp]
"""


def install_blueprint_plugin(install_plugin, name: str) -> str:
    return install_plugin(
        name,
        BLUEPRINT_PLUGIN.format(name=name),
        files={f"templates/{name}/index.html": "<p>{{ greeting }}</p>"},
    )


def test_register_blueprints(install_plugin, make_app):
    name = plugin_name()
    install_blueprint_plugin(install_plugin, name)
    app = make_app()
    response = app.test_client().get(f"/{name}/")
    assert response.status_code == 200
    assert "Bonjour depuis le module" in response.get_data(as_text=True)
    # Host security headers apply to plugin pages too.
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_outside_package_is_discovered_like_an_installed_one(install_plugin, make_app):
    name = plugin_name()
    module = install_blueprint_plugin(install_plugin, name)
    app = make_app()
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith(name))
    assert "1.2.3" in line and "loaded" in line and "register_blueprints" in line
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records[name]
    assert record.distribution == module and record.loaded


def test_blueprint_outside_its_namespace_marks_the_plugin_failed(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        from flask import Blueprint
        from emploistore import hookimpl
        bp = Blueprint("accounts_clone", __name__)
        @hookimpl
        def register_blueprints(app):
            return [bp]
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records[name]
    assert record.status == "failed"
    assert "must be named" in record.errors[0]
    assert app.test_client().get("/").status_code == 200


def test_plugin_failing_at_import_is_isolated(install_plugin, make_app, caplog):
    name = plugin_name()
    install_plugin(name, "raise RuntimeError('broken at import')\n")
    with caplog.at_level(logging.ERROR):
        app = make_app(PLUGINS_STRICT=False)
    assert any(name in record.getMessage() for record in caplog.records)
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/themes/se-former").status_code == 200
    from emploistore.plugins.manager import plugin_host

    assert plugin_host(app).records[name].status == "failed"


def test_plugin_failing_at_import_reraises_when_strict(install_plugin, make_app):
    name = plugin_name()
    install_plugin(name, "raise RuntimeError('broken at import')\n")
    with pytest.raises(RuntimeError, match="broken at import"):
        make_app()  # TESTING makes plugin errors strict by default


def test_home_cards(install_plugin, make_app, accounts_for):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import HomeCard, hookimpl

        @hookimpl
        def home_cards(user):
            who = user.display_name if user else "visiteur"
            return [HomeCard(title="Reprendre votre CV", text=f"Pour {who}", url="/cv/")]
        """,
    )
    app = make_app()
    client, accounts = accounts_for(app)
    page = client.get("/").get_data(as_text=True)
    assert "Reprendre votre CV" in page and "Pour visiteur" in page
    accounts.seeker()
    assert "Pour Camille" in client.get("/").get_data(as_text=True)


def test_failing_request_time_hook_keeps_the_page_up(
    install_plugin, make_app, caplog, accounts_for
):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import hookimpl

        @hookimpl
        def home_cards(user):
            raise ValueError("card exploded")
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    client, accounts = accounts_for(app)
    with caplog.at_level(logging.ERROR):
        response = client.get("/")
    assert response.status_code == 200
    assert any(name in r.getMessage() and "home_cards" in r.getMessage() for r in caplog.records)
    accounts.admin()
    plugins_page = client.get("/admin/plugins").get_data(as_text=True)
    assert "card exploded" in plugins_page


def test_account_tabs(install_plugin, make_app, accounts_for):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import AccountTab, hookimpl

        @hookimpl
        def account_tabs(user):
            return [AccountTab(label=f"Mes CV ({user.display_name})", url="/cv/mes-cv")]
        """,
    )
    app = make_app()
    client, accounts = accounts_for(app)
    accounts.seeker()
    page = client.get("/compte").get_data(as_text=True)
    assert "Mes CV (Camille)" in page and 'href="/cv/mes-cv"' in page


def test_register_models(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        f"""
        from sqlalchemy.orm import Mapped, mapped_column
        from emploistore import db, hookimpl

        class Note(db.Model):
            __tablename__ = "{name}_note"
            id: Mapped[int] = mapped_column(primary_key=True)
            text: Mapped[str]

        @hookimpl
        def register_models():
            return [Note]
        """,
    )
    app = make_app()
    from emploistore.database import db

    with app.app_context():
        assert f"{name}_note" in inspect(db.engine).get_table_names()


def test_register_models_outside_the_namespace_fails(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        f"""
        from sqlalchemy.orm import Mapped, mapped_column
        from emploistore import db, hookimpl

        class Sneaky(db.Model):
            __tablename__ = "sneaky_{name}"
            id: Mapped[int] = mapped_column(primary_key=True)

        @hookimpl
        def register_models():
            return [Sneaky]
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records[name]
    assert record.status == "failed" and f"{name}_" in record.errors[0]
    from emploistore.database import db

    db.metadata.remove(db.metadata.tables[f"sneaky_{name}"])


MIGRATION = '''
"""{name} notes"""
from alembic import op
import sqlalchemy as sa

revision = "{name}_0001"
down_revision = None
branch_labels = ("{name}",)
depends_on = None


def upgrade():
    op.create_table("{name}_note", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("{name}_note")
'''


def test_register_migrations(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        from pathlib import Path
        from emploistore import hookimpl

        @hookimpl
        def register_migrations():
            return Path(__file__).parent / "migrations"
        """,
        files={f"migrations/{name}_0001.py": MIGRATION.format(name=name)},
    )
    app = make_app(schema=False)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    from emploistore.database import db

    with app.app_context():
        tables = inspect(db.engine).get_table_names()
    assert f"{name}_note" in tables and "listing" in tables


def test_register_commands(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        f"""
        import click
        from emploistore import hookimpl

        @click.command("{name}-hello")
        @click.argument("who")
        def hello(who):
            click.echo(f"bonjour {{who}}")

        @hookimpl
        def register_commands():
            return [hello]
        """,
    )
    app = make_app()
    result = app.test_cli_runner().invoke(args=[f"{name}-hello", "Awa"])
    assert result.exit_code == 0 and "bonjour Awa" in result.output


def test_register_commands_refuses_a_taken_name(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        import click
        from emploistore import hookimpl

        @click.command("reindex")
        def hijack():
            click.echo("hijacked")

        @hookimpl
        def register_commands():
            return [hijack]
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    from emploistore.plugins.manager import plugin_host

    assert plugin_host(app).records[name].status == "failed"
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert "hijacked" not in result.output and "search index rebuilt" in result.output


def test_register_listings(install_plugin, make_app):
    name = plugin_name()
    listing = f"""

@hookimpl
def register_listings():
    return [{{
        "slug": "{name}-service",
        "name": "Atelier {name}",
        "promise": "Un atelier en ligne pour préparer son projet.",
        "theme": "cours-en-ligne",
        "provider": "emploi-store",
        "kind": "builtin",
        "plugin": "{name}",
    }}]
"""
    install_plugin(
        name,
        BLUEPRINT_PLUGIN.format(name=name) + listing,
        files={f"templates/{name}/index.html": "<p>{{ greeting }}</p>"},
    )
    app = make_app()
    result = app.test_cli_runner().invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    service = client.get(f"/services/{name}-service")
    assert service.status_code == 200 and f"Atelier {name}" in service.get_data(as_text=True)
    launched = client.post(f"/services/{name}-service/lancer")
    assert launched.status_code == 303 and launched.headers["Location"].endswith(f"/{name}/")
    assert "Bonjour depuis le module" in client.get(launched.headers["Location"]).get_data(
        as_text=True
    )
    # The built-in listing disappears with its plugin.
    from emploistore.plugins.manager import set_plugin_enabled

    with app.app_context():
        set_plugin_enabled(name, False)
    assert client.get(f"/services/{name}-service").status_code == 404
    assert f"{name}-service" not in client.get("/api/v1/services?q=atelier").get_data(as_text=True)


def test_register_listings_invalid_leaves_only_that_plugin_out(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import hookimpl

        @hookimpl
        def register_listings():
            return [{"slug": "Bad Slug", "name": "x", "promise": "court",
                     "theme": "nowhere", "provider": "emploi-store", "kind": "builtin"}]
        """,
    )
    app = make_app()
    from emploistore.catalog.models import Listing
    from emploistore.database import db

    with app.app_context():
        before = db.session.scalar(select(db.func.count(Listing.id)))
    result = app.test_cli_runner().invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    assert f"plugin {name}: listings left out" in result.output and "slug" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Listing.id))) == before
    from emploistore.plugins.manager import plugin_host

    assert "listing refused" in plugin_host(app).records[name].errors[-1]


def test_search_documents(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import SearchDocument, hookimpl

        @hookimpl
        def search_documents():
            return [SearchDocument(key="lecon-1", title="Rédiger une accroche percutante",
                                   text="Comment écrire l'accroche de votre CV.",
                                   url="/cours/accroche")]
        """,
    )
    app = make_app()
    assert app.test_cli_runner().invoke(args=["reindex"]).exit_code == 0
    page = app.test_client().get("/recherche?q=accroche").get_data(as_text=True)
    assert "Dans les services" in page and 'href="/cours/accroche"' in page


def test_startup(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import hookimpl

        @hookimpl
        def startup(app):
            app.config["DEMO_STARTED"] = app.config.get("DEMO_STARTED", 0) + 1
        """,
    )
    app = make_app()
    assert app.config["DEMO_STARTED"] == 1


def test_startup_failure_marks_plugin_failed_and_hides_its_pages(install_plugin, make_app):
    name = plugin_name()
    install_plugin(
        name,
        BLUEPRINT_PLUGIN.format(name=name)
        + "\n@hookimpl\ndef startup(app):\n    raise RuntimeError('no data files')\n",
        files={f"templates/{name}/index.html": "ok"},
    )
    app = make_app(PLUGINS_STRICT=False)
    client = app.test_client()
    assert client.get(f"/{name}/").status_code == 404
    assert client.get("/").status_code == 200


def test_disabled_in_catalog_file_is_not_imported(install_plugin, make_app, tmp_path):
    from tests.fixtures import SMALL_CATALOG

    name = plugin_name()
    install_plugin(name, "raise RuntimeError('must not be imported')\n")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        SMALL_CATALOG.read_text(encoding="utf-8").replace(
            "  disabled: []", f"  disabled: [{name}]"
        ),
        encoding="utf-8",
    )
    app = make_app(catalog=catalog)  # strict: an import would raise here
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records[name]
    assert record.status == "disabled" and record.disabled_by == "catalog"


def test_admin_disables_and_enables_a_plugin(install_plugin, make_app, accounts_for):
    name = plugin_name()
    install_blueprint_plugin(install_plugin, name)
    app = make_app()
    client, accounts = accounts_for(app)
    accounts.admin()
    assert client.get(f"/{name}/").status_code == 200
    assert client.post(f"/admin/plugins/{name}", data={"enabled": "0"}).status_code == 303
    assert client.get(f"/{name}/").status_code == 404
    assert "Désactivé" in client.get("/admin/plugins").get_data(as_text=True)
    client.post(f"/admin/plugins/{name}", data={"enabled": "1"})
    assert client.get(f"/{name}/").status_code == 200


def test_export_user_data(install_plugin, make_app, accounts_for):
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import hookimpl

        @hookimpl
        def export_user_data(user):
            return {"notes": [f"note de {user.display_name}"]}
        """,
    )
    app = make_app()
    client, accounts = accounts_for(app)
    accounts.seeker()
    exported = client.post("/compte/export").get_json()
    assert exported["services"][name] == {"notes": ["note de Camille"]}


def test_built_in_plugins_export_and_delete_with_the_account(make_app, accounts_for):
    from tests.fixtures import PASSWORD

    app = make_app()
    client, accounts = accounts_for(app)
    accounts.seeker()
    client.post("/interview-sim/seances", data={"template": "court"})
    client.post("/mooc-player/cours/cours-test/inscription")
    exported = client.post("/compte/export").get_json()["services"]
    assert exported["interview_sim"]["sessions"][0]["template"] == "court"
    assert exported["mooc_player"]["enrolments"][0]["course"] == "cours-test"
    assert exported["mooc_player"]["activity"][0]["verb"]["display"]["en-US"] == "registered"
    assert client.post("/compte/supprimer", data={"delete-password": PASSWORD}).status_code == 303
    from emploistore.database import db

    with app.app_context():
        for table in ("interview_sim_session", "mooc_player_enrolment", "mooc_player_statement"):
            count = db.session.execute(db.text(f"SELECT COUNT(*) FROM {table}")).scalar()  # noqa: S608
            assert count == 0, table


def test_seeker_resources(install_plugin, make_app):
    """A plugin's data under /api/v1/me/<name>: scope enforced, only the token's person."""
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import SeekerResource, hookimpl

        NOTES = {1: {"id": 7, "text": "note de 1"}, 2: {"id": 8, "text": "note de 2"}}

        def list_items(user_id):
            return [dict(NOTES[user_id])] if user_id in NOTES else []

        def get_item(user_id, item_id):
            note = NOTES.get(user_id)
            return dict(note) if note and note["id"] == item_id else None

        @hookimpl
        def seeker_resources():
            return [
                SeekerResource("notes", "cv:read", list_items, get_item, "Notes"),
                SeekerResource("secrets", "services:write", list_items, get_item),
                SeekerResource("favorites", "favorites:read", list_items, get_item),
            ]
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    from emploistore.plugins.manager import plugin_host
    from tests.fixtures import Partners

    errors = " ".join(plugin_host(app).records[name].errors)
    assert "'secrets': scope 'services:write'" in errors
    assert "'favorites': not an acceptable name" in errors
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/api/v1/me/notes" in rules and "/api/v1/me/secrets" not in rules
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/me/notes"]["get"]["security"] == [{"seekerConsent": ["cv:read"]}]

    partners = Partners(app)
    org = partners.organisation()
    client_info = partners.client(org, scope="openid cv:read")
    from emploistore.accounts.services import create_user
    from emploistore.database import db, utcnow
    from emploistore.oauth.models import OAuthClient, OAuthToken, digest

    with app.app_context():
        lea = create_user("lea@example.org", "un mot de passe solide")
        db.session.commit()
        client_pk = db.session.query(OAuthClient).filter_by(client_id=client_info["client_id"])
        client_pk = client_pk.one().id
        now = utcnow()
        for token, scope in (("tok-read", "openid cv:read"), ("tok-other", "openid")):
            db.session.add(
                OAuthToken(
                    client_id=client_pk,
                    user_id=lea.id,
                    access_hash=digest(token),
                    scope=scope,
                    family=token,
                    issued_at=now,
                    expires_at=now + timedelta(minutes=5),
                )
            )
        db.session.commit()
        lea_id = lea.id
    http = app.test_client()
    read = {"Authorization": "Bearer tok-read"}
    listing = http.get("/api/v1/me/notes", headers=read)
    assert listing.status_code == 200
    assert listing.headers["Cache-Control"] == "no-store"
    [item] = listing.get_json()["items"]
    assert item["text"] == f"note de {lea_id}"
    assert item["url"].endswith(f"/api/v1/me/notes/{item['id']}")
    assert http.get(item["url"], headers=read).get_json()["id"] == item["id"]
    others = {1: 7, 2: 8}[3 - lea_id]  # the other person's note id
    assert http.get(f"/api/v1/me/notes/{others}", headers=read).status_code == 404
    assert http.get("/api/v1/me/notes").status_code == 401
    no_scope = http.get("/api/v1/me/notes", headers={"Authorization": "Bearer tok-other"})
    assert no_scope.status_code == 403


def test_public_api(install_plugin, make_app):
    """A plugin's read-only routes under /api/v1: served, documented, refused on clashes."""
    name = plugin_name()
    install_plugin(
        name,
        """
        from flask import jsonify
        from emploistore import PublicEndpoint, hookimpl

        def weather():
            return jsonify(sky="bleu")

        @hookimpl
        def public_api():
            sky = {"$ref": "#/components/schemas/Sky"}
            answer = {"description": "The sky", "content": {"application/json": {"schema": sky}}}
            operation = {"summary": "Today's sky", "responses": {"200": answer}}
            schemas = {"Sky": {"type": "object", "properties": {"sky": {"type": "string"}}}}
            return [
                PublicEndpoint("/weather", weather, "/weather", operation, schemas),
                PublicEndpoint("/me/notes", weather, "/me/notes", operation),
                PublicEndpoint("/services", weather, "/services", operation),
                PublicEndpoint("/weather", weather, "/weather", operation),
            ]
        """,
    )
    app = make_app(PLUGINS_STRICT=False)
    from emploistore.plugins.manager import plugin_host, set_plugin_enabled

    errors = " ".join(plugin_host(app).records[name].errors)
    assert "'/me/notes': not an acceptable path" in errors
    assert "'/services': not an acceptable path" in errors
    assert "'/weather': already served" in errors
    client = app.test_client()
    assert client.get("/api/v1/weather").get_json() == {"sky": "bleu"}
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/weather"]["get"]["summary"] == "Today's sky"
    assert document["components"]["schemas"]["Sky"]["properties"]["sky"]["type"] == "string"
    # The store's own routes are untouched.
    assert client.get("/api/v1/services").status_code == 200
    with app.app_context():
        set_plugin_enabled(name, False)
    gone = client.get("/api/v1/weather")
    assert gone.status_code == 404
    assert gone.mimetype == "application/problem+json"


def test_prepare_store(install_plugin, make_app):
    """``emploistore init`` calls each plugin's prepare_store and prints its lines."""
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import hookimpl

        CALLS = []

        @hookimpl
        def prepare_store(app):
            CALLS.append(app.name)
            return [f"prepared ({len(CALLS)})"]
        """,
    )
    app = make_app(schema=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert f"{name}: prepared (1)" in first.output
    second = runner.invoke(args=["init"])
    assert f"{name}: prepared (2)" in second.output


def test_a_job_source_name_already_taken_is_ignored_and_said(install_plugin, make_app, caplog):
    """A plugin's source named like a built-in one: the built-in stays, the log says so."""
    name = plugin_name()
    install_plugin(
        name,
        """
        from emploistore import JobOfferSource, hookimpl

        @hookimpl
        def job_offer_sources():
            return [JobOfferSource("france-travail", "Imitation", lambda stream: iter(()))]
        """,
    )
    app = make_app()
    with caplog.at_level("WARNING", logger="job_search.importer"):
        listed = app.test_cli_runner().invoke(args=["jobs", "sources"])
        app.test_cli_runner().invoke(args=["jobs", "sources"])
    assert "france-travail\tFrance Travail\t(own, full feed)" in listed.output
    assert "Imitation" not in listed.output
    clashes = [r.getMessage() for r in caplog.records if "already declares" in r.getMessage()]
    assert clashes == [
        f"job source 'france-travail' of plugin {name} is ignored: "
        "plugin job_search already declares that name"
    ]


def test_job_offer_sources(install_plugin, make_app, tmp_path):
    """Another plugin's feed is listed and imported by ``emploistore jobs``."""
    name = plugin_name()
    install_plugin(
        name,
        """
        import json
        from emploistore import JobOfferSource, SourceRow, hookimpl

        def read(stream):
            for number, line in enumerate(stream.read().decode().splitlines(), start=1):
                try:
                    yield SourceRow(number, json.loads(line))
                except ValueError:
                    yield SourceRow(number, None, "ligne illisible : JSON attendu")

        @hookimpl
        def job_offer_sources():
            return [JobOfferSource("lignes-json", "Lignes JSON", read, full_feed=False)]
        """,
    )
    app = make_app()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "sources"])
    assert "lignes-json\tLignes JSON" in listed.output
    assert "france-travail\tFrance Travail\t(own, full feed)" in listed.output
    feed = tmp_path / "feed.jsonl"
    good = {
        "source_id": "A1",
        "title": "Boulanger",
        "contract_type": "cdi",
        "created_at": "2026-11-01",
        "postal_code": "69003",
        "city": "Lyon",
    }
    feed.write_text(json.dumps(good) + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(args=["jobs", "import", "lignes-json", str(feed)])
    assert result.exit_code == 0, result.output
    assert "lignes-json: 1 new, 0 updated, 0 unchanged, 0 withdrawn, 1 rejected" in result.output
    assert "line 2: ligne illisible : JSON attendu" in result.output
    client = app.test_client()
    found = client.get("/api/v1/jobs?q=boulanger").get_json()
    assert found["total"] == 1
    assert found["items"][0]["sources"] == ["lignes-json"]
