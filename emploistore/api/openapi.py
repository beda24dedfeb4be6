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

PROBLEM = "application/problem+json"


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class ThemeListSchema(Schema):
    items = fields.List(fields.Nested(ThemeSchema), required=True)


class ServicePageSchema(Schema):
    items = fields.List(fields.Nested(ServiceSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": "Problem"}}}


def openapi_document(server_url: str, theme_slugs: list[str]) -> dict[str, Any]:
    """The document; ``theme_slugs`` are today's themes, the only values ``theme`` accepts."""
    spec = APISpec(
        title="Emploi Store API",
        version="1.0.0",
        openapi_version="3.0.3",
        info={
            "description": "Public read API of the Emploi Store catalogue. Errors are "
            "problem details (RFC 9457); unknown query parameters are refused."
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
    document = spec.to_dict()
    for parameter in document["paths"]["/services"]["get"]["parameters"]:
        if parameter["name"] == "theme":
            parameter["schema"]["enum"] = theme_slugs
            parameter["description"] = "A theme or sub-theme slug (GET /themes lists them)."
    return document
