"""The listing manifest a partner sends to the publishing API, validated strictly.

Unknown fields are refused, so a partner can never set a listing's status, owner,
featured flag, counters or images (images go through their own upload endpoints).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from emploistore.catalog.models import AUDIENCES, PLATFORMS, Listing, Organisation, Theme
from emploistore.catalog.seed_schemas import SLUG_RULE
from emploistore.database import db
from emploistore.oauth.models import OAuthClient
from emploistore.partners.domains import url_problem, verified_domains

MAX_SCREENSHOTS = 6


def _one_line(value: str) -> None:
    if "\n" in value.strip() or "\r" in value:
        raise ValidationError("Must be one line.")


def _no_control(value: str) -> None:
    if any(ord(char) < 32 and char not in "\n\t" for char in value):
        raise ValidationError("Must not contain control characters.")


class ManifestSchema(Schema):
    """What a partner may say about its service (all of it goes through review)."""

    class Meta:
        unknown = RAISE

    slug = fields.String(
        validate=[validate.Length(2, 60), SLUG_RULE],
        metadata={"description": "URL name of the service; chosen once, at creation."},
    )
    name = fields.String(required=True, validate=[validate.Length(2, 80), _one_line, _no_control])
    promise = fields.String(
        required=True,
        validate=[validate.Length(10, 140), _one_line, _no_control],
        metadata={"description": "One sentence: what the seeker gets."},
    )
    description = fields.String(
        load_default="",
        validate=[validate.Length(max=5000), _no_control],
        metadata={"description": "Markdown; raw HTML is escaped and the result sanitised."},
    )
    theme = fields.String(
        required=True,
        validate=[validate.Length(2, 60), SLUG_RULE],
        metadata={"description": "A theme or sub-theme slug (GET /api/v1/themes)."},
    )
    extra_themes = fields.List(
        fields.String(validate=[validate.Length(2, 60), SLUG_RULE]),
        load_default=list,
        validate=validate.Length(max=2),
    )
    launch_url = fields.String(
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "https, on one of the organisation's verified domains."},
    )
    platforms = fields.List(
        fields.String(validate=validate.OneOf(PLATFORMS)),
        load_default=lambda: ["web"],
        validate=validate.Length(1, len(PLATFORMS)),
    )
    audience = fields.List(
        fields.String(validate=validate.OneOf(AUDIENCES)),
        load_default=lambda: ["tous"],
        validate=validate.Length(1, len(AUDIENCES)),
    )
    free = fields.Boolean(load_default=True)
    price = fields.String(load_default="", validate=[validate.Length(max=120), _one_line])
    sign_in_client_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=48),
        metadata={
            "description": "client_id of one of your clients with an initiate_login_uri: "
            "launching the service then signs the seeker in through OpenID Connect."
        },
    )

    @validates_schema
    def consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("free", True) and data.get("price"):
            errors["price"] = ["A free service has no price."]
        if data.get("free") is False and not data.get("price"):
            errors["price"] = ["Say what a paid service costs."]
        if data.get("theme") and data["theme"] in data.get("extra_themes", []):
            errors["extra_themes"] = ["The main theme is not repeated in extra_themes."]
        for name in ("platforms", "audience", "extra_themes"):
            values = data.get(name) or []
            if len(set(values)) != len(values):
                errors.setdefault(name, []).append("Values must not repeat.")
        if errors:
            raise ValidationError(errors)


MANIFEST_FIELDS = tuple(ManifestSchema().fields)


def check_references(manifest: dict[str, Any], organisation: Organisation) -> dict[str, list[str]]:
    """Checks that need the database: themes, verified domains, the sign-in client."""
    errors: dict[str, list[str]] = {}
    themes = set(db.session.scalars(select(Theme.slug)))
    if manifest["theme"] not in themes:
        errors["theme"] = [f"Unknown theme {manifest['theme']!r}; GET /api/v1/themes lists them."]
    unknown = [slug for slug in manifest.get("extra_themes", []) if slug not in themes]
    if unknown:
        errors["extra_themes"] = [f"Unknown theme {unknown[0]!r}."]
    problem = url_problem(manifest["launch_url"], verified_domains(organisation), english=True)
    if problem:
        errors["launch_url"] = [problem]
    client_id = manifest.get("sign_in_client_id")
    if client_id:
        client = db.session.scalar(
            select(OAuthClient).where(
                OAuthClient.client_id == client_id,
                OAuthClient.organisation_id == organisation.id,
                OAuthClient.disabled_at.is_(None),
            )
        )
        if client is None:
            errors["sign_in_client_id"] = ["Not an active client of your organisation."]
        elif not client.initiate_login_uri:
            errors["sign_in_client_id"] = ["This client has no initiate_login_uri."]
    return errors


def manifest_of(listing: Listing) -> dict[str, Any]:
    """The published listing as a manifest (the base of a new revision)."""
    client = (
        db.session.get(OAuthClient, listing.sign_in_client_id)
        if (listing.sign_in_client_id)
        else None
    )
    return {
        "slug": listing.slug,
        "name": listing.name,
        "promise": listing.promise,
        "description": listing.description,
        "theme": listing.theme.slug,
        "extra_themes": [theme.slug for theme in listing.extra_themes],
        "launch_url": listing.launch_url or "",
        "platforms": listing.platforms,
        "audience": list(listing.audience),
        "free": listing.is_free,
        "price": listing.price,
        "sign_in_client_id": client.client_id if client else None,
        "logo": listing.logo,
        "screenshots": list(listing.screenshots or []),
    }
