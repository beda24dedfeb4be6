"""Job search at full size: import, index, search latency per engine, worker memory, HTTP.

What it measures
    Everything happens in one temporary folder (removed at the end unless ``--keep DIR``):

    1. Feeds. ``job_search.generate.generate_feeds`` writes 282,723 synthetic offers
       (``--count``) across the three built-in feeds (France Travail JSON, Keljob CSV,
       Monstre Emploi XML), with duplicates between them, from ``--seed``.
    2. Import and index. A store app is created in this process on a fresh SQLite database
       in an instance folder of its own (the migrations are run, as ``emploistore init``
       does; TESTING off). Each feed is imported with ``job_search.importer.import_feed``
       (its report: new / updated / unchanged / withdrawn / rejected / regrouped), then the
       tantivy index is built by ``job_search.replica.sync`` (the first sync of a new server
       rebuilds the whole index). Printed: each import's time, the index time, import +
       index (goal <= 120 s), the index and database sizes, and this process's peak RSS
       during import and index (the generation's peak is reset first, where Linux allows).
    3. Comparison engines, built from the same documents
       (``job_search.documents.visible_documents``): SQLite FTS5
       (``job_search.sql_engines.Fts5Engine``) and PostgreSQL
       (``job_search.sql_engines.PostgresEngine``, ``--pg-url``; skipped, with the reason,
       when the server does not answer). Each build is timed; so is reading the documents
       alone, without an engine, which every build (tantivy's index time too) includes.
    4. Latency. A fixed mix of 72 searches (bench/jobs_queries.py: words with and without
       accents, ROME codes, place + radius around big cities and a village, every filter,
       combinations, the three sorts, deep pages, filters without text) is read by the
       page's own ``parse_query``; each engine answers each search with the top 20, the
       total and the facet counts (``facets=True``), the area computed as
       ``job_search.service.area_of`` does, every engine at the same moment ("now", for
       expiry and ``since``). One warm-up pass, then 3 measured passes
       (``--reps``): p50 / p95 / p99 / max in ms (nearest rank) per engine, the 5 slowest
       searches, and the searches whose total differs from tantivy's. Goal for tantivy,
       the store's engine: p95 <= 20 ms, p99 <= 50 ms.
    5. A search worker's memory. For each engine a fresh Python process creates the app on
       the same database and index, runs the whole mix once through the engine, and
       reports VmRSS and VmHWM (/proc/self/status), plus its RSS right after the app was
       created. For tantivy it then also renders every search's page through the app's test
       client, as a gunicorn worker does; that last VmHWM is the worker's figure (goal <=
       300 MB). MB here are 10^6 bytes.
    6. HTTP. The store is served as a user serves it, ``emploistore serve --workers 2``
       (gunicorn, sync workers; bench/store_server.py) on 127.0.0.1, on the same database
       (EMPLOISTORE_DATABASE_URL) and the same index folder (EMPLOISTORE_JOB_SEARCH, the
       ``JOB_SEARCH["INDEX_DIR"]`` setting); its other files live in the helper's own
       instance folder. Each search of the mix is requested once (status checked), then
       bench/loadgen.py keeps 16 connections busy (``--concurrency``) for 15 s
       (``--seconds``, after a 2 s warm-up) over the mix's URLs ``GET /job-search/?q=…``:
       req/s, p50, p95, errors. Goal: >= 300 req/s without errors.
    7. A side-by-side table (engine | build | index size | p50 | p95 | p99 | worker RSS)
       and the goals, met or missed.

    The machine's other programs share its cores: the figures are those of this run.

How to run
    python3 bench/jobs.py                         # full size: 282,723 offers, 15-25 min
    python3 bench/jobs.py --count 20000           # a quick look
    python3 bench/jobs.py --engines tantivy --skip-http
    python3 bench/jobs.py --pg-url postgresql://postgres@127.0.0.1:5432/test
    python3 bench/jobs.py --count 20000 --keep /tmp/jobs-bench   # keep the feeds, DB, index

    PostgreSQL must run on this machine (loopback only); the engine works in a schema of its
    own in that database (``job_bench``), dropped at the end unless ``--keep``.

Exit status: 0 when it ran (goals met or not: it reports, it asserts nothing), 2 when the
setup or the server failed, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jobs_queries import MixQuery, build_mix
from loadgen import LoadResult, fetch, percentile, require_loopback, rotate, run_load
from store_server import StoreServer, run_benchmark

FULL_COUNT = 282_723
DEFAULT_SEED = 1
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
ENGINES = ("tantivy", "fts5", "postgres")
HTTP_WORKERS = 2
GOAL_IMPORT_INDEX_S = 120.0
GOAL_P95_MS = 20.0
GOAL_P99_MS = 50.0
GOAL_WORKER_MB = 300.0
GOAL_REQ_S = 300.0
SLOWEST = 5
MISMATCHES_SHOWN = 5
MB = 1_000_000
DB_FILE = "emploistore.sqlite3"
FEED_FIELDS = ("new", "updated", "unchanged", "withdrawn", "rejected", "regrouped")


class SetupError(RuntimeError):
    """The benchmark cannot run as asked (a missing module, a folder in the way…)."""


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass
class EngineRun:
    """One engine: its build, its size, and how it answered the mix."""

    name: str
    build_seconds: float | None = None
    size_bytes: int | None = None
    skipped: str = ""
    samples: list[float] = field(default_factory=list)  # seconds, every measured search
    per_query: dict[str, list[float]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    worker: dict[str, Any] | None = None

    def ms(self, p: float) -> float:
        return percentile(self.samples, p) * 1000.0

    @property
    def worker_mb(self) -> float | None:
        """The worker's peak RSS (after the pages too, for tantivy), in MB."""
        if not self.worker or "error" in self.worker:
            return None
        kib = self.worker.get("pages_hwm_kib") or self.worker.get("hwm_kib")
        return None if kib is None else kib * 1024 / MB


@dataclass
class StoreFigures:
    import_seconds: float = 0.0
    index_seconds: float = 0.0
    indexed: int = 0
    peak_rss_kib: int | None = None
    peak_includes_generation: bool = False


@dataclass
class HttpFigures:
    result: LoadResult | None = None
    failed_urls: list[str] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def mb(size: float | None) -> str:
    return "-" if size is None else f"{size / MB:,.1f} MB"


def kib_mb(kib: int | None) -> str:
    return mb(None if kib is None else kib * 1024)


def ms_text(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def proc_status_kib(name: str) -> int | None:
    """A ``VmXxx`` line of /proc/self/status, in KiB (None where there is no /proc)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{name}:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def reset_peak_rss() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_kib() -> int:
    return proc_status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@contextlib.contextmanager
def step(title: str) -> Iterator[None]:
    print(f"\n=== {title} ===", flush=True)
    yield


# --------------------------------------------------------------------------------------------
# The store in this process
# --------------------------------------------------------------------------------------------


def store_config(root: Path) -> dict[str, Any]:
    """The app's config: its own instance folder and index folder in ``root``."""
    return {
        "INSTANCE_PATH": str(root / "instance"),
        "DEMO_CONTENT": False,
        "TESTING": False,
        "SESSION_COOKIE_SECURE": False,
        "JOB_SEARCH": {"INDEX_DIR": str(root / "index")},
    }


def make_app(root: Path) -> Any:
    """A store app on ``root``'s database and index (no EMPLOISTORE_* setting inherited)."""
    from emploistore import create_app

    for name in [n for n in os.environ if n.startswith("EMPLOISTORE_")]:
        del os.environ[name]
    return create_app(store_config(root))


def migrate(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
    if result.exit_code != 0:
        raise SetupError(f"migrations failed: {result.output}")


def generate(folder: Path, count: int, seed: int) -> dict[str, Path]:
    try:
        from job_search.generate import generate_feeds
    except ImportError as error:
        raise SetupError(f"job_search.generate is not available: {error}") from error
    started = time.perf_counter()
    feeds = generate_feeds(folder, count, seed)
    print(f"{count:,} offers generated (seed {seed}) in {time.perf_counter() - started:.1f} s")
    for name, path in feeds.items():
        print(f"  {name:<16} {path.name:<22} {mb(path.stat().st_size):>10}")
    return feeds


def import_and_index(app: Any, root: Path, feeds: dict[str, Path]) -> StoreFigures:
    from job_search import importer, replica, service

    figures = StoreFigures()
    with app.app_context():
        sources = importer.all_sources()
        for name, path in feeds.items():
            source = sources.get(name)
            if source is None:
                continue  # the duplicates' ground truth
            started = time.perf_counter()
            with path.open("rb") as stream:
                report = importer.import_feed(source, stream, path.name)
            seconds = time.perf_counter() - started
            figures.import_seconds += seconds
            counts = ", ".join(f"{key} {report.counts[key]:,}" for key in FEED_FIELDS)
            print(f"  import {name:<16} {seconds:7.1f} s   {counts}")
            for line, why in report.rejections[:3]:
                print(f"      rejected line {line}: {why}")
        print(f"  import, all feeds      {figures.import_seconds:7.1f} s")
        engine = service.engine()
        started = time.perf_counter()
        synced = replica.sync(engine)
        figures.index_seconds = time.perf_counter() - started
        figures.indexed = synced.upserts
        how = "rebuilt" if synced.rebuilt else "updated"
        print(
            f"  index (replica.sync)   {figures.index_seconds:7.1f} s   {how}, "
            f"{synced.upserts:,} offers indexed"
        )
        total = figures.import_seconds + figures.index_seconds
        verdict = "MET" if total <= GOAL_IMPORT_INDEX_S else "MISSED"
        goal = f"goal <= {GOAL_IMPORT_INDEX_S:.0f} s: {verdict}"
        print(f"  import + index         {total:7.1f} s   ({goal})")
        print(f"  index size             {mb(engine.size_bytes()):>10}")
        database = root / "instance" / DB_FILE
        wal = database.with_name(database.name + "-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        print(
            f"  database size          {mb(database.stat().st_size):>10}   (+ WAL {mb(wal_size)})"
        )
    return figures


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------


def open_engine(name: str, root: Path, pg_url: str) -> Any:
    """The engine called ``name`` on what ``build_engines`` built in ``root`` (app context)."""
    if name == "tantivy":
        from job_search import service

        return service.engine()
    from job_search import sql_engines

    if name == "fts5":
        return sql_engines.Fts5Engine(root / "fts5.sqlite3")
    return sql_engines.PostgresEngine(pg_url)


def postgres_problem(url: str) -> str:
    """Why PostgreSQL cannot be used at ``url`` ("" when it answers)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception as error:  # any parse error is the reason shown
        return f"bad URL: {error}"
    if parsed.host and parsed.host != "localhost":
        try:
            require_loopback(parsed.host)
        except ValueError as error:
            return str(error)
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(plain, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"unreachable: {str(error).strip().splitlines()[0]}"
    return ""


def build_engines(
    app: Any, root: Path, wanted: Sequence[str], pg_url: str, runs: list[EngineRun]
) -> None:
    """tantivy (already built by the sync) and each comparison engine, built and timed."""
    from job_search import service
    from job_search.documents import visible_documents

    with app.app_context():
        # What every build pays before its engine: the offers read and made into documents.
        started = time.perf_counter()
        documents = sum(1 for _ in visible_documents())
        print(
            f"  reading the {documents:,} documents alone (visible_documents, no engine): "
            f"{time.perf_counter() - started:.1f} s; each build below includes it"
        )
        for name in wanted:
            run = EngineRun(name)
            runs.append(run)
            if name == "tantivy":
                run.size_bytes = service.engine().size_bytes()
                continue
            if name == "postgres" and (problem := postgres_problem(pg_url)):
                run.skipped = f"PostgreSQL at {pg_url}: {problem}"
                print(f"  postgres: skipped ({run.skipped})")
                continue
            try:
                engine = open_engine(name, root, pg_url)
            except ImportError as error:
                run.skipped = f"job_search.sql_engines is not available: {error}"
                print(f"  {name}: skipped ({run.skipped})")
                continue
            started = time.perf_counter()
            try:
                engine.build(visible_documents())
            except Exception as error:  # reported, the other engines go on
                run.skipped = f"build failed: {type(error).__name__}: {error}"
                print(f"  {name}: {run.skipped}")
                continue
            run.build_seconds = time.perf_counter() - started
            run.size_bytes = engine.size_bytes()
            note = f"   (stems folded with {engine.folding})" if name == "postgres" else ""
            print(
                f"  {name:<9} build {run.build_seconds:7.1f} s   size {mb(run.size_bytes):>10}"
                + note
            )


def search_once(engine: Any, item: MixQuery, now: datetime | None = None) -> Any:
    """What the page asks: the area (as service.area_of), the top 20, total and facets."""
    from emploistore import utcnow

    return engine.search(item.query, item.area(), now or utcnow(), facets=True)


def measure_mix(
    app: Any,
    root: Path,
    run: EngineRun,
    mix: Sequence[MixQuery],
    reps: int,
    pg_url: str,
    now: datetime,
) -> None:
    """A warm-up pass (its totals are compared between engines), then ``reps`` timed ones.

    Every engine is asked at the same ``now``: offers expiring during the run would else
    make totals differ."""
    with app.app_context():
        engine = open_engine(run.name, root, pg_url)
        for item in mix:
            try:
                run.totals[item.label] = search_once(engine, item, now).total
            except Exception as error:  # reported per search
                run.errors[item.label] = f"{type(error).__name__}: {error}"
        for _ in range(reps):
            for item in mix:
                if item.label in run.errors:
                    continue
                started = time.perf_counter()
                search_once(engine, item, now)
                elapsed = time.perf_counter() - started
                run.samples.append(elapsed)
                run.per_query.setdefault(item.label, []).append(elapsed)


def print_mix(run: EngineRun, reference: EngineRun | None, searches: int, reps: int) -> None:
    print(
        f"  {run.name}: {len(run.samples)} searches ({searches} x {reps}): "
        f"p50 {ms_text(run.ms(50))} ms, p95 {ms_text(run.ms(95))} ms, "
        f"p99 {ms_text(run.ms(99))} ms, max {ms_text(run.ms(100))} ms"
    )
    for label, why in list(run.errors.items())[:MISMATCHES_SHOWN]:
        print(f"    FAILED {label}: {why}")
    if len(run.errors) > MISMATCHES_SHOWN:
        print(f"    … and {len(run.errors) - MISMATCHES_SHOWN} more failed searches")
    slowest = sorted(run.per_query.items(), key=lambda entry: -sorted(entry[1])[len(entry[1]) // 2])
    print(f"    slowest {SLOWEST} (median / max of the {reps} passes, total found):")
    for label, times in slowest[:SLOWEST]:
        median = sorted(times)[len(times) // 2] * 1000.0
        print(
            f"      {median:7.1f} / {max(times) * 1000.0:7.1f} ms  "
            f"{run.totals.get(label, 0):>9,}  {label}"
        )
    if reference is not None and reference is not run and reference.totals:
        differing = [
            (label, reference.totals[label], total)
            for label, total in run.totals.items()
            if label in reference.totals and reference.totals[label] != total
        ]
        print(f"    totals differing from tantivy: {len(differing)} of {len(run.totals)}")
        for label, theirs, ours in differing[:MISMATCHES_SHOWN]:
            print(f"      {label}: tantivy {theirs:,}, {run.name} {ours:,}")


# --------------------------------------------------------------------------------------------
# A search worker's memory, in a fresh process
# --------------------------------------------------------------------------------------------


def probe_worker(root: Path, engine_name: str, pg_url: str) -> dict[str, Any]:
    """In a fresh process: the app, the whole mix through one engine, then the pages."""
    app = make_app(root)
    figures: dict[str, Any] = {"engine": engine_name, "app_rss_kib": proc_status_kib("VmRSS")}
    errors = 0
    with app.app_context():
        from job_search.importer import all_sources

        mix = build_mix(list(all_sources()))
        engine = open_engine(engine_name, root, pg_url)
        started = time.perf_counter()
        for item in mix:
            try:
                search_once(engine, item)
            except Exception:  # counted; the parent reports the failures
                errors += 1
        figures["mix_seconds"] = time.perf_counter() - started
    figures["rss_kib"] = proc_status_kib("VmRSS")
    figures["hwm_kib"] = proc_status_kib("VmHWM")
    if engine_name == "tantivy":
        client = app.test_client()
        started = time.perf_counter()
        for item in mix:
            response = client.get(item.url)
            response.get_data()
            errors += response.status_code != 200
        figures["pages_seconds"] = time.perf_counter() - started
        figures["pages_rss_kib"] = proc_status_kib("VmRSS")
        figures["pages_hwm_kib"] = proc_status_kib("VmHWM")
    figures["errors"] = errors
    return figures


def measure_worker(root: Path, run: EngineRun, pg_url: str) -> None:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--probe-worker",
        run.name,
        "--root",
        str(root),
        "--pg-url",
        pg_url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        run.worker = {"error": f"exit {done.returncode}: {tail}"}
        print(f"  {run.name}: the probe failed ({run.worker['error']})")
        return
    run.worker = json.loads(lines[-1])
    w = run.worker
    line = (
        f"  {run.name:<9} after create_app {kib_mb(w['app_rss_kib'])}, after the mix "
        f"({w['mix_seconds']:.1f} s): VmRSS {kib_mb(w['rss_kib'])}, "
        f"VmHWM {kib_mb(w['hwm_kib'])}"
    )
    if "pages_hwm_kib" in w:
        line += (
            f"; after rendering the mix's pages ({w['pages_seconds']:.1f} s): VmRSS "
            f"{kib_mb(w['pages_rss_kib'])}, VmHWM {kib_mb(w['pages_hwm_kib'])}"
        )
    if w["errors"]:
        line += f"; {w['errors']} failed"
    print(line)


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


def serve_and_load(
    root: Path, mix: Sequence[MixQuery], args: argparse.Namespace, cache: bool = False
) -> HttpFigures:
    """Serve and load the search page; ``cache`` False turns the anonymous result cache off
    (every request searches), True leaves it on (repeated searches come from memory)."""
    figures = HttpFigures()
    settings = {"INDEX_DIR": str(root / "index"), "RESULT_CACHE_SECONDS": 30 if cache else 0}
    extra_env = {
        "EMPLOISTORE_DATABASE_URL": "sqlite:///" + str(root / "instance" / DB_FILE),
        "EMPLOISTORE_JOB_SEARCH": json.dumps(settings),
        "EMPLOISTORE_DEMO_CONTENT": "false",
    }
    print(f"Starting emploistore serve --workers {HTTP_WORKERS} on the benchmark's database...")
    with StoreServer(workers=HTTP_WORKERS, extra_env=extra_env) as server:
        print(f"Server ready on 127.0.0.1:{server.port} in {server.startup_seconds:.1f} s")
        for item in mix:
            response = asyncio.run(fetch(server.host, server.port, item.url, timeout=30.0))
            if response.status != 200 or not response.complete:
                figures.failed_urls.append(f"{response.status or 'no answer'} {item.url}")
        if figures.failed_urls:
            print(f"  {len(figures.failed_urls)} of {len(mix)} pages did not answer 200:")
            for failed in figures.failed_urls[:MISMATCHES_SHOWN]:
                print(f"    {failed}")
        else:
            print(f"  every page of the mix answered 200 ({len(mix)} pages)")
        print(
            f"  load: {args.concurrency} connections, {args.seconds:.0f} s (after a 2 s "
            f"warm-up), over the {len(mix)} URLs"
        )
        figures.result = asyncio.run(
            run_load(
                "job search",
                server.host,
                server.port,
                rotate([item.url for item in mix]),
                concurrency=args.concurrency,
                warmup=2.0,
                duration=args.seconds,
                server_cpu=server.cpu_seconds,
            )
        )
        server.check_running()
        time.sleep(0.3)
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
        figures.log_problems = [
            line for line in log.splitlines() if "Traceback" in line or "WORKER TIMEOUT" in line
        ]
    result = figures.result
    kinds = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.error_kinds.items()))
    print(
        f"  {result.requests} requests in {result.elapsed:.1f} s: {result.throughput:.1f} req/s "
        f"(answered 200), p50 {ms_text(result.percentile_ms(50))} ms, "
        f"p95 {ms_text(result.percentile_ms(95))} ms, p99 {ms_text(result.percentile_ms(99))} ms; "
        f"{result.errors} errors" + (f" ({kinds})" if kinds else "")
    )
    cores = os.cpu_count() or 1
    capacity = cores * result.elapsed
    if capacity > 0 and result.server_cpu is not None:
        other = result.other_cpu
        print(
            f"  CPU of the {cores} cores: server {result.server_cpu / capacity:.0%}, load "
            f"generator {result.client_cpu / capacity:.0%}, other programs "
            + ("n/a" if other is None else f"{other / capacity:.0%}")
        )
    if figures.log_problems:
        print(f"  server log: {len(figures.log_problems)} tracebacks or worker timeouts")
    return figures


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def print_table(runs: Sequence[EngineRun], store: StoreFigures) -> None:
    header = ["engine", "build", "index size", "p50 ms", "p95 ms", "p99 ms", "worker RSS"]
    rows = [header]
    for run in runs:
        if run.skipped:
            rows.append([run.name, "skipped", "-", "-", "-", "-", "-"])
            continue
        build = store.index_seconds if run.name == "tantivy" else run.build_seconds
        has_samples = bool(run.samples)
        rows.append(
            [
                run.name,
                "-" if build is None else f"{build:.1f} s",
                mb(run.size_bytes),
                ms_text(run.ms(50)) if has_samples else "-",
                ms_text(run.ms(95)) if has_samples else "-",
                ms_text(run.ms(99)) if has_samples else "-",
                "-" if run.worker_mb is None else f"{run.worker_mb:.0f} MB",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        print("  " + " | ".join(cells))
        if index == 0:
            print("  " + "-+-".join("-" * width for width in widths))
    for run in runs:
        if run.skipped:
            print(f"  {run.name}: {run.skipped}")
    print(
        "  build: tantivy's is the index time (replica.sync); worker RSS: VmHWM of a fresh "
        "process\n  after create_app and the mix (and, for tantivy, the pages), PostgreSQL's "
        "server\n  processes not counted, FTS5's mapped file pages counted."
    )


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("MET" if ok else "MISSED")


def print_goals(
    runs: Sequence[EngineRun], store: StoreFigures, http: HttpFigures | None, count: int
) -> None:
    tantivy = next((run for run in runs if run.name == "tantivy"), None)
    total = store.import_seconds + store.index_seconds
    size_note = "" if count == FULL_COUNT else f" (at {count:,} offers, not the full size)"
    print(f"Goals{size_note}:")
    print(
        f"  import + index <= {GOAL_IMPORT_INDEX_S:.0f} s: {total:.1f} s -> "
        f"{verdict(total <= GOAL_IMPORT_INDEX_S)}"
    )
    p95 = tantivy.ms(95) if tantivy and tantivy.samples else math.nan
    p99 = tantivy.ms(99) if tantivy and tantivy.samples else math.nan
    print(
        f"  tantivy p95 <= {GOAL_P95_MS:.0f} ms: {ms_text(p95)} ms -> "
        f"{verdict(None if math.isnan(p95) else p95 <= GOAL_P95_MS)}"
    )
    print(
        f"  tantivy p99 <= {GOAL_P99_MS:.0f} ms: {ms_text(p99)} ms -> "
        f"{verdict(None if math.isnan(p99) else p99 <= GOAL_P99_MS)}"
    )
    rss = tantivy.worker_mb if tantivy else None
    print(
        f"  search worker VmHWM <= {GOAL_WORKER_MB:.0f} MB: "
        f"{'-' if rss is None else f'{rss:.0f} MB'} -> "
        f"{verdict(None if rss is None else rss <= GOAL_WORKER_MB)}"
    )
    result = http.result if http else None
    if result is None:
        print(f"  HTTP >= {GOAL_REQ_S:.0f} req/s, no error: -> not measured")
    else:
        ok = result.throughput >= GOAL_REQ_S and result.errors == 0
        print(
            f"  HTTP >= {GOAL_REQ_S:.0f} req/s, no error (result cache off): "
            f"{result.throughput:.1f} req/s, {result.errors} errors -> {verdict(ok)}"
        )


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, default=FULL_COUNT, help=f"offers generated ({FULL_COUNT:,})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generation seed (1)")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="engines to measure, comma-separated (tantivy,fts5,postgres); tantivy's index "
        "is built whatever the list",
    )
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG_URL, help=f"PostgreSQL for its engine ({DEFAULT_PG_URL})"
    )
    parser.add_argument("--reps", type=int, default=3, help="measured passes over the mix (3)")
    parser.add_argument("--skip-http", action="store_true", help="no gunicorn load run")
    parser.add_argument("--skip-worker", action="store_true", help="no worker memory probe")
    parser.add_argument("--seconds", type=float, default=15.0, help="HTTP load duration (15)")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP connections (16)")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR (new or empty) and keep it: feeds, database, indexes",
    )
    # Internal: the worker memory probe, run by this script in a fresh process.
    parser.add_argument("--probe-worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = sorted(set(args.engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engines: {', '.join(unknown)} (known: {', '.join(ENGINES)})")
    if args.count < 1 or args.reps < 1 or args.seconds <= 0 or args.concurrency < 1:
        parser.error("--count, --reps, --seconds and --concurrency must be positive")
    if args.probe_worker and args.root is None:
        parser.error("--probe-worker needs --root")
    return args


def work_folder(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="emploistore-jobs-bench-"))
    keep = keep.resolve()
    if keep.exists() and any(keep.iterdir()):
        raise SetupError(f"--keep {keep}: the folder is not empty")
    keep.mkdir(parents=True, exist_ok=True)
    return keep


def run(args: argparse.Namespace) -> int:
    root = work_folder(args.keep)
    try:
        return run_in(root, args)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"\nKept in {root}")


def run_in(root: Path, args: argparse.Namespace) -> int:
    print(f"Job search benchmark in {root} ({os.cpu_count()} cores)")
    with step("1. Feeds"):
        feeds = generate(root / "feeds", args.count, args.seed)

    with step("2. Import and index (SQLite, tantivy)"):
        app = make_app(root)
        migrate(app)
        reset = reset_peak_rss()
        store = import_and_index(app, root, feeds)
        store.peak_rss_kib = peak_rss_kib()
        store.peak_includes_generation = not reset
        print(
            f"  peak RSS of this process {kib_mb(store.peak_rss_kib)}"
            + (" (the generation's included)" if store.peak_includes_generation else "")
        )

    runs: list[EngineRun] = []
    try:
        return measure_engines(app, root, store, runs, args)
    finally:
        drop_postgres(app, root, runs, args)


def measure_engines(
    app: Any, root: Path, store: StoreFigures, runs: list[EngineRun], args: argparse.Namespace
) -> int:
    """Steps 3 to 7: the engines, their latency and memory, HTTP, the summary."""
    with step("3. Engines built from the same documents"):
        build_engines(app, root, args.engines, args.pg_url, runs)

    from job_search.importer import all_sources

    with app.app_context():
        mix = build_mix(list(all_sources()))
    measured = [run for run in runs if not run.skipped]
    with step(f"4. Search latency: {len(mix)} searches, a warm-up then {args.reps} passes"):
        from emploistore import utcnow

        now = utcnow()
        for engine_run in measured:
            measure_mix(app, root, engine_run, mix, args.reps, args.pg_url, now)
        reference = next((r for r in measured if r.name == "tantivy"), None)
        for engine_run in measured:
            print_mix(engine_run, reference, len(mix), args.reps)

    if not args.skip_worker:
        with step("5. A search worker's memory (a fresh process per engine)"):
            for engine_run in measured:
                measure_worker(root, engine_run, args.pg_url)

    http: HttpFigures | None = None
    if not args.skip_http:
        title = f"6. HTTP: gunicorn, {HTTP_WORKERS} sync workers, GET /job-search/"
        with step(title + ", result cache off (every request searches)"):
            http = serve_and_load(root, mix, args, cache=False)
        with step(title + ", anonymous result cache on (the store's default)"):
            serve_and_load(root, mix, args, cache=True)

    with step("7. Summary"):
        print_table(runs, store)
        print()
        print_goals(runs, store, http, args.count)
    return 0


def drop_postgres(
    app: Any, root: Path, runs: Sequence[EngineRun], args: argparse.Namespace
) -> None:
    """Remove the PostgreSQL engine's tables unless --keep (when the engine can)."""
    if args.keep is not None or not any(r.name == "postgres" and not r.skipped for r in runs):
        return
    with app.app_context():
        engine = open_engine("postgres", root, args.pg_url)
        try:
            engine.destroy()
        except Exception as error:  # the run's figures matter more: say it, go on
            print(f"could not drop PostgreSQL schema {engine.schema}: {error}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.probe_worker:
        print(json.dumps(probe_worker(args.root, args.probe_worker, args.pg_url)))
        return 0
    return run_benchmark(lambda: run(args), SetupError)


if __name__ == "__main__":
    sys.exit(main())
