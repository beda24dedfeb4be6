"""Template helpers: labels, stars, paging links."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    lazy_gettext,
    ngettext,
)
from flask_babel import gettext as _

PLATFORM_LABELS = {
    "web": lazy_gettext("Site web"),
    "android": lazy_gettext("Android"),
    "ios": lazy_gettext("iPhone"),
}
AUDIENCE_LABELS = {
    "tous": lazy_gettext("Tout public"),
    "jeunes": lazy_gettext("Jeunes"),
    "etudiants": lazy_gettext("Étudiants"),
    "cadres": lazy_gettext("Cadres"),
    "seniors": lazy_gettext("Seniors"),
    "reconversion": lazy_gettext("Reconversion"),
    "handicap": lazy_gettext("Personnes en situation de handicap"),
    "createurs": lazy_gettext("Créateurs d'entreprise"),
}

# Review states of a partner listing's revision, as people read them.
REVISION_STATES = {
    "draft": lazy_gettext("brouillon"),
    "pending": lazy_gettext("en attente de relecture"),
    "changes_requested": lazy_gettext("modifications demandées"),
    "approved": lazy_gettext("approuvée"),
    "rejected": lazy_gettext("refusée"),
    "superseded": lazy_gettext("remplacée par une version plus récente"),
}


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "catalog.home", **(request.view_args or {}), **args)


def rating_label(average: float | None, count: int) -> str:
    if not count or average is None:
        return _("Pas encore d'avis")
    return ngettext(
        "%(average)s sur 5 (%(num)s avis)",
        "%(average)s sur 5 (%(num)s avis)",
        count,
        average=format_decimal(average, format="0.0"),
    )


def labels(values: list[str], names: dict[str, Any]) -> str:
    """Human labels for codes, e.g. ["web", "ios"] → "Site web, iPhone"."""
    return ", ".join(str(names.get(value, value)) for value in values)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["labels"] = labels
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
    app.jinja_env.globals.update(
        url_with=url_with,
        get_locale=get_locale,
        rating_label=rating_label,
        PLATFORM_LABELS=PLATFORM_LABELS,
        AUDIENCE_LABELS=AUDIENCE_LABELS,
        REVISION_STATES=REVISION_STATES,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
