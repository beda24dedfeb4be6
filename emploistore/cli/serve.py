"""``init`` prepares the embedded store; ``serve`` prepares it and runs gunicorn."""

from __future__ import annotations

import logging
import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from emploistore.catalog.demo import load_demo_content
from emploistore.catalog.loader import (
    CatalogError,
    LoadReport,
    load_catalog_with_plugins,
    read_catalog_file,
)
from emploistore.catalog.models import Theme
from emploistore.database import db
from emploistore.plugins.manager import plugin_answers
from emploistore.search.services import reindex as rebuild_index

log = logging.getLogger(__name__)


def warn_refused_plugin_listings(report: LoadReport) -> None:
    for plugin_name, problems in report.refused_plugins.items():
        click.echo(
            f"warning: plugin {plugin_name}: listings left out: " + "; ".join(problems), err=True
        )


def prepare_store() -> list[str]:
    """Migrate, load the catalogue on first start, add demo content, build the index.

    Idempotent: a second run changes nothing. The catalogue file is loaded only while the
    database has no theme, so administrators' curation survives restarts; use
    ``emploistore catalog load`` to apply the file again on purpose.
    """
    done = []
    upgrade(revision="heads")
    done.append("database schema up to date")
    if db.session.scalar(select(Theme.id).limit(1)) is None:
        report = load_catalog_with_plugins(read_catalog_file(current_app.config["CATALOG"]))
        warn_refused_plugin_listings(report)
        done.append(f"catalogue loaded: {report.themes} themes, {report.listings} listings")
    if current_app.config["DEMO_CONTENT"]:
        added = load_demo_content()
        if added:
            done.append(f"demo content added: {added} reviews")
    count = rebuild_index()
    done.append(f"search index built: {count} documents")
    for plugin_name, lines in plugin_answers("prepare_store", app=current_app):
        done.extend(f"{plugin_name}: {line}" for line in lines)
    return done


@click.command("init")
@with_appcontext
def init() -> None:
    """Create or upgrade the database, load the catalogue and demo content, build the index."""
    try:
        for line in prepare_store():
            click.echo(line)
    except CatalogError as error:
        raise click.ClickException(_catalog_problem(error)) from error


def _catalog_problem(error: CatalogError) -> str:
    return f"the catalogue {error.source} is refused:\n  " + "\n  ".join(error.problems)


class StoreServer:
    """Runs the app under gunicorn; each worker builds its own app after the fork."""

    def __init__(self, options: dict[str, Any]) -> None:
        from gunicorn.app.base import BaseApplication

        class _Application(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Flask:
                from emploistore.app import create_app

                return create_app()

        self._application = _Application()

    def run(self) -> None:
        self._application.run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=lambda: min(4, (os.cpu_count() or 1) * 2),
    show_default="2 per core, at most 4",
    type=click.IntRange(1, 64),
    help="gunicorn sync worker processes.",
)
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Prepare the store (as ``init``) and serve it with gunicorn."""
    try:
        for line in prepare_store():
            click.echo(line)
    except CatalogError as error:
        raise click.ClickException(_catalog_problem(error)) from error
    db.engine.dispose()  # workers open their own connections after the fork
    click.echo(f"Emploi Store: http://{host}:{port}/")
    StoreServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "sync",
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": None,  # access lines hold addresses and queries: personal data
            "errorlog": "-",
            "proc_name": "emploistore",
        }
    ).run()
