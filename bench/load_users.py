"""The virtual users of bench/load.py: what a signed-in job seeker does, and its figures."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from loadgen import (
    CookieJar,
    Response,
    build_request,
    require_loopback,
    rotate,
    send,
)

LOCKED = b"database is locked"


FORM_TYPE = "application/x-www-form-urlencoded"


ACCOUNT_PASSWORD = "charge-de-test-2024"  # noqa: S105 - throwaway accounts of a temp store
ACTION_WEIGHTS = {
    "browse": 52,
    "search": 13,
    "api": 5,
    "favourite": 10,
    "launch": 8,
    "review": 7,
    "login": 5,
}


# step key → (action, request as shown in the table); the table follows this order.
STEPS = {
    "home": ("browse", "GET /"),
    "theme": ("browse", "GET /themes/<slug>"),
    "service": ("browse", "GET /services/<slug>"),
    "search": ("search", "GET /recherche?q=…"),
    "api": ("api", "GET /api/v1/services?q=…"),
    "favourite-page": ("favourite", "GET /services/<slug> (for the token)"),
    "favourite-post": ("favourite", "POST /services/<slug>/favori"),
    "launch": ("launch", "POST /services/<slug>/lancer"),
    "review-form": ("review", "GET /services/<slug>/avis"),
    "review-post": ("review", "POST /services/<slug>/avis"),
    "login-form": ("login", "GET /compte/connexion"),
    "login-post": ("login", "POST /compte/connexion"),
}


SEARCH_QUERIES = [
    "cv",
    "entretien d'embauche",
    "entretein",  # typo
    "métier",
    "metier",  # no accent
    "infirmière",
    "infirmiere",
    "infirmire",  # typo
    "lettre de motivation",
    "letre de motivaton",  # typos
    "créer son entreprise",
    "creer entreprise",
    "alternance",
    "alternace",  # typo
    "formation à distance",
    "formaton",  # typo
    "handicap",
    "reconversion professionnelle",
    "offres cadres",
    "travailler en europe",
    "aide-soignante",
    "développeur web",
    "developpeur",
    "anglais professionnel",
]


REVIEW_TEXTS = [
    "Très utile pour préparer mes entretiens, merci.",
    "Clair et rapide. J'aurais aimé plus d'exemples pour mon métier.",
    "Pas mal, mais la page met du temps à s'afficher sur mon téléphone.",
    "",
    "Le service m'a aidée à refaire mon CV : deux entretiens depuis !",
    "Bof, les offres ne correspondent pas à ma région.",
    "Simple à utiliser, même sans être à l'aise avec l'informatique.",
]


TOKEN_PATTERNS = (
    re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"'),
    re.compile(rb'value="([^"]+)"[^>]*?name="csrf_token"'),
)


TITLE_PATTERN = re.compile(rb"<title>(.*?)</title>", re.DOTALL)


@dataclass
class StepStats:
    """One kind of request: how many, which failed and how, and their latencies."""

    requests: int = 0
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list, repr=False)

    def add_error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] += 1

    def merged(self, other: StepStats) -> StepStats:
        return StepStats(
            self.requests + other.requests,
            self.errors + other.errors,
            self.error_kinds + other.error_kinds,
            self.latencies + other.latencies,
        )


@dataclass
class Account:
    email: str
    launched: set[str] = field(default_factory=set)
    favourites: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Catalogue:
    themes: list[str]
    services: list[str]


def csrf_token_in(body: bytes) -> str | None:
    """The value of the page's hidden ``csrf_token`` input, if it has one."""
    for pattern in TOKEN_PATTERNS:
        found = pattern.search(body)
        if found:
            return found.group(1).decode("ascii", "replace")
    return None


def describe(response: Response) -> str:
    """A short text of an unexpected answer, to show what went wrong."""
    found = TITLE_PATTERN.search(response.body)
    text = found.group(1) if found else response.body[:300]
    return " ".join(text.decode("utf-8", "replace").split())


class Load:
    """Shared state of one load run: the target, the bounds and the figures."""

    def __init__(
        self,
        host: str,
        port: int,
        catalogue: Catalogue,
        *,
        seconds: float,
        max_requests: int,
        timeout: float,
    ) -> None:
        require_loopback(host)
        self.host = host
        self.port = port
        self.origin = f"http://{host}:{port}"
        self.catalogue = catalogue
        self.max_requests = max_requests
        self.timeout = timeout
        self.steps = {key: StepStats() for key in STEPS}
        self.actions: Counter[str] = Counter()
        self.status_5xx: Counter[int] = Counter()
        self.locked_answers = 0
        self.error_samples: dict[str, str] = {}
        self.sent = 0
        self.start = time.perf_counter()
        self.deadline = self.start + seconds
        self.last_end = self.start
        searches = [urlencode({"q": query}) for query in SEARCH_QUERIES]
        self.search_paths = rotate([f"/recherche?{query}" for query in searches])
        self.api_paths = rotate([f"/api/v1/services?{query}" for query in searches])

    def may_go_on(self) -> bool:
        return time.perf_counter() < self.deadline and self.sent < self.max_requests

    async def request(
        self,
        step: str,
        method: str,
        path: str,
        jar: CookieJar,
        expected: int,
        form: dict[str, str] | None = None,
    ) -> Response | None:
        """Send one request as a client with ``jar``; the response if it was as expected."""
        headers = {}
        cookies = jar.header()
        if cookies:
            headers["Cookie"] = cookies
        body = b""
        if form is not None:
            body = urlencode(form).encode("ascii")
            headers["Content-Type"] = FORM_TYPE
            headers["Origin"] = self.origin  # as a browser sends with a form POST
        payload = build_request(self.host, self.port, method, path, headers=headers, body=body)
        stats = self.steps[step]
        self.sent += 1
        response: Response | None = None
        error = ""
        begin = time.perf_counter()
        try:
            response = await send(self.host, self.port, payload, self.timeout)
        except TimeoutError:
            error = "client timeout"
        except OSError as exc:
            error = type(exc).__name__
        end = time.perf_counter()
        self.last_end = max(self.last_end, end)
        stats.requests += 1
        if response is not None:
            stats.latencies.append(end - begin)
            jar.update(response)
            if LOCKED in response.body:
                self.locked_answers += 1
            if response.status >= 500:
                self.status_5xx[response.status] += 1
            if response.status != expected:
                error = f"HTTP {response.status}" if response.status else "bad response"
                self.error_samples.setdefault(f"{step} {error}", describe(response))
            elif not response.complete:
                error = "truncated body"
        if error:
            stats.add_error(error)
            return None
        return response

    def mark_error(self, step: str, kind: str) -> None:
        """An answer with the expected status that still cannot be used."""
        self.steps[step].add_error(kind)


class VirtualUser:
    """One person at a browser: a cookie jar, their accounts and what they did with them."""

    def __init__(
        self, load: Load, accounts: list[Account], rng: random.Random, think: float = 0.0
    ) -> None:
        self.load = load
        self.think = think
        self.accounts = accounts
        self.rng = rng
        self.jar = CookieJar()
        self.account: Account | None = None  # signed in as
        self.csrf: str | None = None  # a token valid for the current session
        self.logins = 0

    async def run(self) -> None:
        actions = list(ACTION_WEIGHTS)
        weights = list(ACTION_WEIGHTS.values())
        while self.load.may_go_on():
            action = self.rng.choices(actions, weights)[0]
            self.load.actions[action] += 1
            await getattr(self, action)()
            if self.think > 0 and self.load.may_go_on():
                await asyncio.sleep(self.rng.expovariate(1 / self.think))

    def slug(self) -> str:
        return self.rng.choice(self.load.catalogue.services)

    def harvest(self, response: Response) -> None:
        """Signed-in pages carry the log-out form's token: keep one for later forms."""
        if self.account is not None and self.csrf is None:
            self.csrf = csrf_token_in(response.body)

    async def get_page(self, step: str, path: str) -> Response | None:
        response = await self.load.request(step, "GET", path, self.jar, 200)
        if response is not None:
            self.harvest(response)
        return response

    async def browse(self) -> None:
        kind = self.rng.choice(("home", "theme", "service"))
        if kind == "home":
            path = "/"
        elif kind == "theme":
            path = f"/themes/{quote(self.rng.choice(self.load.catalogue.themes))}"
        else:
            path = f"/services/{quote(self.slug())}"
        await self.get_page(kind, path)

    async def search(self) -> None:
        await self.get_page("search", self.load.search_paths())

    async def api(self) -> None:
        await self.load.request("api", "GET", self.load.api_paths(), self.jar, 200)

    async def login(self) -> bool:
        """A new visit: empty cookie jar, the log-in form, then the right password."""
        self.jar.clear()
        self.account, self.csrf = None, None
        account = self.accounts[self.logins % len(self.accounts)]
        self.logins += 1
        page = await self.load.request("login-form", "GET", "/compte/connexion", self.jar, 200)
        if page is None:
            return False
        token = csrf_token_in(page.body)
        if token is None:
            self.load.mark_error("login-form", "no csrf_token in the form")
            return False
        form = {"csrf_token": token, "email": account.email, "password": ACCOUNT_PASSWORD}
        done = await self.load.request(
            "login-post", "POST", "/compte/connexion", self.jar, 303, form
        )
        if done is None:
            return False
        self.account = account  # the session was renewed: tokens of the form are void
        return True

    async def signed_in(self) -> Account | None:
        if self.account is None and not await self.login():
            return None
        return self.account

    async def favourite(self) -> None:
        account = await self.signed_in()
        if account is None:
            return
        slug = self.slug()
        if self.csrf is None:
            if await self.get_page("favourite-page", f"/services/{quote(slug)}") is None:
                return
            if self.csrf is None:
                self.load.mark_error("favourite-page", "no csrf_token in the page")
                return
        adding = slug not in account.favourites
        form = {"csrf_token": self.csrf, "action": "ajouter" if adding else "retirer"}
        path = f"/services/{quote(slug)}/favori"
        if await self.load.request("favourite-post", "POST", path, self.jar, 303, form):
            if adding:
                account.favourites.add(slug)
            else:
                account.favourites.discard(slug)

    async def launch(self, slug: str | None = None) -> bool:
        slug = slug or self.slug()
        path = f"/services/{quote(slug)}/lancer"
        if await self.load.request("launch", "POST", path, self.jar, 303, {}) is None:
            return False
        if self.account is not None:
            self.account.launched.add(slug)
        return True

    async def review(self) -> None:
        account = await self.signed_in()
        if account is None:
            return
        if not account.launched and not await self.launch():
            return
        slug = self.rng.choice(sorted(account.launched))
        path = f"/services/{quote(slug)}/avis"
        page = await self.get_page("review-form", path)
        if page is None:
            return
        token = csrf_token_in(page.body)
        if token is None:
            self.load.mark_error("review-form", "no csrf_token in the form")
            return
        form = {
            "csrf_token": token,
            "rating": str(self.rng.randint(1, 5)),
            "text": self.rng.choice(REVIEW_TEXTS),
        }
        await self.load.request("review-post", "POST", path, self.jar, 303, form)


async def run_load(
    load: Load, accounts: list[Account], concurrency: int, seed: str, think: float = 0.0
) -> None:
    """``concurrency`` virtual users; each owns every concurrency-th account.

    ``think``: mean seconds between a user's actions (exponential); 0 for a closed loop.
    """
    users = []
    for index in range(concurrency):
        owned = accounts[index::concurrency] or [accounts[index % len(accounts)]]
        users.append(VirtualUser(load, owned, random.Random(f"{seed}-{index}"), think))
    await asyncio.gather(*(user.run() for user in users))
