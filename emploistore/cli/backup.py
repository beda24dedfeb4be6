"""``backup PATH`` and ``restore PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from emploistore.backups import BackupError, backup, restore
from emploistore.cli.serve import prepare_store
from emploistore.database import db


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {count}" for table, count in counts.items())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH while the store keeps serving."""
    try:
        report = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {report.path} ({report.pages} pages; {_counts(report.counts)})")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup PATH, then prepare the store as ``init`` does.

    ``init``'s steps bring an older backup's schema up to date, rebuild the search index
    and run the plugins' ``prepare_store`` (the job search rebuilds this server's offer
    index, which is ahead of the restored database).
    """
    if not yes:
        click.confirm("Everything stored now will be replaced by the backup. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the file while it is replaced
    try:
        report = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored from {path} ({_counts(report.counts)})")
    for line in prepare_store():
        click.echo(line)
