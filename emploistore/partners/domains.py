"""Partner domains and URLs: normalising, verifying, and the rules a partner URL follows."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from sqlalchemy import select, update

from emploistore.accounts.models import User
from emploistore.admin.models import record_audit
from emploistore.catalog.models import Organisation
from emploistore.database import db, utcnow
from emploistore.partners.errors import PartnerError
from emploistore.partners.models import (
    OrganisationDomain,
)

DOMAIN_RULE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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


URL_PROBLEMS = {
    "too_long": ("L'adresse dépasse 500 caractères.", "At most 500 characters."),
    "characters": (
        "L'adresse contient des espaces ou des caractères interdits.",
        "Contains spaces or forbidden characters.",
    ),
    "invalid": ("L'adresse n'est pas valide.", "Not a valid URL."),
    "scheme": ("L'adresse doit commencer par https://.", "Must be an https:// URL."),
    "credentials": (
        "L'adresse ne doit pas contenir d'identifiant ni de mot de passe.",
        "Must not contain a user name or password.",
    ),
    "no_host": ("L'adresse n'a pas de nom de domaine.", "Has no host name."),
    "ip": (
        "L'adresse doit utiliser un nom de domaine, pas une adresse IP.",
        "Must use a domain name, not an IP address.",
    ),
    "port": ("L'adresse ne doit pas préciser de port.", "Must not name a port."),
    "domain": (
        "Le domaine {host} n'est pas un domaine vérifié de l'organisation ({listed}).",
        "{host} is not one of the organisation's verified domains ({listed}).",
    ),
}


def url_problem(url: str, domains: list[str], english: bool = False) -> str | None:
    """Why a partner URL is refused (French, or English for the API), or None if it is fine.

    https only; no user name or password; no IP address; on a verified domain.
    """
    code, host = _url_problem_code(url, domains)
    if code is None:
        return None
    listed = ", ".join(domains) or ("none" if english else "aucun")
    return URL_PROBLEMS[code][1 if english else 0].format(host=host, listed=listed)


def _url_problem_code(url: str, domains: list[str]) -> tuple[str | None, str]:
    if len(url) > 500:
        return "too_long", ""
    if any(ord(char) < 33 or char in "\\\x7f" for char in url):
        return "characters", ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "invalid", ""
    if parts.scheme != "https":
        return "scheme", ""
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "credentials", ""
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "no_host", ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "ip", host
    if port not in (None, 443):
        return "port", host
    if not host_on_domains(host, domains):
        return "domain", host
    return None, host


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


def verify_domain(row: OrganisationDomain, admin: User) -> bool:
    """An administrator vouches for a domain added after approval.

    Returns False when the domain was already verified (nothing is recorded twice).
    """
    if not row.organisation.is_approved:
        raise PartnerError(
            "domain", "Les domaines d'une organisation sont vérifiés quand elle est validée."
        )
    verified = db.session.execute(
        update(OrganisationDomain)
        .where(OrganisationDomain.id == row.id, OrganisationDomain.verified_at.is_(None))
        .values(verified_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if verified != 1:
        return False
    record_audit(
        "domain.verified",
        f"organisation:{row.organisation_id}",
        actor=admin,
        organisation_id=row.organisation_id,
        domain=row.domain,
    )
    return True


def remove_domain(row: OrganisationDomain, by: User) -> None:
    """Withdraw a domain still waiting for verification.

    A verified domain may carry redirect URIs and published addresses: it stays.
    """
    if row.verified_at is not None:
        raise PartnerError(
            "domain",
            "Un domaine vérifié ne peut pas être retiré : écrivez à l'équipe de l'Emploi Store.",
        )
    record_audit(
        "domain.removed",
        f"organisation:{row.organisation_id}",
        actor=by,
        organisation_id=row.organisation_id,
        domain=row.domain,
    )
    db.session.delete(row)


def domains(organisation: Organisation) -> list[OrganisationDomain]:
    """Every declared domain, verified or waiting."""
    return list(
        db.session.scalars(
            select(OrganisationDomain)
            .where(OrganisationDomain.organisation_id == organisation.id)
            .order_by(OrganisationDomain.domain)
        )
    )
