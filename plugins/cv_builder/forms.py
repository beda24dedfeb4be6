"""Reading the edit forms: raw values to show back, checked values to store, French errors.

The forms are plain HTML generated from the section catalogue; they are checked with the
same marshmallow fields as a JSON Resume import (schemas.py), so a value refused in a file
is refused in a form, with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from cv_builder import dates
from cv_builder.schemas import CleanText, basics_schema, check_url, clean_text, item_schema
from cv_builder.sections import (
    BASICS_FIELDS,
    LOCATION_FIELDS,
    MAX_PROFILES,
    PROFILE_FIELDS,
    SECTION_KINDS,
    SECTION_TITLE_MAX,
    Field,
)

_ROME_FIELD = CleanText(next(f for f in BASICS_FIELDS if f.name == "romeCode"))


@dataclass
class FormResult:
    raw: dict[str, str]  # what the person typed, keyed by input name, to show back
    data: dict[str, Any] | None = None  # checked values, when there is no error
    errors: dict[str, str] = field(default_factory=dict)  # input name → French message

    @property
    def ok(self) -> bool:
        return not self.errors


def _lines(text: str) -> list[str]:
    return [line for line in text.replace("\r", "").split("\n") if line.strip()]


def _first(messages: Any) -> str:
    """One readable message out of marshmallow's nesting (a list's errors are by line)."""
    if isinstance(messages, Mapping):
        index, inner = next(iter(messages.items()))
        text = _first(inner)
        return f"Ligne {index + 1} : {text}" if isinstance(index, int) else text
    if isinstance(messages, list) and messages:
        return _first(messages[0])
    return str(messages)


def _errors(messages: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in messages.items():
        if name == "_schema":
            continue
        errors[f"{prefix}{name}"] = _first(value)
    return errors


def raw_value(spec: Field, value: Any) -> str:
    """A stored value as the form shows it (lists one per line)."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value or "")


def read_item(kind_key: str, form: Mapping[str, str]) -> FormResult:
    kind = SECTION_KINDS[kind_key]
    raw = {spec.name: str(form.get(spec.name, "")) for spec in kind.fields}
    payload = {
        spec.name: _lines(raw[spec.name]) if spec.type == "lines" else raw[spec.name]
        for spec in kind.fields
    }
    try:
        data = item_schema(kind_key).load(payload)
    except ValidationError as error:
        return FormResult(raw, errors=_errors(error.messages))  # type: ignore[arg-type]
    return FormResult(raw, data=data)


def read_basics(form: Mapping[str, str]) -> FormResult:
    """Identity and contact; location fields are ``location-<name>``, profiles
    ``profiles-<n>-<name>``."""
    raw: dict[str, str] = {}
    payload: dict[str, Any] = {}
    for spec in BASICS_FIELDS:
        raw[spec.name] = payload[spec.name] = str(form.get(spec.name, ""))
    payload["location"] = {}
    for spec in LOCATION_FIELDS:
        key = f"location-{spec.name}"
        raw[key] = payload["location"][spec.name] = str(form.get(key, ""))
    payload["profiles"] = []
    for index in range(MAX_PROFILES):
        profile = {}
        for spec in PROFILE_FIELDS:
            key = f"profiles-{index}-{spec.name}"
            raw[key] = profile[spec.name] = str(form.get(key, ""))
        if any(value.strip() for value in profile.values()):
            payload["profiles"].append(profile)
    raw["photoVisible"] = "1" if form.get("photoVisible") else ""
    rome_code = payload.pop("romeCode")
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    try:
        data = basics_schema().load(payload)
    except ValidationError as error:
        messages = error.messages
        assert isinstance(messages, dict)
        errors.update(
            _errors({k: v for k, v in messages.items() if k not in ("location", "profiles")})
        )
        errors.update(_errors(messages.get("location", {}), "location-"))
        # Profile errors are by position among the rows that were filled in.
        filled = [
            i
            for i in range(MAX_PROFILES)
            if any(raw[f"profiles-{i}-{spec.name}"].strip() for spec in PROFILE_FIELDS)
        ]
        for position, inner in (messages.get("profiles") or {}).items():
            if isinstance(position, int) and isinstance(inner, dict):
                errors.update(_errors(inner, f"profiles-{filled[position]}-"))
    try:
        rome_code = _ROME_FIELD.deserialize(rome_code)
    except ValidationError as error:
        errors["romeCode"] = _first(error.messages)
    if errors:
        return FormResult(raw, errors=errors)
    data.pop("image", None)
    data["romeCode"] = rome_code
    data["photoVisible"] = bool(raw["photoVisible"])
    return FormResult(raw, data=data)


def read_text(
    form: Mapping[str, str], name: str, max_length: int, *, multiline: bool
) -> FormResult:
    raw = {name: str(form.get(name, ""))}
    text = clean_text(raw[name], multiline=multiline)
    if len(text) > max_length:
        return FormResult(
            raw, errors={name: f"Trop long : {max_length} caractères au plus ({len(text)} saisis)."}
        )
    return FormResult(raw, data={name: text})


def read_section_title(form: Mapping[str, str], required: bool) -> FormResult:
    result = read_text(form, "title", SECTION_TITLE_MAX, multiline=False)
    if result.ok and required and not result.data["title"]:  # type: ignore[index]
        result.errors["title"] = "Donnez un titre à cette rubrique, par exemple : Permis bateau."
        result.data = None
    return result


# -- live preview: take what is typed, as far as it can be shown -----------------------------


def lenient_item(kind_key: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The item as typed, for the live preview only: never stored, nothing refused."""
    values: dict[str, Any] = {}
    for spec in SECTION_KINDS[kind_key].fields:
        values[spec.name] = _lenient(spec, str(form.get(spec.name, "")))
    return values


def lenient_basics(form: Mapping[str, str]) -> dict[str, Any]:
    basics: dict[str, Any] = {
        spec.name: _lenient(spec, str(form.get(spec.name, ""))) for spec in BASICS_FIELDS
    }
    basics["location"] = {
        spec.name: _lenient(spec, str(form.get(f"location-{spec.name}", "")))
        for spec in LOCATION_FIELDS
    }
    basics["profiles"] = []
    for index in range(MAX_PROFILES):
        profile = {
            spec.name: _lenient(spec, str(form.get(f"profiles-{index}-{spec.name}", "")))
            for spec in PROFILE_FIELDS
        }
        if any(profile.values()):
            basics["profiles"].append(profile)
    return basics


def _lenient(spec: Field, text: str) -> Any:
    if spec.type == "lines":
        return [clean_text(line, False)[: spec.max_length] for line in _lines(text)][:30]
    value = clean_text(text, multiline=spec.type == "textarea")[: spec.max_length]
    try:
        if spec.type == "date":
            return dates.parse_date(value)
        if spec.type == "url":
            return check_url(value)
    except ValueError:
        return value if spec.type == "date" else ""
    if spec.type == "email" and "@" not in value:
        return ""
    return value
