"""Partner statistics: views, launches, favourites and ratings per listing and per day.

Launches, favourites and ratings are counted from their own rows. Page views are counted
in each worker and written in batches (one UPSERT per listing and day every few seconds),
so showing a service page never waits on a database write; a worker that dies loses at
most its last few seconds of views.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, Response, current_app, request
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from emploistore.catalog.models import Listing
from emploistore.database import db, utcnow
from emploistore.engagement.models import Favourite, LaunchEvent, Review, ReviewState
from emploistore.partners.models import ListingDayViews


class ViewCounter:
    """Views of service pages, per (slug, day), waiting to be written."""

    def __init__(self) -> None:
        self.pending: Counter[tuple[str, date]] = Counter()
        self.lock = threading.Lock()
        self.last_flush = time.monotonic()

    def add(self, slug: str) -> None:
        with self.lock:
            self.pending[(slug, utcnow().date())] += 1

    def due(self, every: float) -> bool:
        return bool(self.pending) and time.monotonic() - self.last_flush >= every

    def take(self) -> Counter[tuple[str, date]]:
        with self.lock:
            taken, self.pending = self.pending, Counter()
            self.last_flush = time.monotonic()
        return taken


def _write(app: Flask, counts: Counter[tuple[str, date]]) -> None:
    """Add the counts with one UPSERT per (listing, day), in a session of its own."""
    if not counts:
        return
    with app.app_context():
        engine = db.engine
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with Session(engine) as session, session.begin():
        slugs = {slug for slug, _ in counts}
        query = select(Listing.slug, Listing.id).where(Listing.slug.in_(slugs))
        ids = {slug: listing_id for slug, listing_id in session.execute(query)}
        for (slug, day), n in counts.items():
            if slug not in ids:
                continue
            statement = insert(ListingDayViews).values(listing_id=ids[slug], day=day, views=n)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["listing_id", "day"],
                    set_={"views": ListingDayViews.views + statement.excluded.views},
                )
            )


def init_view_counter(app: Flask) -> None:
    """Count 200 answers of service pages (cached or not) and flush them now and then."""
    counter = ViewCounter()
    app.extensions["emploistore.views"] = counter

    @app.after_request
    def count_view(response: Response) -> Response:
        if (
            request.endpoint == "catalog.service"
            and request.method == "GET"
            and response.status_code == 200
            and request.view_args
        ):
            counter.add(str(request.view_args.get("slug")))
            if counter.due(current_app.config["STATS_FLUSH_SECONDS"]):
                try:
                    _write(current_app._get_current_object(), counter.take())  # type: ignore[attr-defined]
                except Exception:  # statistics never break a page
                    current_app.logger.exception("could not write page views")
        return response

    if not app.config.get("TESTING"):
        atexit.register(_flush_quietly, app, counter)


def _flush_quietly(app: Flask, counter: ViewCounter) -> None:
    with contextlib.suppress(Exception):  # at exit, the database may be gone already
        _write(app, counter.take())


def flush_views(app: Flask) -> None:
    """Write the views counted so far (tests and shutdown)."""
    _write(app, app.extensions["emploistore.views"].take())


def _per_day(query: Any) -> dict[tuple[int, str], Any]:
    return {(row[0], str(row[1])): row[2:] for row in db.session.execute(query)}


def listing_stats(listings: list[Listing], start: date, end: date) -> list[dict[str, Any]]:
    """Per listing: totals over [start, end] and one entry per day (zeros included)."""
    ids = [listing.id for listing in listings]
    if not ids:
        return []
    low = datetime.combine(start, datetime.min.time())
    high = low + timedelta(days=(end - start).days + 1)
    views = _per_day(
        select(ListingDayViews.listing_id, ListingDayViews.day, ListingDayViews.views).where(
            ListingDayViews.listing_id.in_(ids),
            ListingDayViews.day >= start,
            ListingDayViews.day <= end,
        )
    )

    def counted(model: Any, *extra: Any, where: Any = ()) -> dict[tuple[int, str], Any]:
        day = func.date(model.created_at)
        return _per_day(
            select(model.listing_id, day, func.count(model.id), *extra)
            .where(
                model.listing_id.in_(ids), model.created_at >= low, model.created_at < high, *where
            )
            .group_by(model.listing_id, day)
        )

    launches = counted(LaunchEvent)
    favourites = counted(Favourite)
    ratings = counted(Review, func.sum(Review.rating), where=(Review.state != ReviewState.HIDDEN,))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    result = []
    for listing in listings:
        rows = []
        totals = {"views": 0, "launches": 0, "favourites": 0, "ratings": 0}
        rating_sum = 0
        for day in days:
            key = (listing.id, day.isoformat())
            rated = ratings.get(key, (0, 0))
            row = {
                "date": day.isoformat(),
                "views": int(views.get(key, (0,))[0]),
                "launches": int(launches.get(key, (0,))[0]),
                "favourites": int(favourites.get(key, (0,))[0]),
                "ratings": int(rated[0]),
                "rating_average": round(int(rated[1] or 0) / int(rated[0]), 2)
                if rated[0]
                else None,
            }
            rating_sum += int(rated[1] or 0)
            for name in totals:
                totals[name] += row[name]
            rows.append(row)
        result.append(
            {
                "id": listing.id,
                "slug": listing.slug,
                "name": listing.name,
                "totals": {
                    **totals,
                    "rating_average": round(rating_sum / totals["ratings"], 2)
                    if totals["ratings"]
                    else None,
                },
                "days": rows,
            }
        )
    return result
