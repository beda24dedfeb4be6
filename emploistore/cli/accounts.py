"""``admin create`` and ``user create``; passwords are read from standard input."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from emploistore.accounts.models import Role
from emploistore.accounts.services import AccountError, create_user
from emploistore.database import db


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _create(email: str, role: str) -> None:
    try:
        user = create_user(email, _read_password(), role=role)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error}") from error
    db.session.commit()
    click.echo(f"created {role} {user.email}")


@click.group("admin")
def admin() -> None:
    """Manage administrators."""


@admin.command("create")
@click.argument("email")
@with_appcontext
def create_admin(email: str) -> None:
    """Create an administrator; the password is read from standard input."""
    _create(email, Role.ADMIN.value)


@click.group("user")
def user() -> None:
    """Manage accounts."""


@user.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.SEEKER.value,
    show_default=True,
)
@with_appcontext
def create_any(email: str, role: str) -> None:
    """Create an account with a role; the password is read from standard input."""
    _create(email, role)
