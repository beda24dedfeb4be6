"""The catalogue version: one number that changes whenever visitors' pages must change."""

from __future__ import annotations

from sqlalchemy import select, update

from emploistore.catalog.models import CatalogState
from emploistore.database import db

STATE_ID = 1


def bump_catalog_version() -> None:
    """Increment the version in the caller's transaction (a single atomic UPDATE)."""
    result = db.session.execute(
        update(CatalogState)
        .where(CatalogState.id == STATE_ID)
        .values(version=CatalogState.version + 1)
    )
    if result.rowcount == 0:
        db.session.add(CatalogState(id=STATE_ID, version=1))
        db.session.flush()


def catalog_version() -> int:
    return db.session.scalar(select(CatalogState.version).where(CatalogState.id == STATE_ID)) or 0
