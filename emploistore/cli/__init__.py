"""The ``emploistore`` command line (also ``flask --app emploistore``)."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from emploistore.cli import accounts, catalog, plugins, serve

    for command in (
        serve.serve,
        serve.init,
        catalog.catalog,
        catalog.reindex,
        plugins.plugins,
        accounts.admin,
        accounts.user,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from emploistore.app import create_app

    return create_app()


main = FlaskGroup(
    name="emploistore",
    create_app=_create_app,
    add_version_option=True,
    load_dotenv=False,
    help="Emploi Store: serve the store and manage its data.",
)
