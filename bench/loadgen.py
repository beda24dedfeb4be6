"""A light load generator for the Emploi Store benchmarks (loopback only).

The load generator is deliberately minimal so that it takes as little CPU as possible from the
server it measures (both share the same machine): one asyncio event loop, raw streams, a
hand-written ``GET`` request with ``Connection: close``, the response read until EOF and only its
status line (and ``Content-Length``) parsed. It only ever targets the loopback address, and every
run is bounded both in time and in request count, so it always stops by itself.

For scenarios with sessions (bench/load.py), ``build_request`` writes any method with extra
headers and a body (a form ``POST``), ``send`` sends such a request, ``Response.header_values``
reads response headers and ``CookieJar`` keeps one client's cookies.

The store under test (``StoreServer``) lives in bench/store_server.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import math
import os
import resource
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = "127.0.0.1"
DEFAULT_MAX_REQUESTS = 200_000
DEFAULT_REQUEST_TIMEOUT = 10.0
READ_CHUNK = 256 * 1024
ENV_PREFIX = "EMPLOISTORE_"


def require_loopback(host: str) -> None:
    """Refuse any target outside the loopback range: benchmarks only load this machine."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"benchmarks only target the loopback address, not {host!r}")


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free right now on ``host`` (the OS picks it)."""
    require_loopback(host)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# One request
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """What the benchmark needs from a response: status, body and whether it was complete.

    ``head`` holds the raw header lines (status line excluded), parsed only on demand.
    """

    status: int
    body: bytes
    complete: bool
    head: bytes = b""

    def header_values(self, name: str) -> list[str]:
        """The values of every header called ``name`` (case-insensitive), in order."""
        wanted = name.lower().encode("ascii")
        values = []
        for line in self.head.split(b"\r\n"):
            key, colon, value = line.partition(b":")
            if colon and key.strip().lower() == wanted:
                values.append(value.strip().decode("latin-1"))
        return values


def parse_response(raw: bytes) -> Response:
    """Parse a whole HTTP/1.x response read until EOF (no chunked encoding expected)."""
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0 or not raw.startswith(b"HTTP/1."):
        return Response(0, b"", False)
    status_line_end = raw.find(b"\r\n")
    parts = raw[:status_line_end].split(b" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return Response(0, b"", False)
    body = raw[head_end + 4 :]
    head = raw[status_line_end + 2 : head_end]
    complete = True
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                complete = len(body) == int(value.strip())
            except ValueError:
                complete = False
            break
    return Response(status, body, complete, head)


def request_bytes(host: str, port: int, path: str) -> bytes:
    """The raw bytes of a ``GET path`` that asks the server to close the connection."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: emploistore-bench\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii")


def build_request(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> bytes:
    """The raw bytes of any request (``Connection: close``), with extra headers and a body.

    ``Content-Length`` is added whenever there is a body or the method is ``POST``.
    """
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "User-Agent: emploistore-bench",
        "Accept: */*",
        "Connection: close",
    ]
    for name, value in (headers or {}).items():
        if any(char in name or char in value for char in "\r\n"):
            raise ValueError(f"header {name!r} holds a line break")
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def send(
    host: str, port: int, payload: bytes, timeout: float = DEFAULT_REQUEST_TIMEOUT
) -> Response:
    """Send raw request bytes (see ``build_request``) on a new connection; read until EOF."""
    require_loopback(host)
    async with asyncio.timeout(timeout):
        return await _fetch(host, port, payload)


async def fetch(
    host: str, port: int, path: str, timeout: float = DEFAULT_REQUEST_TIMEOUT
) -> Response:
    """One ``GET`` on a new connection, read until the server closes it."""
    require_loopback(host)
    async with asyncio.timeout(timeout):
        return await _fetch(host, port, request_bytes(host, port, path))


async def _fetch(host: str, port: int, payload: bytes) -> Response:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(payload)
        chunks = []
        while chunk := await reader.read(READ_CHUNK):
            chunks.append(chunk)
    finally:
        writer.close()
    return parse_response(b"".join(chunks))


def fetch_json(host: str, port: int, path: str, timeout: float = DEFAULT_REQUEST_TIMEOUT) -> Any:
    """GET a JSON document (status 200 required) from a synchronous caller."""
    response = asyncio.run(fetch(host, port, path, timeout))
    if response.status != 200 or not response.complete:
        raise RuntimeError(f"GET {path} answered {response.status or 'garbage'}")
    return json.loads(response.body)


class CookieJar:
    """The cookies of one client of one server: name → value, sent back on every request.

    Enough for a benchmark against a single host: domain, path and ``Secure`` are ignored
    (the store marks its session cookie ``Secure``; a browser would not send it over plain
    http, this client does), and a cookie is dropped when the server expires it.
    """

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def update(self, response: Response) -> None:
        """Apply the response's ``Set-Cookie`` headers."""
        for header in response.header_values("set-cookie"):
            pair, *attributes = header.split(";")
            name, equals, value = pair.partition("=")
            name, value = name.strip(), value.strip().strip('"')
            if not equals or not name:
                continue
            if not value or _expires_now(attributes):
                self.values.pop(name, None)
            else:
                self.values[name] = value

    def header(self) -> str:
        """The ``Cookie`` header value ("" when the jar is empty)."""
        return "; ".join(f"{name}={value}" for name, value in self.values.items())

    def clear(self) -> None:
        self.values.clear()


def _expires_now(attributes: list[str]) -> bool:
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key == "max-age":
            with contextlib.suppress(ValueError):
                if int(value) <= 0:
                    return True
        elif key == "expires" and "1970" in value:
            return True
    return False


# --------------------------------------------------------------------------------------------
# A closed-loop load run
# --------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """Figures of one measured run (warm-up excluded)."""

    name: str
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    error_kinds: dict[str, int] = field(default_factory=dict)
    client_cpu: float = 0.0
    server_cpu: float | None = None
    machine_cpu: float | None = None

    @property
    def other_cpu(self) -> float | None:
        """CPU seconds used by other programs during the window (needs server_cpu)."""
        if self.machine_cpu is None or self.server_cpu is None:
            return None
        return max(0.0, self.machine_cpu - self.server_cpu - self.client_cpu)

    @property
    def throughput(self) -> float:
        """Successful requests per second over the measured window."""
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000.0

    def add_error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0–100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def cpu_seconds() -> float:
    """User + system CPU time this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_cpu_seconds() -> float | None:
    """Busy CPU seconds of the whole machine, all cores (Linux /proc/stat; else None).

    Minus the server's and the load generator's own CPU, this shows how much other programs
    ran during a measurement, i.e. whether the figures were disturbed.
    """
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    values = [int(value) for value in fields[1:9]]
    busy = sum(values) - values[3] - values[4]
    return busy / os.sysconf("SC_CLK_TCK")


async def run_load(
    name: str,
    host: str,
    port: int,
    paths: Callable[[], str],
    *,
    concurrency: int = 16,
    warmup: float = 2.0,
    duration: float = 15.0,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    timeout: float = DEFAULT_REQUEST_TIMEOUT,
    server_cpu: Callable[[], float | None] | None = None,
) -> LoadResult:
    """Keep ``concurrency`` clients busy, each sending one request at a time.

    Load is continuous from the warm-up into the measured window; only requests *started* in
    the measured window are recorded, and clients start no request after it ends (those in
    flight then finish and count). ``paths()`` gives the path of each next request. The run ends
    after ``warmup + duration`` seconds or ``max_requests`` measured requests, whichever first.
    ``server_cpu()``, if given, is sampled when the measured window opens and when the run
    ends, to report the server's CPU use over that window.
    """
    require_loopback(host)
    if concurrency < 1 or duration <= 0 or warmup < 0 or max_requests < 1:
        raise ValueError("concurrency, duration and max_requests must be positive")
    result = LoadResult(name)
    payloads: dict[str, bytes] = {}
    clock = time.perf_counter
    start = clock()
    measure_from = start + warmup
    stop_at = measure_from + duration
    last_end = measure_from
    cpu_at_measure: float | None = None
    server_cpu_at_measure: float | None = None
    machine_cpu_at_measure: float | None = None
    started = 0

    async def client() -> None:
        nonlocal last_end, cpu_at_measure, server_cpu_at_measure, machine_cpu_at_measure
        nonlocal started
        while True:
            begin = clock()
            if begin >= stop_at or started >= max_requests:
                return
            measured = begin >= measure_from
            if measured:
                if cpu_at_measure is None:
                    cpu_at_measure = cpu_seconds()
                    server_cpu_at_measure = server_cpu() if server_cpu else None
                    machine_cpu_at_measure = machine_cpu_seconds()
                started += 1
            path = paths()
            payload = payloads.get(path)
            if payload is None:
                payload = payloads[path] = request_bytes(host, port, path)
            try:
                async with asyncio.timeout(timeout):
                    response = await _fetch(host, port, payload)
            except TimeoutError:
                error = "timeout"
            except OSError as exc:
                error = type(exc).__name__
            else:
                if response.status != 200:
                    error = f"HTTP {response.status}" if response.status else "bad response"
                elif not response.complete:
                    error = "truncated body"
                else:
                    error = ""
            end = clock()
            if not measured:
                continue
            last_end = max(last_end, end)
            result.requests += 1
            if error:
                result.add_error(error)
            else:
                result.latencies.append(end - begin)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = last_end - measure_from
    if cpu_at_measure is not None:
        result.client_cpu = cpu_seconds() - cpu_at_measure
        server_cpu_at_end = server_cpu() if server_cpu else None
        if server_cpu_at_measure is not None and server_cpu_at_end is not None:
            result.server_cpu = server_cpu_at_end - server_cpu_at_measure
        machine_cpu_at_end = machine_cpu_seconds()
        if machine_cpu_at_measure is not None and machine_cpu_at_end is not None:
            result.machine_cpu = machine_cpu_at_end - machine_cpu_at_measure
    return result


def rotate(items: list[str]) -> Callable[[], str]:
    """A ``paths`` callable that cycles over ``items``, one per request."""
    if not items:
        raise ValueError("nothing to rotate over")
    position = 0

    def next_item() -> str:
        nonlocal position
        item = items[position % len(items)]
        position += 1
        return item

    return next_item
