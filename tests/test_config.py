"""Configuration order and the secret key rules."""

from __future__ import annotations

import os
import stat

import pytest

from emploistore import create_app
from emploistore.config import ConfigurationError


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("EMPLOISTORE_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_embedded_default_creates_a_private_secret_key(clean_env, tmp_path):
    clean_env.setenv("EMPLOISTORE_INSTANCE_PATH", str(tmp_path / "inst"))
    first = create_app()
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert first.config["SQLALCHEMY_DATABASE_URI"].endswith("inst/emploistore.sqlite3")
    assert first.config["SEARCH_INDEX_PATH"] == str(tmp_path / "inst" / "search-index")


def test_weak_secret_key_is_refused(clean_env, tmp_path):
    clean_env.setenv("EMPLOISTORE_INSTANCE_PATH", str(tmp_path))
    for weak in ("dev", "changeme", "a" * 64, "short-but-random-9x"):
        clean_env.setenv("EMPLOISTORE_SECRET_KEY", weak)
        with pytest.raises(ConfigurationError, match="too weak"):
            create_app()


def test_production_refuses_to_start_without_a_key(clean_env, tmp_path):
    clean_env.setenv("EMPLOISTORE_INSTANCE_PATH", str(tmp_path))
    clean_env.setenv("EMPLOISTORE_ENV", "production")
    with pytest.raises(ConfigurationError, match="not set"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_environment_overrides_instance_config_and_test_mapping_overrides_both(clean_env, tmp_path):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text(
        "PAGE_SIZE = 7\nCATALOG = '/from/instance.yaml'\n", encoding="utf-8"
    )
    clean_env.setenv("EMPLOISTORE_INSTANCE_PATH", str(instance))
    assert create_app().config["PAGE_SIZE"] == 7
    clean_env.setenv("EMPLOISTORE_PAGE_SIZE", "9")
    clean_env.setenv("EMPLOISTORE_CATALOG", "/from/env.yaml")
    clean_env.setenv("EMPLOISTORE_DATABASE_URL", "postgresql://u@db.internal/store")
    app = create_app()
    assert app.config["PAGE_SIZE"] == 9
    assert app.config["CATALOG"] == "/from/env.yaml"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/store"
    assert create_app({"PAGE_SIZE": 11}).config["PAGE_SIZE"] == 11
