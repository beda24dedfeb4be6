"""The public read API under /api/v1 (JSON; errors as problem details)."""

from __future__ import annotations

from authlib.integrations.flask_oauth2 import current_token
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from marshmallow import ValidationError

from emploistore.api.openapi import openapi_document
from emploistore.api.plugin_endpoints import add_to_document, registered_endpoints
from emploistore.api.problems import problem
from emploistore.api.seeker_resources import registered
from emploistore.catalog import services as catalog
from emploistore.catalog.filters import search_terms
from emploistore.catalog.schemas import ServicesQuerySchema, ThemeSchema, dump_service
from emploistore.engagement.services import favourites_of
from emploistore.extensions import csrf
from emploistore.oauth.server import require_oauth
from emploistore.plugins.manager import plugin_host
from emploistore.search.services import search_catalog

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def bad_parameters(error: ValidationError) -> Response:
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    names = ", ".join(sorted(str(key) for key in messages))
    return problem(400, "Bad request parameters", f"Invalid parameter(s): {names}.", messages)


@bp.get("/themes")
def themes() -> Response:
    return jsonify(items=ThemeSchema(many=True).dump(catalog.top_themes()))


@bp.get("/services")
def services() -> Response:
    try:
        args = ServicesQuerySchema().load(request.args.to_dict())
    except ValidationError as error:
        return bad_parameters(error)
    theme = None
    if args.get("theme"):
        theme = catalog.get_theme(args["theme"])
        if theme is None:
            return problem(
                400, "Bad request parameters", "Unknown theme.", {"theme": ["Unknown theme."]}
            )
    filters = {key: args[key] for key in ("free", "platform", "provider") if key in args}
    page, per_page = args["page"], args["per_page"]
    if args.get("q", "").strip():
        terms = search_terms(filters, theme.slug if theme else None)
        results = search_catalog(args["q"], terms, page, per_page)
        ids = [int(hit.key.split(":", 1)[1]) for hit in results.hits]
        items, total = catalog.listings_by_ids(ids, themes=True), results.total
    else:
        found = catalog.listing_page(
            filters, "pertinence", page, per_page, theme=theme, themes=True
        )
        items, total = found.items, found.total
    return jsonify(
        items=[dump_service(listing) for listing in items],
        total=total,
        page=page,
        per_page=per_page,
    )


@bp.get("/services/<slug>")
def service(slug: str) -> Response:
    listing = catalog.get_visible_listing(slug)
    if listing is None:
        return problem(404, "Not found", f"No published service with slug {slug!r}.")
    return jsonify(dump_service(listing, detail=True))


@bp.get("/me/favorites")
@require_oauth("favorites:read")
def my_favorites() -> Response:
    """The seeker's favourites, for a partner the seeker allowed (scope favorites:read)."""
    user = current_token.user
    if user is None:  # pragma: no cover - client_credentials never carries this scope
        return problem(403, "Forbidden", "This token does not act for a person.")
    return jsonify(items=[dump_service(listing) for listing in favourites_of(user)])


@bp.get("/openapi.json")
def openapi() -> Response:
    slugs = sorted(
        slug
        for theme in catalog.top_themes()
        for slug in (theme.slug, *(c.slug for c in theme.children))
    )
    resources = [
        (name, resource.scope, resource.summary)
        for name, (_plugin, resource) in sorted(registered(current_app).items())
    ]
    base = url_for("api.index", _external=True).rstrip("/")
    document = openapi_document(base, slugs, resources)
    add_to_document(document, registered_endpoints(current_app))
    return jsonify(document)


@bp.get("/")
def index() -> Response:
    return jsonify(
        name="Emploi Store API",
        version="v1",
        openapi=url_for("api.openapi", _external=True),
        endpoints=[
            url_for("api.themes", _external=True),
            url_for("api.services", _external=True),
            *_plugin_collections(),
        ],
    )


def _plugin_collections() -> list[str]:
    """The active plugins' public endpoints that take no path parameter (``/jobs``)."""
    active = plugin_host(current_app).active_names()
    base = url_for("api.index", _external=True).rstrip("/")
    return [
        base + endpoint.rule
        for plugin, endpoint in registered_endpoints(current_app)
        if plugin in active and "<" not in endpoint.rule
    ]
