"""Partner organisations: applying, approval, members, verified domains and OAuth clients."""

from __future__ import annotations

import ipaddress
import re
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from emploistore.accounts.models import Role, User
from emploistore.admin.models import record_audit
from emploistore.catalog.models import Organisation, OrganisationStatus
from emploistore.database import db, utcnow
from emploistore.oauth.models import OAuthClient, digest
from emploistore.oauth.scopes import CLIENT_SCOPES, DELEGATION_SCOPES, split_scope
from emploistore.oauth.server import revoke_family
from emploistore.partners.models import MemberRole, Membership, OrganisationDomain

DOMAIN_RULE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_REDIRECT_URIS = 10


class PartnerError(ValueError):
    """A refused partner action; ``field`` names the input at fault (French message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewClient:
    client: OAuthClient
    secret: str | None  # shown once, never stored


# --- domains and URLs ------------------------------------------------------------------


def normalise_domain(value: str) -> str:
    """A lower-case host name (IDNA for accents); raises PartnerError when invalid."""
    text = value.strip().lower().rstrip(".")
    if text.startswith(("http://", "https://")):
        text = urlsplit(text).hostname or ""
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise PartnerError("domain", f"« {value} » n'est pas un nom de domaine valide.") from error
    if not DOMAIN_RULE.match(text):
        raise PartnerError("domain", f"« {value} » n'est pas un nom de domaine valide.")
    return text


def verified_domains(organisation: Organisation) -> list[str]:
    return list(
        db.session.scalars(
            select(OrganisationDomain.domain).where(
                OrganisationDomain.organisation_id == organisation.id,
                OrganisationDomain.verified_at.is_not(None),
            )
        )
    )


def host_on_domains(host: str, domains: list[str]) -> bool:
    """The host is one of the domains or a sub-domain of one."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def url_problem(url: str, domains: list[str]) -> str | None:
    """Why a partner URL is refused (French), or None when it is acceptable.

    https only; no user name or password; no IP address; on a verified domain.
    """
    if len(url) > 500:
        return "L'adresse dépasse 500 caractères."
    if any(ord(char) < 33 or char in "\\\x7f" for char in url):
        return "L'adresse contient des espaces ou des caractères interdits."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "L'adresse n'est pas valide."
    if parts.scheme != "https":
        return "L'adresse doit commencer par https://."
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe."
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "L'adresse n'a pas de nom de domaine."
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "L'adresse doit utiliser un nom de domaine, pas une adresse IP."
    if port not in (None, 443):
        return "L'adresse ne doit pas préciser de port."
    if not host_on_domains(host, domains):
        listed = ", ".join(domains) or "aucun"
        return f"Le domaine {host} n'est pas un domaine vérifié de l'organisation ({listed})."
    return None


# --- organisations ---------------------------------------------------------------------


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug or "organisation"


def unique_slug(base: str) -> str:
    slug, n = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def apply_for_organisation(
    user: User, name: str, website: str, domains: list[str], contact_email: str
) -> Organisation:
    """A developer's application: a pending organisation with its owner and domains."""
    name = " ".join(name.split())
    if not 2 <= len(name) <= 120:
        raise PartnerError("name", "Le nom doit faire entre 2 et 120 caractères.")
    if db.session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    ):
        raise PartnerError("name", "Une organisation porte déjà ce nom.")
    cleaned = []
    for raw in domains:
        if raw.strip():
            domain = normalise_domain(raw)
            if domain not in cleaned:
                cleaned.append(domain)
    if not cleaned:
        raise PartnerError("domains", "Indiquez au moins un nom de domaine.")
    if len(cleaned) > 10:
        raise PartnerError("domains", "10 noms de domaine au plus.")
    problem = url_problem(website.strip(), cleaned)
    if problem:
        raise PartnerError("website", problem)
    organisation = Organisation(
        slug=unique_slug(slugify(name)),
        name=name,
        website=website.strip(),
        contact_email=contact_email.strip(),
        status=OrganisationStatus.PENDING.value,
    )
    db.session.add(organisation)
    db.session.flush()
    for domain in cleaned:
        db.session.add(OrganisationDomain(organisation_id=organisation.id, domain=domain))
    db.session.add(
        Membership(organisation_id=organisation.id, user_id=user.id, role=MemberRole.OWNER.value)
    )
    record_audit(
        "organisation.applied",
        f"organisation:{organisation.id}",
        actor=user,
        organisation_id=organisation.id,
        name=name,
        domains=cleaned,
    )
    return organisation


def decide_organisation(
    organisation: Organisation, admin: User, approve: bool, reason: str = ""
) -> None:
    """Approve (verifying its domains) or reject a pending organisation."""
    if organisation.status != OrganisationStatus.PENDING.value:
        raise PartnerError("status", "Cette demande a déjà été traitée.")
    if not approve and not reason.strip():
        raise PartnerError("reason", "Expliquez le refus : l'organisation lira ce motif.")
    now = utcnow()
    organisation.status = (
        OrganisationStatus.APPROVED.value if approve else OrganisationStatus.REJECTED.value
    )
    organisation.decision_reason = reason.strip()[:500]
    organisation.decided_at = now
    if approve:
        for domain in db.session.scalars(
            select(OrganisationDomain).where(
                OrganisationDomain.organisation_id == organisation.id,
                OrganisationDomain.verified_at.is_(None),
            )
        ):
            domain.verified_at = now
        for member in members(organisation):
            if member.user.role == Role.SEEKER.value:
                member.user.role = Role.PARTNER.value
    record_audit(
        "organisation.approved" if approve else "organisation.rejected",
        f"organisation:{organisation.id}",
        actor=admin,
        organisation_id=organisation.id,
        reason=reason.strip(),
    )


def members(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.created_at)
        )
    )


def membership(user: User, organisation_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    )


def memberships(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        )
    )


def add_member(organisation: Organisation, by: User, email: str, role: str) -> Membership:
    from emploistore.accounts.services import find_user

    if role not in (MemberRole.OWNER.value, MemberRole.MEMBER.value):
        raise PartnerError("role", "Rôle inconnu.")
    user = find_user(email)
    if user is None:
        raise PartnerError(
            "email", "Aucun compte n'utilise cette adresse : la personne doit d'abord s'inscrire."
        )
    if membership(user, organisation.id) is not None:
        raise PartnerError("email", "Cette personne fait déjà partie de l'organisation.")
    member = Membership(organisation_id=organisation.id, user_id=user.id, role=role)
    db.session.add(member)
    if organisation.is_approved and user.role == Role.SEEKER.value:
        user.role = Role.PARTNER.value
    record_audit(
        "member.added",
        f"organisation:{organisation.id}",
        actor=by,
        organisation_id=organisation.id,
        member=user.id,
        role=role,
    )
    return member


def remove_member(organisation: Organisation, by: User, member: Membership) -> None:
    owners = [m for m in members(organisation) if m.is_owner]
    if member.is_owner and len(owners) == 1:
        raise PartnerError("member", "L'organisation doit garder au moins un propriétaire.")
    record_audit(
        "member.removed",
        f"organisation:{organisation.id}",
        actor=by,
        organisation_id=organisation.id,
        member=member.user_id,
    )
    db.session.delete(member)


def add_domain(organisation: Organisation, by: User, raw: str) -> OrganisationDomain:
    """A new domain waits for an administrator to verify it."""
    domain = normalise_domain(raw)
    exists = db.session.scalar(
        select(OrganisationDomain.id).where(
            OrganisationDomain.organisation_id == organisation.id,
            OrganisationDomain.domain == domain,
        )
    )
    if exists:
        raise PartnerError("domain", "Ce domaine est déjà déclaré.")
    row = OrganisationDomain(organisation_id=organisation.id, domain=domain)
    db.session.add(row)
    record_audit(
        "domain.added",
        f"organisation:{organisation.id}",
        actor=by,
        organisation_id=organisation.id,
        domain=domain,
    )
    return row


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


def create_partner(name: str, domain: str, owner: User) -> tuple[Organisation, NewClient]:
    """The CLI's one-step partner: approved organisation + confidential publishing client."""
    website = f"https://{normalise_domain(domain)}"
    organisation = apply_for_organisation(owner, name, website, [domain], owner.email)
    organisation.status = OrganisationStatus.APPROVED.value
    organisation.decided_at = utcnow()
    for row in db.session.scalars(
        select(OrganisationDomain).where(OrganisationDomain.organisation_id == organisation.id)
    ):
        row.verified_at = utcnow()
    if owner.role == Role.SEEKER.value:
        owner.role = Role.PARTNER.value
    record_audit(
        "organisation.approved",
        f"organisation:{organisation.id}",
        actor_label="cli",
        organisation_id=organisation.id,
    )
    db.session.flush()
    new = create_client(
        organisation, None, f"{name} — publication", scope="services:write stats:read"
    )
    return organisation, new
