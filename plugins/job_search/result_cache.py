"""A per-process cache of search answers for visitors without a session.

The same search by two anonymous visitors gets the same page, so the search page and
``GET /api/v1/jobs`` are rendered once per process and served from memory while this
server's index is unchanged (its applied change-feed sequence) and for at most
``JOB_SEARCH["RESULT_CACHE_SECONDS"]`` (30 s by default; 0 turns it off), since "published
in the last N days" and expiry dates move with the clock. Signed-in people, any request
carrying a session, and non-200 answers bypass it. Bounded by total size.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request

from job_search.settings import setting

MAX_TOTAL_BYTES = 16 * 1024 * 1024
MAX_BODY_BYTES = 256 * 1024
EXTENSION = "job_search.result_cache"


class ResultCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[int, float, bytes, str, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, seq: int, max_age: float) -> tuple[bytes, str, str] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        stored_seq, stored_at, body, content_type, cache_control = entry
        if stored_seq != seq or time.monotonic() - stored_at > max_age:
            return None
        return body, content_type, cache_control

    def put(self, key: str, seq: int, body: bytes, content_type: str, cache_control: str) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._entries[key] = (seq, time.monotonic(), body, content_type, cache_control)
            self._bytes += len(body)
            while self._bytes > MAX_TOTAL_BYTES:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted[2])


def cache_of(app: Flask) -> ResultCache:
    return app.extensions.setdefault(EXTENSION, ResultCache())


def lookup(seq: int) -> Response | None:
    """The cached answer to this request, or None (then ``store`` keeps the answer)."""
    max_age = float(setting("RESULT_CACHE_SECONDS"))
    if max_age <= 0 or request.method != "GET":
        return None
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return None
    key = request.full_path
    found = cache_of(current_app).get(key, seq, max_age)
    if found is None:
        g.job_search_cache = (key, seq)
        return None
    body, content_type, cache_control = found
    response = Response(body, content_type=content_type)
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    return response


def store(response: Response) -> Response:
    pending = g.pop("job_search_cache", None)
    if (
        pending is not None
        and response.status_code == 200
        and "Set-Cookie" not in response.headers
        and not response.direct_passthrough
        and response.content_length is not None
        and response.content_length <= MAX_BODY_BYTES
    ):
        key, seq = pending
        cache_of(current_app).put(
            key,
            seq,
            response.get_data(),
            response.content_type,
            response.headers.get("Cache-Control", ""),
        )
    return response
