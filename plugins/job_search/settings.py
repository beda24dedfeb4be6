"""The plugin's settings: the ``JOB_SEARCH`` mapping of the store's config.

Keys (all optional): INDEX_DIR (default: instance/job_search_index), SYNC_SECONDS (2),
SYNC_BATCH (2000), SOURCES (feeds declared by an administrator, see sources/__init__.py),
MAIL_SENDER ("file", "console" or "package.module:function"), MAIL_FROM, DEMO_OFFERS (3000),
RESULT_CACHE_SECONDS (30; 0 turns the anonymous result cache off, see result_cache.py).
"""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    "INDEX_DIR": None,
    "SYNC_SECONDS": 2.0,
    "SYNC_BATCH": 2000,
    "SOURCES": {},
    "MAIL_SENDER": "file",
    "MAIL_FROM": "alertes@emploistore.example",
    "DEMO_OFFERS": 3000,
    "RESULT_CACHE_SECONDS": 30.0,
}


def setting(name: str) -> Any:
    configured = current_app.config.get("JOB_SEARCH") or {}
    return configured.get(name, DEFAULTS[name])
