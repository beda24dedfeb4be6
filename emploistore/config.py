"""Configuration: defaults → instance config.py → EMPLOISTORE_* environment → test mapping."""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "EMPLOISTORE"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
WEAK_SECRET_KEYS = frozenset({"dev", "secret", "changeme", "change-me", "development", "test"})
MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    # "embedded" creates what it needs in the instance folder; "production" refuses to guess.
    "ENV": "embedded",
    "DATABASE_URL": None,
    "SEARCH_INDEX_PATH": None,
    "CATALOG": None,
    "DEMO_CONTENT": True,
    "PLUGINS_STRICT": None,  # None: strict when TESTING
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_NAME": "es_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "LANGUAGES": ("fr", "en"),
    # Failed log-ins allowed per window, per account and per client address.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_CLIENT": 20,
    "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
    "PAGE_SIZE": 20,
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust
    # (client address for log-in throttling, https for HSTS and external URLs). 0: none.
    "PROXY_FIX": 0,
    # Public pages for visitors without a session: re-check the catalogue version this
    # often (seconds; 0 turns the cache off) and never keep a page longer than the max age.
    "PAGE_CACHE_SECONDS": 2.0,
    "PAGE_CACHE_MAX_AGE": 60.0,
    # OAuth 2.0 / OpenID Connect. The issuer defaults to the address the request came to;
    # set it (e.g. "https://store.example.fr") behind a proxy or with several servers.
    "OAUTH_ISSUER": None,
    # PEM file of the RSA key that signs ID tokens; default: created in the instance folder.
    # Several servers must share one file (like the secret key).
    "OAUTH_SIGNING_KEY_FILE": None,
    "OAUTH_CODE_SECONDS": 60,
    "OAUTH_ACCESS_TOKEN_SECONDS": 600,  # tokens that act for a job seeker
    "OAUTH_CLIENT_TOKEN_SECONDS": 3600,  # client_credentials tokens (a partner's own)
    "OAUTH_REFRESH_TOKEN_DAYS": 30,
    "OAUTH_ID_TOKEN_SECONDS": 600,
    # Service page views are counted in each worker and written this often (seconds).
    "STATS_FLUSH_SECONDS": 5.0,
}


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or inconsistent; the app refuses to start."""


def default_catalog_path() -> Path:
    """catalog.yaml beside the package (source checkout), else in the working directory."""
    beside_package = Path(__file__).resolve().parent.parent / "catalog.yaml"
    return beside_package if beside_package.exists() else Path.cwd() / "catalog.yaml"


def instance_path_from(config: Mapping[str, Any] | None) -> str | None:
    """The instance folder chosen by the test mapping or EMPLOISTORE_INSTANCE_PATH, if any."""
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH")
    return str(Path(chosen).resolve()) if chosen else None


def configure(app: Flask, config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in order and check what must be safe before serving."""
    app.config.from_mapping(copy.deepcopy(DEFAULTS))  # env vars may edit nested values
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if config:
        app.config.from_mapping(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    if not app.config.get("SEARCH_INDEX_PATH"):
        app.config["SEARCH_INDEX_PATH"] = str(Path(app.instance_path) / "search-index")
    if not app.config.get("CATALOG"):
        app.config["CATALOG"] = str(default_catalog_path())
    app.config["SECRET_KEY"] = checked_secret_key(app)


def database_uri(app: Flask) -> str:
    """The SQLAlchemy URL: EMPLOISTORE_DATABASE_URL, or SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return "sqlite:///" + str(Path(app.instance_path) / "emploistore.sqlite3")
    url = str(url)
    # The project ships psycopg 3; accept the short spellings operators usually write.
    for short in ("postgres://", "postgresql://"):
        if url.startswith(short):
            return "postgresql+psycopg://" + url[len(short) :]
    return url


def is_weak_secret(key: str) -> bool:
    """A key an attacker could guess, or too short to sign sessions safely."""
    return len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in WEAK_SECRET_KEYS or len(set(key)) < 8


def checked_secret_key(app: Flask) -> str:
    """The configured key if strong; else a generated one (embedded) or a refusal."""
    key = app.config.get("SECRET_KEY")
    if key:
        key = str(key)
        if is_weak_secret(key) and not app.config.get("TESTING"):
            raise ConfigurationError(
                f"EMPLOISTORE_SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} "
                "random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return key
    if app.config["ENV"] == "production":
        raise ConfigurationError(
            "EMPLOISTORE_SECRET_KEY is not set; production refuses to start without one."
        )
    return instance_secret(
        Path(app.instance_path) / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(48)
    )


def instance_secret(path: Path, make: Callable[[], str]) -> str:
    """Read a secret kept in the instance folder, creating it (owner-only) the first time."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = make()
    # Written in full under a private name, then linked into place: os.link fails if the
    # file exists, so when several workers start at once exactly one key wins, and no
    # worker can read a file that is still empty.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        draft.unlink()
    return key
