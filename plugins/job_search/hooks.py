"""The job search's hook implementations: how the host loads it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask, url_for

from emploistore import AccountTab, JobOfferSource, PublicEndpoint, hookimpl
from job_search import api, commands, service
from job_search.models import FeedState, ImportRun, Offer, SavedOffer, SavedSearch
from job_search.settings import setting
from job_search.sources import builtin_sources, configured_sources
from job_search.views import bp

log = logging.getLogger(__name__)


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    return [bp]


@hookimpl
def register_models() -> list[type]:
    return [Offer, FeedState, ImportRun, SavedOffer, SavedSearch]


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def register_commands() -> list[click.Command]:
    return [commands.jobs]


@hookimpl
def job_offer_sources() -> list[JobOfferSource]:
    """The built-in feeds, then those an administrator declared in JOB_SEARCH["SOURCES"]."""
    try:
        configured = configured_sources(setting("SOURCES"))
    except ValueError as error:
        # One wrong feed declaration must not hide the others.
        log.error("JOB_SEARCH['SOURCES'] is refused: %s", error)
        configured = []
    return builtin_sources() + configured


@hookimpl
def public_api() -> list[PublicEndpoint]:
    return api.endpoints()


@hookimpl
def prepare_store(app: Flask) -> Iterable[str]:
    return commands.prepare(bool(app.config.get("DEMO_CONTENT")))


@hookimpl
def account_tabs(user: Any) -> list[AccountTab]:
    return [
        AccountTab(label="Mes offres enregistrées", url=url_for("job_search.saved_offers")),
        AccountTab(label="Mes recherches d'offres", url=url_for("job_search.saved_searches")),
    ]


@hookimpl
def export_user_data(user: Any) -> dict[str, Any] | None:
    exported = service.export_user(user.id)
    return exported if exported["saved_offers"] or exported["saved_searches"] else None
