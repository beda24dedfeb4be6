"""What the pages and the API call: search, suggestions, offers, saved offers and searches."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from emploistore import db, utcnow
from job_search import replica
from job_search.engine import Area, OfferResults
from job_search.models import LIVE, Offer, SavedOffer, SavedSearch
from job_search.query import RADII, OfferQuery
from job_search.referential import communes_within
from job_search.settings import setting
from job_search.tantivy_engine import TantivyEngine

EXTENSION = "job_search"
WIDER = (30, 50)
MAX_SAVED_SEARCHES = 20
MAX_SAVED_OFFERS = 500


@dataclass
class Widening:
    label: str
    radius: int | None  # None: all of France
    count: int


@dataclass
class SearchPage:
    query: OfferQuery
    results: OfferResults
    widenings: list[Widening] = field(default_factory=list)
    seconds: float = 0.0


def index_directory() -> Path:
    configured = setting("INDEX_DIR")
    return Path(configured or Path(current_app.instance_path) / "job_search_index")


def engine() -> TantivyEngine:
    """This process's engine (one per app), opened on first use."""
    state = current_app.extensions.setdefault(EXTENSION, {})
    if "engine" not in state:
        state["engine"] = TantivyEngine(index_directory())
        state["checked"] = 0.0
    return state["engine"]


def keep_fresh() -> None:
    """Follow the change feed, at most every JOB_SEARCH["SYNC_SECONDS"] per process.

    A bounded number of changes is applied in the request (one process at a time); a
    replica far behind (a new server) is rebuilt by ``emploistore jobs sync`` or at start.
    """
    state = current_app.extensions.setdefault(EXTENSION, {})
    interval = float(setting("SYNC_SECONDS"))
    now = time.monotonic()
    if now - state.get("checked", 0.0) < interval:
        return
    state["checked"] = now
    index = engine()
    index.refresh()
    head = replica.head_seq()
    if head > index.applied_seq() and index.applied_seq() > 0:
        replica.sync(index, max_changes=int(setting("SYNC_BATCH")))


def area_of(query: OfferQuery) -> Area | None:
    if not query.place:
        return None
    return Area(query.place, communes_within(query.place, query.radius))


def search(query: OfferQuery, facets: bool = True) -> SearchPage:
    started = time.perf_counter()
    now = utcnow()
    index = engine()
    results = index.search(query, area_of(query), now, facets=facets)
    page = SearchPage(query=query, results=results)
    if results.total == 0 and query.place:
        page.widenings = widenings(index, query, now)
    page.seconds = time.perf_counter() - started
    return page


def widenings(index: TantivyEngine, query: OfferQuery, now: Any) -> list[Widening]:
    """Wider searches that find something: 30 km, 50 km, all of France; counts only grow."""
    found: list[Widening] = []
    for radius in WIDER:
        if radius > query.radius and radius in RADII:
            wider = query.widened(radius)
            count = index.count(wider, area_of(wider), now)
            if count:
                found.append(Widening(f"Élargir à {radius} km", radius, count))
    everywhere = query.widened(None)
    count = index.count(everywhere, None, now)
    if count:
        found.append(Widening("Toute la France", None, count))
    return found


def offer(offer_id: int) -> Offer | None:
    return db.session.get(Offer, offer_id)


def group_of(item: Offer) -> tuple[Offer, list[Offer]]:
    """The canonical offer of ``item``'s group, and the other live offers of the group."""
    canonical = item
    if item.canonical_id is not None:
        canonical = db.session.get(Offer, item.canonical_id) or item
    group = list(
        db.session.scalars(
            select(Offer)
            .where(Offer.canonical_id == canonical.id, Offer.status == LIVE)
            .order_by(Offer.source, Offer.id)
        )
    )
    if canonical is not item and canonical.is_live:
        group.insert(0, canonical)
    return canonical, [o for o in group if o.id != item.id]


def offer_total() -> int:
    return engine().count(OfferQuery(), None, utcnow())


# -- saved offers -------------------------------------------------------------------------
class LimitReached(RuntimeError):
    pass


def is_saved(user_id: int, offer_id: int) -> bool:
    return (
        db.session.scalar(
            select(SavedOffer.id).where(
                SavedOffer.user_id == user_id, SavedOffer.offer_id == offer_id
            )
        )
        is not None
    )


def save_offer(user_id: int, offer_id: int) -> None:
    if is_saved(user_id, offer_id):
        return
    count = db.session.scalar(
        select(func.count()).select_from(SavedOffer).where(SavedOffer.user_id == user_id)
    )
    if (count or 0) >= MAX_SAVED_OFFERS:
        raise LimitReached(f"Vous avez déjà {MAX_SAVED_OFFERS} offres enregistrées.")
    db.session.add(SavedOffer(user_id=user_id, offer_id=offer_id))
    db.session.commit()


def forget_offer(user_id: int, offer_id: int) -> None:
    saved = db.session.scalar(
        select(SavedOffer).where(SavedOffer.user_id == user_id, SavedOffer.offer_id == offer_id)
    )
    if saved is not None:
        db.session.delete(saved)
        db.session.commit()


def saved_offers(user_id: int) -> list[tuple[SavedOffer, Offer]]:
    rows = db.session.execute(
        select(SavedOffer, Offer)
        .join(Offer, Offer.id == SavedOffer.offer_id)
        .where(SavedOffer.user_id == user_id)
        .order_by(SavedOffer.created_at.desc(), SavedOffer.id.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


# -- saved searches -----------------------------------------------------------------------
def saved_searches(user_id: int) -> list[SavedSearch]:
    return list(
        db.session.scalars(
            select(SavedSearch)
            .where(SavedSearch.user_id == user_id)
            .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
        )
    )


def saved_search(user_id: int, search_id: int) -> SavedSearch | None:
    return db.session.scalar(
        select(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user_id)
    )


def save_search(user_id: int, name: str, query: OfferQuery, alert: bool) -> SavedSearch:
    count = db.session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
    )
    if (count or 0) >= MAX_SAVED_SEARCHES:
        raise LimitReached(f"Vous avez déjà {MAX_SAVED_SEARCHES} recherches enregistrées.")
    params = query.params(page="")
    kept = SavedSearch(user_id=user_id, name=name, params=params, alert=alert)
    db.session.add(kept)
    db.session.commit()
    return kept


def set_alert(kept: SavedSearch, alert: bool) -> None:
    if alert and not kept.alert:
        kept.last_alert_at = utcnow()  # only offers from now on, not a backlog
    kept.alert = alert
    db.session.commit()


def delete_search(user_id: int, search_id: int) -> bool:
    kept = saved_search(user_id, search_id)
    if kept is None:
        return False
    db.session.delete(kept)
    db.session.commit()
    return True


def export_user(user_id: int) -> dict[str, Any]:
    return {
        "saved_offers": [
            {
                "offer_id": o.id,
                "title": o.title,
                "source": o.source,
                "saved_at": s.created_at.isoformat(timespec="seconds") + "Z",
            }
            for s, o in saved_offers(user_id)
        ],
        "saved_searches": [
            {
                "name": s.name,
                "params": s.params,
                "alert": s.alert,
                "created_at": s.created_at.isoformat(timespec="seconds") + "Z",
            }
            for s in saved_searches(user_id)
        ],
    }
