"""The OpenAPI 3 document of /api/v1, built from the marshmallow schemas at the boundary."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from emploistore.catalog.schemas import (
    ServiceDetailSchema,
    ServiceSchema,
    ServicesQuerySchema,
    SubThemeSchema,
    ThemeSchema,
)
from emploistore.oauth.scopes import CLIENT_SCOPES, DELEGATION_SCOPES
from emploistore.partners.doc_schemas import (
    OAuthErrorSchema,
    PartnerListingListSchema,
    PartnerListingSchema,
    StatsSchema,
)
from emploistore.partners.manifest import ManifestSchema
from emploistore.partners.query_schemas import StatsQuerySchema

PROBLEM = "application/problem+json"


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class ThemeListSchema(Schema):
    items = fields.List(fields.Nested(ThemeSchema), required=True)


class ServiceListSchema(Schema):
    items = fields.List(fields.Nested(ServiceSchema), required=True)


class ServicePageSchema(Schema):
    items = fields.List(fields.Nested(ServiceSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": "Problem"}}}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _auth_errors() -> dict[str, Any]:
    return {
        "401": _json("OAuthError", "Missing, invalid, expired or revoked access token"),
        "403": _json("OAuthError", "The token lacks the scope this operation needs"),
    }


def _me_paths(spec: APISpec) -> None:
    spec.components.schema("OAuthError", schema=OAuthErrorSchema)
    spec.path(
        path="/me/favorites",
        operations={
            "get": {
                "summary": "The seeker's favourite services (for a partner acting for them)",
                "operationId": "listMyFavorites",
                "security": [{"seekerConsent": ["favorites:read"]}],
                "responses": {
                    "200": _json("ServiceList", "The seeker's favourites, newest first"),
                    **_auth_errors(),
                },
            }
        },
    )


LISTING_ID = {
    "in": "path",
    "name": "listing_id",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _partner_paths(spec: APISpec) -> None:
    for name, schema in (
        ("Manifest", ManifestSchema),
        ("PartnerListing", PartnerListingSchema),
        ("PartnerListingList", PartnerListingListSchema),
        ("PartnerStats", StatsSchema),
    ):
        spec.components.schema(name, schema=schema)
    write = [{"partnerClient": ["services:write"]}]
    listing = _json("PartnerListing", "The listing, its draft and its review history")
    not_found = _problem("Not one of your organisation's listings")
    conflict = _problem("Not possible in the listing's current state (e.g. under review)")
    invalid = _problem("The manifest or upload is refused; `errors` names each field")
    logo_upload = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
    upload = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "alt": {"type": "string", "minLength": 5, "maxLength": 200},
                    },
                    "required": ["file", "alt"],
                }
            }
        },
    }

    def operation(summary: str, op_id: str, responses: dict[str, Any], **extra: Any) -> dict:
        return {
            "summary": summary,
            "operationId": op_id,
            "security": write,
            "tags": ["Publishing"],
            "responses": {**responses, **_auth_errors()},
            **extra,
        }

    manifest_body = {
        "required": True,
        "content": {"application/json": {"schema": "Manifest"}},
    }
    spec.path(
        path="/partner/listings",
        operations={
            "get": operation(
                "Your organisation's listings",
                "listPartnerListings",
                {"200": _json("PartnerListingList", "Every listing, with its state")},
            ),
            "post": operation(
                "Create a draft listing (nothing is public until an administrator approves it)",
                "createPartnerListing",
                {
                    "201": listing,
                    "400": _problem("The body is not a JSON object"),
                    "415": _problem("The body is not application/json"),
                    "422": invalid,
                },
                requestBody=manifest_body,
            ),
        },
    )
    spec.path(
        path="/partner/listings/{listing_id}",
        parameters=[LISTING_ID],
        operations={
            "get": operation(
                "One listing", "getPartnerListing", {"200": listing, "404": not_found}
            ),
            "patch": operation(
                "Change some fields; on a published listing this opens a new revision",
                "updatePartnerListing",
                {
                    "200": listing,
                    "400": _problem("The body is not a JSON object"),
                    "404": not_found,
                    "409": conflict,
                    "415": _problem("The body is not application/json"),
                    "422": invalid,
                },
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "description": "Any Manifest fields."}
                        }
                    },
                },
            ),
            "delete": operation(
                "Delete a listing that was never published",
                "deletePartnerListing",
                {"204": {"description": "Deleted"}, "404": not_found, "409": conflict},
            ),
        },
    )
    for suffix, method, summary, op_id in (
        ("/submit", "post", "Submit the draft for review", "submitPartnerListing"),
        ("/submission", "delete", "Cancel the submission (back to draft)", "cancelSubmission"),
        ("/withdraw", "post", "Take the published listing off the store", "withdrawListing"),
    ):
        spec.path(
            path="/partner/listings/{listing_id}" + suffix,
            parameters=[LISTING_ID],
            operations={
                method: operation(
                    summary, op_id, {"200": listing, "404": not_found, "409": conflict}
                )
            },
        )
    image_responses = {"200": listing, "404": not_found, "409": conflict, "422": invalid}
    spec.path(
        path="/partner/listings/{listing_id}/logo",
        parameters=[LISTING_ID],
        operations={
            "put": operation(
                "Upload the logo (PNG, JPEG or WebP; re-encoded, metadata removed)",
                "setPartnerLogo",
                image_responses,
                requestBody=logo_upload,
            )
        },
    )
    spec.path(
        path="/partner/listings/{listing_id}/screenshots",
        parameters=[LISTING_ID],
        operations={
            "post": operation(
                "Add a screenshot with its text alternative (`alt`, required)",
                "addPartnerScreenshot",
                image_responses,
                requestBody=upload,
            )
        },
    )
    spec.path(
        path="/partner/listings/{listing_id}/screenshots/{index}",
        parameters=[
            LISTING_ID,
            {
                "in": "path",
                "name": "index",
                "required": True,
                "schema": {"type": "integer", "minimum": 0, "maximum": 100},
            },
        ],
        operations={
            "delete": operation(
                "Remove a screenshot (position from 0)", "removePartnerScreenshot", image_responses
            )
        },
    )
    spec.path(
        path="/partner/stats",
        operations={
            "get": {
                "summary": "Views, launches, favourites and ratings per listing and per day",
                "operationId": "getPartnerStats",
                "tags": ["Publishing"],
                "security": [{"partnerClient": ["stats:read"]}],
                "parameters": [{"in": "query", "schema": StatsQuerySchema}],
                "responses": {
                    "200": _json("PartnerStats", "Totals and one entry per day"),
                    "400": _problem("A parameter is unknown or invalid; `errors` names it"),
                    "404": not_found,
                    **_auth_errors(),
                },
            }
        },
    )


def _seeker_resource_paths(spec: APISpec, resources: list[tuple[str, str, str]]) -> None:
    for name, scope, summary in resources:
        security = [{"seekerConsent": [scope]}]
        item = {"type": "object", "additionalProperties": True}
        spec.path(
            path=f"/me/{name}",
            operations={
                "get": {
                    "summary": summary or f"The seeker's {name}",
                    "operationId": f"listMy{name.title().replace('-', '')}",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "Summaries, each with its id and url",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"items": {"type": "array", "items": item}},
                                        "required": ["items"],
                                    }
                                }
                            },
                        },
                        **_auth_errors(),
                    },
                }
            },
        )
        spec.path(
            path=f"/me/{name}/{{item_id}}",
            parameters=[
                {
                    "in": "path",
                    "name": "item_id",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                }
            ],
            operations={
                "get": {
                    "summary": f"One of the seeker's {name}",
                    "operationId": f"getMy{name.title().replace('-', '')}",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "The item",
                            "content": {"application/json": {"schema": item}},
                        },
                        "404": _problem("Not one of this person's items"),
                        **_auth_errors(),
                    },
                }
            },
        )


def openapi_document(
    server_url: str,
    theme_slugs: list[str],
    seeker_resources: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The document; ``theme_slugs`` are today's themes, the only values ``theme`` accepts."""
    spec = APISpec(
        title="Emploi Store API",
        version="1.0.0",
        openapi_version="3.0.3",
        info={
            "description": "The Emploi Store API: the public read API of the catalogue, "
            "the publishing API for partner organisations (/partner, client_credentials "
            "tokens) and the data a job seeker lets a partner read (/me, authorization "
            "code + PKCE). Errors are problem details (RFC 9457), except token problems, "
            "which are RFC 6750 bearer errors; unknown query parameters are refused."
        },
        servers=[{"url": server_url}],
        plugins=[MarshmallowPlugin()],
    )
    for name, schema in (
        ("Problem", ProblemSchema),
        ("SubTheme", SubThemeSchema),
        ("Theme", ThemeSchema),
        ("ThemeList", ThemeListSchema),
        ("Service", ServiceSchema),
        ("ServiceDetail", ServiceDetailSchema),
        ("ServicePage", ServicePageSchema),
        ("ServiceList", ServiceListSchema),
    ):
        spec.components.schema(name, schema=schema)
    spec.path(
        path="/themes",
        operations={
            "get": {
                "summary": "The themes in their order, with their sub-themes",
                "operationId": "listThemes",
                "responses": {
                    "200": {
                        "description": "Themes",
                        "content": {"application/json": {"schema": "ThemeList"}},
                    }
                },
            }
        },
    )
    spec.path(
        path="/services",
        operations={
            "get": {
                "summary": "Published services: filters, full-text search, paging",
                "operationId": "listServices",
                "parameters": [{"in": "query", "schema": ServicesQuerySchema}],
                "responses": {
                    "200": {
                        "description": "A page of services and the total",
                        "content": {"application/json": {"schema": "ServicePage"}},
                    },
                    "400": _problem("A parameter is unknown or invalid; `errors` names it"),
                    "503": _problem("Search is unavailable (browsing without `q` still works)"),
                },
            }
        },
    )
    spec.path(
        path="/services/{slug}",
        operations={
            "get": {
                "summary": "One published service",
                "operationId": "getService",
                "parameters": [
                    {
                        "in": "path",
                        "name": "slug",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 60},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The service",
                        "content": {"application/json": {"schema": "ServiceDetail"}},
                    },
                    "404": _problem("No published service has this slug"),
                },
            }
        },
    )
    _me_paths(spec)
    _seeker_resource_paths(spec, list(seeker_resources))
    _partner_paths(spec)
    base = server_url.removesuffix("/api/v1")
    spec.components.security_scheme(
        "partnerClient",
        {
            "type": "oauth2",
            "description": "A partner organisation's own client (client_credentials).",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": base + "/oauth/token",
                    "scopes": {name: str(text) for name, text in CLIENT_SCOPES.items()},
                }
            },
        },
    )
    spec.components.security_scheme(
        "seekerConsent",
        {
            "type": "oauth2",
            "description": "Acting for a consenting job seeker (authorization code + PKCE S256).",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": base + "/oauth/authorize",
                    "tokenUrl": base + "/oauth/token",
                    "refreshUrl": base + "/oauth/token",
                    "scopes": {name: str(text) for name, text in DELEGATION_SCOPES.items()},
                }
            },
        },
    )
    document = spec.to_dict()
    manifest = document["components"]["schemas"]["Manifest"]["properties"]
    manifest["theme"]["enum"] = theme_slugs
    manifest["extra_themes"]["items"]["enum"] = theme_slugs
    manifest["launch_url"].update(format="uri", pattern="^https://")
    for parameter in document["paths"]["/services"]["get"]["parameters"]:
        if parameter["name"] == "theme":
            parameter["schema"]["enum"] = theme_slugs
            parameter["description"] = "A theme or sub-theme slug (GET /themes lists them)."
    return document
