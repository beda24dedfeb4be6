"""The developer portal (/partenaires) and the administrators' organisation pages.

Everything goes through HTTP: a partner applies, an administrator decides, owners manage
members, domains and OAuth clients, and the credentials the portal shows are then used
against the real token endpoint.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import func, select, text

from emploistore.accounts.models import User
from emploistore.admin.models import AuditEvent
from emploistore.catalog.models import Listing, Organisation, Theme
from emploistore.database import db, utcnow
from emploistore.oauth.models import OAuthClient, OAuthToken
from emploistore.partners.models import (
    ListingRevision,
    Membership,
    OrganisationDomain,
)
from tests.fixtures import PASSWORD, Accounts, LiveStore

DEVELOPER = "dev@jobs.example"
APPLICATION = {
    "name": "Jobs Exemple",
    "website": "https://www.jobs.example",
    "domains": "jobs.example\njobs-exemple.fr",
    "contact_email": "contact@jobs.example",
}
GOOD_CLIENT = {
    "name": "Publication",
    "kind": "confidentielle",
    "redirect_uris": "",
    "scopes": ["services:write", "stats:read"],
    "initiate_login_uri": "",
}


# --- helpers ---------------------------------------------------------------------------


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response: Any, field_id: str) -> str | None:
    """The error message shown next to a field (the field() macro's markup)."""
    found = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-erreur">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    return html.unescape(found.group(1)) if found else None


def scalar(app: Any, statement: Any) -> Any:
    with app.app_context():
        return db.session.scalar(statement)


def browser(app: Any, email: str, role: str = "seeker", create: bool = True) -> Any:
    """A test client logged in as a (new) account."""
    client = app.test_client()
    accounts = Accounts(app, client)
    if create:
        accounts.create(email, role=role, name=email.split("@")[0])
    assert accounts.login(email).status_code == 303
    return client


def org_path(org_id: int, rest: str = "") -> str:
    return f"/partenaires/organisations/{org_id}{rest}"


def apply(client: Any, **changes: str) -> Any:
    return client.post("/partenaires/demande", data={**APPLICATION, **changes})


def organisation_named(app: Any, name: str) -> Organisation | None:
    with app.app_context():
        found = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


def audit_actions(app: Any, org_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.organisation_id == org_id)
                .order_by(AuditEvent.id)
            )
        )


def client_count(app: Any) -> int:
    return scalar(app, select(func.count(OAuthClient.id)))


def new_client(client: Any, org_id: int, **changes: Any) -> Any:
    return client.post(org_path(org_id, "/applications/nouvelle"), data={**GOOD_CLIENT, **changes})


def credentials(response: Any) -> tuple[str, str | None]:
    body = response.get_data(as_text=True)
    client_id = re.search(r"client_id\)</dt><dd><code>([^<]+)</code>", body)
    secret = re.search(r'<code id="secret">([^<]+)</code>', body)
    assert client_id, "no client_id on the page"
    return html.unescape(client_id.group(1)), html.unescape(secret.group(1)) if secret else None


def client_row_id(app: Any, client_id: str) -> int:
    return scalar(app, select(OAuthClient.id).where(OAuthClient.client_id == client_id))


def token_answer(app: Any, client_id: str, secret: str, **data: str) -> Any:
    return app.test_client().post(
        "/oauth/token",
        data={"grant_type": "client_credentials", **data},
        auth=(client_id, secret),
    )


@pytest.fixture
def owner(app: Any) -> Any:
    """A developer who applied through the portal; their organisation waits for a decision."""
    client = browser(app, DEVELOPER)
    assert apply(client).status_code == 303
    return client


@pytest.fixture
def pending_id(app: Any, owner: Any) -> int:
    organisation = organisation_named(app, APPLICATION["name"])
    assert organisation is not None
    return organisation.id


@pytest.fixture
def admin(app: Any) -> Any:
    return browser(app, "admin@example.org", role="admin")


@pytest.fixture
def approved(app: Any, owner: Any, pending_id: int, admin: Any) -> int:
    """The developer's organisation, approved by an administrator."""
    answer = admin.post(f"/admin/organisations/{pending_id}/decision", data={"decision": "valider"})
    assert answer.status_code == 303
    return pending_id


# --- applying and the administrator's decision -----------------------------------------


def test_the_portal_needs_an_account_and_is_linked_from_the_account_page(
    app: Any, client: Any
) -> None:
    answer = client.get("/partenaires/")
    assert answer.status_code == 302
    assert "/compte/connexion" in answer.headers["Location"]
    assert 'href="/partenaires/"' in client.get("/").get_data(as_text=True)  # footer
    signed_in = browser(app, "camille@example.org")
    assert 'href="/partenaires/"' in signed_in.get("/compte").get_data(as_text=True)
    dashboard = page_text(signed_in.get("/partenaires/"))
    assert "Vous ne faites partie d'aucune organisation" in dashboard
    assert 'href="/partenaires/demande"' in dashboard


def test_apply_then_an_administrator_approves(app: Any, owner: Any, admin: Any) -> None:
    organisation = organisation_named(app, APPLICATION["name"])
    assert organisation is not None and organisation.status == "pending"
    assert organisation.contact_email == "contact@jobs.example"
    page = page_text(owner.get(org_path(organisation.id)))
    assert "En attente de validation" in page
    assert "en attente de vérification par un administrateur" in page
    assert "Créer une application" not in page
    assert scalar(app, select(User.role).where(User.email == DEVELOPER)) == "seeker"
    assert (
        scalar(app, select(Membership.role).where(Membership.organisation_id == organisation.id))
        == "owner"
    )

    listing = page_text(admin.get("/admin/organisations/"))
    assert APPLICATION["name"] in listing
    detail = page_text(admin.get(f"/admin/organisations/{organisation.id}"))
    assert "jobs-exemple.fr" in detail and DEVELOPER in detail
    assert "Demande envoyée" in detail  # the history

    answer = admin.post(
        f"/admin/organisations/{organisation.id}/decision", data={"decision": "valider"}
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/admin/organisations/")
    decided = organisation_named(app, APPLICATION["name"])
    assert decided is not None and decided.status == "approved"
    assert scalar(app, select(User.role).where(User.email == DEVELOPER)) == "partner"
    with app.app_context():
        verified = db.session.scalars(
            select(OrganisationDomain.verified_at).where(
                OrganisationDomain.organisation_id == organisation.id
            )
        ).all()
    assert len(verified) == 2 and all(verified)
    assert audit_actions(app, organisation.id) == ["organisation.applied", "organisation.approved"]
    page = page_text(owner.get(org_path(organisation.id)))
    assert "Validée" in page and "Créer une application" in page
    assert "en attente de vérification" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "http://www.jobs.example"}, "website", "doit commencer par https://"),
        ({"website": "https://ailleurs.example"}, "website", "n'est pas un domaine vérifié"),
        ({"domains": "pas un domaine"}, "domains", "n'est pas un nom de domaine valide"),
        ({"domains": ""}, "domains", "Indiquez au moins un nom de domaine."),
        ({"name": ""}, "name", "Indiquez le nom de l'organisation."),
        ({"contact_email": "pas-une-adresse"}, "contact_email", "n'est pas valide"),
    ],
)
def test_a_refused_application_says_why_next_to_the_field(
    app: Any, changes: dict[str, str], field: str, message: str
) -> None:
    client = browser(app, DEVELOPER)
    answer = apply(client, **changes)
    assert answer.status_code == 422
    assert message in (field_error(answer, field) or "")
    assert f'aria-describedby="{field}' in answer.get_data(as_text=True)
    assert organisation_named(app, APPLICATION["name"]) is None


def test_a_name_already_taken_is_refused(app: Any, owner: Any) -> None:
    other = browser(app, "autre@example.org")
    answer = apply(other, name="jobs exemple")
    assert answer.status_code == 422
    assert field_error(answer, "name") == "Une organisation porte déjà ce nom."


def test_a_refusal_needs_a_reason_and_the_partner_reads_it(
    app: Any, owner: Any, pending_id: int, admin: Any
) -> None:
    path = f"/admin/organisations/{pending_id}/decision"
    answer = admin.post(path, data={"decision": "refuser", "reason": "  "})
    assert answer.status_code == 422
    assert "Expliquez le refus" in (field_error(answer, "decision-motif") or "")
    assert organisation_named(app, APPLICATION["name"]).status == "pending"  # type: ignore[union-attr]

    too_long = admin.post(path, data={"decision": "refuser", "reason": "x" * 501})
    assert too_long.status_code == 422
    assert organisation_named(app, APPLICATION["name"]).status == "pending"  # type: ignore[union-attr]

    reason = "Le site www.jobs.example ne mentionne pas votre organisation."
    assert admin.post(path, data={"decision": "refuser", "reason": reason}).status_code == 303
    refused = organisation_named(app, APPLICATION["name"])
    assert refused is not None and refused.status == "rejected"
    assert refused.decision_reason == reason
    assert scalar(app, select(User.role).where(User.email == DEVELOPER)) == "seeker"
    for page in (owner.get("/partenaires/"), owner.get(org_path(pending_id))):
        assert "Refusée" in page_text(page)
        assert reason in page_text(page)
    assert audit_actions(app, pending_id)[-1] == "organisation.rejected"


def test_a_forged_decision_value_is_refused(app: Any, pending_id: int, admin: Any) -> None:
    answer = admin.post(f"/admin/organisations/{pending_id}/decision", data={"decision": "oui"})
    assert answer.status_code == 400
    assert organisation_named(app, APPLICATION["name"]).status == "pending"  # type: ignore[union-attr]


def test_pending_organisations_come_first(
    app: Any, partners: Any, pending_id: int, admin: Any
) -> None:
    partners.organisation("Aaa Emplois", "aaa.example")
    body = page_text(admin.get("/admin/organisations/"))
    assert body.index(APPLICATION["name"]) < body.index("Aaa Emplois")
    assert "Organisations" in body  # the admin navigation links here


def test_a_second_decision_is_a_conflict(app: Any, pending_id: int, admin: Any) -> None:
    other_admin = browser(app, "admin2@example.org", role="admin")
    path = f"/admin/organisations/{pending_id}/decision"
    assert admin.post(path, data={"decision": "valider"}).status_code == 303
    late = other_admin.post(path, data={"decision": "refuser", "reason": "Trop tard"})
    assert late.status_code == 409
    assert "Demande déjà traitée" in page_text(late)
    assert "Validée" in page_text(late)
    assert organisation_named(app, APPLICATION["name"]).status == "approved"  # type: ignore[union-attr]


def test_two_administrators_deciding_at_once(
    app: Any, live_store: LiveStore, pending_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from emploistore.admin import partners as admin_partners

    Accounts(app, app.test_client()).create("admin@example.org", role="admin", name="A")
    Accounts(app, app.test_client()).create("admin2@example.org", role="admin", name="B")
    sessions = []
    for email in ("admin@example.org", "admin2@example.org"):
        session = requests.Session()
        answer = session.post(
            live_store.url + "/compte/connexion",
            data={"email": email, "password": PASSWORD},
            allow_redirects=False,
        )
        assert answer.status_code == 303
        sessions.append(session)

    # Both requests read the organisation as pending before either writes.
    barrier = threading.Barrier(2, timeout=10)
    load = admin_partners._organisation_or_404

    def load_then_wait(org_id: int) -> Organisation:
        found = load(org_id)
        barrier.wait()
        return found

    monkeypatch.setattr(admin_partners, "_organisation_or_404", load_then_wait)
    decisions = [
        {"decision": "valider"},
        {"decision": "refuser", "reason": "Domaine douteux"},
    ]
    results: dict[str, Any] = {}

    def decide(session: requests.Session, data: dict[str, str]) -> None:
        results[data["decision"]] = session.post(
            f"{live_store.url}/admin/organisations/{pending_id}/decision",
            data=data,
            allow_redirects=False,
        )

    threads = [
        threading.Thread(target=decide, args=pair) for pair in zip(sessions, decisions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    codes = sorted(answer.status_code for answer in results.values())
    assert codes == [303, 409], {k: v.text[:300] for k, v in results.items()}
    winner = next(k for k, v in results.items() if v.status_code == 303)
    loser = next(v for v in results.values() if v.status_code == 409)
    assert "Demande déjà traitée" in loser.text
    expected = "approved" if winner == "valider" else "rejected"
    assert organisation_named(app, APPLICATION["name"]).status == expected  # type: ignore[union-attr]
    decisions_logged = [
        action
        for action in audit_actions(app, pending_id)
        if action in ("organisation.approved", "organisation.rejected")
    ]
    assert decisions_logged == [f"organisation.{expected}"]


def test_an_admin_decision_needs_the_csrf_token(make_app: Any) -> None:
    from emploistore.partners.organisations import apply_for_organisation

    app = make_app(WTF_CSRF_ENABLED=True)
    admin = app.test_client()
    Accounts(app, admin).create("admin@example.org", role="admin", name="Admin")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        admin.get("/compte/connexion").get_data(as_text=True),
    )
    assert token
    assert (
        admin.post(
            "/compte/connexion",
            data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token[1]},
        ).status_code
        == 303
    )
    with app.app_context():
        from emploistore.accounts.services import create_user

        developer = create_user(DEVELOPER, PASSWORD)
        organisation = apply_for_organisation(
            developer, "Jobs Exemple", "https://jobs.example", ["jobs.example"], DEVELOPER
        )
        db.session.commit()
        org_id = organisation.id
    path = f"/admin/organisations/{org_id}/decision"

    forged = admin.post(path, data={"decision": "valider"})
    assert forged.status_code == 400
    assert "Le formulaire a expiré" in page_text(forged)
    assert scalar(app, select(Organisation.status).where(Organisation.id == org_id)) == "pending"

    page = admin.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert form_token
    accepted = admin.post(path, data={"decision": "valider", "csrf_token": form_token[1]})
    assert accepted.status_code == 303
    assert scalar(app, select(Organisation.status).where(Organisation.id == org_id)) == "approved"


def test_every_admin_organisation_page_needs_the_admin_role(
    app: Any, client: Any, partners: Any, pending_id: int
) -> None:
    org = partners.organisation()
    domain_id = scalar(
        app, select(OrganisationDomain.id).where(OrganisationDomain.organisation_id == org["id"])
    )
    pages = [
        ("get", "/admin/organisations/", {}),
        ("get", f"/admin/organisations/{pending_id}", {}),
        ("post", f"/admin/organisations/{pending_id}/decision", {"decision": "valider"}),
        ("post", f"/admin/organisations/{org['id']}/domaines/{domain_id}/verifier", {}),
    ]
    for method, path, data in pages:
        anonymous = getattr(app.test_client(), method)(path, data=data)
        assert anonymous.status_code == 302, path
        assert "/compte/connexion" in anonymous.headers["Location"]
    partner = browser(app, org["owner_email"], create=False)
    for method, path, data in pages:
        assert getattr(partner, method)(path, data=data).status_code == 403, path
    assert organisation_named(app, APPLICATION["name"]).status == "pending"  # type: ignore[union-attr]


def test_the_history_lists_every_event_newest_first(
    app: Any, owner: Any, approved: int, admin: Any
) -> None:
    assert owner.post(org_path(approved, "/domaines"), data={"domaine-domain": "new.example"})
    body = page_text(admin.get(f"/admin/organisations/{approved}"))
    history = body[body.index("Historique") :]
    positions = [
        history.index(label)
        for label in ("Domaine ajouté", "Organisation validée", "Demande envoyée")
    ]
    assert positions == sorted(positions)
    assert "new.example" in history


# --- who sees what -----------------------------------------------------------------------


def portal_rules(app: Any) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("portal.") and "org_id" in rule.arguments
    ]


def test_a_non_member_gets_404_on_every_organisation_page_and_action(
    app: Any, partners: Any
) -> None:
    org = partners.organisation()
    delegation = partners.client(org)
    with app.app_context():
        ids = {
            "org_id": org["id"],
            "client_id": db.session.scalar(
                select(OAuthClient.id).where(OAuthClient.client_id == delegation["client_id"])
            ),
            "member_id": db.session.scalar(
                select(Membership.id).where(Membership.organisation_id == org["id"])
            ),
            "domain_id": db.session.scalar(
                select(OrganisationDomain.id).where(OrganisationDomain.organisation_id == org["id"])
            ),
        }
    outsider = browser(app, "curieux@example.org")
    rules = portal_rules(app)
    assert len(rules) >= 8
    data = {
        **GOOD_CLIENT,
        "membre-email": "curieux@example.org",
        "membre-role": "owner",
        "domaine-domain": "pirate.example",
    }
    missing = {**ids, "org_id": 999_999}
    for rule in rules:
        for values in (ids, missing):
            path = rule.build({name: values[name] for name in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                answer = outsider.open(path, method=method, data=data)
                assert answer.status_code == 404, (method, path)
    with app.app_context():
        assert db.session.get(OAuthClient, ids["client_id"]).disabled_at is None
        assert db.session.scalar(select(func.count(Membership.id))) == 1
        assert db.session.scalar(select(func.count(OrganisationDomain.id))) == 1
    assert client_count(app) == 2


def test_a_member_who_is_not_an_owner(app: Any, owner: Any, approved: int) -> None:
    Accounts(app, app.test_client()).create("collegue@jobs.example", name="Collègue")
    added = owner.post(
        org_path(approved, "/membres"),
        data={"membre-email": "collegue@jobs.example", "membre-role": "member"},
    )
    assert added.status_code == 303
    assert scalar(app, select(User.role).where(User.email == "collegue@jobs.example")) == "partner"
    assert new_client(owner, approved).status_code == 200
    client_id = scalar(app, select(OAuthClient.id))
    owner_member = scalar(app, select(Membership.id).join(User).where(User.email == DEVELOPER))
    domain_id = scalar(app, select(OrganisationDomain.id))

    member = browser(app, "collegue@jobs.example", create=False)
    page = page_text(member.get(org_path(approved)))
    assert "Publication" in page  # sees the clients...
    assert "Ajouter une personne" not in page  # ...but manages nothing
    assert "Créer une application" not in page
    assert "Changer le secret" not in page
    assert "Quitter l'organisation" in page
    forbidden = [
        ("get", "/applications/nouvelle", {}),
        ("post", "/applications/nouvelle", GOOD_CLIENT),
        ("get", f"/applications/{client_id}/secret", {}),
        ("post", f"/applications/{client_id}/secret", {}),
        ("get", f"/applications/{client_id}/desactiver", {}),
        ("post", f"/applications/{client_id}/desactiver", {}),
        ("post", "/membres", {"membre-email": DEVELOPER, "membre-role": "owner"}),
        ("post", f"/membres/{owner_member}/retirer", {}),
        ("post", "/domaines", {"domaine-domain": "autre.example"}),
        ("post", f"/domaines/{domain_id}/retirer", {}),
    ]
    for method, rest, data in forbidden:
        answer = getattr(member, method)(org_path(approved, rest), data=data)
        assert answer.status_code == 403, (method, rest)
    assert client_count(app) == 1
    assert scalar(app, select(OAuthClient.disabled_at)) is None

    me = scalar(app, select(Membership.id).join(User).where(User.email == "collegue@jobs.example"))
    left = member.post(org_path(approved, f"/membres/{me}/retirer"))
    assert left.status_code == 303 and left.headers["Location"].endswith("/partenaires/")
    assert member.get(org_path(approved)).status_code == 404
    assert "member.removed" in audit_actions(app, approved)


def test_members_are_added_by_e_mail_and_one_owner_always_stays(
    app: Any, owner: Any, approved: int
) -> None:
    path = org_path(approved, "/membres")
    unknown = owner.post(path, data={"membre-email": "inconnu@example.org", "membre-role": "owner"})
    assert unknown.status_code == 422
    assert "doit d'abord s'inscrire" in (field_error(unknown, "membre-email") or "")
    twice = owner.post(path, data={"membre-email": DEVELOPER, "membre-role": "owner"})
    assert twice.status_code == 422
    assert "fait déjà partie" in (field_error(twice, "membre-email") or "")
    forged = owner.post(path, data={"membre-email": DEVELOPER, "membre-role": "admin"})
    assert forged.status_code == 422
    assert field_error(forged, "membre-role") == "Choisissez un rôle dans la liste."

    mine = scalar(app, select(Membership.id).join(User).where(User.email == DEVELOPER))
    refused = owner.post(org_path(approved, f"/membres/{mine}/retirer"), follow_redirects=True)
    assert "L'organisation doit garder au moins un propriétaire." in page_text(refused)
    assert scalar(app, select(func.count(Membership.id))) == 1

    Accounts(app, app.test_client()).create("associe@jobs.example", name="Associé")
    owner.post(path, data={"membre-email": "associe@jobs.example", "membre-role": "owner"})
    assert owner.post(org_path(approved, f"/membres/{mine}/retirer")).status_code == 303
    roles = scalar(app, select(func.count(Membership.id)).where(Membership.role == "owner"))
    assert roles == 1
    assert owner.get(org_path(approved)).status_code == 404


# --- domains -------------------------------------------------------------------------------


def test_a_domain_added_later_waits_for_an_administrator(
    app: Any, owner: Any, approved: int, admin: Any
) -> None:
    added = owner.post(org_path(approved, "/domaines"), data={"domaine-domain": "Emplois.Example"})
    assert added.status_code == 303
    assert "en attente de vérification" in page_text(owner.get(org_path(approved)))
    refused = new_client(
        owner,
        approved,
        scopes=["openid"],
        redirect_uris="https://app.emplois.example/retour",
    )
    assert refused.status_code == 422
    assert "n'est pas un domaine vérifié" in (field_error(refused, "redirect_uris") or "")

    bad = owner.post(org_path(approved, "/domaines"), data={"domaine-domain": "pas_un domaine"})
    assert bad.status_code == 422
    assert "n'est pas un nom de domaine valide" in (field_error(bad, "domaine-domain") or "")

    row = scalar(
        app, select(OrganisationDomain.id).where(OrganisationDomain.domain == "emplois.example")
    )
    verify = f"/admin/organisations/{approved}/domaines/{row}/verifier"
    assert admin.post(verify).status_code == 303
    assert "était déjà vérifié" in page_text(admin.post(verify, follow_redirects=True))
    assert audit_actions(app, approved).count("domain.verified") == 1
    accepted = new_client(
        owner,
        approved,
        scopes=["openid"],
        redirect_uris="https://app.emplois.example/retour",
    )
    assert accepted.status_code == 200

    removed = owner.post(org_path(approved, f"/domaines/{row}/retirer"), follow_redirects=True)
    assert "Un domaine vérifié ne peut pas être retiré" in page_text(removed)
    assert scalar(app, select(OrganisationDomain.id).where(OrganisationDomain.id == row)) == row


def test_a_waiting_domain_can_be_withdrawn(app: Any, owner: Any, approved: int) -> None:
    owner.post(org_path(approved, "/domaines"), data={"domaine-domain": "coquille.example"})
    row = scalar(
        app, select(OrganisationDomain.id).where(OrganisationDomain.domain == "coquille.example")
    )
    assert owner.post(org_path(approved, f"/domaines/{row}/retirer")).status_code == 303
    assert scalar(app, select(OrganisationDomain.id).where(OrganisationDomain.id == row)) is None
    assert "domain.removed" in audit_actions(app, approved)


# --- OAuth clients -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://app.jobs.example/retour", "doit commencer par https://"),
        ("https://192.0.2.10/retour", "pas une adresse IP"),
        ("https://[2001:db8::1]/retour", "pas une adresse IP"),
        ("https://moi:secret@app.jobs.example/retour", "ni de mot de passe"),
        ("https://app.ailleurs.example/retour", "n'est pas un domaine vérifié"),
        ("https://jobs.example.evil.example/retour", "n'est pas un domaine vérifié"),
        ("https://app.jobs.example/retour#fragment", "fragment"),
        ("https://app.jobs.example:8443/retour", "port"),
    ],
)
def test_bad_redirect_uris_are_refused_next_to_the_field(
    app: Any, owner: Any, approved: int, uri: str, message: str
) -> None:
    answer = new_client(
        owner,
        approved,
        scopes=["openid", "profile"],
        redirect_uris=f"https://app.jobs.example/ok\n{uri}",
    )
    assert answer.status_code == 422
    error = field_error(answer, "redirect_uris") or ""
    assert message in error and uri in error
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)
    assert client_count(app) == 0
    assert "client.created" not in audit_actions(app, approved)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scopes": []}, "scopes", "Choisissez au moins une autorisation."),
        ({"scopes": ["services:write", "admin"]}, "scopes", "Autorisation inconnue : admin."),
        ({"kind": "publique"}, "scopes", "Seule une application confidentielle"),
        ({"scopes": ["openid"]}, "redirect_uris", "Indiquez au moins une adresse de retour"),
        ({"kind": "autre"}, "kind", "Choisissez le type d'application."),
        ({"name": ""}, "name", "Indiquez le nom de l'application."),
        ({"initiate_login_uri": "http://jobs.example/login"}, "initiate_login_uri", "https://"),
    ],
)
def test_other_client_mistakes_are_refused(
    app: Any, owner: Any, approved: int, changes: dict[str, Any], field: str, message: str
) -> None:
    answer = new_client(owner, approved, **changes)
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    if field in ("scopes", "kind"):
        shown = re.search(r'<p class="error" id="(?:autorisations|type)-erreur">(.*?)</p>', body)
        assert shown and message in html.unescape(shown[1])
    else:
        assert message in (field_error(answer, field) or "")
    assert client_count(app) == 0


def test_only_an_approved_organisation_creates_clients(
    app: Any, owner: Any, pending_id: int
) -> None:
    form = page_text(owner.get(org_path(pending_id, "/applications/nouvelle")))
    assert "Vous pourrez créer des applications une fois l'organisation validée." in form
    assert 'name="scopes"' not in form
    answer = new_client(owner, pending_id)
    assert answer.status_code == 422
    assert "L'organisation n'est pas encore validée." in page_text(answer)
    assert client_count(app) == 0


def test_the_secret_is_shown_once_stored_hashed_and_works(
    app: Any, owner: Any, approved: int
) -> None:
    form = owner.get(org_path(approved, "/applications/nouvelle"))
    assert form.status_code == 200
    assert "Publier et modifier les services de l'organisation" in page_text(form)
    answer = new_client(owner, approved)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    client_id, secret = credentials(answer)
    assert secret and len(secret) >= 40
    assert "Copiez le secret maintenant" in page_text(answer)

    # Never again: not on the organisation page, the form, the dashboard, nor the session.
    for path in (org_path(approved), org_path(approved, "/applications/nouvelle"), "/partenaires/"):
        assert secret not in owner.get(path).get_data(as_text=True)
    assert client_id in owner.get(org_path(approved)).get_data(as_text=True)
    cookie = owner.get_cookie(app.config["SESSION_COOKIE_NAME"])
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert secret not in repr(session)
    assert secret not in answer.headers.get("Location", "")

    with app.app_context():
        row = db.session.execute(
            text("SELECT * FROM oauth_client WHERE client_id = :id"), {"id": client_id}
        ).one()
    assert secret not in repr(tuple(row))
    with app.app_context():
        audit = db.session.execute(text("SELECT * FROM audit_event")).all()
    assert audit and secret not in repr(audit)
    assert row._mapping["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row._mapping["scope"] == "services:write stats:read"
    assert row._mapping["confidential"]

    token = token_answer(app, client_id, secret)
    assert token.status_code == 200, token.get_data(as_text=True)
    assert token.get_json()["scope"] == "services:write stats:read"
    assert token_answer(app, client_id, secret + "x").status_code == 401


def test_rotating_the_secret_refuses_the_old_one(app: Any, owner: Any, approved: int) -> None:
    client_id, old = credentials(new_client(owner, approved))
    assert old
    row = client_row_id(app, client_id)
    path = org_path(approved, f"/applications/{row}/secret")
    confirm = owner.get(path)
    assert confirm.status_code == 200
    assert "L'ancien ne marchera plus" in page_text(confirm)
    assert token_answer(app, client_id, old).status_code == 200  # nothing changed yet

    rotated = owner.post(path)
    assert rotated.status_code == 200
    assert rotated.headers["Cache-Control"] == "no-store"
    same_id, new = credentials(rotated)
    assert same_id == client_id and new and new != old
    refused = token_answer(app, client_id, old)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "invalid_client"
    assert token_answer(app, client_id, new).status_code == 200
    assert new not in owner.get(org_path(approved)).get_data(as_text=True)
    assert "client.secret_rotated" in audit_actions(app, approved)


def test_a_public_client_has_no_secret(app: Any, owner: Any, approved: int) -> None:
    answer = new_client(
        owner,
        approved,
        name="Appli mobile",
        kind="publique",
        scopes=["openid", "email"],
        redirect_uris="https://app.jobs.example/retour",
    )
    assert answer.status_code == 200
    client_id, secret = credentials(answer)
    assert secret is None
    assert "elle n'a pas de secret" in page_text(answer)
    assert scalar(app, select(OAuthClient.secret_hash)) is None
    row = client_row_id(app, client_id)
    page = page_text(owner.get(org_path(approved)))
    assert "Publique (sans secret)" in page
    assert "https://app.jobs.example/retour" in page
    assert "Connaître votre adresse e-mail" in page
    rotate = owner.get(org_path(approved, f"/applications/{row}/secret"), follow_redirects=True)
    assert "Une application publique n'a pas de secret." in page_text(rotate)


def user_access_token(app: Any, client_id: str, secret: str, redirect_uri: str) -> str:
    """A job seeker's consent through /oauth/authorize (PKCE S256), then the code exchange."""
    seeker = browser(app, "lea@example.org")
    verifier = "v" * 64
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile",
            "state": "etat",
            "nonce": "nonce",
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    assert seeker.get("/oauth/authorize?" + query).status_code == 200
    answer = seeker.post("/oauth/authorize?" + query, data={"decision": "accept"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = app.test_client().post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
    )
    assert token.status_code == 200, token.get_data(as_text=True)
    return token.get_json()["access_token"]


def test_disabling_a_client_stops_its_tokens(app: Any, owner: Any, approved: int) -> None:
    redirect_uri = "https://app.jobs.example/retour"
    client_id, secret = credentials(
        new_client(
            owner,
            approved,
            name="Service complet",
            scopes=["services:write", "openid", "profile"],
            redirect_uris=redirect_uri,
        )
    )
    assert secret
    publishing = token_answer(app, client_id, secret).get_json()["access_token"]
    delegated = user_access_token(app, client_id, secret, redirect_uri)
    bearer = {"Authorization": f"Bearer {delegated}"}
    assert app.test_client().get("/oauth/userinfo", headers=bearer).status_code == 200

    row = client_row_id(app, client_id)
    path = org_path(approved, f"/applications/{row}/desactiver")
    confirm = owner.get(path)
    assert confirm.status_code == 200 and "C'est définitif" in page_text(confirm)
    assert owner.post(path).status_code == 303

    assert app.test_client().get("/oauth/userinfo", headers=bearer).status_code == 401
    refused = token_answer(app, client_id, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_client"
    with app.app_context():
        revoked = db.session.scalars(
            select(OAuthToken.revoked_at).where(OAuthToken.client_id == row)
        ).all()
        assert len(revoked) == 2 and all(revoked)
        hashed = hashlib.sha256(publishing.encode()).hexdigest()
        assert db.session.scalar(
            select(OAuthToken.revoked_at).where(OAuthToken.access_hash == hashed)
        )
    page = page_text(owner.get(org_path(approved)))
    assert "Désactivée le" in page
    assert owner.post(path, follow_redirects=True).status_code == 200  # nothing left to do
    assert audit_actions(app, approved).count("client.disabled") == 1


def test_clients_of_another_organisation_are_not_found(
    app: Any, owner: Any, approved: int, partners: Any
) -> None:
    other = partners.organisation()
    foreign = scalar(
        app,
        select(OAuthClient.id).where(OAuthClient.client_id == other["client_id"]),
    )
    for rest in (f"/applications/{foreign}/secret", f"/applications/{foreign}/desactiver"):
        assert owner.get(org_path(approved, rest)).status_code == 404
        assert owner.post(org_path(approved, rest)).status_code == 404
    assert token_answer(app, other["client_id"], other["client_secret"]).status_code == 200


# --- listings and their review ----------------------------------------------------------


def test_listings_show_their_latest_review_decision(app: Any, owner: Any, approved: int) -> None:
    with app.app_context():
        theme_id = db.session.scalar(select(Theme.id).limit(1))
        listing = Listing(
            slug="coaching-jobs",
            name="Coaching Jobs",
            promise="Un coach pour votre recherche",
            theme_id=theme_id,
            organisation_id=approved,
            status="draft",
        )
        db.session.add(listing)
        db.session.flush()
        db.session.add_all(
            [
                ListingRevision(
                    listing_id=listing.id,
                    number=1,
                    manifest={},
                    state="rejected",
                    decided_at=utcnow(),
                    reason="La description promet un emploi garanti.",
                ),
                ListingRevision(listing_id=listing.id, number=2, manifest={}, state="pending"),
            ]
        )
        db.session.commit()
    page = page_text(owner.get(org_path(approved)))
    services = page[page.index('id="services"') :]
    assert "Coaching Jobs" in services
    assert "Pas encore en ligne" in services
    assert "Version 2 : en attente de relecture" in services
    assert "Version 1 refusée le" in services
    assert "Motif : La description promet un emploi garanti." in services
    assert 'href="/api/v1/openapi.json"' in services
