"""What the browser tests share: the browser's settings, logging in, screenshots, axe-core."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fixtures import PASSWORD

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError:  # without the driver the test modules still import, so that
    # `-m 'not e2e'` runs the rest; the browser fixture then fails with what to install.

    class PlaywrightTimeoutError(Exception):  # type: ignore[no-redef]
        pass

    def expect(*_args: Any, **_kwargs: Any) -> Any:  # type: ignore[no-redef]
        raise RuntimeError("the Playwright driver is not installed")


if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

    from tests.e2e.conftest import Account

__all__ = ["PASSWORD", "PlaywrightTimeoutError", "expect"]

E2E_DIR = Path(__file__).parent
ARTIFACTS = E2E_DIR / "artifacts"
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Belt and braces for "never go out": no host name resolves, so whatever the pages or
    # the browser itself ask for, only 127.0.0.1 (an address, not a name) can be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
VIEWPORT_NAMES = list(VIEWPORTS)

# Partner services live on https://….example sites; the tests show this page instead.
PARTNER_URL = re.compile(r"^https://[^/]+\.example(/|$)")
PARTNER_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Site partenaire</title>'
    "</head><body><h1>Site partenaire</h1><p>Page de test : le vrai site n'est pas appelé.</p>"
    "</body></html>"
)
IMPACTS_THAT_FAIL = ("serious", "critical")


def guard_network(context: BrowserContext, origin: str) -> None:
    """Serve partner sites from a stub and refuse anything else that is not the store."""
    outside = re.compile(rf"^(?!{re.escape(origin)}/)[a-z]+://")

    def handle(route: Route) -> None:
        if PARTNER_URL.match(route.request.url):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PARTNER_PAGE)
        else:
            route.abort("blockedbyclient")

    context.route(outside, handle)


def open_context(
    browser: Browser, origin: str, viewport: str = "desktop", **options: Any
) -> BrowserContext:
    """A browser context on the store at a named viewport, French, kept on 127.0.0.1.

    ``javascript=False`` turns JavaScript off; ``bypass_csp=True`` is only for the
    accessibility audit (see axe_violations).
    """
    javascript = options.pop("javascript", True)
    context = browser.new_context(
        base_url=origin,
        viewport=VIEWPORTS[viewport],
        locale="fr-FR",
        timezone_id="Europe/Paris",
        java_script_enabled=javascript,
        **options,
    )
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(20_000)
    guard_network(context, origin)
    return context


class PartnerLaunches:
    """Intercept "Ouvrir le service" of partner listings on a page.

    The store answers the launch form with a 303 to the partner's https site. Playwright's
    routes never see the target of a redirect, so the launch request itself is routed: it
    goes to the store for real (the launch is recorded, with the browser's cookies and
    headers), the 303 is checked, and the navigation is fulfilled with a stub page instead
    of following the redirect out.
    """

    def __init__(self, page: Page) -> None:
        self.redirects: list[tuple[int, str]] = []
        page.route("**/services/*/lancer", self._handle)

    def _handle(self, route: Route) -> None:
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        self.redirects.append((response.status, location))
        if response.status == 303 and PARTNER_URL.match(location):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PARTNER_PAGE)
        else:
            route.fulfill(response=response)


def log_in(page: Page, account: Account) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/compte/connexion" not in url)


def register(page: Page, label: str, name: str = "") -> str:
    """Create an account through the registration form (it logs in); its e-mail."""
    email = f"{label}-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/compte/inscription")
    page.get_by_label("Adresse e-mail").fill(email)
    if name:
        page.get_by_label("Prénom ou pseudonyme (facultatif)").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(lambda url: "/compte/inscription" not in url)
    return email


def answer_interview_step(page: Page) -> None:
    """Answer the step shown: first option of a choice; a sentence, a point and a rating."""
    options = page.locator("input[name=option]")
    if options.count():
        options.first.check()
        page.get_by_role("button", name="Valider ma réponse").click()
    elif page.locator("textarea#text").count():
        page.get_by_label("Votre réponse", exact=True).fill(
            "J'ai trois ans d'expérience en magasin et j'aime conseiller les clients."
        )
        page.get_by_role("button", name="Voir la réponse modèle").click()
    else:
        points = page.locator("input[name=checklist]")
        if points.count():
            points.first.check()
        page.locator("input[name=rating]").first.check()
        page.get_by_role("button", name="Question suivante").click()
    page.wait_for_load_state()


def snap(page: Page, name: str, viewport: str) -> Path:
    """A full-page screenshot in tests/e2e/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{viewport}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page; its serious and critical violations.

    axe.min.js is added as a script element with inline content, which the store's CSP
    (script-src 'self', no inline script) rightly refuses: the audit runs in a context
    made with ``bypass_csp=True``, and only the audit does.
    """
    page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in violations if v.get("impact") in IMPACTS_THAT_FAIL]


def describe(where: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where} ({url}):"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)
