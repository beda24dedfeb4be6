"""Curation by administrators: themes, featured services, plugins, roles, reviews."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select

from emploistore.catalog.models import Listing, Theme
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db
from emploistore.search.outbox import queue_listing
from emploistore.search.services import commit_and_index


class CurationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def create_theme(name: str, description: str, parent: Theme | None) -> Theme:
    name = name.strip()
    if not 2 <= len(name) <= 80:
        raise CurationError("name", _("Le nom d'un thème fait de 2 à 80 caractères."))
    slug = slugify(name)
    if len(slug) < 2:
        raise CurationError("name", _("Le nom doit contenir des lettres ou des chiffres."))
    if db.session.scalar(select(Theme.id).where(Theme.slug == slug)) is not None:
        raise CurationError("name", _("Un thème porte déjà ce nom."))
    siblings = select(func.max(Theme.position)).where(
        Theme.parent_id == parent.id if parent else Theme.parent_id.is_(None)
    )
    theme = Theme(
        slug=slug,
        name=name,
        description=description.strip()[:300],
        parent=parent,
        position=(db.session.scalar(siblings) or 0) + 1,
    )
    db.session.add(theme)
    bump_catalog_version()
    db.session.commit()
    return theme


def rename_theme(theme: Theme, name: str, description: str) -> None:
    name = name.strip()
    if not 2 <= len(name) <= 80:
        raise CurationError("name", _("Le nom d'un thème fait de 2 à 80 caractères."))
    same_name = select(Theme.id).where(func.lower(Theme.name) == name.lower(), Theme.id != theme.id)
    if db.session.scalar(same_name) is not None:
        raise CurationError("name", _("Un thème porte déjà ce nom."))
    theme.name = name
    theme.description = description.strip()[:300]
    bump_catalog_version()
    db.session.commit()


def move_theme(theme: Theme, offset: int) -> None:
    """Move a theme up (-1) or down (+1) among its siblings; positions stay 1..n."""
    siblings = list(
        db.session.scalars(
            select(Theme)
            .where(
                Theme.parent_id == theme.parent_id if theme.parent_id else Theme.parent_id.is_(None)
            )
            .order_by(Theme.position, Theme.id)
            .with_for_update()
        )
    )
    index = siblings.index(theme)
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    bump_catalog_version()
    db.session.commit()


def set_featured(listing: Listing, featured: bool) -> None:
    listing.featured = featured
    if featured:
        top = db.session.scalar(select(func.max(Listing.featured_position))) or 0
        listing.featured_position = top + 1
    else:
        listing.featured_position = 0
    bump_catalog_version()
    queue_listing(listing.id)
    commit_and_index()
