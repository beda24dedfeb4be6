"""The public job API: ``GET /api/v1/jobs`` and ``GET /api/v1/jobs/{job_id}``.

Served through the host's ``public_api`` hook; same parameters as the search page.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Response, json, request, url_for

from emploistore import PublicEndpoint
from job_search import result_cache, service
from job_search.engine import FACETS, OfferHit
from job_search.importer import all_sources
from job_search.models import Offer
from job_search.query import (
    MAX_PAGE,
    MAX_PER_PAGE,
    RADII,
    SALARY_STEPS,
    SINCE_DAYS,
    SORTS,
    QueryError,
    parse_query,
)
from job_search.records import CONTRACT_TYPES, EXPERIENCE_LEVELS, WORKING_TIMES
from job_search.referential import resolve_place


def _json(body: Any, status: int = 200, cache: str = "public, max-age=60") -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = cache
    return response


def _problem(
    status: int, title: str, detail: str, errors: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def _item(hit: OfferHit) -> dict[str, Any]:
    card = hit.card
    return {
        "id": hit.id,
        "title": card["t"],
        "company": card["co"] or None,
        "place": card["city"],
        "commune_code": card["cc"],
        "distance_km": hit.distance_km,
        "contract_type": card["ct"],
        "contract_months": card["cm"],
        "working_time": card["wt"],
        "experience": card["ex"],
        "salary": card["sal"] or None,
        "published_on": card["pub"],
        "sources": card["src"],
        "summary": card["snip"],
        "url": url_for("api_job_search_1", job_id=hit.id, _external=True),
        "page": url_for("job_search.offer", offer_id=hit.id, _external=True),
    }


def list_jobs() -> Response:
    service.keep_fresh()
    cached = result_cache.lookup(service.engine().applied_seq())
    if cached is not None:
        return cached
    return result_cache.store(_list_jobs())


def _list_jobs() -> Response:
    try:
        query = parse_query(request.args, list(all_sources()), resolve_place, strict=True)
    except QueryError as error:
        return _problem(400, "Bad request", error.message, {error.param: [error.message]})
    page = service.search(query)
    total = page.results.total
    pages = min(MAX_PAGE, math.ceil(total / query.per_page))
    base = url_for("api_job_search_0", _external=True)
    links: dict[str, str] = {}
    if query.page < pages:
        links["next"] = (
            base + "?" + query.query_string(page=query.page + 1, per_page=query.per_page)
        )
    if query.page > 1:
        links["prev"] = (
            base + "?" + query.query_string(page=query.page - 1, per_page=query.per_page)
        )
    return _json(
        {
            "total": total,
            "page": query.page,
            "per_page": query.per_page,
            "pages": pages,
            "items": [_item(hit) for hit in page.results.hits],
            "facets": page.results.facets,
            "widen": [
                {"radius_km": w.radius, "label": w.label, "total": w.count} for w in page.widenings
            ],
            "links": links,
        }
    )


def offer_json(offer: Offer, others: list[Offer]) -> dict[str, Any]:
    labels = {name: source.label for name, source in all_sources().items()}
    return {
        "id": offer.id,
        "status": "live" if offer.is_live else "withdrawn",
        "canonical_id": offer.canonical_id,
        "title": offer.title,
        "description": offer.description,
        "rome_code": offer.rome_code or None,
        "job_title": offer.job_title or None,
        "company": {"name": offer.company_name or None, "siret": offer.company_siret or None},
        "place": {
            "commune_code": offer.commune_code,
            "postal_code": offer.postal_code,
            "city": offer.city,
            "latitude": offer.latitude,
            "longitude": offer.longitude,
        },
        "contract_type": offer.contract_type,
        "contract_months": offer.contract_months,
        "working_time": offer.working_time,
        "experience": offer.experience,
        "salary": {
            "text": offer.salary_text or None,
            "min": offer.salary_min,
            "max": offer.salary_max,
            "period": offer.salary_period,
        },
        "created_at": offer.created_at.isoformat() + "Z",
        "updated_at": offer.updated_at.isoformat() + "Z",
        "expires_at": offer.expires_at.isoformat() + "Z" if offer.expires_at else None,
        "source": {
            "name": offer.source,
            "label": labels.get(offer.source, offer.source),
            "id": offer.source_id,
            "url": offer.url or None,
        },
        "also_published_on": [
            {
                "name": o.source,
                "label": labels.get(o.source, o.source),
                "id": o.source_id,
                "url": o.url or None,
                "reason": o.duplicate_reason,
            }
            for o in others
        ],
    }


def get_job(job_id: int) -> Response:
    offer = service.offer(job_id) if job_id < 2**31 else None
    if offer is None:
        return _problem(404, "Not found", f"No job offer {job_id}.")
    _canonical, others = service.group_of(offer)
    if not offer.is_live:
        return _problem(
            410, "Gone", f"Job offer {job_id} was withdrawn ({offer.withdrawn_reason})."
        )
    return _json(offer_json(offer, others))


def _list_param(name: str, values: list[str], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat the parameter, or separate values with commas.",
        "schema": {"type": "array", "items": {"type": "string", "enum": values}},
        "style": "form",
        "explode": True,
    }


def _parameters() -> list[dict[str, Any]]:
    def one(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "description": description, "schema": schema}

    return [
        one(
            "q",
            {"type": "string", "maxLength": 200},
            "Words (French stemming, accents optional), or a ROME code.",
        ),
        one("rome", {"type": "string", "pattern": "^[A-Na-n][0-9]{4}$"}, "A ROME job code."),
        one(
            "where",
            {"type": "string", "maxLength": 120},
            "A commune: name, « Name (dept) », postal code or INSEE code.",
        ),
        one(
            "radius",
            {"type": "integer", "enum": list(RADII), "default": 10},
            "Kilometres around `where`.",
        ),
        _list_param("contract", list(CONTRACT_TYPES), "Contract types."),
        _list_param("experience", list(EXPERIENCE_LEVELS), "Experience asked."),
        _list_param("time", list(WORKING_TIMES), "Full or part time."),
        _list_param("source", sorted(all_sources()), "Sources the offer is published on."),
        one(
            "salary_min",
            {"type": "integer", "minimum": 0, "maximum": 1000000},
            "At least this gross monthly salary in euros (offers giving a salary). Facet steps: "
            + ", ".join(map(str, SALARY_STEPS))
            + ".",
        ),
        one(
            "since", {"type": "integer", "enum": list(SINCE_DAYS)}, "Published in the last N days."
        ),
        one(
            "sort",
            {"type": "string", "enum": list(SORTS)},
            "relevance (default with words), date (default without), distance (needs `where`).",
        ),
        one(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            "Page number.",
        ),
        one(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
            "Results per page.",
        ),
    ]


PROBLEM = {"$ref": "#/components/schemas/Problem"}
SCHEMAS: dict[str, Any] = {
    "JobSummary": {
        "type": "object",
        "required": ["id", "title", "place", "contract_type", "published_on", "sources", "url"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "company": {"type": "string", "nullable": True},
            "place": {"type": "string"},
            "commune_code": {"type": "string"},
            "distance_km": {"type": "number", "nullable": True},
            "contract_type": {"type": "string", "enum": list(CONTRACT_TYPES)},
            "contract_months": {"type": "integer", "nullable": True},
            "working_time": {"type": "string", "nullable": True},
            "experience": {"type": "string", "nullable": True},
            "salary": {"type": "string", "nullable": True},
            "published_on": {"type": "string", "format": "date"},
            "sources": {"type": "array", "items": {"type": "string"}},
            "summary": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "page": {"type": "string", "format": "uri"},
        },
    },
    "JobSearch": {
        "type": "object",
        "required": ["total", "page", "per_page", "pages", "items", "facets", "widen", "links"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/JobSummary"}},
            "facets": {
                "type": "object",
                "description": "For each filter ("
                + ", ".join(FACETS)
                + "), value → number of offers, counted without that filter's own choice.",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
            },
            "widen": {
                "type": "array",
                "description": "When nothing is found around a place: "
                "wider searches with their totals "
                "(radius_km null: all of France).",
                "items": {
                    "type": "object",
                    "properties": {
                        "radius_km": {"type": "integer", "nullable": True},
                        "label": {"type": "string"},
                        "total": {"type": "integer"},
                    },
                },
            },
            "links": {
                "type": "object",
                "properties": {"next": {"type": "string"}, "prev": {"type": "string"}},
            },
        },
    },
    "Job": {
        "type": "object",
        "required": ["id", "status", "title", "description", "place", "contract_type", "source"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": ["live", "withdrawn"]},
            "canonical_id": {"type": "integer", "nullable": True},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "rome_code": {"type": "string", "nullable": True},
            "job_title": {"type": "string", "nullable": True},
            "company": {"type": "object"},
            "place": {"type": "object"},
            "contract_type": {"type": "string"},
            "contract_months": {"type": "integer", "nullable": True},
            "working_time": {"type": "string", "nullable": True},
            "experience": {"type": "string", "nullable": True},
            "salary": {"type": "object"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "expires_at": {"type": "string", "format": "date-time", "nullable": True},
            "source": {"type": "object"},
            "also_published_on": {"type": "array", "items": {"type": "object"}},
        },
    },
}


def endpoints() -> list[PublicEndpoint]:
    problem = {"application/problem+json": {"schema": PROBLEM}}
    return [
        PublicEndpoint(
            rule="/jobs",
            view=list_jobs,
            openapi_path="/jobs",
            operation=lambda: {
                "summary": "Search job offers (de-duplicated across sources)",
                "operationId": "searchJobs",
                "tags": ["jobs"],
                "parameters": _parameters(),
                "responses": {
                    "200": {
                        "description": "One page of offers, the total and facet counts",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/JobSearch"}
                            }
                        },
                    },
                    "400": {
                        "description": "A parameter is wrong; `errors` names it",
                        "content": problem,
                    },
                },
            },
            schemas=SCHEMAS,
        ),
        PublicEndpoint(
            rule="/jobs/<int:job_id>",
            view=get_job,
            openapi_path="/jobs/{job_id}",
            operation={
                "summary": "One job offer, with the other sources it is published on",
                "operationId": "getJob",
                "tags": ["jobs"],
                "parameters": [
                    {
                        "name": "job_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The offer",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Job"}}
                        },
                    },
                    "404": {"description": "No such offer", "content": problem},
                    "410": {"description": "The offer was withdrawn", "content": problem},
                },
            },
        ),
    ]
