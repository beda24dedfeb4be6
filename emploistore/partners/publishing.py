"""Publishing partner listings: drafts, revisions, submission, review decisions, media.

The rules:
- a listing has at most one open revision (draft, changes requested or pending);
- editing a published listing opens a new revision; the published one stays online, as
  it is, until an administrator approves the new revision;
- a pending revision is frozen: the partner cancels the submission to edit it again;
- decisions are taken with one conditional UPDATE, so of two administrators deciding at
  once exactly one wins and the other gets a conflict;
- every step is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select, update

from emploistore.admin.models import record_audit
from emploistore.catalog.markdown import render_markdown
from emploistore.catalog.models import Listing, ListingKind, ListingStatus, Organisation, Theme
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import MAX_ID, db, utcnow
from emploistore.oauth.models import OAuthClient
from emploistore.partners.manifest import (
    ManifestSchema,
    check_references,
    manifest_of,
)
from emploistore.partners.models import ListingRevision, RevisionState
from emploistore.partners.organisations import slugify
from emploistore.search.outbox import queue_listing

DIFF_FIELDS = (
    "name",
    "promise",
    "description",
    "theme",
    "extra_themes",
    "launch_url",
    "platforms",
    "audience",
    "free",
    "price",
    "sign_in_client_id",
    "logo",
    "screenshots",
)
OPEN = (RevisionState.DRAFT.value, RevisionState.CHANGES_REQUESTED.value)


@dataclass
class PublishingError(Exception):
    """A refused publishing request: the API turns it into problem details."""

    status: int
    title: str
    detail: str = ""
    errors: dict[str, Any] = field(default_factory=dict)


def _invalid(errors: dict[str, Any]) -> PublishingError:
    names = ", ".join(sorted(errors))
    return PublishingError(422, "Invalid manifest", f"Invalid field(s): {names}.", errors)


# --- reading ---------------------------------------------------------------------------


def organisation_listings(organisation: Organisation) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing)
            .where(
                Listing.organisation_id == organisation.id,
                Listing.kind == ListingKind.PARTNER.value,
            )
            .order_by(Listing.id)
        )
    )


def get_listing(organisation: Organisation, listing_id: int) -> Listing | None:
    """The organisation's listing, or None (also for another organisation's listing)."""
    if not 0 < listing_id <= MAX_ID:
        return None
    listing = db.session.get(Listing, listing_id)
    if (
        listing is None
        or listing.organisation_id != organisation.id
        or listing.kind != ListingKind.PARTNER.value
    ):
        return None
    return listing


def revisions(listing: Listing) -> list[ListingRevision]:
    return list(
        db.session.scalars(
            select(ListingRevision)
            .where(ListingRevision.listing_id == listing.id)
            .order_by(ListingRevision.number.desc())
        )
    )


def current_revision(listing: Listing) -> ListingRevision | None:
    """The open or pending revision, if any."""
    return db.session.scalar(
        select(ListingRevision)
        .where(
            ListingRevision.listing_id == listing.id,
            ListingRevision.state.in_([*OPEN, RevisionState.PENDING.value]),
        )
        .order_by(ListingRevision.number.desc())
        .limit(1)
    )


def is_published(listing: Listing) -> bool:
    return listing.status == ListingStatus.PUBLISHED.value


# --- writing ---------------------------------------------------------------------------


def _validated(payload: Any, organisation: Organisation, partial_base: dict | None = None) -> dict:
    if not isinstance(payload, dict):
        raise PublishingError(400, "Bad request", "The body must be a JSON object.")
    schema_fields = set(ManifestSchema().fields)
    try:
        if partial_base is None:
            data = ManifestSchema().load(payload)
        else:
            changes = ManifestSchema(partial=True).load(payload)
            if "slug" in changes and changes["slug"] != partial_base.get("slug"):
                raise ValidationError({"slug": ["The slug cannot change after creation."]})
            merged = {k: v for k, v in partial_base.items() if k in schema_fields}
            merged.update({k: v for k, v in payload.items() if k in schema_fields})
            data = ManifestSchema().load(merged)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise _invalid(messages) from error
    errors = check_references(data, organisation)
    if errors:
        raise _invalid(errors)
    return data


def apply_manifest(listing: Listing, manifest: dict[str, Any]) -> None:
    """Copy a manifest onto the listing row (what visitors see once it is published)."""
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    listing.name = manifest["name"]
    listing.promise = manifest["promise"].strip()
    listing.description = manifest["description"]
    listing.description_html = render_markdown(manifest["description"])
    listing.theme = themes[manifest["theme"]]
    listing.extra_themes = [themes[slug] for slug in manifest.get("extra_themes", [])]
    listing.launch_url = manifest["launch_url"]
    listing.audience = list(manifest["audience"])
    listing.is_free = manifest["free"]
    listing.price = manifest.get("price", "")
    platforms = set(manifest["platforms"])
    listing.on_web = "web" in platforms
    listing.on_android = "android" in platforms
    listing.on_ios = "ios" in platforms
    listing.logo = manifest.get("logo")
    listing.screenshots = list(manifest.get("screenshots") or [])
    client_id = manifest.get("sign_in_client_id")
    listing.sign_in_client_id = (
        db.session.scalar(select(OAuthClient.id).where(OAuthClient.client_id == client_id))
        if client_id
        else None
    )


def _unique_listing_slug(base: str) -> str:
    slug, n = base[:56].strip("-") or "service", 1
    candidate = slug
    while db.session.scalar(select(Listing.id).where(Listing.slug == candidate)):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def create_listing(organisation: Organisation, payload: Any, actor: str) -> Listing:
    """A new draft listing and its first revision; nothing is visible until approved."""
    data = _validated(payload, organisation)
    if data.get("slug"):
        if db.session.scalar(select(Listing.id).where(Listing.slug == data["slug"])):
            raise _invalid({"slug": ["This slug is already taken."]})
        slug = data["slug"]
    else:
        slug = _unique_listing_slug(slugify(data["name"]))
    manifest = {**data, "slug": slug, "logo": None, "screenshots": []}
    listing = Listing(
        slug=slug,
        organisation_id=organisation.id,
        kind=ListingKind.PARTNER.value,
        status=ListingStatus.DRAFT.value,
    )
    apply_manifest(listing, manifest)
    db.session.add(listing)
    db.session.flush()
    db.session.add(ListingRevision(listing_id=listing.id, number=1, manifest=manifest))
    record_audit(
        "listing.created",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=organisation.id,
        slug=slug,
    )
    return listing


def editable_revision(listing: Listing, actor: str) -> ListingRevision:
    """The open revision, or a new one from what is published; never a pending one."""
    revision = current_revision(listing)
    if revision is not None and revision.state == RevisionState.PENDING.value:
        raise PublishingError(
            409,
            "Revision under review",
            f"Revision {revision.number} is waiting for review and cannot change. Cancel "
            f"the submission (DELETE /api/v1/partner/listings/{listing.id}/submission) "
            "to edit it.",
        )
    if revision is not None:
        return revision
    number = (
        db.session.scalar(
            select(func.max(ListingRevision.number)).where(ListingRevision.listing_id == listing.id)
        )
        or 0
    ) + 1
    latest = db.session.scalar(
        select(ListingRevision)
        .where(ListingRevision.listing_id == listing.id)
        .order_by(ListingRevision.number.desc())
        .limit(1)
    )
    # Continue from what the partner last proposed (a rejected revision, or a never
    # published listing's last draft, images included), else from what is published.
    if latest is not None and (
        latest.state == RevisionState.REJECTED.value or listing.published_at is None
    ):
        base = dict(latest.manifest)
    else:
        base = manifest_of(listing)
    revision = ListingRevision(listing_id=listing.id, number=number, manifest=base)
    db.session.add(revision)
    db.session.flush()
    record_audit(
        "revision.opened",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        revision=number,
    )
    return revision


def update_listing(listing: Listing, payload: Any, actor: str) -> ListingRevision:
    """Apply a partial manifest to the open revision (opening one if needed)."""
    organisation = listing.organisation
    revision = editable_revision(listing, actor)
    data = _validated(payload, organisation, partial_base=revision.manifest)
    revision.manifest = {
        **data,
        "slug": listing.slug,
        "logo": revision.manifest.get("logo"),
        "screenshots": list(revision.manifest.get("screenshots") or []),
    }
    revision.updated_at = utcnow()
    if listing.status == ListingStatus.DRAFT.value:
        apply_manifest(
            listing, revision.manifest
        )  # never visible: keeps the portal's names current
    record_audit(
        "revision.edited",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        revision=revision.number,
        fields=sorted(payload),
    )
    return revision


def submit(listing: Listing, actor: str) -> ListingRevision:
    revision = current_revision(listing)
    if revision is None:
        raise PublishingError(
            409, "Nothing to submit", "There is no draft: edit the listing first (PATCH)."
        )
    if revision.state == RevisionState.PENDING.value:
        raise PublishingError(409, "Already submitted", "This revision is already under review.")
    if is_published(listing) and changes_between(manifest_of(listing), revision.manifest) == []:
        raise PublishingError(
            409, "Nothing changed", "This revision is identical to the published listing."
        )
    revision.state = RevisionState.PENDING.value
    revision.submitted_at = utcnow()
    revision.reason = ""
    revision.decided_at = None
    revision.decided_by_id = None
    if listing.status in (ListingStatus.DRAFT.value, ListingStatus.ARCHIVED.value):
        listing.status = ListingStatus.PENDING.value
    record_audit(
        "revision.submitted",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        revision=revision.number,
    )
    return revision


def cancel_submission(listing: Listing, actor: str) -> ListingRevision:
    revision = current_revision(listing)
    if revision is None or revision.state != RevisionState.PENDING.value:
        raise PublishingError(409, "Not under review", "No revision is waiting for review.")
    changed = db.session.execute(
        update(ListingRevision)
        .where(
            ListingRevision.id == revision.id,
            ListingRevision.state == RevisionState.PENDING.value,
        )
        .values(state=RevisionState.DRAFT.value, submitted_at=None)
    ).rowcount
    if changed != 1:
        raise PublishingError(409, "Already decided", "An administrator decided it meanwhile.")
    if listing.status == ListingStatus.PENDING.value:
        listing.status = ListingStatus.DRAFT.value
    record_audit(
        "revision.cancelled",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        revision=revision.number,
    )
    db.session.refresh(revision)
    return revision


def withdraw(listing: Listing, actor: str) -> None:
    """Take a published listing off the store (it can be submitted again later)."""
    if not is_published(listing):
        raise PublishingError(409, "Not published", "Only a published listing can be withdrawn.")
    listing.status = ListingStatus.ARCHIVED.value
    listing.featured = False
    listing.featured_position = 0
    db.session.execute(
        update(ListingRevision)
        .where(
            ListingRevision.listing_id == listing.id,
            ListingRevision.state == RevisionState.PENDING.value,
        )
        .values(state=RevisionState.DRAFT.value, submitted_at=None)
    )
    bump_catalog_version()
    queue_listing(listing.id)
    record_audit(
        "listing.withdrawn",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
    )


def delete_draft(listing: Listing, actor: str) -> None:
    """Delete a listing that was never published."""
    if listing.published_at is not None:
        raise PublishingError(
            409, "Already published", "A listing that was published can only be withdrawn."
        )
    record_audit(
        "listing.deleted",
        f"listing:{listing.id}",
        actor_label=actor,
        organisation_id=listing.organisation_id,
        slug=listing.slug,
    )
    db.session.delete(listing)


def changes_between(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for name in DIFF_FIELDS:
        old = (before or {}).get(name)
        new = after.get(name)
        if old != new and not (old in (None, "", []) and new in (None, "", [])):
            changes.append({"field": name, "before": old, "after": new})
    return changes
