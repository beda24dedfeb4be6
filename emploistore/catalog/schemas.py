"""Public read API schemas: query parameters in, themes and services out."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import RAISE, Schema, fields, validate

from emploistore.catalog.models import PLATFORMS, Listing, Theme
from emploistore.catalog.seed_schemas import SLUG_RULE


class ServicesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    q = fields.String(validate=validate.Length(max=200))
    theme = fields.String(validate=[validate.Length(2, 60), SLUG_RULE])
    free = fields.Boolean()
    platform = fields.String(validate=validate.OneOf(PLATFORMS))
    provider = fields.String(validate=[validate.Length(2, 60), SLUG_RULE])
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class SubThemeSchema(Schema):
    slug = fields.String()
    name = fields.String()
    description = fields.String()


class ThemeSchema(SubThemeSchema):
    position = fields.Integer()
    subthemes = fields.Method(
        "get_subthemes",
        metadata={"type": "array", "items": {"$ref": "#/components/schemas/SubTheme"}},
    )

    def get_subthemes(self, theme: Theme) -> list[dict[str, Any]]:
        return SubThemeSchema(many=True).dump(theme.children)


class ServiceSchema(Schema):
    slug = fields.String()
    name = fields.String()
    promise = fields.String()
    kind = fields.String()
    theme = fields.Function(lambda listing: listing.main_theme.slug, metadata={"type": "string"})
    subtheme = fields.Function(
        lambda listing: listing.theme.slug if listing.theme.parent_id else None,
        metadata={"type": "string", "nullable": True},
    )
    extra_themes = fields.Function(
        lambda listing: [t.slug for t in listing.extra_themes],
        metadata={"type": "array", "items": {"type": "string"}},
    )
    provider = fields.Function(
        lambda listing: {"slug": listing.organisation.slug, "name": listing.organisation.name},
        metadata={
            "type": "object",
            "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            "required": ["slug", "name"],
        },
    )
    audience = fields.List(fields.String())
    free = fields.Boolean(attribute="is_free")
    price = fields.String()
    platforms = fields.List(fields.String())
    featured = fields.Boolean()
    rating = fields.Function(
        lambda listing: {"average": listing.rating_average, "count": listing.rating_count},
        metadata={
            "type": "object",
            "properties": {
                "average": {"type": "number", "nullable": True},
                "count": {"type": "integer"},
            },
            "required": ["average", "count"],
        },
    )
    url = fields.Function(
        lambda listing: url_for("catalog.service", slug=listing.slug, _external=True),
        metadata={"type": "string", "format": "uri"},
    )


class ServiceDetailSchema(ServiceSchema):
    description = fields.String()
    description_html = fields.String()
    launch_count = fields.Integer()
    published_at = fields.Function(
        lambda listing: listing.published_at.isoformat() + "Z" if listing.published_at else None,
        metadata={"type": "string", "format": "date-time", "nullable": True},
    )


def dump_service(listing: Listing, detail: bool = False) -> dict[str, Any]:
    schema = ServiceDetailSchema() if detail else ServiceSchema()
    return schema.dump(listing)
