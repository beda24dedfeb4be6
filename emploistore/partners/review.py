"""The review of partner listings: the queue, the diff against what is published, decisions.

Decisions are taken with one conditional UPDATE, so of two administrators deciding at
once exactly one wins and the other gets a conflict; every decision is in the audit log.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import select, update

from emploistore.accounts.models import User
from emploistore.admin.models import record_audit
from emploistore.catalog.models import ListingStatus
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db, utcnow
from emploistore.partners.manifest import (
    manifest_of,
)
from emploistore.partners.models import ListingRevision, RevisionState
from emploistore.partners.publishing import PublishingError, apply_manifest, changes_between
from emploistore.search.outbox import queue_listing


class Outcome:
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"


DECISION_STATES = {
    Outcome.APPROVE: RevisionState.APPROVED.value,
    Outcome.REJECT: RevisionState.REJECTED.value,
    Outcome.REQUEST_CHANGES: RevisionState.CHANGES_REQUESTED.value,
}


class DecisionConflict(Exception):
    """Another administrator (or the partner) changed the revision first."""


def pending_revisions() -> list[ListingRevision]:
    return list(
        db.session.scalars(
            select(ListingRevision)
            .where(ListingRevision.state == RevisionState.PENDING.value)
            .order_by(ListingRevision.submitted_at)
        )
    )


def decide(revision: ListingRevision, admin: User, outcome: str, reason: str) -> None:
    """Approve, reject or request changes; one conditional UPDATE decides who wins."""
    if outcome not in DECISION_STATES:
        raise ValueError(outcome)
    reason = reason.strip()
    if outcome != Outcome.APPROVE and not reason:
        raise PublishingError(422, "Reason required", "Give the partner a reason.")
    now = utcnow()
    won = db.session.execute(
        update(ListingRevision)
        .where(
            ListingRevision.id == revision.id,
            ListingRevision.state == RevisionState.PENDING.value,
        )
        .values(
            state=DECISION_STATES[outcome],
            decided_at=now,
            decided_by_id=admin.id,
            reason=reason[:2000],
        )
    ).rowcount
    if won != 1:
        db.session.rollback()
        raise DecisionConflict()
    db.session.refresh(revision)
    listing = revision.listing
    if outcome == Outcome.APPROVE:
        db.session.execute(
            update(ListingRevision)
            .where(
                ListingRevision.listing_id == listing.id,
                ListingRevision.id != revision.id,
                ListingRevision.state == RevisionState.APPROVED.value,
            )
            .values(state=RevisionState.SUPERSEDED.value)
        )
        apply_manifest(listing, revision.manifest)
        listing.status = ListingStatus.PUBLISHED.value
        if listing.published_at is None:
            listing.published_at = now
        bump_catalog_version()
        queue_listing(listing.id)
    elif listing.status == ListingStatus.PENDING.value:
        listing.status = ListingStatus.DRAFT.value
    record_audit(
        f"revision.{DECISION_STATES[outcome]}",
        f"listing:{listing.id}",
        actor=admin,
        organisation_id=listing.organisation_id,
        revision=revision.number,
        reason=reason,
    )


def review_diff(revision: ListingRevision) -> list[dict[str, Any]]:
    """Field by field, what the revision changes against what is published.

    Long texts come with a line diff (``lines``: ``(op, text)`` pairs, op in "+-  ").
    """
    listing = revision.listing
    published = manifest_of(listing) if listing.published_at is not None else None
    changes = changes_between(published, revision.manifest)
    for change in changes:
        if change["field"] == "description":
            before = (change["before"] or "").splitlines()
            after = (change["after"] or "").splitlines()
            change["lines"] = [
                (line[:1], line[2:])
                for line in difflib.ndiff(before, after)
                if not line.startswith("?")
            ]
    return changes
