"""The ``emploistore`` command line (also ``flask --app emploistore``)."""

from __future__ import annotations

from importlib.metadata import version

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from emploistore.cli import accounts, backup, catalog, partners, plugins, serve

    for command in (
        serve.serve,
        serve.init,
        catalog.catalog,
        catalog.reindex,
        plugins.plugins,
        accounts.admin,
        accounts.user,
        partners.partner,
        backup.backup_command,
        backup.restore_command,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from emploistore.app import create_app

    return create_app()


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"emploistore {version('emploistore')}")
        ctx.exit()


main = FlaskGroup(
    name="emploistore",
    create_app=_create_app,
    add_version_option=False,
    params=[
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_print_version,
            help="Show the Emploi Store version.",
        )
    ],
    load_dotenv=False,
    help="Emploi Store: serve the store and manage its data.",
)
