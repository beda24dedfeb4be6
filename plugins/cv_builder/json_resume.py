"""JSON Resume v1 export and import (https://jsonresume.org/schema).

Export: the standard sections (``basics``, ``work``, ``education``…) hold what every JSON
Resume tool understands; what JSON Resume has no place for — section order and visibility,
hidden items, CEFR levels, driving licences, custom sections, the ROME code, the CV's title,
template and paper size — goes under one namespaced key, ``"x-emploistore"``. Our own file
therefore re-imports without loss; a file written elsewhere imports every standard section.

Import refuses, with a French message naming the field, anything that is not valid: a file
over the size cap, deeper than ``MAX_DEPTH``, not UTF-8 JSON, wrong types, lists or texts
over their caps. Unknown fields are left out and listed in a notice. Nothing is stored
until the whole file has passed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import ValidationError

from cv_builder import content as cv_content
from cv_builder.photos import data_uri, decode_data_uri
from cv_builder.schemas import (
    EXTENSION_KEY,
    PAPERS,
    TEMPLATES,
    load_extension_items,
    resume_schema,
    unknown_keys,
)
from cv_builder.sections import (
    BASICS_FIELDS,
    DEFAULT_ORDER,
    LEVEL_LABELS,
    LOCATION_FIELDS,
    MAX_CUSTOM_SECTIONS,
    PROFILE_FIELDS,
    SECTION_KINDS,
)

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
MAX_DEPTH = 8  # a JSON Resume needs 5 levels (x-emploistore.sections[].items[])
IMPORT_MAX_BYTES = 1024 * 1024
NOTICE_MAX = 10

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_CEFR = re.compile(r"^\s*([ABC][12])\b", re.I)
_NATIVE = re.compile(
    r"^\s*(native( speaker)?|langue maternelle|maternelle|natif|native|mother tongue)\s*$", re.I
)


class ImportRefused(ValueError):
    """The file was not imported; ``problems`` are French lines for the person."""

    def __init__(self, problems: list[str], status: int = 422) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.status = status


@dataclass
class ImportedCV:
    title: str
    template: str
    paper: str
    content: dict[str, Any]
    photo: bytes | None = None  # raw bytes from a data: URI, to be cleaned before storing
    notices: list[str] = field(default_factory=list)


# -- export --------------------------------------------------------------------------------


def _non_empty(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: values[name] for name in names if values.get(name) not in ("", [], None)}


def _basics(content: dict[str, Any], summary: bool, photo: str | None) -> dict[str, Any]:
    source = content["basics"]
    names = [spec.name for spec in BASICS_FIELDS if spec.name != "romeCode"]
    basics = _non_empty(source, names)
    if photo:
        basics["image"] = photo
    if summary and source.get("summary"):
        basics["summary"] = source["summary"]
    location = _non_empty(source.get("location", {}), [spec.name for spec in LOCATION_FIELDS])
    if location:
        basics["location"] = location
    profiles = [
        _non_empty(profile, [spec.name for spec in PROFILE_FIELDS])
        for profile in source.get("profiles", [])
    ]
    if profiles:
        basics["profiles"] = profiles
    return basics


def _standard_item(kind_key: str, item: dict[str, Any]) -> dict[str, Any]:
    kind = SECTION_KINDS[kind_key]
    names = [spec.name for spec in kind.fields if spec.name not in kind.extension_fields]
    out = _non_empty(item, names)
    if kind_key == "languages" and not out.get("fluency") and item.get("level"):
        out["fluency"] = LEVEL_LABELS.get(item["level"], item["level"])
    return out


def _extension_item(kind_key: str, item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {} if item.get("visible", True) else {"visible": False}
    if kind_key == "languages":
        out.update({"level": item.get("level", ""), "fluency": item.get("fluency", "")})
    elif not SECTION_KINDS[kind_key].standard:
        names = [spec.name for spec in SECTION_KINDS[kind_key].fields]
        out.update(_non_empty(item, names))
    return out


def to_json_resume(
    *,
    title: str,
    template: str,
    paper: str,
    updated_at: datetime | None,
    content: dict[str, Any],
    photo: bytes | None = None,
    include_hidden: bool = True,
) -> dict[str, Any]:
    """The CV as a JSON Resume v1 document.

    ``include_hidden=True`` (the file a person downloads) keeps hidden sections and items,
    marked hidden under ``x-emploistore``; ``False`` gives only what the CV shows.
    """
    sections = [s for s in content["sections"] if include_hidden or s.get("visible", True)]
    show_summary = any(s["kind"] == "summary" for s in sections)
    show_photo = photo is not None and (include_hidden or content.get("photoVisible", True))
    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "basics": _basics(content, show_summary, data_uri(photo) if show_photo else None),
    }
    layout = []
    for section in sections:
        kind_key = section["kind"]
        kind = SECTION_KINDS[kind_key]
        items = [i for i in section["items"] if include_hidden or i.get("visible", True)]
        entry: dict[str, Any] = {"kind": kind_key, "visible": section.get("visible", True)}
        if section.get("title"):
            entry["title"] = section["title"]
        if kind.standard and items:
            document[kind_key] = [_standard_item(kind_key, item) for item in items]
        extension_items = [_extension_item(kind_key, item) for item in items]
        # Items of a standard kind are in their JSON Resume array: list them here only when
        # one differs from the defaults. Licences and custom items live only here.
        if any(extension_items) or (extension_items and not kind.standard):
            entry["items"] = extension_items
        layout.append(entry)
    extension: dict[str, Any] = {
        "version": 1,
        "title": title,
        "template": template,
        "paper": paper,
        "photoVisible": content.get("photoVisible", True),
        "sections": layout,
    }
    if content.get("romeCode"):
        extension["romeCode"] = content["romeCode"]
    document[EXTENSION_KEY] = extension
    document["meta"] = {"version": "v1.0.0"}
    if updated_at is not None:
        document["meta"]["lastModified"] = updated_at.replace(microsecond=0).isoformat() + "Z"
    return document


# -- import: reading the file ----------------------------------------------------------------


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest, strings ignored; read before parsing."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def read_upload(raw: bytes, max_bytes: int = IMPORT_MAX_BYTES) -> Any:
    """Parse an uploaded file; raise ImportRefused with a French message if it cannot be."""
    if not raw:
        raise ImportRefused(["Le fichier est vide."])
    if len(raw) > max_bytes:
        raise ImportRefused(
            [f"Le fichier pèse {len(raw) // 1024} ko : {max_bytes // 1024} ko au plus."], 413
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            ["Le fichier n'est pas un texte JSON (encodage UTF-8 attendu)."]
        ) from None
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ImportRefused(
            [
                f"Le fichier est imbriqué trop profondément ({depth} niveaux, "
                f"{MAX_DEPTH} au plus) : ce n'est pas un CV au format JSON Resume."
            ]
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                "Ce n'est pas un fichier JSON valide : erreur à la ligne "
                f"{error.lineno}, colonne {error.colno}."
            ]
        ) from None
    except (ValueError, RecursionError):
        raise ImportRefused(["Ce n'est pas un fichier JSON valide."]) from None


# -- import: naming problems -----------------------------------------------------------------

_TOP_LABELS = {
    "basics": "Identité et coordonnées",
    EXTENSION_KEY: "Données Emploi Store",
    **{key: kind.label for key, kind in SECTION_KINDS.items()},
}
_FIELD_LABELS = {
    **{spec.name: spec.label for spec in BASICS_FIELDS + LOCATION_FIELDS},
    "summary": "Profil",
    "image": "Photo",
    "location": "Adresse",
    "profiles": "Profils en ligne",
}


def describe(path: str) -> str:
    """``work[0].startDate`` → ``Expériences professionnelles n° 1, « Date de début »``."""
    parts = [(name, index) for name, index in _PATH_PART.findall(path)]
    if not parts or path == "_schema":
        return "Le fichier"
    words: list[str] = []
    top = parts[0][0]
    kind = SECTION_KINDS.get(top)
    words.append(_TOP_LABELS.get(top, f"« {top} »"))
    for name, index in parts[1:]:
        if index:
            words[-1] += f" n° {int(index) + 1}"
        elif name == "_schema":
            continue
        else:
            label = None
            if kind is not None and kind.has_items:
                label = next((f.label for f in kind.fields if f.name == name), None)
            label = label or _FIELD_LABELS.get(name)
            words.append(f"« {label} »" if label else f"« {name} »")
    return ", ".join(words)


def problem_lines(messages: Any, path: str = "") -> list[str]:
    """marshmallow's nested messages as French lines naming the field and its JSON path."""
    if isinstance(messages, dict):
        lines: list[str] = []
        for key, value in messages.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            elif key == "_schema":
                child = path or "_schema"
            else:
                child = f"{path}.{key}" if path else str(key)
            lines += problem_lines(value, child)
        return lines
    if isinstance(messages, list):
        return [line for message in messages for line in problem_lines(message, path)]
    shown = path if path != "_schema" else ""
    where = describe(path) + (f" ({shown})" if shown else "")
    return [f"{where} : {messages}"]


# -- import: building the CV -----------------------------------------------------------------


def parse_fluency(fluency: str) -> tuple[str, str]:
    """A JSON Resume ``fluency`` as (CEFR level or "native" or "", note kept as written)."""
    text = fluency.strip()
    if _NATIVE.match(text):
        return "native", ""
    if match := _CEFR.match(text):
        level = match.group(1).upper()
        rest = text[match.end() :].strip(" -–—:()")
        return level, "" if rest.lower() in ("", LEVEL_LABELS[level].lower()[5:]) else text
    return "", text


def _layout(extension: dict[str, Any] | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The sections in order, each standard kind once; problems named by path."""
    problems: list[str] = []
    layout = list(extension["sections"]) if extension else []
    seen: set[str] = set()
    customs = 0
    for index, entry in enumerate(layout):
        kind = entry["kind"]
        if kind == "custom":
            customs += 1
        elif kind in seen:
            problems.append(
                f"{describe(EXTENSION_KEY)} ({EXTENSION_KEY}.sections[{index}].kind) : "
                f"la rubrique « {kind} » apparaît deux fois."
            )
        seen.add(kind)
    if customs > MAX_CUSTOM_SECTIONS:
        problems.append(
            f"{describe(EXTENSION_KEY)} ({EXTENSION_KEY}.sections) : "
            f"{customs} rubriques libres, {MAX_CUSTOM_SECTIONS} au plus."
        )
    for kind in DEFAULT_ORDER:
        if kind not in seen:
            layout.append({"kind": kind, "visible": True, "title": "", "items": []})
    return layout, problems


def from_json_resume(data: Any) -> ImportedCV:
    """Validate a parsed JSON Resume and build our CV from it; raise ImportRefused."""
    schema = resume_schema()
    if not isinstance(data, dict):
        raise ImportRefused(["Le fichier doit contenir un objet JSON (entre accolades { })."])
    try:
        loaded = schema.load(data)
    except ValidationError as error:
        raise ImportRefused(problem_lines(error.messages)) from None
    extension = loaded.get("extension")
    layout, problems = _layout(extension)
    taken: set[str] = set()
    sections = []
    for index, entry in enumerate(layout):
        kind_key = entry["kind"]
        kind = SECTION_KINDS[kind_key]
        try:
            extras = load_extension_items(kind_key, entry.get("items", []))
        except ValidationError as error:
            problems += problem_lines(error.messages, f"{EXTENSION_KEY}.sections[{index}].items")
            continue
        section = cv_content.new_section(kind_key, taken, entry.get("title", ""))
        section["visible"] = entry.get("visible", True)
        taken.add(section["id"])
        if kind.standard and kind.has_items:
            for position, standard in enumerate(loaded.get(kind_key, [])):
                extra = extras[position] if position < len(extras) else None
                section["items"].append(_item(kind_key, standard, extra, taken))
        elif kind.has_items:
            for extra in extras:
                values = {name: extra[name] for name in cv_content.empty_item(kind_key)}
                section["items"].append(_new_item(values, extra["visible"], taken))
        sections.append(section)
    if problems:
        raise ImportRefused(problems)

    basics = cv_content.empty_basics()
    source = loaded.get("basics") or {}  # a missing "basics" is not loaded, only defaulted
    basics.update({name: source[name] for name in basics if name in source})
    basics["location"] = {**cv_content.empty_basics()["location"], **source.get("location", {})}
    basics["profiles"] = [
        {spec.name: p[spec.name] for spec in PROFILE_FIELDS} for p in source.get("profiles", [])
    ]
    document = {
        "basics": basics,
        "romeCode": extension["romeCode"] if extension else "",
        "photoVisible": extension["photoVisible"] if extension else True,
        "sections": sections,
    }
    try:
        cv_content.check_size(document)
    except cv_content.ContentError as error:
        raise ImportRefused([str(error)]) from None

    notices = []
    ignored = unknown_keys(data, schema)
    if ignored:
        shown = ", ".join(ignored[:NOTICE_MAX]) + (" …" if len(ignored) > NOTICE_MAX else "")
        notices.append(
            f"{len(ignored)} champ{'s' if len(ignored) > 1 else ''} inconnu"
            f"{'s' if len(ignored) > 1 else ''} ignoré{'s' if len(ignored) > 1 else ''} : {shown}."
        )
    photo = None
    image = source.get("image", "")
    if image:
        photo = decode_data_uri(image)
        if photo is None:
            notices.append(
                "La photo indiquée dans le fichier n'a pas été reprise : "
                "ajoutez-la depuis votre appareil, dans « Identité et coordonnées »."
            )
    name = basics["name"] or "CV"
    title = (extension or {}).get("title") or (
        f"{name} – {basics['label']}" if basics["label"] else f"CV de {name}"
    )
    return ImportedCV(
        title=title[:120],
        template=(extension or {}).get("template") or next(iter(TEMPLATES)),
        paper=(extension or {}).get("paper") or next(iter(PAPERS)),
        content=document,
        photo=photo,
        notices=notices,
    )


def _new_item(values: dict[str, Any], visible: bool, taken: set[str]) -> dict[str, Any]:
    item_id = cv_content.new_id(taken)
    taken.add(item_id)
    return {"id": item_id, "visible": visible, **values}


def _item(
    kind_key: str, standard: dict[str, Any], extra: dict[str, Any] | None, taken: set[str]
) -> dict[str, Any]:
    values = {**cv_content.empty_item(kind_key), **standard}
    if kind_key == "languages":
        if extra is not None:
            values["level"], values["fluency"] = extra["level"], extra["fluency"]
        else:
            values["level"], values["fluency"] = parse_fluency(standard.get("fluency", ""))
    return _new_item(values, extra["visible"] if extra is not None else True, taken)
