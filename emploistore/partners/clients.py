"""OAuth clients of partner organisations: creating, rotating the secret, disabling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from emploistore.accounts.models import User
from emploistore.admin.models import record_audit
from emploistore.catalog.models import Organisation
from emploistore.database import db, utcnow
from emploistore.oauth.models import OAuthClient, digest
from emploistore.oauth.scopes import CLIENT_SCOPES, DELEGATION_SCOPES, split_scope
from emploistore.oauth.server import revoke_family
from emploistore.partners.domains import url_problem, verified_domains
from emploistore.partners.errors import PartnerError

MAX_REDIRECT_URIS = 10


@dataclass(frozen=True)
class NewClient:
    client: OAuthClient
    secret: str | None  # shown once, never stored


# --- OAuth clients ---------------------------------------------------------------------


def _check_client_fields(
    organisation: Organisation,
    name: str,
    redirect_uris: list[str],
    scope: str,
    confidential: bool,
    initiate_login_uri: str,
) -> tuple[str, list[str], str]:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 80:
        raise PartnerError("name", "Le nom doit faire entre 2 et 80 caractères.")
    domains = verified_domains(organisation)
    uris: list[str] = []
    for uri in redirect_uris:
        uri = uri.strip()
        if not uri:
            continue
        problem = url_problem(uri, domains)
        if problem is None and urlsplit(uri).fragment:
            problem = "L'adresse de retour ne doit pas contenir de fragment (#)."
        if problem:
            raise PartnerError("redirect_uris", f"{uri} : {problem}")
        if uri not in uris:
            uris.append(uri)
    if len(uris) > MAX_REDIRECT_URIS:
        raise PartnerError("redirect_uris", f"{MAX_REDIRECT_URIS} adresses de retour au plus.")
    scopes = split_scope(scope)
    unknown = [s for s in scopes if s not in CLIENT_SCOPES and s not in DELEGATION_SCOPES]
    if unknown:
        raise PartnerError("scope", f"Autorisation inconnue : {unknown[0]}.")
    if not scopes:
        raise PartnerError("scope", "Choisissez au moins une autorisation.")
    if any(s in CLIENT_SCOPES for s in scopes) and not confidential:
        raise PartnerError(
            "scope", "Seule une application confidentielle (avec secret) peut publier."
        )
    if any(s in DELEGATION_SCOPES for s in scopes) and not uris:
        raise PartnerError(
            "redirect_uris",
            "Indiquez au moins une adresse de retour pour agir au nom des personnes.",
        )
    if initiate_login_uri.strip():
        problem = url_problem(initiate_login_uri.strip(), domains)
        if problem:
            raise PartnerError("initiate_login_uri", problem)
    return name, uris, " ".join(scopes)


def create_client(
    organisation: Organisation,
    by: User | None,
    name: str,
    *,
    redirect_uris: list[str] = (),  # type: ignore[assignment]
    scope: str,
    confidential: bool = True,
    initiate_login_uri: str = "",
) -> NewClient:
    """A new OAuth client; the secret (confidential clients) is returned once."""
    if not organisation.is_approved:
        raise PartnerError("organisation", "L'organisation n'est pas encore validée.")
    name, uris, scope = _check_client_fields(
        organisation, name, list(redirect_uris), scope, confidential, initiate_login_uri
    )
    secret = secrets.token_urlsafe(36) if confidential else None
    client = OAuthClient(
        client_id=secrets.token_urlsafe(18),
        secret_hash=digest(secret) if secret else None,
        name=name,
        organisation_id=organisation.id,
        confidential=confidential,
        redirect_uris=uris,
        scope=scope,
        initiate_login_uri=initiate_login_uri.strip(),
    )
    db.session.add(client)
    db.session.flush()
    record_audit(
        "client.created",
        f"client:{client.id}",
        actor=by,
        actor_label="" if by else "cli",
        organisation_id=organisation.id,
        client_id=client.client_id,
        scope=scope,
    )
    return NewClient(client, secret)


def rotate_secret(client: OAuthClient, by: User) -> str:
    """A new secret; the old one stops working at once (tokens already issued stay valid)."""
    if not client.confidential:
        raise PartnerError("client", "Une application publique n'a pas de secret.")
    secret = secrets.token_urlsafe(36)
    client.secret_hash = digest(secret)
    client.secret_rotated_at = utcnow()
    record_audit(
        "client.secret_rotated",
        f"client:{client.id}",
        actor=by,
        organisation_id=client.organisation_id,
    )
    return secret


def disable_client(client: OAuthClient, by: User) -> None:
    """Switch a client off for good and revoke every token it holds."""
    client.disabled_at = utcnow()
    from emploistore.oauth.models import OAuthToken

    for family in set(
        db.session.scalars(select(OAuthToken.family).where(OAuthToken.client_id == client.id))
    ):
        revoke_family(family)
    record_audit(
        "client.disabled",
        f"client:{client.id}",
        actor=by,
        organisation_id=client.organisation_id,
    )


def clients(organisation: Organisation) -> list[OAuthClient]:
    return list(
        db.session.scalars(
            select(OAuthClient)
            .where(OAuthClient.organisation_id == organisation.id)
            .order_by(OAuthClient.created_at)
        )
    )
