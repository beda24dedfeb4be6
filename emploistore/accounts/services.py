"""Accounts: registration, authentication with throttling, export and deletion."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from emploistore.accounts.models import FailedLogin, Role, User
from emploistore.accounts.passwords import hash_password, needs_rehash, verify_password
from emploistore.catalog.models import Listing
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db
from emploistore.engagement.models import Favourite, LaunchEvent, Review, ReviewFlag, ReviewState
from emploistore.oauth.models import OAuthConsent
from emploistore.partners.models import Membership, utcnow
from emploistore.plugins.manager import plugin_host

MIN_PASSWORD_LENGTH = 10
# Verified against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = hash_password("not a real password, only for timing")


class AccountError(ValueError):
    """A request about an account that cannot be honoured; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class TooManyAttempts(RuntimeError):
    """Too many failed log-ins for this account or this client; try again later."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, password: str, role: str = Role.SEEKER.value, display_name: str = ""
) -> User:
    """Create an account; the caller commits."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise AccountError("role", f"Unknown role {role!r}: choose seeker, partner or admin.")
    if find_user(email) is not None:
        raise AccountError("email", _("Un compte existe déjà avec cette adresse e-mail."))
    check_password_strength(password)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name.strip(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password",
            _("Le mot de passe doit contenir au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH),
        )


def _throttle_key(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, client: str) -> User | None:
    """The user if the password matches; None otherwise (same answer either way).

    Raises TooManyAttempts once the account or the client address has failed too often
    within the window; failures are stored as keyed hashes, never as e-mails or addresses.
    """
    config = current_app.config
    window_start = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    account_key = _throttle_key("account", normalise_email(email))
    client_key = _throttle_key("client", client)
    for key, limit in (
        (account_key, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (client_key, config["LOGIN_MAX_FAILURES_PER_CLIENT"]),
    ):
        failures = db.session.scalar(
            select(func.count(FailedLogin.id)).where(
                FailedLogin.key == key, FailedLogin.created_at >= window_start
            )
        )
        if failures >= limit:
            raise TooManyAttempts()

    user = find_user(email)
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and valid:
        user.last_login_at = utcnow()
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        db.session.execute(delete(FailedLogin).where(FailedLogin.key == account_key))
        db.session.commit()
        return user
    db.session.add_all([FailedLogin(key=account_key), FailedLogin(key=client_key)])
    db.session.execute(delete(FailedLogin).where(FailedLogin.created_at < window_start))
    db.session.commit()
    return None


def load_user(session_id: str) -> User | None:
    """Flask-Login loader: ``<id>:<epoch>``; an old epoch means the session was revoked."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_epoch != int(epoch):
        return None
    return user


def update_profile(user: User, display_name: str) -> None:
    user.display_name = display_name.strip()
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("current_password", _("Le mot de passe actuel n'est pas le bon."))
    check_password_strength(new)
    user.password_hash = hash_password(new)
    user.session_epoch += 1  # sign out every other session
    db.session.commit()


def set_role(user: User, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise AccountError("role", f"Unknown role {role!r}.")
    user.role = role
    user.session_epoch += 1
    db.session.commit()


def connected_apps(user: User) -> list[dict[str, Any]]:
    """The partner applications the person allowed, for their data export."""
    consents = db.session.scalars(
        select(OAuthConsent)
        .where(OAuthConsent.user_id == user.id)
        .order_by(OAuthConsent.granted_at)
    )
    return [
        {
            "application": c.client.name,
            "organisation": c.client.organisation.name,
            "scope": c.scope,
            "granted_at": c.granted_at.isoformat() + "Z",
            "last_used_at": c.last_used_at.isoformat() + "Z" if c.last_used_at else None,
        }
        for c in consents
    ]


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the store keeps about a person, in a form they can read and reuse."""
    favourites = db.session.scalars(
        select(Favourite).where(Favourite.user_id == user.id).order_by(Favourite.created_at)
    )
    reviews = db.session.scalars(
        select(Review).where(Review.user_id == user.id).order_by(Review.created_at)
    )
    launches = db.session.scalars(
        select(LaunchEvent).where(LaunchEvent.user_id == user.id).order_by(LaunchEvent.created_at)
    )
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "created_at": user.created_at.isoformat() + "Z",
            "last_login_at": user.last_login_at.isoformat() + "Z" if user.last_login_at else None,
        },
        "favourites": [
            {
                "service": f.listing.slug,
                "name": f.listing.name,
                "added_at": f.created_at.isoformat() + "Z",
            }
            for f in favourites
        ],
        "reviews": [
            {
                "service": r.listing.slug,
                "rating": r.rating,
                "text": r.text,
                "state": r.state,
                "created_at": r.created_at.isoformat() + "Z",
            }
            for r in reviews
        ],
        "launches": [
            {"service": e.listing.slug, "at": e.created_at.isoformat() + "Z"} for e in launches
        ],
        "connected_apps": connected_apps(user),
        "partner_organisations": [
            {"organisation": m.organisation.name, "role": m.role}
            for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id))
        ],
        "services": {
            name: data
            for name, data in plugin_host(current_app).call_each("export_user_data", user=user)
        },
    }


def delete_account(user: User, password: str) -> None:
    """Delete the account, its favourites and reviews; launches stay, anonymised."""
    if not verify_password(user.password_hash, password):
        raise AccountError("password", _("Le mot de passe n'est pas le bon."))
    reviews = db.session.scalars(select(Review).where(Review.user_id == user.id)).all()
    for review in reviews:
        if review.state != ReviewState.HIDDEN:
            db.session.execute(
                update(Listing)
                .where(Listing.id == review.listing_id)
                .values(
                    rating_count=Listing.rating_count - 1,
                    rating_sum=Listing.rating_sum - review.rating,
                )
            )
    favourites = db.session.scalars(select(Favourite).where(Favourite.user_id == user.id)).all()
    for favourite in favourites:
        db.session.execute(
            update(Listing)
            .where(Listing.id == favourite.listing_id)
            .values(favourite_count=Listing.favourite_count - 1)
        )
    db.session.execute(delete(ReviewFlag).where(ReviewFlag.user_id == user.id))
    db.session.execute(delete(Review).where(Review.user_id == user.id))
    db.session.execute(delete(Favourite).where(Favourite.user_id == user.id))
    db.session.execute(
        update(LaunchEvent).where(LaunchEvent.user_id == user.id).values(user_id=None)
    )
    db.session.delete(user)
    if reviews:
        bump_catalog_version()
    db.session.commit()


def email_addresses(user_ids: Iterable[int]) -> dict[int, str]:
    """user id → e-mail address, for plugins that write to people (alerts, digests).

    Exported as ``emploistore.email_addresses``; never log what it returns.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {row.id: row.email for row in rows}
