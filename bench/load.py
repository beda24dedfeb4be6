"""Mixed load on the Emploi Store: signed-in job seekers browsing, searching and writing.

!!! WARNING — POSTGRESQL: THIS BENCHMARK DROPS AND RECREATES THE ``public`` SCHEMA OF THE
!!! DATABASE NAMED IN EMPLOISTORE_DATABASE_URL, DESTROYING EVERYTHING IN IT. Point it only at
!!! a throwaway test database. It refuses any database not named ``test`` or ``loadbench``
!!! (unless ``--i-know``) and any server that is not on this machine.

What it does
    For each database, the store is started as a user would start it, ``emploistore serve
    --workers 4`` (sync gunicorn workers) on 127.0.0.1, in a fresh temporary instance folder
    (catalog.yaml, demo reviews, whoosh index); the server's output, gunicorn's error log
    included, goes to server.log in that folder.

    1. SQLite, the embedded default (WAL, in the instance folder): always.
    2. PostgreSQL: only when EMPLOISTORE_DATABASE_URL is ``postgresql://…`` or
       ``postgresql+psycopg://…``; its ``public`` schema is dropped and recreated first.

    Then N seeker accounts (``charge-NN@example.org``, 64 by default) are created with
    ``emploistore user create EMAIL --role seeker`` (password on standard input, same
    environment as the server), and C virtual users (32 by default) load the store for S
    seconds (60 by default), each with its own cookie jar, one request at a time (a new
    connection per request as sync workers close it). Between two actions a virtual user
    "reads" for a think time drawn from an exponential law, 1 s on average (``--think``):
    32 people clicking every second or so, which is already a busy store for 32 people.
    ``--think 0`` removes it: a closed loop that saturates the cores, i.e. a capacity
    test, where latency only measures the queue. Each virtual user loops over actions
    drawn at random with these weights:

    ======== ====== ==================================================================
    action   weight requests (expected status)
    ======== ====== ==================================================================
    browse    52 %  one of GET /, /themes/<slug>, /services/<slug> (200)
    search    13 %  GET /recherche?q=… over French queries, accent-less and typos (200)
    api        5 %  GET /api/v1/services?q=… (200)
    favourite 10 %  POST /services/<slug>/favori, csrf_token + action=ajouter/retirer
                    (303); first GET /services/<slug> when no CSRF token is known yet
    launch     8 %  POST /services/<slug>/lancer (303)
    review     7 %  GET /services/<slug>/avis (200) for the token, then POST rating 1–5
                    + text (303), on a service this account launched (else launch first)
    login      5 %  new visit (empty cookie jar): GET /compte/connexion (200) for the
                    form's csrf_token and the session cookie, POST e-mail + password (303)
    ======== ====== ==================================================================

    Slugs come from /api/v1/themes (themes and sub-themes) and /api/v1/services. A virtual
    user starts anonymous and logs in (counted as a log-in) before its first favourite or
    review; from then on it browses signed in, which bypasses the page cache for visitors:
    this is the signed-in case, not the anonymous one that bench/catalog.py measures. Only
    successful log-ins are made (the store throttles failures: 5 per account and 20 per
    client address per 15 min). The run stops by itself after S seconds or a maximum number
    of requests (actions under way finish), whichever first; it only targets 127.0.0.1, and
    the server is always stopped and the temporary folder removed, on Ctrl-C too.

What the figures mean
    Per action: how often it was drawn ("actions"; the log-ins forced before a first
    favourite or review add requests to the login rows, not actions). Per action and per
    request kind: requests, errors (any status other than the expected
    one, a truncated body, a missing CSRF token, a connection error or a client timeout) and
    latency percentiles p50/p95/p99 in ms (nearest rank, over every answered request, error
    answers included, so a 503 after a long wait shows in the tail). Then overall
    throughput, percentiles and errors; the answers that are 5xx (the store answers 503
    with a French message when the database refuses) or whose body says "database is
    locked"; and, from the server log, the lines saying "database is locked", the store's
    "database error:" lines (logged with each such 503), tracebacks (with their exception
    lines) and gunicorn worker timeouts. The load generator shares the machine's cores with
    the server; the CPU each used is printed.

    The goal: zero errors, zero "database is locked" (answers and log), overall p95 <= 100
    ms; the verdict is printed for each database.

How to run
    python3 bench/load.py                                 # SQLite, 60 s, 32 clients
    python3 bench/load.py --seconds 10 --concurrency 8    # a quick look
    python3 bench/load.py --think 0                       # saturation (capacity)
    EMPLOISTORE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/loadbench \\
        python3 bench/load.py                             # SQLite, then PostgreSQL
    python3 bench/load.py --only postgresql               # skip the SQLite run

Exit status: 0 when the load ran (goal met or not), 2 when the server failed to start or
died (or the setup failed, e.g. account creation or the PostgreSQL check), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from load_users import (
    ACCOUNT_PASSWORD,
    ACTION_WEIGHTS,
    STEPS,
    Account,
    Catalogue,
    Load,
    StepStats,
    run_load,
)
from loadgen import (
    DEFAULT_MAX_REQUESTS,
    cpu_seconds,
    fetch_json,
    machine_cpu_seconds,
    percentile,
    require_loopback,
)
from store_server import ServerError, StoreServer, run_benchmark

WORKERS = 4
SAFE_DATABASES = frozenset({"test", "loadbench"})
EMAIL_PATTERN = "charge-{:02d}@example.org"
GOAL_P95_MS = 100.0
OTHER_CPU_WARNING = 0.10  # warn when other programs took over 10 % of the CPU


LOG_PREFIX = re.compile(r"^(\[[^\]]*\]\s*)+")

EXIT_OK = 0  # 2 (server or setup) and 130 (interrupted): see run_benchmark


class SetupError(RuntimeError):
    """The benchmark cannot run here as asked (a refused database, say)."""


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass
class LogFindings:
    """What the server log says about the run."""

    locked: int = 0
    database_errors: int = 0
    tracebacks: int = 0
    worker_timeouts: int = 0
    exceptions: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)


@dataclass
class RunResult:
    label: str
    steps: dict[str, StepStats]
    actions: Counter[str]
    elapsed: float
    status_5xx: Counter[int]
    locked_answers: int
    error_samples: dict[str, str]
    log: LogFindings
    client_cpu: float
    server_cpu: float | None
    machine_cpu: float | None

    @property
    def total(self) -> StepStats:
        total = StepStats()
        for stats in self.steps.values():
            total = total.merged(stats)
        return total

    @property
    def goal_met(self) -> bool:
        total = self.total
        p95 = percentile(total.latencies, 95) * 1000.0
        locked = self.locked_answers + self.log.locked
        return total.errors == 0 and locked == 0 and not math.isnan(p95) and p95 <= GOAL_P95_MS


# --------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Setting up: the database, the accounts, the catalogue
# --------------------------------------------------------------------------------------------


def postgres_target(url: str, i_know: bool) -> str:
    """Check a PostgreSQL URL before its schema is wiped; the URL as the store reads it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SetupError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    if parsed.host and parsed.host != "localhost":
        try:
            require_loopback(parsed.host)  # this benchmark touches only this machine
        except ValueError as error:
            raise SetupError(f"PostgreSQL must be on this machine: {error}") from error
    if parsed.database not in SAFE_DATABASES and not i_know:
        raise SetupError(
            f"refusing to wipe database {parsed.database!r}: this benchmark drops its public "
            f"schema; only {', '.join(sorted(SAFE_DATABASES))} are accepted without --i-know"
        )
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    """DROP SCHEMA public CASCADE and create it again: an empty database for the store."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except SQLAlchemyError as error:
        raise SetupError(f"cannot reset the PostgreSQL database: {error}") from error
    finally:
        engine.dispose()


def create_accounts(server: StoreServer, count: int, parallel: int) -> list[Account]:
    """``emploistore user create`` for each account, a few at a time, on the server's store."""
    env = server.environment()
    emails = [EMAIL_PATTERN.format(number) for number in range(1, count + 1)]
    pending = list(emails)
    running: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        while pending or running:
            while pending and len(running) < parallel:
                email = pending.pop(0)
                process = subprocess.Popen(
                    ["emploistore", "user", "create", email, "--role", "seeker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=server.root,
                    start_new_session=True,  # stopped by us, in order, on Ctrl-C
                )
                assert process.stdin is not None
                process.stdin.write(f"{ACCOUNT_PASSWORD}\n".encode())
                process.stdin.close()
                running.append((email, process))
            email, process = running[0]
            assert process.stdout is not None
            output = process.stdout.read().decode("utf-8", "replace")
            if process.wait(timeout=120) != 0:
                raise ServerError(f"emploistore user create {email} failed:\n{output}")
            running.pop(0)
    finally:
        for _email, process in running:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
    return [Account(email) for email in emails]


def discover_catalogue(server: StoreServer) -> Catalogue:
    themes = []
    for theme in fetch_json(server.host, server.port, "/api/v1/themes")["items"]:
        themes.append(theme["slug"])
        themes.extend(sub["slug"] for sub in theme.get("subthemes", []))
    services: list[str] = []
    page = 1
    while True:
        found = fetch_json(server.host, server.port, f"/api/v1/services?per_page=100&page={page}")
        services.extend(item["slug"] for item in found["items"])
        if not found["items"] or len(services) >= found["total"]:
            break
        page += 1
    if not themes or not services:
        raise ServerError("the API lists no theme or no service: the catalogue did not load")
    return Catalogue(themes, services)


def scan_log(path: Path) -> LogFindings:
    findings = LogFindings()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return findings
    in_traceback = False
    for line in lines:
        if "database is locked" in line:
            findings.locked += 1
        if "Traceback (most recent call last)" in line:
            findings.tracebacks += 1
            in_traceback = True
            continue
        if in_traceback and line and not line[0].isspace():
            if not line.startswith(("During handling", "The above exception")):
                findings.exceptions[line.strip()[:300]] += 1
                in_traceback = False
            continue
        interesting = "database is locked" in line
        if "database error:" in line:
            findings.database_errors += 1
            interesting = True
        if "WORKER TIMEOUT" in line:
            findings.worker_timeouts += 1
            interesting = True
        if "[ERROR]" in line or "[CRITICAL]" in line or " ERROR in " in line:
            interesting = True
        if interesting:
            findings.lines[LOG_PREFIX.sub("", line).strip()[:300]] += 1
    return findings


# --------------------------------------------------------------------------------------------
# One run, and its report
# --------------------------------------------------------------------------------------------


def run_one(label: str, extra_env: dict[str, str], args: argparse.Namespace) -> RunResult:
    print(f"\n=== {label} ===", flush=True)
    print(f"Starting emploistore serve --workers {WORKERS} in a temporary instance folder...")
    with StoreServer(workers=WORKERS, extra_env=extra_env) as server:
        print(f"Server ready on 127.0.0.1:{server.port} in {server.startup_seconds:.1f} s")
        began = time.perf_counter()
        parallel = max(1, os.cpu_count() or 1)
        accounts = create_accounts(server, args.accounts, parallel)
        print(
            f"{len(accounts)} seeker accounts created with emploistore user create "
            f"in {time.perf_counter() - began:.1f} s"
        )
        catalogue = discover_catalogue(server)
        print(
            f"Load: {args.concurrency} virtual users for {args.seconds:g} s, think time "
            f"{args.think:g} s on average "
            f"(at most {args.max_requests} requests) on {len(catalogue.themes)} themes "
            f"and {len(catalogue.services)} services...",
            flush=True,
        )
        load = Load(
            server.host,
            server.port,
            catalogue,
            seconds=args.seconds,
            max_requests=args.max_requests,
            timeout=args.timeout,
        )
        server_cpu_start = server.cpu_seconds()
        machine_cpu_start = machine_cpu_seconds()
        client_cpu_start = cpu_seconds()
        load.start = time.perf_counter()
        load.deadline = load.start + args.seconds
        asyncio.run(run_load(load, accounts, args.concurrency, args.seed, args.think))
        client_cpu = cpu_seconds() - client_cpu_start
        server_cpu_end = server.cpu_seconds()
        machine_cpu_end = machine_cpu_seconds()
        server.check_running()
        time.sleep(0.5)  # let the workers flush their last log lines
        log = scan_log(server.log_path)
    return RunResult(
        label=label,
        steps=load.steps,
        actions=load.actions,
        elapsed=load.last_end - load.start,
        status_5xx=load.status_5xx,
        locked_answers=load.locked_answers,
        error_samples=load.error_samples,
        log=log,
        client_cpu=client_cpu,
        server_cpu=None
        if server_cpu_start is None or server_cpu_end is None
        else server_cpu_end - server_cpu_start,
        machine_cpu=None
        if machine_cpu_start is None or machine_cpu_end is None
        else machine_cpu_end - machine_cpu_start,
    )


def ms(values: list[float], p: float) -> str:
    value = percentile(values, p) * 1000.0
    return "-" if math.isnan(value) else f"{value:.1f}"


def print_report(result: RunResult) -> None:
    header = ["action", "request", "actions", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"]
    rows = [header]
    for action in ACTION_WEIGHTS:
        keys = [key for key, (owner, _label) in STEPS.items() if owner == action]
        combined = StepStats()
        for key in keys:
            combined = combined.merged(result.steps[key])
        rows.append(row(action, "(all its requests)", str(result.actions[action]), combined))
        for key in keys:
            rows.append(row("", STEPS[key][1], "", result.steps[key]))
    total = result.total
    rows.append(row("all", "", str(sum(result.actions.values())), total))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    print()
    for index, cells in enumerate(rows):
        if index == len(rows) - 1:
            print("  ".join("-" * width for width in widths))
        text = [c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(cells)]
        print("  ".join(text).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))

    throughput = total.requests / result.elapsed if result.elapsed > 0 else 0.0
    p95 = percentile(total.latencies, 95) * 1000.0
    print()
    print(
        f"overall: {total.requests} requests in {result.elapsed:.1f} s = {throughput:.1f} req/s; "
        f"p50 {ms(total.latencies, 50)} ms, p95 {ms(total.latencies, 95)} ms, "
        f"p99 {ms(total.latencies, 99)} ms; {total.errors} errors"
    )
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(result.status_5xx.items()))
    print(
        f"answers 5xx: {sum(result.status_5xx.values())}"
        + (f" ({statuses})" if statuses else "")
        + f"; answers whose body says 'database is locked': {result.locked_answers}"
    )
    if total.errors:
        print("errors by request:")
        for key, stats in result.steps.items():
            if stats.errors:
                kinds = ", ".join(f"{kind}: {n}" for kind, n in stats.error_kinds.most_common())
                print(f"  {STEPS[key][1]}: {kinds}")
        for what, text in sorted(result.error_samples.items()):
            print(f"  first {what} answer: {text}")

    log = result.log
    print(
        f"server log: 'database is locked' {log.locked}, 'database error:' (503) "
        f"{log.database_errors}, tracebacks {log.tracebacks}, worker timeouts "
        f"{log.worker_timeouts}"
    )
    for exception, count in log.exceptions.most_common(8):
        print(f"  {count} x traceback ending: {exception}")
    for line, count in log.lines.most_common(8):
        print(f"  {count} x {line}")

    cores = os.cpu_count() or 1
    capacity = cores * result.elapsed
    if capacity > 0:
        server = "n/a" if result.server_cpu is None else f"{result.server_cpu / capacity:.0%}"
        other, rest = "n/a", None
        if result.machine_cpu is not None and result.server_cpu is not None:
            rest = max(0.0, result.machine_cpu - result.server_cpu - result.client_cpu)
            other = f"{rest / capacity:.0%}"
        print(
            f"CPU of the machine's {cores} cores over the load: server {server}, "
            f"load generator {result.client_cpu / capacity:.0%}, other programs {other}"
            + (" (the PostgreSQL server's included)" if "PostgreSQL" in result.label else "")
        )
        if rest is not None and rest > OTHER_CPU_WARNING * capacity:
            print(
                f"WARNING: other programs used more than {OTHER_CPU_WARNING:.0%} of the CPU "
                "during the load: the latencies are disturbed; run again on a quiet machine."
            )

    locked = result.locked_answers + log.locked
    print()
    print(f"Goal: zero errors, zero 'database is locked', p95 <= {GOAL_P95_MS:.0f} ms")
    print(
        f"  errors {total.errors}, 'database is locked' {locked}, "
        f"p95 {'-' if math.isnan(p95) else f'{p95:.1f}'} ms -> "
        + ("MET" if result.goal_met else "NOT MET")
    )


def row(action: str, label: str, actions: str, stats: StepStats) -> list[str]:
    return [
        action,
        label,
        actions,
        str(stats.requests),
        str(stats.errors),
        ms(stats.latencies, 50),
        ms(stats.latencies, 95),
        ms(stats.latencies, 99),
    ]


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (60)")
    parser.add_argument("--concurrency", type=int, default=32, help="virtual users (32)")
    parser.add_argument("--accounts", type=int, default=64, help="seeker accounts (64)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        help=f"stop after this many requests ({DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--timeout", type=float, default=15.0, help="client timeout per request, s (15)"
    )
    parser.add_argument("--seed", default="emploistore", help="seed of the virtual users' draws")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time between a virtual user's actions, s (1.0; 0 = saturate)",
    )
    parser.add_argument(
        "--only",
        choices=("sqlite", "postgresql"),
        help="run on this database only (postgresql needs EMPLOISTORE_DATABASE_URL)",
    )
    parser.add_argument(
        "--i-know",
        action="store_true",
        help="accept a PostgreSQL database not named test or loadbench (its schema is WIPED)",
    )
    args = parser.parse_args(argv)
    if args.think < 0:
        parser.error("--think must be 0 or more")
    if args.seconds <= 0 or args.timeout <= 0:
        parser.error("--seconds and --timeout must be positive")
    if args.concurrency < 1 or args.accounts < 1 or args.max_requests < 1:
        parser.error("--concurrency, --accounts and --max-requests must be at least 1")
    if args.accounts > 99:
        parser.error("--accounts: at most 99 (charge-01 … charge-99)")
    return args


def database_runs(args: argparse.Namespace) -> list[tuple[str, dict[str, str]]]:
    """(label, extra environment) of each run; checks the PostgreSQL URL before anything."""
    runs: list[tuple[str, dict[str, str]]] = []
    if args.only != "postgresql":
        runs.append(("SQLite (embedded default, WAL)", {}))
    url = os.environ.get("EMPLOISTORE_DATABASE_URL", "")
    if url.startswith(("postgresql://", "postgresql+psycopg://")):
        if args.only != "sqlite":
            target = postgres_target(url, args.i_know)
            runs.append((f"PostgreSQL ({safe_url(target)})", {"EMPLOISTORE_DATABASE_URL": target}))
    elif url:
        print(f"note: EMPLOISTORE_DATABASE_URL is not PostgreSQL, ignored: {safe_url(url)}")
    if args.only == "postgresql" and not runs:
        raise SetupError("--only postgresql needs EMPLOISTORE_DATABASE_URL=postgresql://…")
    return runs


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable URL)"


def run(args: argparse.Namespace) -> int:
    results = []
    for label, extra_env in database_runs(args):
        if "EMPLOISTORE_DATABASE_URL" in extra_env:
            url = extra_env["EMPLOISTORE_DATABASE_URL"]
            print(f"\nDropping and recreating the public schema of {safe_url(url)}...")
            reset_postgres(url)
        result = run_one(label, extra_env, args)
        print_report(result)
        results.append(result)
    if len(results) > 1:
        print("\nSummary:")
        for result in results:
            total = result.total
            print(
                f"  {result.label}: {total.requests} requests, {total.errors} errors, "
                f"p95 {ms(total.latencies, 95)} ms -> "
                + ("goal MET" if result.goal_met else "goal NOT MET")
            )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_benchmark(lambda: run(args), SetupError)


if __name__ == "__main__":
    sys.exit(main())
