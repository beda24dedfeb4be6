"""Browser end-to-end tests: the real store under gunicorn, driven by Debian's Chromium.

One server and one browser for the whole session (the store takes a few seconds to
prepare; a browser context per test is cheap). The server runs exactly as a person starts
it, ``emploistore serve``, in a throwaway instance folder: SQLite by default, or a
separate PostgreSQL database ``e2e`` when EMPLOISTORE_DATABASE_URL names a PostgreSQL
server (never the ``test`` database that the unit tests reset).

What these tests need is installed by ``bash scripts/install-e2e.sh``: Chromium at
/usr/bin/chromium, axe-core in tests/e2e/node_modules and the Playwright driver.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.helpers import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    open_context,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

INSTALL_HINT = "run `bash scripts/install-e2e.sh` (the README's test command does)"
E2E_DATABASE = "e2e"
START_TIMEOUT = 90.0

# Accounts made with the CLI when the server is up (a test asks for one by label, e.g.
# store.account("interview"), and may name others, made on demand). Each CLI run loads
# the whole app (about 1.5 s), so tests that only need some fresh account register one
# through the form instead (helpers.register).
ACCOUNT_POOL = {
    "admin": "admin",
    "interview": "seeker",
    "mooc-desktop": "seeker",
    "mooc-phone": "seeker",
}
CLI_PARALLEL = 2  # the machine's cores; more only makes them queue for the CPU


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e ``e2e``, so ``-m 'not e2e'`` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    password: str = PASSWORD


@dataclass
class Store:
    """The running store: its address, its environment, and accounts made with the CLI."""

    url: str
    env: dict[str, str]
    workdir: Path
    log: Path
    accounts: dict[str, Account] = field(default_factory=dict)

    def _create_command(self, email: str, role: str) -> list[str]:
        base = [sys.executable, "-m", "emploistore"]
        if role == "admin":
            return [*base, "admin", "create", email]
        return [*base, "user", "create", email, "--role", role]

    def create_accounts(self, wanted: dict[str, str]) -> None:
        """Create accounts (label → role) with the CLI, the password on standard input."""
        pending = list(wanted.items())
        problems = []
        while pending:
            batch, pending = pending[:CLI_PARALLEL], pending[CLI_PARALLEL:]
            running = []
            for label, role in batch:
                email = f"{label}-{uuid.uuid4().hex[:8]}@example.org"
                process = subprocess.Popen(
                    self._create_command(email, role),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=self.env,
                    cwd=self.workdir,
                )
                running.append((label, Account(email, role), process))
            for label, account, process in running:
                out, err = process.communicate(PASSWORD + "\n", timeout=120)
                if process.returncode != 0 or "created" not in out:
                    problems.append(f"{label}: exit {process.returncode}\n{out}\n{err}")
                else:
                    self.accounts[label] = account
        if problems:
            pytest.fail("could not create accounts with the CLI:\n" + "\n".join(problems))

    def account(self, label: str, role: str = "seeker") -> Account:
        if label not in self.accounts:
            self.create_accounts({label: role})
        return self.accounts[label]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _e2e_database_url() -> str | None:
    """A fresh ``e2e`` database on the PostgreSQL server of EMPLOISTORE_DATABASE_URL, if any.

    The unit tests reset the database of that URL (``test``) before each test, so the
    server of the browser tests, which lives for the whole session, gets its own
    database: created when missing, its public schema dropped and made again.
    """
    url = os.environ.get("EMPLOISTORE_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        return None
    import psycopg
    from sqlalchemy.engine import make_url

    given = make_url(url.replace("postgres://", "postgresql://", 1))
    server = given.set(drivername="postgresql")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (E2E_DATABASE,))
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{E2E_DATABASE}"')
    e2e = server.set(database=E2E_DATABASE)
    with psycopg.connect(e2e.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return e2e.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the store exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the store did not answer /healthz in {START_TIMEOUT:.0f} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn's master (it stops its workers); kill our own group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group we started, nothing else
            process.wait(timeout=10)


def _require_installed() -> None:
    """Fail (not skip: a run without the browser tests must not look green) with the fix."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Playwright driver (pip extra e2e)")
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if not AXE_JS.exists():
        missing.append(str(AXE_JS))
    if missing:
        pytest.fail(f"missing for the browser tests: {', '.join(missing)}; {INSTALL_HINT}")


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """``emploistore serve`` with two gunicorn workers on a free port, for the session."""
    _require_installed()
    workdir = tmp_path_factory.mktemp("e2e-store")
    instance = workdir / "instance"
    env = {name: value for name, value in os.environ.items() if not name.startswith("EMPLOISTORE")}
    env["EMPLOISTORE_INSTANCE_PATH"] = str(instance)
    database_url = _e2e_database_url()
    if database_url:
        env["EMPLOISTORE_DATABASE_URL"] = database_url
    # gunicorn puts its control socket in $XDG_RUNTIME_DIR (else ~/.gunicorn): give this
    # server its own, so it never meets a store that a developer is running beside it.
    env["XDG_RUNTIME_DIR"] = str(workdir)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "serve.log"
    command = [sys.executable, "-m", "emploistore", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "2"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(url, process, log)
        running = Store(url=url, env=env, workdir=workdir, log=log)
        running.create_accounts(ACCOUNT_POOL)
        yield running
    finally:
        _stop(process)
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
    assert not errors, f"the store logged errors during the browser tests:\n{log.read_text()}"


@pytest.fixture(scope="session")
def browser(store: Store) -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (whose own browser download is not used).

    It depends on the store so that it closes first: an idle connection that Chromium
    keeps open would hold a sync gunicorn worker until its graceful timeout.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


NewContext = Callable[..., "BrowserContext"]


@pytest.fixture
def new_context(browser: Browser, store: Store) -> Iterator[NewContext]:
    """Open browser contexts on the store (closed after the test).

    ``viewport`` is "desktop" (1280×800) or "phone" (360×740); ``javascript=False`` turns
    JavaScript off; ``bypass_csp=True`` is only for the accessibility audit (see there).
    """
    opened: list[BrowserContext] = []

    def factory(viewport: str = "desktop", **options: Any) -> BrowserContext:
        context = open_context(browser, store.url, viewport, **options)
        opened.append(context)
        return context

    yield factory
    for context in opened:
        context.close()
