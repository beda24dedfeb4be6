"""The job offer sources the job search knows: built-in feeds and feeds set up in the config.

Each source is an :class:`emploistore.JobOfferSource` whose ``read`` turns an open binary
file into :class:`emploistore.SourceRow` entries with the keys of
:data:`job_search.records.FIELDS`. Three readers cover the formats partners send:

- ``france-travail``: the France Travail "Offres d'emploi v2" JSON (france_travail.py);
- ``csv``: a CSV file with a column mapping (csv_feed.py);
- ``xml``: the common job-board XML feed, ``<source><job>…</job></source>`` (xml_feed.py).

A reader never stops at a bad row; it raises :class:`SourceFileError` only when the file
as a whole cannot be read (not JSON, not XML, a mapped CSV column missing from the header).
Because readers stream, that error may come after some rows were already yielded: the
importer must then drop the whole import.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from emploistore import JobOfferSource
from job_search.records import (
    CONTRACT_TYPES,
    EXPERIENCE_LEVELS,
    FIELDS,
    SALARY_PERIODS,
    WORKING_TIMES,
    RowRejected,
)


class SourceFileError(Exception):
    """The file cannot be read as a whole (the message is French, for the importer's report)."""


FORMATS = ("france-travail", "csv", "xml")
DATE_FIELDS = ("created_at", "updated_at", "expires_at")
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Fields a feed must provide for any of its rows to become an offer.
REQUIRED_FIELDS = tuple(key for key, (required, _name) in FIELDS.items() if required)
# The fields whose values are codes, and those codes.
ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "contract_type": tuple(CONTRACT_TYPES),
    "working_time": tuple(WORKING_TIMES),
    "experience": tuple(EXPERIENCE_LEVELS),
    "salary_period": tuple(SALARY_PERIODS),
}
_SOURCE_KEYS = {
    "france-travail": {"format", "label", "own", "full_feed", "website"},
    "csv": {
        "format",
        "label",
        "own",
        "full_feed",
        "website",
        "mapping",
        "values",
        "delimiter",
        "encoding",
    },
    "xml": {"format", "label", "own", "full_feed", "website", "mapping", "values", "item"},
}


def builtin_sources() -> list[JobOfferSource]:
    """France Travail (the agency's own offers), Keljob (CSV) and Monstre Emploi (XML)."""
    from job_search.sources import csv_feed, france_travail, xml_feed

    return [
        JobOfferSource(
            name="france-travail",
            label="France Travail",
            read=france_travail.read,
            own=True,
            website="https://www.francetravail.fr",
        ),
        JobOfferSource(
            name="keljob",
            label="Keljob",
            read=csv_feed.CsvFeed(csv_feed.KELJOB_COLUMNS, csv_feed.KELJOB_VALUES),
            website="https://www.keljob.example",
        ),
        JobOfferSource(
            name="monstre-emploi",
            label="Monstre Emploi",
            read=xml_feed.XmlFeed(values=xml_feed.MONSTRE_VALUES),
            website="https://www.monstre-emploi.example",
        ),
    ]


def configured_sources(config: Mapping[str, Any]) -> list[JobOfferSource]:
    """Sources set up in the config: ``{name: {"format": "csv", "label": …, …}}``.

    Keys: ``format`` (france-travail, csv or xml; required), ``label`` (defaults to the
    name), ``own`` and ``full_feed`` (booleans), ``website``; for csv, ``mapping``
    (``{column: field}``, required), ``values`` (``{field: {feed value: code}}``),
    ``delimiter`` (one character, default ``;``) and ``encoding`` (default utf-8); for
    xml, ``mapping`` (``{element: field}``, merged over the default element names),
    ``values`` and ``item`` (the element holding one offer, default ``job``).
    Raise ValueError naming the source and the key when the config is wrong.
    """
    from job_search.sources import csv_feed, france_travail, xml_feed

    if not isinstance(config, Mapping):
        raise ValueError("job sources: a mapping of source names to settings is expected")
    builtin = {source.name for source in builtin_sources()}
    sources = []
    for name, settings in config.items():
        where = f"job source {name!r}"
        if not isinstance(name, str) or not SOURCE_NAME.match(name):
            raise ValueError(f"{where}: the name must be 1-40 lowercase letters, digits, - or _")
        if name in builtin:
            raise ValueError(f"{where}: the name is taken by a built-in source")
        if not isinstance(settings, Mapping):
            raise ValueError(f"{where}: a mapping of settings is expected")
        kind = settings.get("format")
        if kind not in FORMATS:
            raise ValueError(f"{where}: 'format' must be one of {', '.join(FORMATS)}")
        unknown = set(settings) - _SOURCE_KEYS[kind]
        if unknown:
            raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r} for format {kind!r}")
        label = _text_setting(settings, "label", where, default=name)
        website = _text_setting(settings, "website", where, default="")
        if website and not website.startswith(("https://", "http://")):
            raise ValueError(f"{where}: 'website' must be an http(s) address")
        own = _bool_setting(settings, "own", where, default=False)
        full_feed = _bool_setting(settings, "full_feed", where, default=True)
        if kind == "france-travail":
            read: Any = france_travail.read
        elif kind == "csv":
            if "mapping" not in settings:
                raise ValueError(f"{where}: 'mapping' (CSV column → field) is required")
            mapping = _mapping_setting(settings, "mapping", where)
            delimiter = _text_setting(settings, "delimiter", where, default=";")
            if len(delimiter) != 1 or delimiter in '"\r\n':
                raise ValueError(f"{where}: 'delimiter' must be one character (not a quote)")
            encoding = _text_setting(settings, "encoding", where, default="utf-8")
            _check_encoding(encoding, where)
            read = csv_feed.CsvFeed(
                mapping,
                _values_setting(settings, where),
                delimiter=delimiter,
                encoding=encoding,
            )
        else:
            mapping = dict(xml_feed.DEFAULT_ELEMENTS)
            if "mapping" in settings:
                mapping.update(_mapping_setting(settings, "mapping", where, complete=False))
            item = _text_setting(settings, "item", where, default="job")
            if not re.match(r"^[A-Za-z_][\w.-]*$", item):
                raise ValueError(f"{where}: 'item' must be an element name")
            read = xml_feed.XmlFeed(mapping, _values_setting(settings, where), item=item)
        if kind != "france-travail":
            missing = [key for key in REQUIRED_FIELDS if key not in mapping.values()]
            if missing:
                raise ValueError(f"{where}: 'mapping' must give the field {missing[0]!r}")
        sources.append(
            JobOfferSource(
                name=name, label=label, read=read, own=own, full_feed=full_feed, website=website
            )
        )
    return sources


def _text_setting(settings: Mapping[str, Any], key: str, where: str, default: str) -> str:
    value = settings.get(key, default)
    if not isinstance(value, str) or (key == "label" and not value.strip()):
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value.strip() if key != "delimiter" else value


def _bool_setting(settings: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be true or false")
    return value


def _mapping_setting(
    settings: Mapping[str, Any], key: str, where: str, complete: bool = True
) -> dict[str, str]:
    mapping = settings.get(key)
    if not isinstance(mapping, Mapping) or (complete and not mapping):
        raise ValueError(f"{where}: {key!r} must be a mapping of feed names to fields")
    out: dict[str, str] = {}
    for column, field in mapping.items():
        if not isinstance(column, str) or not column.strip():
            raise ValueError(f"{where}: {key!r}: column and element names must be strings")
        if field not in FIELDS:
            raise ValueError(f"{where}: {key!r}: {column!r} maps to unknown field {field!r}")
        out[column.strip()] = field
    fields = list(out.values())
    doubled = sorted({field for field in fields if fields.count(field) > 1})
    if doubled:
        raise ValueError(f"{where}: {key!r}: field {doubled[0]!r} is given twice")
    return out


def _values_setting(settings: Mapping[str, Any], where: str) -> dict[str, dict[str, str]]:
    values = settings.get("values", {})
    if not isinstance(values, Mapping):
        raise ValueError(f"{where}: 'values' must be a mapping of fields to value maps")
    out: dict[str, dict[str, str]] = {}
    for field, table in values.items():
        if field not in FIELDS:
            raise ValueError(f"{where}: 'values': unknown field {field!r}")
        if not isinstance(table, Mapping) or not all(
            isinstance(raw, str) and isinstance(code, str) for raw, code in table.items()
        ):
            raise ValueError(f"{where}: 'values': {field!r} must map strings to strings")
        allowed = ENUMERATIONS.get(field)
        wrong = [code for code in table.values() if allowed and code not in allowed]
        if wrong:
            raise ValueError(
                f"{where}: 'values': {field!r}: {wrong[0]!r} is not one of {', '.join(allowed)}"
            )
        out[field] = dict(table)
    return out


def _check_encoding(encoding: str, where: str) -> None:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"{where}: 'encoding': unknown encoding {encoding!r}") from None
    if not "a;\n".encode(info.name).endswith(b"a;\n"):
        raise ValueError(f"{where}: 'encoding': only ASCII-compatible encodings are read")


def value_tables(values: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Value maps keyed by case-folded feed value; enumerated fields also accept their codes."""
    tables: dict[str, dict[str, str]] = {}
    for field, table in values.items():
        folded = {code.casefold(): code for code in ENUMERATIONS.get(field, ())}
        folded.update({" ".join(raw.split()).casefold(): code for raw, code in table.items()})
        tables[field] = folded
    return tables


def translate_value(field: str, value: str, table: Mapping[str, str]) -> str:
    """The code for a feed value (from :func:`value_tables`).

    A value missing from the table is kept for a free field and raises RowRejected, naming
    the field, for an enumerated one (contract type, working time, experience, period).
    """
    code = table.get(" ".join(value.split()).casefold())
    if code is not None:
        return code
    if field not in ENUMERATIONS:
        return value
    raise RowRejected(f"{FIELDS[field][1]} : « {value[:60]} » inconnu")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_FRENCH_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$"
)


_RFC_DATE = re.compile(
    r"^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}:\d{2}(?::\d{2})?)"
    r" (GMT|UTC?|Z|[+-]\d{4})$"
)
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


def normalise_date(value: str) -> str:
    """ISO 8601 text for a date written the ISO way, the e-mail way (RFC 2822, as in
    "Mon, 02 Mar 2026 09:15:00 GMT") or the French way ("02/03/2026 09:15").

    Anything else is returned unchanged, for records.clean_record to refuse it.
    """
    text = value.strip()
    if _ISO_DATE.match(text):
        return text
    match = _RFC_DATE.match(text)
    if match and match[2] in _MONTHS:  # the usual shape, read without the email module
        day, month, year, time, zone = match[1], _MONTHS[match[2]], match[3], match[4], match[5]
        if zone in ("GMT", "UT", "UTC", "Z"):
            zone = "+00:00"
        elif zone[0] in "+-":
            zone = f"{zone[:3]}:{zone[3:]}"
        else:
            zone = ""
        text = f"{year}-{month}-{int(day):02d}T{time if len(time) > 5 else time + ':00'}{zone}"
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return value
        return text
    try:
        match = _FRENCH_DATE.match(text)
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            return datetime(year, month, day, hour, minute, second).isoformat()
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return value
