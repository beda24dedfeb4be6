"""Throughput and latency of the Emploi Store's public catalogue pages under gunicorn.

What it measures
    The store is started as a user would start it, ``emploistore serve --workers 2`` (sync
    gunicorn workers) in a fresh temporary instance folder (SQLite database, catalog.yaml with
    its demo reviews, whoosh index). Then, one after the other, each route is loaded by a fixed
    number of concurrent clients (closed loop: each client sends its next request as soon as
    the previous one is answered, on a new connection since sync workers close it):

    - minimal route: ``GET /healthz`` (JSON, touches neither the database nor templates): the
      ceiling that Flask + gunicorn reach on this machine, the yardstick for the pages;
    - home ``GET /``; theme ``GET /themes/<slug>``; service ``GET /services/<slug>`` (the
      first theme and first service, discovered through ``/api/v1``);
    - search ``GET /recherche?q=...``, rotating over realistic French queries.

    Each route gets a warm-up (not recorded) followed by a measured window. Every answer must
    be a complete 200; anything else counts as an error. The table gives requests, errors,
    requests/s, latency percentiles (nearest rank) and throughput relative to the minimal
    route, followed by the goals for the pages: throughput at least 40 % of the minimal route
    and p95 at most 50 ms.

    The load generator (bench/loadgen.py) is a single asyncio loop on raw streams, sharing the
    machine's cores with the server; the CPU it used is printed so that its distortion of the
    figures is known. With a closed loop, latency is mostly queueing: about concurrency
    divided by throughput. Other programs' CPU in each window is shown too, with a warning
    when they disturbed the figures.

    The store caches public pages per worker for visitors without a session, so by default
    the pages (search queries included, once each has been seen) are mostly served from that
    cache; ``--no-page-cache`` starts the store with the cache off to measure rendering itself.

How to run
    python3 bench/catalog.py                      # 15 s per route, 16 clients
    python3 bench/catalog.py --seconds 5 --json /tmp/catalog.json
    python3 bench/catalog.py --no-page-cache      # measure rendering, not the page cache

Exit status: 0 when the measurement ran (goals met or not), 1 when requests failed, 2 when
the server failed to start or died, 130 on Ctrl-C. The server is always stopped and the
temporary folder removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from loadgen import (
    DEFAULT_MAX_REQUESTS,
    LoadResult,
    cpu_seconds,
    fetch_json,
    rotate,
    run_load,
)
from store_server import ServerError, StoreServer, run_benchmark

SEARCH_QUERIES = [
    "cv",
    "entretien",
    "formation",
    "metier",
    "infirmiere",
    "alternance",
    "lettre de motivation",
    "creer entreprise",
    "handicap",
    "offres cadres",
]
GOAL_RATIO = 0.40  # a page serves at least 40 % of the minimal route's requests/s
GOAL_P95_MS = 50.0  # and answers 95 % of requests within 50 ms
OTHER_CPU_WARNING = 0.10  # warn when other programs took over 10 % of the CPU in a window

EXIT_OK, EXIT_ERRORS = 0, 1  # 2 (server) and 130 (interrupted): see run_benchmark


@dataclass(frozen=True)
class Route:
    name: str
    label: str  # the path as shown in the table
    paths: Callable[[], str]
    is_page: bool = True


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per route")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per route")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        help="cap on measured requests per route",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve with EMPLOISTORE_PAGE_CACHE_SECONDS=0 to measure page rendering itself",
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.concurrency < 1 or args.max_requests < 1:
        parser.error("--seconds, --concurrency and --max-requests must be positive")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def discover_routes(server: StoreServer) -> list[Route]:
    """The routes to load, with real slugs read from the running store's API."""
    themes = fetch_json(server.host, server.port, "/api/v1/themes")["items"]
    services = fetch_json(server.host, server.port, "/api/v1/services?per_page=1")["items"]
    if not themes or not services:
        raise ServerError("the API lists no theme or no service: the catalogue did not load")
    theme = quote(themes[0]["slug"])
    service = quote(services[0]["slug"])
    searches = [f"/recherche?{urlencode({'q': query})}" for query in SEARCH_QUERIES]
    return [
        Route("minimal", "/healthz", rotate(["/healthz"]), is_page=False),
        Route("home", "/", rotate(["/"])),
        Route("theme", f"/themes/{theme}", rotate([f"/themes/{theme}"])),
        Route("service", f"/services/{service}", rotate([f"/services/{service}"])),
        Route("search", f"/recherche?q=… ({len(searches)} queries)", rotate(searches)),
    ]


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def print_table(routes: list[Route], results: list[LoadResult], baseline: float) -> None:
    header = ["route", "path", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"]
    header.append("vs minimal")
    rows = [header]
    for route, result in zip(routes, results, strict=True):
        ratio = result.throughput / baseline if baseline > 0 else math.nan
        rows.append(
            [
                route.name,
                route.label,
                str(result.requests),
                str(result.errors),
                f"{result.throughput:.1f}",
                ms(result.percentile_ms(50)),
                ms(result.percentile_ms(95)),
                ms(result.percentile_ms(99)),
                "-" if math.isnan(ratio) else f"{ratio * 100:.0f} %",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def goal_verdicts(result: LoadResult, baseline: float) -> dict[str, Any]:
    ratio = result.throughput / baseline if baseline > 0 else math.nan
    p95 = result.percentile_ms(95)
    return {
        "throughput_ratio": None if math.isnan(ratio) else round(ratio, 4),
        "throughput_met": bool(ratio >= GOAL_RATIO),
        "p95_ms": None if math.isnan(p95) else round(p95, 3),
        "p95_met": bool(p95 <= GOAL_P95_MS),
    }


def print_goals(routes: list[Route], results: list[LoadResult], baseline: float) -> None:
    print()
    print(
        f"Goals for pages: throughput >= {GOAL_RATIO * 100:.0f} % of the minimal route "
        f"({GOAL_RATIO * baseline:.1f} req/s here), p95 <= {GOAL_P95_MS:.0f} ms"
    )
    for route, result in zip(routes, results, strict=True):
        if not route.is_page:
            continue
        verdict = goal_verdicts(result, baseline)
        ratio = verdict["throughput_ratio"]
        throughput = "met   " if verdict["throughput_met"] else "MISSED"
        latency = "met   " if verdict["p95_met"] else "MISSED"
        ratio_text = "-" if ratio is None else f"{ratio * 100:.0f} %"
        print(
            f"  {route.name:<8} throughput {throughput} ({ratio_text:>5})   "
            f"p95 {latency} ({ms(result.percentile_ms(95))} ms)"
        )


def print_cpu(
    routes: list[Route], results: list[LoadResult], load_cpu: float, load_wall: float
) -> None:
    cores = os.cpu_count() or 1
    print()
    print(
        f"load generator CPU: {load_cpu:.1f} s over {load_wall:.1f} s "
        f"({load_cpu / load_wall * 100:.0f} % of one core, "
        f"{load_cpu / load_wall / cores * 100:.0f} % of this machine's {cores} cores; "
        "warm-ups included)"
    )
    print(f"CPU in the measured windows (capacity = {cores} cores x window):")
    print("  route     window  load generator  server (master+workers)  other programs")
    disturbed = []
    for route, result in zip(routes, results, strict=True):
        capacity = cores * result.elapsed if result.elapsed > 0 else math.nan
        other = result.other_cpu
        if other is not None and other > OTHER_CPU_WARNING * capacity:
            disturbed.append(route.name)
        print(
            f"  {route.name:<8} {result.elapsed:5.1f} s  "
            f"{share(result.client_cpu, capacity):>14}  "
            f"{share(result.server_cpu, capacity):>23}  {share(other, capacity):>14}"
        )
    if disturbed:
        print(
            f"WARNING: other programs used more than {OTHER_CPU_WARNING * 100:.0f} % of the CPU "
            f"while measuring {', '.join(disturbed)}: those figures are disturbed; run again "
            "on a quiet machine."
        )


def share(seconds: float | None, capacity: float) -> str:
    if seconds is None or math.isnan(capacity):
        return "n/a"
    return f"{seconds:.1f} s ({seconds / capacity * 100:.0f} %)"


def report_errors(routes: list[Route], results: list[LoadResult]) -> None:
    for route, result in zip(routes, results, strict=True):
        if result.errors:
            kinds = ", ".join(f"{kind}: {count}" for kind, count in result.error_kinds.items())
            print(f"ERRORS on {route.name} ({route.label}): {kinds}", file=sys.stderr)


def write_json(
    path: Path,
    args: argparse.Namespace,
    server: StoreServer,
    routes: list[Route],
    results: list[LoadResult],
    baseline: float,
    load_cpu: float,
    load_wall: float,
) -> None:
    def number(value: float) -> float | None:
        return None if math.isnan(value) else round(value, 3)

    document = {
        "benchmark": "catalog",
        "config": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "max_requests": args.max_requests,
            "page_cache": not args.no_page_cache,
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "server_startup_s": round(server.startup_seconds, 3),
        "goals": {"throughput_ratio_min": GOAL_RATIO, "p95_ms_max": GOAL_P95_MS},
        "routes": [
            {
                "name": route.name,
                "path": route.label,
                "requests": result.requests,
                "errors": result.errors,
                "error_kinds": result.error_kinds,
                "elapsed_s": round(result.elapsed, 3),
                "requests_per_s": round(result.throughput, 2),
                "p50_ms": number(result.percentile_ms(50)),
                "p95_ms": number(result.percentile_ms(95)),
                "p99_ms": number(result.percentile_ms(99)),
                "ratio_to_minimal": number(result.throughput / baseline) if baseline > 0 else None,
                "goals": goal_verdicts(result, baseline) if route.is_page else None,
                "load_generator_cpu_s": round(result.client_cpu, 3),
                "server_cpu_s": None if result.server_cpu is None else round(result.server_cpu, 3),
                "other_programs_cpu_s": None
                if result.other_cpu is None
                else round(result.other_cpu, 3),
            }
            for route, result in zip(routes, results, strict=True)
        ],
        "load_generator": {"cpu_s": round(load_cpu, 3), "wall_s": round(load_wall, 3)},
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    print(
        f"Starting emploistore serve --workers {args.workers} in a temporary instance folder"
        + (" with the page cache off" if args.no_page_cache else "")
        + "...",
        flush=True,
    )
    extra_env = {"EMPLOISTORE_PAGE_CACHE_SECONDS": "0"} if args.no_page_cache else {}
    with StoreServer(workers=args.workers, extra_env=extra_env) as server:
        print(f"Server ready on 127.0.0.1:{server.port} in {server.startup_seconds:.1f} s")
        routes = discover_routes(server)
        print(
            f"Each route: {args.warmup:g} s warm-up + {args.seconds:g} s measured, "
            f"{args.concurrency} concurrent clients, new connection per request.",
            flush=True,
        )
        results: list[LoadResult] = []
        load_cpu_start, load_wall_start = cpu_seconds(), time.perf_counter()
        for route in routes:
            print(f"  loading {route.name:<8} {route.label}", flush=True)
            result = asyncio.run(
                run_load(
                    route.name,
                    server.host,
                    server.port,
                    route.paths,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.seconds,
                    max_requests=args.max_requests,
                    server_cpu=server.cpu_seconds,
                )
            )
            server.check_running()
            results.append(result)
        load_cpu = cpu_seconds() - load_cpu_start
        load_wall = time.perf_counter() - load_wall_start

        baseline = results[0].throughput
        print()
        print_table(routes, results, baseline)
        print_goals(routes, results, baseline)
        print_cpu(routes, results, load_cpu, load_wall)
        report_errors(routes, results)
        if args.json:
            write_json(args.json, args, server, routes, results, baseline, load_cpu, load_wall)
            print(f"\nfigures written to {args.json}")
    return EXIT_ERRORS if any(result.errors for result in results) else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_benchmark(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
