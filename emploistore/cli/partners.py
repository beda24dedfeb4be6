"""``partner create``: an approved partner organisation and its publishing client."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from emploistore.accounts.services import find_user
from emploistore.database import db
from emploistore.partners.errors import PartnerError
from emploistore.partners.organisations import create_partner


@click.group("partner")
def partner() -> None:
    """Manage partner organisations."""


@partner.command("create")
@click.argument("name")
@click.option("--domain", required=True, help="The organisation's verified domain.")
@click.option("--owner", "owner_email", required=True, help="E-mail of an existing account.")
@with_appcontext
def create(name: str, domain: str, owner_email: str) -> None:
    """Create an approved organisation and a confidential client (services:write stats:read).

    Prints {"client_id": ..., "client_secret": ...} as JSON; the secret is not shown again.
    """
    owner = find_user(owner_email)
    if owner is None:
        raise click.ClickException(
            f"owner: no account uses {owner_email!r}; create it first with "
            "`emploistore user create EMAIL --role partner`."
        )
    try:
        organisation, new = create_partner(name, domain, owner)
    except PartnerError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error}") from error
    db.session.commit()
    click.echo(
        json.dumps(
            {
                "organisation": organisation.slug,
                "client_id": new.client.client_id,
                "client_secret": new.secret,
            }
        )
    )
