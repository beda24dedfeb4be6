"""Query parameters of the publishing API."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from emploistore.database import MAX_ID

MAX_DAYS = 366
# Statistics start with the store; the bounds keep date arithmetic in range.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(9999, 12, 1)
DAY_RANGE = validate.Range(FIRST_DAY, LAST_DAY, error="Must be between {min} and {max}.")


class StatsQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    start = fields.Date(
        data_key="from",
        validate=DAY_RANGE,
        metadata={"description": "First day (default: 29 days ago)."},
    )
    end = fields.Date(
        data_key="to",
        validate=DAY_RANGE,
        metadata={"description": "Last day (default: today, UTC)."},
    )
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
