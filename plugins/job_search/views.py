"""The job search pages: search, offer, saved offers and searches, suggestions."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from job_search import result_cache, service
from job_search.engine import FACETS
from job_search.importer import all_sources
from job_search.query import (
    MAX_PAGE,
    RADII,
    SALARY_STEPS,
    SINCE_DAYS,
    SORTS,
    OfferQuery,
    QueryError,
    parse_query,
)
from job_search.records import CONTRACT_TYPES, EXPERIENCE_LEVELS, SALARY_PERIODS, WORKING_TIMES
from job_search.referential import complete_job, complete_place, resolve_place, rome_labels

bp = Blueprint(
    "job_search",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix="/job-search",
)

FACET_TITLES = {
    "contract": "Type de contrat",
    "experience": "Expérience",
    "time": "Durée du travail",
    "salary_min": "Salaire minimum (brut mensuel)",
    "since": "Publiée depuis",
    "source": "Site d'origine",
}
SINCE_LABELS = {1: "24 heures", 3: "3 jours", 7: "7 jours", 14: "14 jours", 31: "1 mois"}


def source_labels() -> dict[str, str]:
    return {name: source.label for name, source in all_sources().items()}


def facet_labels() -> dict[str, dict[str, str]]:
    return {
        "contract": CONTRACT_TYPES,
        "experience": EXPERIENCE_LEVELS,
        "time": WORKING_TIMES,
        "salary_min": {str(s): f"{s:,} € ou plus".replace(",", "\u202f") for s in SALARY_STEPS},
        "since": {str(d): SINCE_LABELS[d] for d in SINCE_DAYS},
        "source": source_labels(),
    }


@bp.before_request
def follow_feed() -> Response | None:
    if request.endpoint in ("job_search.index", "job_search.offer"):
        service.keep_fresh()
    if request.endpoint == "job_search.index":
        return result_cache.lookup(service.engine().applied_seq())
    return None


def read_query(args: Any) -> OfferQuery:
    return parse_query(args, list(all_sources()), resolve_place)


@bp.get("/")
def index() -> str | tuple[str, int]:
    error: QueryError | None = None
    try:
        query = read_query(request.args)
    except QueryError as problem:
        error, query = problem, OfferQuery()
    page = service.search(query)
    pages = min(MAX_PAGE, math.ceil(page.results.total / query.per_page))
    body = render_template(
        "job_search/search.html",
        query=query,
        page=page,
        pages=pages,
        error=error,
        raw=request.args,
        facets=FACETS,
        facet_titles=FACET_TITLES,
        labels=facet_labels(),
        radii=RADII,
        sorts=SORTS,
        total_offers=service.offer_total() if query.is_empty else None,
    )
    return (body, 400) if error else body


@bp.get("/offres/<int:offer_id>")
def offer(offer_id: int) -> Response | str | tuple[str, int]:
    item = service.offer(offer_id) if offer_id < 2**31 else None
    if item is None:
        abort(404)
    if item.canonical_id is not None and item.is_live:
        return redirect(url_for("job_search.offer", offer_id=item.canonical_id))
    _canonical, others = service.group_of(item)
    saved = current_user.is_authenticated and service.is_saved(current_user.id, item.id)
    body = render_template(
        "job_search/offer.html",
        offer=item,
        others=others,
        saved=saved,
        sources=source_labels(),
        labels=facet_labels(),
        periods=SALARY_PERIODS,
        rome_label=rome_labels().get(item.rome_code, ""),
    )
    return body if item.is_live else (body, 410)


@bp.post("/offres/<int:offer_id>/enregistrer")
@login_required
def save_offer(offer_id: int) -> Response:
    item = service.offer(offer_id) if offer_id < 2**31 else None
    if item is None:
        abort(404)
    try:
        service.save_offer(current_user.id, item.id)
        flash("Offre enregistrée dans « Mes offres ».")
    except service.LimitReached as full:
        flash(str(full), "error")
    return redirect(url_for("job_search.offer", offer_id=item.id))


@bp.post("/offres/<int:offer_id>/retirer")
@login_required
def forget_offer(offer_id: int) -> Response:
    service.forget_offer(current_user.id, offer_id)
    flash("Offre retirée de « Mes offres ».")
    target = request.form.get("next", "")
    if target == "mes-offres":
        return redirect(url_for("job_search.saved_offers"))
    return redirect(url_for("job_search.offer", offer_id=offer_id))


@bp.get("/mes-offres")
@login_required
def saved_offers() -> str:
    return render_template(
        "job_search/saved_offers.html",
        saved=service.saved_offers(current_user.id),
        labels=facet_labels(),
    )


@bp.get("/mes-recherches")
@login_required
def saved_searches() -> str:
    kept = service.saved_searches(current_user.id)
    return render_template(
        "job_search/saved_searches.html",
        searches=kept,
        links={s.id: url_for("job_search.index") + "?" + _query_string(s.params) for s in kept},
    )


def _query_string(params: dict[str, Any]) -> str:
    return urlencode(params, doseq=True)


@bp.post("/mes-recherches")
@login_required
def save_search() -> Response | tuple[str, int]:
    args = MultiDict(request.form)
    args.poplist("csrf_token")
    name = (args.pop("name", "") or "").strip()
    alert = args.pop("alert", "") == "on"
    try:
        query = read_query(args)
    except QueryError as problem:
        flash(f"Cette recherche ne peut pas être enregistrée : {problem.message}", "error")
        return redirect(url_for("job_search.index"))
    if not name:
        name = _default_name(query)
    try:
        service.save_search(current_user.id, name[:120], query, alert)
    except service.LimitReached as full:
        flash(str(full), "error")
        return redirect(url_for("job_search.index") + "?" + query.query_string())
    by_mail = " Vous recevrez les nouvelles offres par e-mail." if alert else ""
    flash("Recherche enregistrée." + by_mail)
    return redirect(url_for("job_search.saved_searches"))


def _default_name(query: OfferQuery) -> str:
    parts = [query.text or query.rome or "Toutes les offres"]
    if query.place:
        parts.append(f"à {query.radius} km de {query.place_label}")
    return " ".join(parts)


@bp.post("/mes-recherches/<int:search_id>/supprimer")
@login_required
def delete_search(search_id: int) -> Response:
    if not service.delete_search(current_user.id, search_id):
        abort(404)
    flash("Recherche supprimée.")
    return redirect(url_for("job_search.saved_searches"))


@bp.post("/mes-recherches/<int:search_id>/alerte")
@login_required
def toggle_alert(search_id: int) -> Response:
    kept = service.saved_search(current_user.id, search_id)
    if kept is None:
        abort(404)
    service.set_alert(kept, request.form.get("alert") == "on")
    flash("Alerte activée." if kept.alert else "Alerte arrêtée.")
    return redirect(url_for("job_search.saved_searches"))


@bp.get("/suggestions/metiers")
def suggest_jobs() -> Response:
    text = request.args.get("q", "")[:80]
    found = complete_job(text) if len(text.strip()) >= 2 else []
    response = jsonify([{"label": j.label, "rome": j.rome_code} for j in found])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/suggestions/lieux")
def suggest_places() -> Response:
    text = request.args.get("q", "")[:80]
    found = complete_place(text) if len(text.strip()) >= 2 else []
    response = jsonify(
        [{"label": c.label, "code": c.code, "postal_codes": list(c.postal_codes)} for c in found]
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.after_request
def private_pages(response: Response) -> Response:
    response = result_cache.store(response)
    if request.endpoint in (
        "job_search.saved_offers",
        "job_search.saved_searches",
    ) or (request.endpoint == "job_search.offer" and current_user.is_authenticated):
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@bp.app_template_filter("jobs_date")
def french_date(iso: str) -> str:
    """``2026-11-05`` → ``5 novembre 2026``."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


@bp.app_template_filter("jobs_number")
def french_number(value: int) -> str:
    """``282723`` → ``282 723`` (narrow no-break space, as French typography wants)."""
    return f"{value:,}".replace(",", "\u202f")
