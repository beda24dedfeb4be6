"""Query parameters of the publishing API."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from emploistore.database import MAX_ID

MAX_DAYS = 366


class StatsQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    start = fields.Date(
        data_key="from", metadata={"description": "First day (default: 29 days ago)."}
    )
    end = fields.Date(data_key="to", metadata={"description": "Last day (default: today, UTC)."})
    listing = fields.Integer(
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "Only this listing (its id)."},
    )

    @validates_schema
    def range_ok(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError({"from": ["Must not be after 'to'."]})
        if start and end and (end - start).days >= MAX_DAYS:
            raise ValidationError({"to": [f"At most {MAX_DAYS} days at once."]})
