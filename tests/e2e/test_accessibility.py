"""axe-core on every kind of page, at both viewports; serious or critical violations fail.

Each audited page is also saved as a full-page screenshot in tests/e2e/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    VIEWPORT_NAMES,
    answer_interview_step,
    axe_violations,
    describe,
    expect,
    log_in,
    open_context,
    register,
    snap,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.e2e.conftest import Store

WITH_REVIEWS = "metiers-en-video"  # a partner listing with demo reviews
BUILTIN = "simulateur-d-entretien"  # a built-in listing: launching it stays on the store
COURSE = "reussir-son-entretien-d-embauche"


@dataclass
class Audit:
    """Three people at one viewport: a visitor, a job seeker and an administrator."""

    viewport: str
    visitor: Page
    seeker: Page
    admin: Page
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        """Screenshot the page, run axe-core on it and note what fails."""
        page.wait_for_load_state()
        snap(page, name, self.viewport)
        found = axe_violations(page)
        if found:
            self.problems.append(describe(f"{name} at {self.viewport}", page.url, found))

    def verdict(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)


@pytest.fixture(scope="module", params=VIEWPORT_NAMES)
def audit(request: pytest.FixtureRequest, browser: Browser, store: Store) -> Iterator[Audit]:
    viewport = request.param
    # bypass_csp: axe.min.js goes in as an inline script, which the store's CSP refuses
    # (rightly: it allows none). Only these audit contexts lift the CSP; the journeys
    # run under it.
    contexts = [open_context(browser, store.url, viewport, bypass_csp=True) for _ in range(3)]
    visitor, seeker, admin = (context.new_page() for context in contexts)

    register(seeker, f"a11y-{viewport}", name=f"Audit {viewport}")
    seeker.goto(f"/services/{WITH_REVIEWS}")
    seeker.get_by_role("button", name="Ajouter à mes services").click()
    seeker.get_by_role("button", name="Signaler cet avis").first.click()  # for /admin/avis
    seeker.goto(f"/services/{BUILTIN}")
    seeker.get_by_role("button", name="Ouvrir le service").click()  # reviews need a launch
    expect(seeker).to_have_url(re.compile(r"/interview-sim/$"))
    log_in(admin, store.account("admin", role="admin"))

    yield Audit(viewport, visitor, seeker, admin, contexts)
    for context in contexts:
        context.close()


def visit(who: str, path: str) -> Callable[[Audit], Page]:
    def go(audit: Audit) -> Page:
        page: Page = getattr(audit, who)
        page.goto(path)
        return page

    return go


def register_with_errors(audit: Audit) -> Page:
    page = audit.visitor
    page.goto("/compte/inscription")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_label("Mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    return page


def admin_theme_edit(audit: Audit) -> Page:
    page = audit.admin
    page.goto("/admin/themes")
    page.get_by_role("link", name=re.compile(r"^Renommer")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Renommer")
    return page


PAGES: dict[str, Callable[[Audit], Page]] = {
    "home": visit("visitor", "/"),
    "theme": visit("visitor", "/themes/choisir-un-metier"),
    "sub-theme-filtered": visit("visitor", "/themes/decouvrir-des-metiers?gratuit=1&tri=note"),
    "service": visit("visitor", f"/services/{WITH_REVIEWS}"),
    "search-results": visit("visitor", "/recherche?q=entretien"),
    "search-no-results": visit("visitor", "/recherche?q=xqzwvkj"),
    "search-empty": visit("visitor", "/recherche"),
    "login": visit("visitor", "/compte/connexion"),
    "register-errors": register_with_errors,
    "not-found": visit("visitor", "/cette-page-n-existe-pas"),
    "certificate-verification": visit("visitor", "/mooc-player/certificats/ABCD-EFGH-JKMN"),
    "home-signed-in": visit("seeker", "/"),
    "service-signed-in": visit("seeker", f"/services/{WITH_REVIEWS}"),
    "account": visit("seeker", "/compte"),
    "account-delete": visit("seeker", "/compte/supprimer"),
    "favourites": visit("seeker", "/mes-services"),
    "review-form": visit("seeker", f"/services/{BUILTIN}/avis"),
    "review-refused": visit("seeker", "/services/fiches-metiers-onisep/avis"),
    "admin-dashboard": visit("admin", "/admin/"),
    "admin-themes": visit("admin", "/admin/themes"),
    "admin-theme-edit": admin_theme_edit,
    "admin-listings": visit("admin", "/admin/services"),
    "admin-reviews": visit("admin", "/admin/avis"),
    "admin-plugins": visit("admin", "/admin/plugins"),
    "admin-users": visit("admin", "/admin/utilisateurs"),
    "admin-mooc": visit("admin", "/mooc-player/admin"),
    "interview-index-visitor": visit("visitor", "/interview-sim/"),
    "mooc-index-visitor": visit("visitor", "/mooc-player/"),
    "mooc-course-visitor": visit("visitor", f"/mooc-player/cours/{COURSE}"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(audit: Audit, name: str) -> None:
    page = PAGES[name](audit)
    audit.check(page, name)
    audit.verdict()


def test_interview_simulator_pages(audit: Audit) -> None:
    """The index, every kind of step met in a short session, and the report."""
    page = audit.seeker
    page.goto("/interview-sim/")
    page.get_by_label(re.compile(r"^Entretien court")).check()
    page.get_by_role("button", name="Commencer").click()
    seen: set[str] = set()
    for _ in range(40):
        if page.url.endswith("/bilan"):
            break
        if page.locator("input[name=option]").count():
            kind = "incident" if page.locator("h1 .badge").count() else "choice"
        elif page.locator("textarea#text").count():
            kind = "open"
        else:
            kind = "open-rating"
        if kind not in seen:
            seen.add(kind)
            audit.check(page, f"interview-step-{kind}")
        answer_interview_step(page)
    else:
        pytest.fail(f"the session never reached its report; still on {page.url}")
    audit.check(page, "interview-report")
    page.goto("/interview-sim/")  # now with a history table
    audit.check(page, "interview-index")
    audit.verdict()


def test_mooc_pages(audit: Audit) -> None:
    """Index, course before and after enrolling, a lesson, a quiz and its result."""
    page = audit.seeker
    page.goto("/mooc-player/")
    audit.check(page, "mooc-index")
    page.goto(f"/mooc-player/cours/{COURSE}")
    audit.check(page, "mooc-course")
    page.get_by_role("button", name="S'inscrire gratuitement et commencer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("À quoi sert un entretien ?")
    audit.check(page, "mooc-lesson")
    page.get_by_role("button", name=re.compile(r"^J'ai terminé cette leçon")).click()
    page.goto(f"/mooc-player/cours/{COURSE}")
    audit.check(page, "mooc-course-enrolled")
    page.goto(f"/mooc-player/cours/{COURSE}/m1-quiz")
    audit.check(page, "mooc-quiz")
    for question in page.locator("form fieldset").all():
        question.locator("input").first.check()
    page.get_by_role("button", name="Valider mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("votre résultat")
    audit.check(page, "mooc-quiz-result")
    audit.verdict()


def test_partner_and_oauth_pages(audit: Audit, store: Store) -> None:
    """The review queue and a submission, the consent screen, connected apps, OAuth errors."""
    import uuid
    from urllib.parse import urlencode

    import requests

    from tests.e2e.test_partner_journeys import ConsentAnswers, delegation_client, new_partner

    partner = new_partner(store, f"a11y-{audit.viewport}")
    name = f"Service audité {uuid.uuid4().hex[:6]}"
    created = requests.post(
        store.url + "/api/v1/partner/listings",
        json={
            "name": name,
            "promise": "Un service partenaire pour l'audit d'accessibilité.",
            "description": "Ligne une.\n\nLigne deux.",
            "theme": "preparer-sa-candidature",
            "launch_url": f"https://www.{partner['domain']}/",
        },
        headers=partner["auth"],
        timeout=30,
    ).json()
    requests.post(
        f"{store.url}/api/v1/partner/listings/{created['id']}/submit",
        headers=partner["auth"],
        timeout=30,
    )
    admin = audit.admin
    admin.goto("/admin/revue/")
    audit.check(admin, "admin-review-queue")
    admin.get_by_role("link", name=name).click()
    audit.check(admin, "admin-review-detail")
    admin.get_by_role("button", name="Enregistrer la décision").click()  # no decision chosen
    expect(admin.get_by_text("Choisissez une décision.")).to_be_visible()
    audit.check(admin, "admin-review-detail-errors")

    client = delegation_client(store, partner)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["client_id"],
            "redirect_uri": client["redirect_uri"],
            "scope": "openid email",
            "state": "s",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        }
    )
    seeker = audit.seeker
    ConsentAnswers(seeker)
    seeker.goto("/oauth/authorize?" + query)
    audit.check(seeker, "oauth-consent")
    seeker.get_by_role("button", name="Accepter").click()
    expect(seeker.get_by_role("heading", level=1)).to_have_text("Site partenaire")
    seeker.goto("/compte/applications")
    audit.check(seeker, "connected-apps")
    seeker.goto("/oauth/authorize?client_id=inconnu&response_type=code")
    audit.check(seeker, "oauth-error")
    audit.verdict()
