"""The developer portal: a partner's organisations, members, domains and OAuth clients.

Who may do what (docs/partners/portal.md):
- any member sees the organisation, its domains, members, OAuth clients (never a secret)
  and listings with their review decisions;
- owners also add and remove members, declare domains, and create clients, change their
  secret or disable them: a client secret acts in the organisation's name, so only owners
  handle one;
- a member may leave the organisation; its last owner may not.

Anyone who is not a member gets 404 for everything under an organisation, so the pages do
not tell whether an organisation exists. A new client secret is shown once, in the answer
to the form that made it, with ``Cache-Control: no-store``: never in a flash message, the
session or a URL.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from emploistore.accounts.models import User
from emploistore.catalog.models import Organisation
from emploistore.database import db
from emploistore.oauth.models import OAuthClient
from emploistore.oauth.scopes import CLIENT_SCOPES, DELEGATION_SCOPES
from emploistore.partners import clients, organisations
from emploistore.partners import domains as domains_service
from emploistore.partners.errors import PartnerError
from emploistore.partners.forms import (
    CONFIDENTIAL,
    ApplyForm,
    ClientForm,
    DomainForm,
    MemberForm,
    lines,
)
from emploistore.partners.models import Membership, OrganisationDomain

bp = Blueprint("portal", __name__, url_prefix="/partenaires")

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
SCOPE_LABELS = {**CLIENT_SCOPES, **DELEGATION_SCOPES}

# Which form field each service refusal belongs to (PartnerError.field → form field).
APPLY_FIELDS = {"name": "name", "website": "website", "domains": "domains", "domain": "domains"}
MEMBER_FIELDS = {"email": "email", "role": "role"}
DOMAIN_FIELDS = {"domain": "domain"}
CLIENT_FIELDS = {
    "name": "name",
    "redirect_uris": "redirect_uris",
    "scope": "scopes",
    "initiate_login_uri": "initiate_login_uri",
}


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _member_or_404(org_id: int) -> tuple[Organisation, Membership]:
    """The organisation and the visitor's membership; 404 when either is missing."""
    organisation = db.session.get(Organisation, org_id)
    member = organisations.membership(_me(), org_id) if organisation is not None else None
    if organisation is None or member is None:
        abort(404)
    return organisation, member


def _owner_or_403(org_id: int) -> tuple[Organisation, Membership]:
    organisation, member = _member_or_404(org_id)
    if not member.is_owner:
        abort(403)
    return organisation, member


def _client_or_404(organisation: Organisation, client_id: int) -> OAuthClient:
    client = db.session.get(OAuthClient, client_id)
    if client is None or client.organisation_id != organisation.id:
        abort(404)
    return client


def _refuse(form: FlaskForm, error: PartnerError, fields: dict[str, str]) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    db.session.rollback()
    name = fields.get(error.field)
    if name is not None:
        form[name].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def _to_organisation(organisation: Organisation, anchor: str = "") -> Response:
    target = url_for("portal.organisation", org_id=organisation.id)
    return redirect(target + (f"#{anchor}" if anchor else ""), code=303)


def _organisation_page(
    organisation: Organisation,
    me: Membership,
    *,
    member_form: MemberForm | None = None,
    domain_form: DomainForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "partners/organisation.html",
        organisation=organisation,
        me=me,
        members=organisations.members(organisation),
        domains=domains_service.domains(organisation),
        clients=clients.clients(organisation),
        reviews=organisations.listing_reviews(organisation),
        member_form=member_form or MemberForm(prefix="membre"),
        domain_form=domain_form or DomainForm(prefix="domaine"),
        scope_labels=SCOPE_LABELS,
    ), status


def _secret_page(organisation: Organisation, client: OAuthClient, secret: str | None) -> Response:
    response = make_response(
        render_template(
            "partners/client_secret.html",
            organisation=organisation,
            client=client,
            secret=secret,
            scope_labels=SCOPE_LABELS,
        )
    )
    response.headers.update(NO_STORE)
    return response


# --- organisations ----------------------------------------------------------------------


@bp.get("/")
@login_required
def dashboard() -> str:
    return render_template("partners/dashboard.html", memberships=organisations.memberships(_me()))


@bp.route("/demande", methods=["GET", "POST"])
@login_required
def apply() -> Response | tuple[str, int]:
    form = ApplyForm(contact_email=current_user.email)
    if form.validate_on_submit():
        try:
            organisation = organisations.apply_for_organisation(
                _me(),
                form.name.data or "",
                form.website.data or "",
                lines(form.domains.data),
                form.contact_email.data or "",
            )
        except PartnerError as error:
            _refuse(form, error, APPLY_FIELDS)
        else:
            db.session.commit()
            flash(
                _(
                    "Votre demande est envoyée. Un administrateur va la vérifier ; "
                    "sa décision s'affichera sur cette page."
                ),
                "success",
            )
            return _to_organisation(organisation)
    return render_template("partners/apply.html", form=form), 422 if form.errors else 200


@bp.get("/organisations/<int:org_id>")
@login_required
def organisation(org_id: int) -> tuple[str, int]:
    found, me = _member_or_404(org_id)
    return _organisation_page(found, me)


# --- members ----------------------------------------------------------------------------


@bp.post("/organisations/<int:org_id>/membres")
@login_required
def add_member(org_id: int) -> Response | tuple[str, int]:
    found, me = _owner_or_403(org_id)
    form = MemberForm(prefix="membre")
    if form.validate_on_submit():
        try:
            added = organisations.add_member(
                found, _me(), form.email.data or "", form.role.data or ""
            )
        except PartnerError as error:
            _refuse(form, error, MEMBER_FIELDS)
        else:
            db.session.commit()
            email = added.user.email
            flash(_("%(email)s fait maintenant partie de l'organisation.", email=email), "success")
            return _to_organisation(found, "membres")
    return _organisation_page(found, me, member_form=form, status=422)


@bp.post("/organisations/<int:org_id>/membres/<int:member_id>/retirer")
@login_required
def remove_member(org_id: int, member_id: int) -> Response:
    found, me = _member_or_404(org_id)
    target = db.session.get(Membership, member_id)
    if target is None or target.organisation_id != found.id:
        abort(404)
    leaving = target.id == me.id
    if not (me.is_owner or leaving):
        abort(403)
    email = target.user.email
    try:
        organisations.remove_member(found, _me(), target)
    except PartnerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_organisation(found, "membres")
    db.session.commit()
    if leaving:
        flash(_("Vous ne faites plus partie de %(name)s.", name=found.name), "success")
        return redirect(url_for("portal.dashboard"), code=303)
    flash(_("%(email)s ne fait plus partie de l'organisation.", email=email), "success")
    return _to_organisation(found, "membres")


# --- domains ----------------------------------------------------------------------------


@bp.post("/organisations/<int:org_id>/domaines")
@login_required
def add_domain(org_id: int) -> Response | tuple[str, int]:
    found, me = _owner_or_403(org_id)
    form = DomainForm(prefix="domaine")
    if form.validate_on_submit():
        try:
            row = domains_service.add_domain(found, _me(), form.domain.data or "")
        except PartnerError as error:
            _refuse(form, error, DOMAIN_FIELDS)
        else:
            domain = row.domain
            db.session.commit()
            flash(
                _(
                    "Le domaine %(domain)s est ajouté. Vous pourrez l'utiliser dès qu'un "
                    "administrateur l'aura vérifié.",
                    domain=domain,
                ),
                "success",
            )
            return _to_organisation(found, "domaines")
    return _organisation_page(found, me, domain_form=form, status=422)


@bp.post("/organisations/<int:org_id>/domaines/<int:domain_id>/retirer")
@login_required
def remove_domain(org_id: int, domain_id: int) -> Response:
    found, _owner = _owner_or_403(org_id)
    row = db.session.get(OrganisationDomain, domain_id)
    if row is None or row.organisation_id != found.id:
        abort(404)
    domain = row.domain
    try:
        domains_service.remove_domain(row, _me())
    except PartnerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_organisation(found, "domaines")
    db.session.commit()
    flash(_("Le domaine %(domain)s est retiré.", domain=domain), "success")
    return _to_organisation(found, "domaines")


# --- OAuth clients ----------------------------------------------------------------------


@bp.route("/organisations/<int:org_id>/applications/nouvelle", methods=["GET", "POST"])
@login_required
def new_client(org_id: int) -> Response | tuple[str, int]:
    found, _owner = _owner_or_403(org_id)
    form = ClientForm()
    # An organisation not yet approved: the service's refusal says why, whatever was typed.
    if form.is_submitted() and (not found.is_approved or form.validate()):
        try:
            new = clients.create_client(
                found,
                _me(),
                form.name.data or "",
                redirect_uris=lines(form.redirect_uris.data),
                scope=" ".join(form.scopes.data or []),
                confidential=form.kind.data == CONFIDENTIAL,
                initiate_login_uri=form.initiate_login_uri.data or "",
            )
        except PartnerError as error:
            _refuse(form, error, CLIENT_FIELDS)
        else:
            db.session.commit()
            return _secret_page(found, new.client, new.secret)
    page = render_template(
        "partners/client_new.html",
        organisation=found,
        form=form,
        client_scopes=CLIENT_SCOPES,
        scope_labels=SCOPE_LABELS,
    )
    return page, 422 if form.errors else 200


@bp.route(
    "/organisations/<int:org_id>/applications/<int:client_id>/secret", methods=["GET", "POST"]
)
@login_required
def rotate_secret(org_id: int, client_id: int) -> Response | str:
    found, _owner = _owner_or_403(org_id)
    client = _client_or_404(found, client_id)
    if client.disabled_at is not None:
        flash(_("Cette application est désactivée."), "error")
        return _to_organisation(found, "applications")
    try:
        if request.method == "POST":
            secret = clients.rotate_secret(client, _me())
            db.session.commit()
            return _secret_page(found, client, secret)
        if not client.confidential:
            raise PartnerError("client", _("Une application publique n'a pas de secret."))
    except PartnerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_organisation(found, "applications")
    return render_template("partners/client_rotate.html", organisation=found, client=client)


@bp.route(
    "/organisations/<int:org_id>/applications/<int:client_id>/desactiver",
    methods=["GET", "POST"],
)
@login_required
def disable_client(org_id: int, client_id: int) -> Response | str:
    found, _owner = _owner_or_403(org_id)
    client = _client_or_404(found, client_id)
    if client.disabled_at is not None:
        flash(_("Cette application est déjà désactivée."), "error")
        return _to_organisation(found, "applications")
    if request.method == "POST":
        name = client.name
        clients.disable_client(client, _me())
        db.session.commit()
        flash(
            _("L'application %(name)s est désactivée et ses jetons ne marchent plus.", name=name),
            "success",
        )
        return _to_organisation(found, "applications")
    return render_template("partners/client_disable.html", organisation=found, client=client)
