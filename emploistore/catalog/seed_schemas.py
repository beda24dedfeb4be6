"""Schemas for catalog.yaml: the store's seed of organisations, themes and listings."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from emploistore.catalog.models import AUDIENCES, PLATFORMS, ListingKind, ListingStatus

SLUG_RULE = validate.Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    error="Use lowercase letters, digits and hyphens only (e.g. 'createur-de-cv').",
)
PLUGIN_NAME_RULE = validate.Regexp(
    r"^[a-z][a-z0-9_]{1,59}$", error="A plugin name is lowercase letters, digits and _."
)


def check_https_url(value: str) -> None:
    """An https URL to a named host: no credentials, no IP literal, no port games."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Must be an https:// URL.")
    if parts.username or parts.password:
        raise ValidationError("Must not contain credentials.")
    try:
        ipaddress.ip_address(parts.hostname.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValidationError("Must use a domain name, not an IP address.")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


def slug_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(2, 60), SLUG_RULE], **kwargs)


class OrganisationEntrySchema(StrictSchema):
    slug = slug_field(required=True)
    name = fields.String(required=True, validate=validate.Length(2, 120))
    website = fields.String(required=True, validate=[validate.Length(max=500), check_https_url])
    description = fields.String(load_default="", validate=validate.Length(max=300))


class SubThemeEntrySchema(StrictSchema):
    slug = slug_field(required=True)
    name = fields.String(required=True, validate=validate.Length(2, 80))
    description = fields.String(load_default="", validate=validate.Length(max=300))


class ThemeEntrySchema(SubThemeEntrySchema):
    subthemes = fields.List(fields.Nested(SubThemeEntrySchema), load_default=list)


class ListingEntrySchema(StrictSchema):
    """One service listing, as written in catalog.yaml or returned by a plugin."""

    slug = slug_field(required=True)
    name = fields.String(required=True, validate=validate.Length(2, 80))
    promise = fields.String(required=True, validate=validate.Length(10, 140))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    theme = slug_field(required=True)
    extra_themes = fields.List(slug_field(), load_default=list)
    provider = slug_field(required=True)
    kind = fields.String(
        load_default=ListingKind.PARTNER.value,
        validate=validate.OneOf([kind.value for kind in ListingKind]),
    )
    plugin = fields.String(load_default=None, validate=PLUGIN_NAME_RULE)
    launch_url = fields.String(
        load_default=None, validate=[validate.Length(max=500), check_https_url]
    )
    audience = fields.List(
        fields.String(validate=validate.OneOf(AUDIENCES)),
        load_default=lambda: ["tous"],
        validate=validate.Length(min=1),
    )
    free = fields.Boolean(load_default=True)
    price = fields.String(load_default="", validate=validate.Length(max=120))
    platforms = fields.List(
        fields.String(validate=validate.OneOf(PLATFORMS)),
        load_default=lambda: ["web"],
        validate=validate.Length(min=1),
    )
    featured = fields.Boolean(load_default=False)
    status = fields.String(
        load_default=ListingStatus.PUBLISHED.value,
        validate=validate.OneOf([status.value for status in ListingStatus]),
    )

    @validates("promise")
    def one_sentence(self, value: str, **_kwargs: Any) -> None:
        if "\n" in value.strip():
            raise ValidationError("The promise is one sentence on one line.")

    @validates_schema
    def kind_rules(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data["kind"] == ListingKind.BUILTIN.value:
            if not data.get("plugin"):
                errors["plugin"] = ["A built-in listing names the plugin that serves it."]
            if data.get("launch_url"):
                errors["launch_url"] = ["A built-in listing is launched through its plugin."]
        else:
            if not data.get("launch_url"):
                errors["launch_url"] = ["A partner listing needs the https URL to launch."]
            if data.get("plugin"):
                errors["plugin"] = ["Only built-in listings name a plugin."]
        if data["free"] and data.get("price"):
            errors["price"] = ["A free service has no price."]
        if not data["free"] and not data.get("price"):
            errors["price"] = ["Say what a paid service costs."]
        if data["theme"] in data.get("extra_themes", []):
            errors["extra_themes"] = ["The main theme is not repeated in extra_themes."]
        if errors:
            raise ValidationError(errors)


class PluginsEntrySchema(StrictSchema):
    disabled = fields.List(fields.String(validate=PLUGIN_NAME_RULE), load_default=list)


class CatalogFileSchema(StrictSchema):
    version = fields.Integer(required=True, validate=validate.Equal(1))
    plugins = fields.Nested(PluginsEntrySchema, load_default=lambda: {"disabled": []})
    organisations = fields.List(fields.Nested(OrganisationEntrySchema), load_default=list)
    themes = fields.List(fields.Nested(ThemeEntrySchema), load_default=list)
    listings = fields.List(fields.Nested(ListingEntrySchema), load_default=list)
