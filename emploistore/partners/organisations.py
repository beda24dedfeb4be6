"""Partner organisations: applying, approval, members, verified domains and OAuth clients."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, update

from emploistore.accounts.models import Role, User
from emploistore.admin.models import AuditEvent, record_audit
from emploistore.catalog.models import Listing, Organisation, OrganisationStatus
from emploistore.database import db, utcnow
from emploistore.partners.clients import NewClient, create_client
from emploistore.partners.domains import normalise_domain, url_problem
from emploistore.partners.errors import PartnerError
from emploistore.partners.models import (
    ListingRevision,
    MemberRole,
    Membership,
    OrganisationDomain,
)

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


# --- the portal and the administrators' pages ------------------------------------------


def decide_pending_organisation(
    organisation: Organisation, admin: User, approve: bool, reason: str = ""
) -> None:
    """``decide_organisation`` when two administrators may decide at once: one wins.

    A conditional UPDATE claims the row while it is still pending. It waits for any other
    writer (the row lock on PostgreSQL, the database lock on SQLite), so a decision
    committed meanwhile matches no row and this one is refused with
    ``PartnerError("status")``; the caller rolls back.
    """
    if not approve and not reason.strip():
        raise PartnerError("reason", "Expliquez le refus : l'organisation lira ce motif.")
    claimed = db.session.execute(
        update(Organisation)
        .where(
            Organisation.id == organisation.id,
            Organisation.status == OrganisationStatus.PENDING.value,
        )
        .values(status=OrganisationStatus.PENDING.value)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(organisation)  # the committed state, read under the lock
    if claimed != 1:
        raise PartnerError("status", "Cette demande a déjà été traitée.")
    decide_organisation(organisation, admin, approve, reason)


@dataclass(frozen=True)
class ListingReview:
    """A listing as its organisation follows it: the latest version and decision."""

    listing: Listing
    latest: ListingRevision | None  # the most recent revision, whatever its state
    decision: ListingRevision | None  # the most recent revision an administrator decided


def listing_reviews(organisation: Organisation) -> list[ListingReview]:
    listings = list(
        db.session.scalars(
            select(Listing).where(Listing.organisation_id == organisation.id).order_by(Listing.name)
        )
    )
    latest: dict[int, ListingRevision] = {}
    decided: dict[int, ListingRevision] = {}
    for revision in db.session.scalars(
        select(ListingRevision)
        .join(Listing, Listing.id == ListingRevision.listing_id)
        .where(Listing.organisation_id == organisation.id)
        .order_by(ListingRevision.number.desc())
    ):
        latest.setdefault(revision.listing_id, revision)
        if revision.decided_at is not None:
            decided.setdefault(revision.listing_id, revision)
    return [
        ListingReview(listing, latest.get(listing.id), decided.get(listing.id))
        for listing in listings
    ]


def organisations_for_review() -> list[Organisation]:
    """Pending applications first, oldest first; then the others by name."""
    pending = OrganisationStatus.PENDING.value
    return [
        *db.session.scalars(
            select(Organisation)
            .where(Organisation.status == pending)
            .order_by(Organisation.created_at, Organisation.id)
        ),
        *db.session.scalars(
            select(Organisation)
            .where(Organisation.status != pending)
            .order_by(func.lower(Organisation.name), Organisation.id)
        ),
    ]


def organisation_history(organisation: Organisation, limit: int = 200) -> list[AuditEvent]:
    """The audit events about an organisation, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == organisation.id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
