"""A per-process cache of public pages for visitors without a session.

A visitor with no session cookie sees exactly the same HTML as any other such visitor,
so the home, theme, service and search pages are rendered once and served from memory.
An entry is valid while the catalogue version (bumped in the same transaction as any
change visitors would see) is unchanged; each worker re-reads that version at most every
PAGE_CACHE_SECONDS, and no entry outlives PAGE_CACHE_MAX_AGE. Signed-in visitors, any
request carrying a session, and any response that sets a cookie bypass the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from emploistore.catalog.state import catalog_version

CACHEABLE_ENDPOINTS = frozenset(
    {"catalog.home", "catalog.theme", "catalog.service", "search.search"}
)
# Bounded by total size: distinct query strings cannot grow a worker's memory further.
MAX_TOTAL_BYTES = 32 * 1024 * 1024
MAX_BODY_BYTES = 256 * 1024
EXTENSION_KEY = "emploistore.page_cache"


@dataclass
class CachedPage:
    version: int
    stored_at: float
    body: bytes
    content_type: str


class PageCache:
    def __init__(self, check_every: float, max_age: float) -> None:
        self.check_every = check_every
        self.max_age = max_age
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._version = -1
        self._checked_at = 0.0

    def current_version(self) -> int:
        now = time.monotonic()
        if now - self._checked_at >= self.check_every:
            self._version = catalog_version()
            self._checked_at = now
        return self._version

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
        if page is None:
            return None
        expired = time.monotonic() - page.stored_at > self.max_age
        return None if expired or page.version != self.current_version() else page

    def put(self, key: str, body: bytes, content_type: str) -> None:
        page = CachedPage(self.current_version(), time.monotonic(), body, content_type)
        with self._lock:
            replaced = self._pages.pop(key, None)
            if replaced is not None:
                self._bytes -= len(replaced.body)
            self._pages[key] = page
            self._bytes += len(body)
            while self._bytes > MAX_TOTAL_BYTES:
                _key, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.body)


def _cache_key() -> str | None:
    """The request's key, or None when this request must not use the cache."""
    if request.method != "GET" or request.endpoint not in CACHEABLE_ENDPOINTS:
        return None
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return None
    return request.full_path


def init_page_cache(app: Flask) -> None:
    seconds = float(app.config["PAGE_CACHE_SECONDS"])
    if seconds <= 0:
        return
    cache = PageCache(check_every=seconds, max_age=float(app.config["PAGE_CACHE_MAX_AGE"]))
    app.extensions[EXTENSION_KEY] = cache

    @app.before_request
    def serve_cached_page() -> Response | None:
        key = _cache_key()
        if key is None:
            return None
        try:
            page = cache.get(key)
        except SQLAlchemyError:
            return None  # the page itself will report the database problem
        if page is None:
            g.page_cache_key = key
            return None
        g.page_cache_hit = True
        return Response(page.body, content_type=page.content_type)

    @app.after_request
    def store_page(response: Response) -> Response:
        key = g.pop("page_cache_key", None)
        if (
            key is not None
            and response.status_code == 200
            and "Set-Cookie" not in response.headers
            and not response.direct_passthrough
            and response.content_length is not None
            and response.content_length <= MAX_BODY_BYTES
        ):
            cache.put(key, response.get_data(), response.content_type)
        return response
