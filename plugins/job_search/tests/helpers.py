"""Small feeds for the job search's tests (the fixtures come from tests/fixtures.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from flask import Flask

from emploistore import db


def ft_offer(source_id: str, title: str, **extra: Any) -> dict[str, Any]:
    """One offer in France Travail's "Offres d'emploi v2" shape (Lyon 3e by default)."""
    offer: dict[str, Any] = {
        "id": source_id,
        "intitule": title,
        "description": f"{title} : description de l'offre {source_id}.",
        "dateCreation": "2026-11-20T09:00:00.000Z",
        "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"},
        "typeContrat": "CDI",
        "entreprise": {"nom": "Entreprise Exemple"},
    }
    offer.update(extra)
    return offer


def ft_feed(offers: Iterable[dict[str, Any]]) -> io.BytesIO:
    return io.BytesIO(json.dumps({"resultats": list(offers)}).encode())


def import_ft(app: Flask, offers: Iterable[dict[str, Any]], **options: Any) -> Any:
    """Import France Travail offers and bring the index up to date; return the report."""
    from job_search import importer, replica, service

    with app.app_context():
        source = importer.all_sources()["france-travail"]
        report = importer.import_feed(source, ft_feed(offers), "ft.json", **options)
        replica.sync(service.engine())
        return report


def csv_feed(rows: Iterable[dict[str, str]]) -> io.BytesIO:
    """Keljob's CSV export with the given rows (missing columns empty)."""
    from job_search.sources.csv_feed import KELJOB_COLUMNS

    columns = list(KELJOB_COLUMNS)
    lines = [";".join(columns)]
    for row in rows:
        lines.append(";".join(row.get(c, "") for c in columns))
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def import_source(app: Flask, name: str, stream: io.BytesIO, **options: Any) -> Any:
    from job_search import importer, replica, service

    with app.app_context():
        report = importer.import_feed(importer.all_sources()[name], stream, name, **options)
        replica.sync(service.engine())
        return report


def offers(app: Flask) -> list[Any]:
    from job_search.models import Offer

    with app.app_context():
        found = db.session.query(Offer).order_by(Offer.id).all()
        for offer in found:
            db.session.expunge(offer)
        return found
