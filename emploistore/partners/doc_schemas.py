"""Response shapes of the publishing API, for its OpenAPI document (see api/openapi.py).

The API builds its answers in partners/api.py; tests/test_api_fuzz.py checks every answer
against these schemas, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from emploistore.partners.manifest import ManifestSchema


class ScreenshotSchema(Schema):
    url = fields.String(required=True, metadata={"format": "uri"})
    alt = fields.String(required=True)


class ManifestOutSchema(ManifestSchema):
    logo = fields.String(allow_none=True, metadata={"format": "uri"})
    screenshots = fields.List(fields.Nested(ScreenshotSchema))


class RevisionSchema(Schema):
    number = fields.Integer(required=True)
    state = fields.String(
        required=True,
        metadata={
            "enum": [
                "draft",
                "pending",
                "changes_requested",
                "approved",
                "rejected",
                "superseded",
            ]
        },
    )
    submitted_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    reason = fields.String(allow_none=True, metadata={"description": "The reviewer's reason."})


class PartnerListingSummarySchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"enum": ["draft", "pending", "published", "archived"]}
    )
    public_url = fields.String(allow_none=True, metadata={"format": "uri"})
    revision = fields.Nested(RevisionSchema, allow_none=True)


class PartnerListingSchema(PartnerListingSummarySchema):
    published = fields.Nested(ManifestOutSchema, allow_none=True)
    draft = fields.Nested(ManifestOutSchema, allow_none=True)
    history = fields.List(fields.Nested(RevisionSchema), required=True)


class PartnerListingListSchema(Schema):
    items = fields.List(fields.Nested(PartnerListingSummarySchema), required=True)


class DayStatsSchema(Schema):
    date = fields.String(required=True, metadata={"format": "date"})
    views = fields.Integer(required=True)
    launches = fields.Integer(required=True)
    favourites = fields.Integer(required=True)
    ratings = fields.Integer(required=True)
    rating_average = fields.Float(allow_none=True, required=True)


class TotalsSchema(Schema):
    views = fields.Integer(required=True)
    launches = fields.Integer(required=True)
    favourites = fields.Integer(required=True)
    ratings = fields.Integer(required=True)
    rating_average = fields.Float(allow_none=True, required=True)


class ListingStatsSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    days = fields.List(fields.Nested(DayStatsSchema), required=True)


class StatsSchema(Schema):
    start = fields.String(data_key="from", required=True, metadata={"format": "date"})
    end = fields.String(data_key="to", required=True, metadata={"format": "date"})
    listings = fields.List(fields.Nested(ListingStatsSchema), required=True)


class OAuthErrorSchema(Schema):
    error = fields.String(required=True)
    error_description = fields.String()
