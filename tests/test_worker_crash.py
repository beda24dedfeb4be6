"""A gunicorn worker killed mid-request (kill -9): the others keep serving, nothing is lost."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures import PASSWORD, SMALL_CATALOG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class Browser:
    """A tiny cookie-keeping client for the real server (loopback only)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        _status, page = self.get(path)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def server(tmp_path, database_url):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPLOISTORE_")}
    env.update(
        EMPLOISTORE_INSTANCE_PATH=str(tmp_path / "instance"),
        EMPLOISTORE_DATABASE_URL=database_url,
        EMPLOISTORE_CATALOG=str(SMALL_CATALOG),
        EMPLOISTORE_DEMO_CONTENT="false",
        EMPLOISTORE_SESSION_COOKIE_SECURE="false",
        EMPLOISTORE_INTERVIEW_SIM='{"BANK_PATH": "plugins/interview_sim/tests/bank_small"}',
        EMPLOISTORE_MOOC_PLAYER='{"COURSES_PATH": "plugins/mooc_player/tests/courses_small"}',
    )
    root = Path(__file__).parent.parent
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emploistore", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        subprocess.run(
            [sys.executable, "-m", "emploistore", "user", "create", "crash@example.org"],
            input=PASSWORD,
            text=True,
            env=env,
            cwd=root,
            check=True,
            capture_output=True,
        )
        yield process, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_killing_a_worker_loses_nothing_and_the_store_keeps_serving(server, database_url):
    process, base = server
    browser = Browser(base)
    status, _ = browser.post(
        "/compte/connexion",
        {
            "email": "crash@example.org",
            "password": PASSWORD,
            "csrf_token": browser.token("/compte/connexion"),
        },
    )
    assert status == 303
    token = browser.token("/services/fiches-metiers")
    outcomes: list[int] = []
    stop = threading.Event()

    def toggle_favourites() -> None:
        turn = 0
        while not stop.is_set():
            slug = ("fiches-metiers", "offres-cadres", "lettre-de-motivation")[turn % 3]
            action = "ajouter" if (turn // 3) % 2 == 0 else "retirer"
            try:
                code, _ = browser.post(
                    f"/services/{slug}/favori", {"action": action, "csrf_token": token}
                )
            except (OSError, http.client.HTTPException):
                code = 0  # the connection died with the worker (reset, or a cut answer)
            outcomes.append(code)
            turn += 1

    writer = threading.Thread(target=toggle_favourites)
    writer.start()
    time.sleep(1.0)
    workers = children(process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    time.sleep(2.0)
    stop.set()
    writer.join()

    before_kill_ok = outcomes.count(303)
    failures = [code for code in outcomes if code != 303]
    assert before_kill_ok > 20
    assert len(failures) <= 2, failures  # at most the request(s) the dead worker held
    assert browser.get("/")[0] == 200
    assert browser.get("/mes-services")[0] == 200
    for _ in range(50):  # the master replaces the dead worker
        if len(children(process.pid)) == 2 and workers[0] not in children(process.pid):
            break
        time.sleep(0.1)
    assert len(children(process.pid)) == 2

    engine = create_engine(database_url)
    with engine.connect() as connection:
        if database_url.startswith("sqlite"):
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        mismatched = connection.execute(
            text(
                "SELECT l.slug FROM listing l LEFT JOIN favourite f ON f.listing_id = l.id "
                "GROUP BY l.id, l.slug, l.favourite_count HAVING l.favourite_count != COUNT(f.id)"
            )
        ).all()
    engine.dispose()
    assert mismatched == []  # every committed change is whole: counters match their rows
