"""catalog.yaml: the shipped file is valid, loading is idempotent and all or nothing."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from tests.fixtures import SHIPPED_CATALOG, SMALL_CATALOG


def counts(app) -> tuple[int, int, int]:
    from emploistore.catalog.models import Listing, Organisation, Theme
    from emploistore.database import db

    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Theme, Listing, Organisation)
        )


def write_catalog(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(SMALL_CATALOG.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_catalog_loads_with_four_themes_and_forty_listings(make_app):
    app = make_app(catalog=SHIPPED_CATALOG)
    themes = app.test_client().get("/api/v1/themes").get_json()["items"]
    assert [t["name"] for t in themes] == [
        "Choisir un métier",
        "Se former",
        "Préparer sa candidature",
        "Trouver un emploi",
    ]
    assert all(theme["subthemes"] for theme in themes)
    _themes, listings, _orgs = counts(app)
    assert listings >= 40
    data = yaml.safe_load(SHIPPED_CATALOG.read_text(encoding="utf-8"))
    builtins = {entry["plugin"] for entry in data["listings"] if entry.get("kind") == "builtin"}
    assert builtins == {"cv_builder", "interview_sim", "mooc_player", "job_search"}
    for theme in themes:
        found = app.test_client().get(f"/api/v1/services?theme={theme['slug']}").get_json()
        assert found["total"] >= 5, theme["slug"]


def test_loading_twice_changes_nothing(app, runner):
    before = counts(app)
    listing_before = app.test_client().get("/api/v1/services/fiches-metiers").get_json()
    result = runner.invoke(args=["catalog", "load", str(SMALL_CATALOG)])
    assert result.exit_code == 0, result.output
    assert "0 new" in result.output
    assert counts(app) == before
    assert app.test_client().get("/api/v1/services/fiches-metiers").get_json() == listing_before


def test_catalog_load_updates_an_entry_by_slug(app, runner, tmp_path):
    def reword(data):
        data["listings"][0]["promise"] = "Une nouvelle promesse, plus claire qu'avant."

    path = write_catalog(tmp_path, reword)
    assert runner.invoke(args=["catalog", "load", str(path)]).exit_code == 0
    detail = app.test_client().get("/api/v1/services/fiches-metiers").get_json()
    assert detail["promise"] == "Une nouvelle promesse, plus claire qu'avant."


def test_invalid_field_refuses_the_whole_file_naming_entry_and_field(app, runner, tmp_path):
    def break_it(data):
        data["listings"][0]["promise"] = "Nouvelle promesse qui ne doit pas être chargée."
        data["listings"][2]["platforms"] = ["fax"]

    before = counts(app)
    result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, break_it))])
    assert result.exit_code != 0
    assert "listings[2] (coaching-entretien)" in result.output
    assert "platforms" in result.output
    assert counts(app) == before
    detail = app.test_client().get("/api/v1/services/fiches-metiers").get_json()
    assert detail["promise"] != "Nouvelle promesse qui ne doit pas être chargée."


def test_unknown_field_is_refused(app, runner, tmp_path):
    def add_field(data):
        data["listings"][1]["status_override"] = "published"

    result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, add_field))])
    assert result.exit_code != 0
    assert "listings[1] (offres-cadres).status_override: Unknown field." in result.output


def test_unknown_theme_reference_is_refused(app, runner, tmp_path):
    def bad_reference(data):
        data["listings"][0]["theme"] = "theme-inconnu"

    result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, bad_reference))])
    assert result.exit_code != 0
    assert "theme: unknown theme 'theme-inconnu'" in result.output


def test_partner_url_must_be_https_without_credentials_or_ip(app, runner, tmp_path):
    for url, message in (
        ("http://www.apec.example/x", "https"),
        ("https://user:pw@www.apec.example/x", "credentials"),
        ("https://192.168.1.10/x", "IP address"),
    ):

        def set_url(data, url=url):
            data["listings"][0]["launch_url"] = url

        result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, set_url))])
        assert result.exit_code != 0
        assert "launch_url" in result.output and message in result.output


def test_duplicate_slug_and_yaml_syntax_errors(app, runner, tmp_path):
    def duplicate(data):
        data["listings"].append(dict(data["listings"][0]))

    result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, duplicate))])
    assert result.exit_code != 0 and "slug: used twice" in result.output

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nlistings: [\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "load", str(broken)])
    assert result.exit_code != 0 and "not valid YAML" in result.output

    result = runner.invoke(args=["catalog", "load", str(tmp_path / "missing.yaml")])
    assert result.exit_code != 0 and "cannot read" in result.output


def test_paid_listing_needs_a_price_and_builtin_needs_a_plugin(app, runner, tmp_path):
    def rules(data):
        data["listings"][0]["free"] = False
        data["listings"][1]["kind"] = "builtin"

    result = runner.invoke(args=["catalog", "load", str(write_catalog(tmp_path, rules))])
    assert result.exit_code != 0
    assert "listings[0] (fiches-metiers).price" in result.output
    assert "listings[1] (offres-cadres).plugin" in result.output
