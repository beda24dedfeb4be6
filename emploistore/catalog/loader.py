"""Load catalog.yaml (and plugins' listings) into the database, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from emploistore.catalog.markdown import render_markdown
from emploistore.catalog.models import Listing, ListingStatus, Organisation, Theme
from emploistore.catalog.seed_schemas import CatalogFileSchema, ListingEntrySchema
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db, utcnow
from emploistore.plugins.manager import plugin_host
from emploistore.search.outbox import queue_listing

try:  # the C loader is ten times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]


log = logging.getLogger(__name__)


class CatalogError(ValueError):
    """The catalogue file is refused as a whole; ``problems`` name entry and field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass
class LoadReport:
    organisations: int = 0
    themes: int = 0
    listings: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # plugin name → why its listings were left out
    refused_plugins: dict[str, list[str]] = field(default_factory=dict)


def read_catalog_file(path: str | Path) -> dict[str, Any]:
    """Parse and validate a catalogue file; raise CatalogError naming what is wrong."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(source, [f"cannot read the file ({error.strerror})"]) from error
    try:
        raw = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as error:
        raise CatalogError(source, [f"not valid YAML: {error}"]) from error
    if not isinstance(raw, Mapping):
        raise CatalogError(source, ["the file must be a mapping with version, themes, listings"])
    try:
        data = CatalogFileSchema().load(raw)
    except ValidationError as error:
        raise CatalogError(source, flatten_errors(error.messages, raw)) from error
    check_references(source, data)
    return data


def disabled_plugins(path: str | Path) -> frozenset[str]:
    """Plugins that catalog.yaml switches off; an unreadable file disables nothing."""
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, yaml.YAMLError):
        return frozenset()
    plugins = raw.get("plugins") if isinstance(raw, Mapping) else None
    names = plugins.get("disabled") if isinstance(plugins, Mapping) else None
    return frozenset(str(n) for n in names) if isinstance(names, list) else frozenset()


def flatten_errors(messages: Any, raw: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested errors into lines like 'listings[3] (slug): theme: …'."""
    lines: list[str] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if isinstance(key, int):
                entry = raw[key] if isinstance(raw, list) and key < len(raw) else None
                slug = entry.get("slug") if isinstance(entry, Mapping) else None
                label = f"{path}[{key}]" + (f" ({slug})" if slug else "")
                lines += flatten_errors(value, entry, label)
            else:
                child = raw.get(key) if isinstance(raw, Mapping) else None
                label = f"{path}.{key}" if path else str(key)
                lines += flatten_errors(value, child, label)
    elif isinstance(messages, list):
        lines += [f"{path}: {message}" for message in messages if isinstance(message, str)]
        for message in messages:
            if not isinstance(message, str):
                lines += flatten_errors(message, raw, path)
    else:
        lines.append(f"{path}: {messages}")
    return lines


def check_references(source: str, data: Mapping[str, Any]) -> None:
    """Slugs unique; themes and providers that listings name exist."""
    problems: list[str] = []
    for kind in ("organisations", "listings"):
        seen: set[str] = set()
        for index, entry in enumerate(data[kind]):
            if entry["slug"] in seen:
                problems.append(f"{kind}[{index}] ({entry['slug']}): slug: used twice")
            seen.add(entry["slug"])
    theme_slugs: set[str] = set()
    for index, theme in enumerate(data["themes"]):
        for slug in [theme["slug"], *(sub["slug"] for sub in theme["subthemes"])]:
            if slug in theme_slugs:
                problems.append(f"themes[{index}] ({slug}): slug: used twice")
            theme_slugs.add(slug)
    problems += listing_reference_problems(
        data["listings"], theme_slugs, {org["slug"] for org in data["organisations"]}
    )
    if problems:
        raise CatalogError(source, problems)


def listing_reference_problems(
    listings: Iterable[Mapping[str, Any]],
    theme_slugs: set[str],
    organisation_slugs: set[str],
    label: str = "listings",
) -> list[str]:
    problems = []
    for index, listing in enumerate(listings):
        where = f"{label}[{index}] ({listing['slug']})"
        if listing["theme"] not in theme_slugs:
            problems.append(f"{where}: theme: unknown theme '{listing['theme']}'")
        for extra in listing["extra_themes"]:
            if extra not in theme_slugs:
                problems.append(f"{where}: extra_themes: unknown theme '{extra}'")
        if listing["provider"] not in organisation_slugs:
            problems.append(f"{where}: provider: unknown organisation '{listing['provider']}'")
    return problems


def validate_plugin_listings(
    contributed: Iterable[tuple[str, Any]], data: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Plugin listings whose slug the file does not define, validated like the file's.

    Each plugin is judged on its own: a plugin with a bad listing has all its listings
    left out (and its problems returned), and the other plugins' listings still load.
    """
    file_slugs = {listing["slug"] for listing in data["listings"]}
    theme_slugs = {t["slug"] for t in data["themes"]} | {
        sub["slug"] for t in data["themes"] for sub in t["subthemes"]
    }
    theme_slugs |= set(db.session.scalars(select(Theme.slug)))
    org_slugs = {o["slug"] for o in data["organisations"]} | set(
        db.session.scalars(select(Organisation.slug))
    )
    accepted: list[dict[str, Any]] = []
    refused: dict[str, list[str]] = {}
    for plugin_name, entries in contributed:
        listings, problems = [], []
        for raw in entries:
            try:
                listing = ListingEntrySchema().load(dict(raw))
            except (ValidationError, TypeError, ValueError) as error:
                messages = getattr(error, "messages", str(error))
                problems += flatten_errors(messages, raw)
                continue
            if listing["plugin"] != plugin_name:
                problems.append(f"{listing['slug']}: plugin: must be '{plugin_name}'")
            elif listing["slug"] not in file_slugs:
                listings.append(listing)
        problems += listing_reference_problems(listings, theme_slugs, org_slugs, "listings")
        if problems:
            refused[plugin_name] = problems
        else:
            accepted += listings
    return accepted, refused


def load_catalog_with_plugins(data: Mapping[str, Any]) -> LoadReport:
    """Apply a validated catalogue plus the plugins' listings, and commit.

    The file was validated whole by ``read_catalog_file``. A plugin whose listings are
    invalid is left out, its problems logged and shown on /admin/plugins.
    """
    host = plugin_host(current_app)
    accepted, refused = validate_plugin_listings(host.call_each("register_listings"), data)
    for plugin_name, problems in refused.items():
        summary = "register_listings: listing refused: " + "; ".join(problems)
        host.records[plugin_name].errors.append(summary)
        log.error("plugin %s: %s", plugin_name, summary)
    report = apply_catalog(data, accepted)
    report.refused_plugins = refused
    db.session.commit()
    return report


def apply_catalog(
    data: Mapping[str, Any], extra_listings: Iterable[Mapping[str, Any]] = ()
) -> LoadReport:
    """Upsert everything in one transaction; the caller commits (or rolls back)."""
    report = LoadReport()
    organisations = _upsert_organisations(data["organisations"], report)
    themes = _upsert_themes(data["themes"], report)
    organisations |= {o.slug: o for o in db.session.scalars(select(Organisation))}
    themes |= {t.slug: t for t in db.session.scalars(select(Theme))}
    featured_position = 0
    for entry in [*data["listings"], *extra_listings]:
        listing = db.session.scalar(select(Listing).where(Listing.slug == entry["slug"]))
        if listing is None:
            listing = Listing(slug=entry["slug"])
            db.session.add(listing)
            report.created.append(entry["slug"])
        else:
            report.updated.append(entry["slug"])
        _fill_listing(listing, entry, themes, organisations[entry["provider"]])
        if entry["featured"]:
            featured_position += 1
            listing.featured_position = featured_position
        report.listings += 1
        db.session.flush()
        queue_listing(listing.id)
    bump_catalog_version()
    return report


def _upsert_organisations(
    entries: Iterable[Mapping[str, Any]], report: LoadReport
) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for entry in entries:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.slug == entry["slug"])
        )
        if organisation is None:
            organisation = Organisation(slug=entry["slug"])
            db.session.add(organisation)
        organisation.name = entry["name"]
        organisation.website = entry["website"]
        organisation.description = entry["description"]
        found[entry["slug"]] = organisation
        report.organisations += 1
    db.session.flush()
    return found


def _upsert_themes(entries: Iterable[Mapping[str, Any]], report: LoadReport) -> dict[str, Theme]:
    found: dict[str, Theme] = {}
    for position, entry in enumerate(entries, start=1):
        theme = _upsert_theme(entry, position, parent=None)
        found[theme.slug] = theme
        for sub_position, sub in enumerate(entry["subthemes"], start=1):
            found[sub["slug"]] = _upsert_theme(sub, sub_position, parent=theme)
        report.themes += 1 + len(entry["subthemes"])
    db.session.flush()
    return found


def _upsert_theme(entry: Mapping[str, Any], position: int, parent: Theme | None) -> Theme:
    theme = db.session.scalar(select(Theme).where(Theme.slug == entry["slug"]))
    if theme is None:
        theme = Theme(slug=entry["slug"])
        db.session.add(theme)
    theme.name = entry["name"]
    theme.description = entry["description"]
    theme.position = position
    theme.parent = parent
    return theme


def _fill_listing(
    listing: Listing,
    entry: Mapping[str, Any],
    themes: Mapping[str, Theme],
    organisation: Organisation,
) -> None:
    listing.name = entry["name"]
    listing.promise = entry["promise"].strip()
    listing.description = entry["description"]
    listing.description_html = render_markdown(entry["description"])
    listing.theme = themes[entry["theme"]]
    listing.extra_themes = [themes[slug] for slug in entry["extra_themes"]]
    listing.organisation = organisation
    listing.kind = entry["kind"]
    listing.plugin = entry["plugin"]
    listing.launch_url = entry["launch_url"]
    listing.audience = list(entry["audience"])
    listing.is_free = entry["free"]
    listing.price = entry["price"]
    platforms = set(entry["platforms"])
    listing.on_web, listing.on_android, listing.on_ios = (
        "web" in platforms,
        "android" in platforms,
        "ios" in platforms,
    )
    listing.featured = entry["featured"]
    if not entry["featured"]:
        listing.featured_position = 0
    if entry["status"] == ListingStatus.PUBLISHED.value and listing.published_at is None:
        listing.published_at = utcnow()
    listing.status = entry["status"]
