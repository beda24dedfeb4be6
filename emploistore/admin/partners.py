"""Administration of partner organisations: applications, domains and their history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from emploistore.accounts.models import User
from emploistore.admin.views import choice
from emploistore.catalog.models import Organisation
from emploistore.database import db
from emploistore.partners import clients, organisations
from emploistore.partners import domains as domains_service
from emploistore.partners.errors import PartnerError
from emploistore.partners.models import OrganisationDomain
from emploistore.web.access import admin_required

bp = Blueprint("admin_partners", __name__, url_prefix="/admin/organisations")

MAX_REASON = 500

# How the audit log's actions read in the history (unknown ones are shown as they are).
AUDIT_ACTIONS: dict[str, Any] = {
    "organisation.applied": _l("Demande envoyée"),
    "organisation.approved": _l("Organisation validée"),
    "organisation.rejected": _l("Demande refusée"),
    "member.added": _l("Personne ajoutée"),
    "member.removed": _l("Personne retirée"),
    "domain.added": _l("Domaine ajouté"),
    "domain.verified": _l("Domaine vérifié"),
    "domain.removed": _l("Domaine retiré"),
    "client.created": _l("Application créée"),
    "client.secret_rotated": _l("Secret d'application changé"),
    "client.disabled": _l("Application désactivée"),
    "listing.created": _l("Service créé (brouillon)"),
    "listing.deleted": _l("Brouillon supprimé"),
    "listing.withdrawn": _l("Service retiré du catalogue"),
    "revision.opened": _l("Nouvelle version ouverte"),
    "revision.edited": _l("Version modifiée"),
    "revision.logo": _l("Logo changé"),
    "revision.submitted": _l("Version envoyée en relecture"),
    "revision.cancelled": _l("Envoi en relecture annulé"),
    "revision.approved": _l("Version approuvée et publiée"),
    "revision.rejected": _l("Version refusée"),
    "revision.changes_requested": _l("Modifications demandées"),
}
AUDIT_DETAILS: dict[str, Any] = {
    "reason": _l("Motif"),
    "name": _l("Nom"),
    "domain": _l("Domaine"),
    "domains": _l("Domaines"),
    "role": _l("Rôle"),
    "member": _l("Compte n°"),
    "client_id": _l("Identifiant client"),
    "scope": _l("Autorisations"),
    "revision": _l("Version"),
}


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _organisation_or_404(org_id: int) -> Organisation:
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    return organisation


def _detail_page(
    organisation: Organisation, errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "admin/partners/organisation.html",
        organisation=organisation,
        domains=domains_service.domains(organisation),
        members=organisations.members(organisation),
        clients=clients.clients(organisation),
        history=organisations.organisation_history(organisation),
        actions=AUDIT_ACTIONS,
        details=AUDIT_DETAILS,
        errors=errors or {},
    ), status


def _to_detail(organisation: Organisation, anchor: str = "") -> Response:
    target = url_for("admin_partners.organisation", org_id=organisation.id)
    return redirect(target + (f"#{anchor}" if anchor else ""), code=303)


@bp.get("/")
@admin_required
def organisations_list() -> str:
    return render_template(
        "admin/partners/list.html", organisations=organisations.organisations_for_review()
    )


@bp.get("/<int:org_id>")
@admin_required
def organisation(org_id: int) -> tuple[str, int]:
    return _detail_page(_organisation_or_404(org_id))


@bp.post("/<int:org_id>/decision")
@admin_required
def decide(org_id: int) -> Response | tuple[str, int]:
    found = _organisation_or_404(org_id)
    approve = choice("decision", {"valider": True, "refuser": False})
    reason = request.form.get("reason", "").strip()
    if len(reason) > MAX_REASON:
        errors = {"reason": _("%(n)s caractères au maximum.", n=MAX_REASON)}
        return _detail_page(found, errors, 422)
    try:
        organisations.decide_pending_organisation(found, _me(), approve, reason)
    except PartnerError as error:
        db.session.rollback()
        if error.field == "status":
            # Another administrator decided first: say so, and what was decided.
            return render_template("admin/partners/conflict.html", organisation=found), 409
        return _detail_page(found, {error.field: str(error)}, 422)
    db.session.commit()
    if approve:
        flash(_("%(name)s est validée ; ses domaines sont vérifiés.", name=found.name), "success")
    else:
        flash(_("La demande de %(name)s est refusée.", name=found.name), "success")
    return redirect(url_for("admin_partners.organisations_list"), code=303)


@bp.post("/<int:org_id>/domaines/<int:domain_id>/verifier")
@admin_required
def verify_domain(org_id: int, domain_id: int) -> Response:
    found = _organisation_or_404(org_id)
    row = db.session.get(OrganisationDomain, domain_id)
    if row is None or row.organisation_id != found.id:
        abort(404)
    domain = row.domain
    try:
        verified = domains_service.verify_domain(row, _me())
    except PartnerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_detail(found, "domaines")
    db.session.commit()
    if verified:
        flash(_("Le domaine %(domain)s est vérifié.", domain=domain), "success")
    else:
        flash(_("Le domaine %(domain)s était déjà vérifié.", domain=domain), "success")
    return _to_detail(found, "domaines")
