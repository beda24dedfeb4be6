"""``plugins``: every discovered plugin with its status."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from emploistore.plugins.manager import plugin_host


@click.command("plugins")
@with_appcontext
def plugins() -> None:
    """List discovered plugins, their version, status and hooks."""
    host = plugin_host(current_app)
    if not host.records:
        click.echo("no plugin installed")
        return
    disabled_by_admin = host.admin_disabled()
    for name, record in sorted(host.records.items()):
        status = record.status
        if record.loaded and name in disabled_by_admin:
            status = "disabled (admin)"
        elif record.disabled_by:
            status = f"disabled ({record.disabled_by})"
        click.echo(f"{name}\t{record.version or '-'}\t{status}\t{', '.join(record.hooks) or '-'}")
        for error in record.errors[-3:]:
            click.echo(f"  error: {error}")
