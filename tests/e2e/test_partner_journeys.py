"""Partner journeys in a real browser: publishing through review, and a seeker's consent.

The partner's side is what a partner's server does (HTTP calls to the API with `requests`);
the administrator and the job seeker use the browser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.e2e.helpers import (
    PARTNER_PAGE,
    PARTNER_URL,
    VIEWPORT_NAMES,
    expect,
    log_in,
    register,
    snap,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

    from tests.e2e.conftest import NewContext, Store


def run_cli(store: Store, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "emploistore", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=store.env,
        cwd=store.workdir,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def new_partner(store: Store, label: str) -> dict[str, Any]:
    """An approved organisation on its own .example domain, made with the CLI."""
    owner = store.account(f"{label}-owner", "partner")
    domain = f"p{uuid.uuid4().hex[:8]}.example"
    out = run_cli(
        store,
        "partner",
        "create",
        f"Partenaire {domain}",
        "--domain",
        domain,
        "--owner",
        owner.email,
    )
    credentials = json.loads(out)
    token = requests.post(
        store.url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
        timeout=30,
    ).json()["access_token"]
    return {**credentials, "domain": domain, "auth": {"Authorization": f"Bearer {token}"}}


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_partner_publishes_and_an_administrator_approves(
    new_context: NewContext, store: Store, viewport: str
) -> None:
    partner = new_partner(store, f"publisher-{viewport}")
    name = f"Atelier CV {uuid.uuid4().hex[:6]}"
    created = requests.post(
        store.url + "/api/v1/partner/listings",
        json={
            "name": name,
            "promise": "Faites relire votre CV par un conseiller en moins de 48 heures.",
            "description": "Un conseiller **relit** votre CV et vous répond par écrit.",
            "theme": "preparer-sa-candidature",
            "launch_url": f"https://www.{partner['domain']}/atelier",
        },
        headers=partner["auth"],
        timeout=30,
    )
    assert created.status_code == 201, created.text
    listing = created.json()
    base = f"{store.url}/api/v1/partner/listings/{listing['id']}"
    assert requests.post(base + "/submit", headers=partner["auth"], timeout=30).ok

    page = new_context(viewport).new_page()
    page.goto(f"/services/{listing['slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    log_in(page, store.account("admin"))
    page.goto("/admin/revue/")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Relire « {name} »")
    expect(page.get_by_text("Contenu proposé (nouveau service)")).to_be_visible()
    snap(page, "admin-review", viewport)
    page.get_by_label("Approuver et publier").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Votre décision est enregistrée")).to_be_visible()

    page.goto(f"/services/{listing['slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text("Faites relire votre CV")).to_be_visible()
    snap(page, "partner-service-published", viewport)
    decided = requests.get(base, headers=partner["auth"], timeout=30).json()
    assert decided["status"] == "published"
    assert decided["revision"]["state"] == "approved"


def delegation_client(store: Store, partner: dict[str, Any]) -> dict[str, str]:
    """A confidential client with a redirect URI, made through the store's own services."""
    script = (
        "import json\n"
        "from emploistore import create_app\n"
        "from emploistore.database import db\n"
        "from emploistore.catalog.models import Organisation\n"
        "from emploistore.partners.clients import create_client\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    org = db.session.query(Organisation).filter_by(slug=SLUG).one()\n"
        "    new = create_client(org, None, 'Appli Partenaire', redirect_uris=[URI],\n"
        "                        scope='openid profile email favorites:read')\n"
        "    db.session.commit()\n"
        "    print(json.dumps({'client_id': new.client.client_id,\n"
        "                      'client_secret': new.secret}))\n"
    )
    redirect_uri = f"https://app.{partner['domain']}/callback"
    script = f"SLUG = {partner['organisation']!r}\nURI = {redirect_uri!r}\n" + script
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=store.env,
        cwd=store.workdir,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    client = json.loads(done.stdout.strip().splitlines()[-1])
    return {**client, "redirect_uri": f"https://app.{partner['domain']}/callback"}


class ConsentAnswers:
    """The consent form answers with a 302 to the partner: record it, show a stub page."""

    def __init__(self, page: Page) -> None:
        self.locations: list[str] = []
        page.route("**/oauth/authorize?**", self._handle)

    def _handle(self, route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        self.locations.append(location)
        if PARTNER_URL.match(location):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PARTNER_PAGE)
        else:
            route.fulfill(response=response)


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_seeker_consents_then_revokes_a_partner_application(
    new_context: NewContext, store: Store, viewport: str
) -> None:
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    partner = new_partner(store, f"delegating-{viewport}")
    client = delegation_client(store, partner)
    verifier = generate_token(64)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["client_id"],
            "redirect_uri": client["redirect_uri"],
            "scope": "openid email favorites:read",
            "state": "etat-123",
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    page = new_context(viewport).new_page()
    register(page, f"consent-{viewport}", name="Léa")
    answers = ConsentAnswers(page)
    page.goto("/oauth/authorize?" + query)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "« Appli Partenaire » demande l'accès à votre compte"
    )
    expect(page.get_by_text("Connaître votre adresse e-mail")).to_be_visible()
    expect(page.get_by_text("Voir la liste de vos services favoris")).to_be_visible()
    snap(page, "oauth-consent", viewport)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Site partenaire")
    assert len(answers.locations) == 1
    back = urlsplit(answers.locations[0])
    params = parse_qs(back.query)
    assert f"{back.scheme}://{back.netloc}{back.path}" == client["redirect_uri"]
    assert params["state"] == ["etat-123"] and params["iss"] == [store.url]

    token = requests.post(
        store.url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": client["redirect_uri"],
            "code_verifier": verifier,
        },
        auth=(client["client_id"], client["client_secret"]),
        timeout=30,
    ).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert requests.get(store.url + "/api/v1/me/favorites", headers=bearer, timeout=30).ok

    page.goto("/compte/applications")
    expect(page.get_by_role("heading", name="Appli Partenaire")).to_be_visible()
    snap(page, "connected-apps", viewport)
    page.get_by_role("button", name=re.compile("Retirer l'accès de Appli Partenaire")).click()
    expect(page.get_by_text("Aucun service partenaire n'a accès à votre compte.")).to_be_visible()
    revoked = requests.get(store.url + "/api/v1/me/favorites", headers=bearer, timeout=30)
    assert revoked.status_code == 401
