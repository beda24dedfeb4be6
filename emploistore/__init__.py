"""Emploi Store: the host application and the public API for plugins.

Plugins import only what this module exports.
"""

from __future__ import annotations

from emploistore.app import create_app
from emploistore.catalog.markdown import render_markdown
from emploistore.catalog.services import ListingLink, listing_link
from emploistore.content_files import flatten_messages, read_yaml
from emploistore.database import db, utcnow
from emploistore.hookspecs import hookimpl
from emploistore.images import CleanImage, ImageRejected, clean_image
from emploistore.plugins.types import AccountTab, HomeCard, SearchDocument, SeekerResource
from emploistore.web.access import admin_required

__version__ = "0.1.0"

__all__ = [
    "AccountTab",
    "CleanImage",
    "HomeCard",
    "ImageRejected",
    "ListingLink",
    "SearchDocument",
    "SeekerResource",
    "__version__",
    "admin_required",
    "clean_image",
    "create_app",
    "db",
    "flatten_messages",
    "hookimpl",
    "listing_link",
    "read_yaml",
    "render_markdown",
    "utcnow",
]
