"""The review queue: partner submissions, their diff, history and the decision."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from emploistore.admin.models import AuditEvent
from emploistore.database import db
from emploistore.partners import publishing, review
from emploistore.partners.domains import verified_domains
from emploistore.partners.models import ListingRevision, RevisionState
from emploistore.search.services import sync_search_index
from emploistore.web.access import admin_required

bp = Blueprint("admin_review", __name__, url_prefix="/admin/revue")

OUTCOMES = {
    "approuver": review.Outcome.APPROVE,
    "refuser": review.Outcome.REJECT,
    "modifier": review.Outcome.REQUEST_CHANGES,
}


@bp.get("/")
@admin_required
def queue() -> str:
    return render_template("admin/review_queue.html", revisions=review.pending_revisions())


def _revision_or_404(revision_id: int) -> ListingRevision:
    revision = db.session.get(ListingRevision, revision_id)
    if revision is None:
        abort(404)
    return revision


def _detail(
    revision: ListingRevision, errors: dict[str, str], status: int = 200
) -> tuple[str, int]:
    listing = revision.listing
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject == f"listing:{listing.id}")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(100)
    ).all()
    page = render_template(
        "admin/review_detail.html",
        revision=revision,
        listing=listing,
        organisation=listing.organisation,
        domains=verified_domains(listing.organisation),
        changes=review.review_diff(revision),
        revisions=publishing.revisions(listing),
        history=history,
        errors=errors,
        reason=request.form.get("reason", ""),
        pending=revision.state == RevisionState.PENDING.value,
    )
    return page, status


@bp.get("/<int:revision_id>")
@admin_required
def detail(revision_id: int) -> tuple[str, int]:
    return _detail(_revision_or_404(revision_id), {})


@bp.post("/<int:revision_id>")
@admin_required
def decide(revision_id: int) -> Response | tuple[str, int]:
    revision = _revision_or_404(revision_id)
    outcome = OUTCOMES.get(request.form.get("decision", ""))
    if outcome is None:
        return _detail(revision, {"decision": _("Choisissez une décision.")}, 422)
    reason = request.form.get("reason", "")
    if outcome != review.Outcome.APPROVE and not reason.strip():
        return _detail(
            revision, {"reason": _("Expliquez votre décision : le partenaire lira ce motif.")}, 422
        )
    if len(reason) > 2000:
        return _detail(revision, {"reason": _("2 000 caractères au plus.")}, 422)
    try:
        review.decide(revision, current_user, outcome, reason)
    except review.DecisionConflict:
        revision = _revision_or_404(revision_id)
        flash(
            _("Un autre administrateur ou le partenaire a déjà changé cette soumission."),
            "error",
        )
        return _detail(revision, {}, 409)
    db.session.commit()
    sync_search_index()
    flash(_("Votre décision est enregistrée et le partenaire en est informé."), "success")
    return redirect(url_for("admin_review.queue"), code=303)
