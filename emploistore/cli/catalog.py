"""``catalog load`` and ``reindex``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from emploistore.catalog.loader import CatalogError, load_catalog_with_plugins, read_catalog_file
from emploistore.cli.serve import warn_refused_plugin_listings
from emploistore.database import db
from emploistore.search.interfaces import IndexLocked
from emploistore.search.services import reindex as rebuild_index
from emploistore.search.services import sync_search_index


@click.group("catalog")
def catalog() -> None:
    """Manage the catalogue."""


@catalog.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def load(file: str | None) -> None:
    """Apply a catalogue file (default: EMPLOISTORE_CATALOG), all or nothing."""
    path = file or current_app.config["CATALOG"]
    try:
        report = load_catalog_with_plugins(read_catalog_file(path))
        warn_refused_plugin_listings(report)
    except CatalogError as error:
        db.session.rollback()
        raise click.ClickException(
            f"the catalogue {error.source} is refused, nothing was loaded:\n  "
            + "\n  ".join(error.problems)
        ) from error
    sync_search_index()
    click.echo(
        f"{path}: {report.organisations} organisations, {report.themes} themes, "
        f"{report.listings} listings ({len(report.created)} new, {len(report.updated)} updated)"
    )


@click.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the search index from the database."""
    try:
        count = rebuild_index()
    except IndexLocked as error:
        raise click.ClickException(f"{error}; try again in a moment") from error
    click.echo(f"search index rebuilt: {count} documents")
