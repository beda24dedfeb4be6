"""Fixtures, loaded by the root conftest.py for the host's and the plugins' tests.

A fresh database and instance folder per test, on SQLite or PostgreSQL.

Set EMPLOISTORE_DATABASE_URL to a PostgreSQL URL to run the suite there (CI does both).
"""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

DATA = Path(__file__).parent / "data"
SMALL_CATALOG = DATA / "catalog_small.yaml"
SHIPPED_CATALOG = Path(__file__).parent.parent / "catalog.yaml"
INTERVIEW_TEST_BANK = (
    Path(__file__).parent.parent / "plugins" / "interview_sim" / "tests" / "bank_small"
)
MOOC_TEST_COURSES = (
    Path(__file__).parent.parent / "plugins" / "mooc_player" / "tests" / "courses_small"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "un mot de passe solide"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = os.environ.get("EMPLOISTORE_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        url = url.replace("postgres://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'instance' / 'emploistore.sqlite3'}"


@pytest.fixture
def make_app(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Flask]]:
    """Build an app with the schema created; keyword arguments override the config."""
    for name in list(os.environ):
        if name.startswith("EMPLOISTORE_"):
            monkeypatch.delenv(name)
    created: list[Flask] = []

    def factory(
        catalog: Path | None = SMALL_CATALOG, schema: bool = True, **overrides: Any
    ) -> Flask:
        from emploistore import create_app
        from emploistore.catalog.loader import apply_catalog, read_catalog_file
        from emploistore.database import db
        from emploistore.search.services import reindex

        config = {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database_url,
            "CATALOG": str(catalog or SMALL_CATALOG),
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
            "DEMO_CONTENT": False,
            # Keep the page cache on, but re-read the catalogue version on every request.
            "PAGE_CACHE_SECONDS": 1e-9,
            # The interview simulator's small test bank (its shipped bank has its own test).
            "INTERVIEW_SIM": {"BANK_PATH": str(INTERVIEW_TEST_BANK)},
            # The MOOC player's small test course (the shipped courses have their own test).
            "MOOC_PLAYER": {"COURSES_PATH": str(MOOC_TEST_COURSES)},
        }
        config.update(overrides)
        app = create_app(config)
        with app.app_context():
            if schema:
                db.create_all()
            if schema and catalog is not None:
                apply_catalog(read_catalog_file(catalog))
                db.session.commit()
                reindex()
        created.append(app)
        return app

    yield factory
    from emploistore.database import db

    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Accounts:
    """Create accounts and log the test client in and out."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def create(
        self, email: str = "camille@example.org", role: str = "seeker", name: str = "Camille"
    ) -> int:
        from emploistore.accounts.services import create_user
        from emploistore.database import db

        with self.app.app_context():
            user = create_user(email, PASSWORD, role=role, display_name=name)
            db.session.commit()
            return user.id

    def login(self, email: str = "camille@example.org", password: str = PASSWORD) -> Any:
        return self.client.post("/compte/connexion", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/compte/deconnexion")

    def seeker(self, email: str = "camille@example.org") -> int:
        user_id = self.create(email)
        assert self.login(email).status_code == 303
        return user_id

    def admin(self, email: str = "admin@example.org") -> int:
        user_id = self.create(email, role="admin", name="Admin")
        assert self.login(email).status_code == 303
        return user_id


@pytest.fixture
def accounts(app: Flask, client: FlaskClient) -> Accounts:
    return Accounts(app, client)


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """Install an outside package exposing an ``emploistore`` entry point.

    It is a real installed distribution (a module plus its .dist-info on sys.path), so
    the host discovers it through importlib.metadata exactly as it finds a package that
    pip installed.
    """
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    modules: list[str] = []
    names: list[str] = []

    def install(
        name: str, source: str, module: str | None = None, files: dict[str, str] | None = None
    ) -> str:
        module = module or f"{name}_{abs(hash(str(tmp_path))) % 10**8}"
        package = site / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for relative, content in (files or {}).items():
            target = package / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(content), encoding="utf-8")
        dist = site / f"{module}-1.2.3.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.2.3\n", encoding="utf-8"
        )
        (dist / "entry_points.txt").write_text(
            f"[emploistore]\n{name} = {module}\n", encoding="utf-8"
        )
        importlib.invalidate_caches()
        modules.append(module)
        names.append(name)
        return module

    yield install
    from emploistore.database import db

    for name in names:
        for table in [t for key, t in db.metadata.tables.items() if key.startswith(f"{name}_")]:
            db.metadata.remove(table)
    for module in modules:
        for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            del sys.modules[loaded]


@pytest.fixture
def accounts_for() -> Callable[[Flask], tuple[FlaskClient, Accounts]]:
    """A client and account helpers for an app built inside the test (after a plugin)."""

    def build(app: Flask) -> tuple[FlaskClient, Accounts]:
        client = app.test_client()
        return client, Accounts(app, client)

    return build


class LiveStore:
    """The app served over real HTTP on 127.0.0.1 (a threaded WSGI server in this process)."""

    def __init__(self, app: Flask) -> None:
        import threading

        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def live_store(app: Flask) -> Iterator[LiveStore]:
    store = LiveStore(app)
    yield store
    store.stop()


class Partners:
    """Partner organisations and OAuth clients created through the services."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0

    def organisation(
        self, name: str = "Jobboard Exemple", domain: str = "jobboard.example"
    ) -> dict[str, Any]:
        """An approved organisation, its owner account and its publishing client."""
        from emploistore.accounts.services import create_user
        from emploistore.database import db
        from emploistore.partners.organisations import create_partner

        self.count += 1
        with self.app.app_context():
            owner = create_user(f"owner{self.count}@{domain}", PASSWORD, role="partner")
            organisation, new = create_partner(name, domain, owner)
            db.session.commit()
            return {
                "id": organisation.id,
                "slug": organisation.slug,
                "owner_email": owner.email,
                "domain": domain,
                "client_id": new.client.client_id,
                "client_secret": new.secret,
            }

    def client(
        self,
        organisation: dict[str, Any],
        *,
        redirect_uris: tuple[str, ...] | None = None,
        scope: str = "openid profile email favorites:read cv:read",
        confidential: bool = True,
        name: str = "Appli partenaire",
    ) -> dict[str, Any]:
        """A delegation client of the organisation (authorization code + PKCE)."""
        from emploistore.catalog.models import Organisation
        from emploistore.database import db
        from emploistore.partners.clients import create_client

        uris = redirect_uris or (f"https://app.{organisation['domain']}/callback",)
        with self.app.app_context():
            org = db.session.get(Organisation, organisation["id"])
            new = create_client(
                org, None, name, redirect_uris=list(uris), scope=scope, confidential=confidential
            )
            db.session.commit()
            return {
                "client_id": new.client.client_id,
                "client_secret": new.secret,
                "redirect_uri": uris[0],
            }


@pytest.fixture
def partners(app: Flask) -> Partners:
    return Partners(app)
