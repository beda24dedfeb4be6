"""Emploi Store: the host application and the public API for plugins.

Plugins import only what this module exports.
"""

from __future__ import annotations

from emploistore.app import create_app
from emploistore.catalog.markdown import render_markdown
from emploistore.catalog.services import ListingLink, listing_link
from emploistore.database import db, utcnow
from emploistore.hookspecs import hookimpl
from emploistore.plugins.types import AccountTab, HomeCard, SearchDocument

__version__ = "0.1.0"

__all__ = [
    "AccountTab",
    "HomeCard",
    "ListingLink",
    "SearchDocument",
    "__version__",
    "create_app",
    "db",
    "hookimpl",
    "listing_link",
    "render_markdown",
    "utcnow",
]
