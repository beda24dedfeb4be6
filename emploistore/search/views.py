"""The search page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from emploistore.catalog import services as catalog
from emploistore.catalog.filters import read_page_query
from emploistore.engagement import services as engagement
from emploistore.search.services import search_catalog

bp = Blueprint("search", __name__)
MAX_QUERY_LENGTH = 200


@bp.get("/recherche")
def search() -> str:
    text = request.args.get("q", "")[:MAX_QUERY_LENGTH].strip()
    query = read_page_query(request.args)
    theme_slug = request.args.get("theme", "")
    filters = query.search_filters()
    theme = catalog.get_theme(theme_slug) if theme_slug else None
    if theme is not None:
        filters["themes"] = theme.slug
    per_page = current_app.config["PAGE_SIZE"]
    results = listings = contents = None
    if text:
        results = search_catalog(text, filters, query.page, per_page)
        ids = [int(hit.key.split(":", 1)[1]) for hit in results.hits]
        listings = catalog.listings_by_ids(ids)
        if query.page == 1:
            contents = search_catalog(text, {}, 1, 5, doctype="plugin").hits
    return render_template(
        "search/results.html",
        text=text,
        query=query,
        theme=theme,
        results=results,
        listings=listings,
        contents=contents or [],
        per_page=per_page,
        themes=catalog.top_themes(),
        providers=catalog.providers_in(),
        favourites=engagement.favourite_ids(current_user)
        if current_user.is_authenticated
        else set(),
    )
