"""Emploi Store: the host application and the public API for plugins.

Plugins import only what this module exports.
"""

from __future__ import annotations

from emploistore.accounts.services import email_addresses
from emploistore.app import create_app
from emploistore.catalog.markdown import render_markdown
from emploistore.catalog.services import ListingLink, listing_link
from emploistore.content_files import flatten_messages, load_once, read_yaml
from emploistore.database import db, utcnow
from emploistore.hookspecs import hookimpl
from emploistore.images import CleanImage, ImageRejected, clean_image
from emploistore.plugins.manager import plugin_answers
from emploistore.plugins.types import (
    AccountTab,
    HomeCard,
    JobOfferSource,
    PublicEndpoint,
    SearchDocument,
    SeekerResource,
    SourceRow,
)
from emploistore.search.analysis import normalise_gender_number
from emploistore.web.access import admin_required

__version__ = "0.1.0"

__all__ = [
    "AccountTab",
    "CleanImage",
    "HomeCard",
    "ImageRejected",
    "JobOfferSource",
    "ListingLink",
    "PublicEndpoint",
    "SearchDocument",
    "SeekerResource",
    "SourceRow",
    "__version__",
    "admin_required",
    "clean_image",
    "create_app",
    "db",
    "email_addresses",
    "flatten_messages",
    "hookimpl",
    "listing_link",
    "load_once",
    "normalise_gender_number",
    "plugin_answers",
    "read_yaml",
    "render_markdown",
    "utcnow",
]
