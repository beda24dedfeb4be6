"""The CV document kept in ``CV.content``: its shape, and pure operations on it.

::

    {
      "basics": {name, label, email, phone, url, summary,
                 location: {address, postalCode, city, region, countryCode},
                 profiles: [{network, username, url}]},   # JSON Resume's "basics"
      "romeCode": "D1106",
      "photoVisible": true,
      "sections": [                                      # in the order shown
        {"id": "3f2a9c1d", "kind": "work", "visible": true, "title": "",
         "items": [{"id": "…", "visible": true, "position": "…", …}]},
        …
      ]
    }

Every standard section kind appears once; custom sections may appear several times. Every
item holds every field of its kind (empty string or empty list when unset). Functions here
never touch the database: they take a document and return a changed copy.
"""

from __future__ import annotations

import copy
import json
import secrets
from typing import Any

from cv_builder.sections import (
    DEFAULT_ORDER,
    LEVEL_LABELS,
    LICENCE_LABELS,
    LOCATION_FIELDS,
    MAX_CUSTOM_SECTIONS,
    MAX_ITEMS,
    SECTION_KINDS,
    empty_value,
)

MAX_CONTENT_BYTES = 400_000  # a long CV is ~20 kB; this bounds what one person can store


class ContentError(ValueError):
    """A change the document cannot take (too long, too many items); French message."""


def new_id(taken: set[str]) -> str:
    while True:
        candidate = secrets.token_hex(4)
        if candidate not in taken:
            return candidate


def all_ids(content: dict[str, Any]) -> set[str]:
    ids = set()
    for section in content["sections"]:
        ids.add(section["id"])
        ids.update(item["id"] for item in section["items"])
    return ids


def empty_basics() -> dict[str, Any]:
    return {
        "name": "",
        "label": "",
        "email": "",
        "phone": "",
        "url": "",
        "summary": "",
        "location": {spec.name: "" for spec in LOCATION_FIELDS},
        "profiles": [],
    }


def empty_item(kind_key: str) -> dict[str, Any]:
    return {spec.name: empty_value(spec) for spec in SECTION_KINDS[kind_key].fields}


def new_section(kind_key: str, taken: set[str], title: str = "") -> dict[str, Any]:
    return {"id": new_id(taken), "kind": kind_key, "visible": True, "title": title, "items": []}


def new_content(name: str = "", email: str = "") -> dict[str, Any]:
    basics = empty_basics()
    basics["name"], basics["email"] = name, email
    taken: set[str] = set()
    sections = []
    for key in DEFAULT_ORDER:
        section = new_section(key, taken)
        taken.add(section["id"])
        sections.append(section)
    return {"basics": basics, "romeCode": "", "photoVisible": True, "sections": sections}


def check_size(content: dict[str, Any]) -> None:
    size = len(json.dumps(content, ensure_ascii=False).encode("utf-8"))
    if size > MAX_CONTENT_BYTES:
        raise ContentError(
            f"Ce CV est trop long ({size // 1000} ko de texte, {MAX_CONTENT_BYTES // 1000} ko "
            "au plus). Raccourcissez quelques descriptions."
        )


# -- finding ------------------------------------------------------------------------------


def find_section(content: dict[str, Any], section_id: str) -> dict[str, Any] | None:
    return next((s for s in content["sections"] if s["id"] == section_id), None)


def find_item(section: dict[str, Any], item_id: str) -> dict[str, Any] | None:
    return next((i for i in section["items"] if i["id"] == item_id), None)


def section_title(section: dict[str, Any]) -> str:
    return section.get("title") or SECTION_KINDS[section["kind"]].label


def item_title(kind_key: str, item: dict[str, Any]) -> str:
    """A short name for an item in lists and button labels."""
    kind = SECTION_KINDS[kind_key]
    if kind_key == "licences":
        return f"Permis {item.get('category', '')}".strip()
    if kind_key == "languages":
        level = LEVEL_LABELS.get(item.get("level", ""), "")
        return " – ".join(p for p in (item.get("language", ""), level) if p)
    parts = [str(item.get(name, "")) for name in kind.title_fields if item.get(name)]
    return " – ".join(parts) or "(sans titre)"


def licence_label(category: str) -> str:
    return LICENCE_LABELS.get(category, category)


def has_content(content: dict[str, Any], section: dict[str, Any]) -> bool:
    """Whether a section prints anything (visible items, or the summary's text)."""
    if section["kind"] == "summary":
        return bool(content["basics"].get("summary"))
    return any(item.get("visible", True) for item in section["items"])


# -- changing -----------------------------------------------------------------------------


def _moved(items: list[Any], index: int, direction: str) -> bool:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    return True


def move_section(content: dict[str, Any], section_id: str, direction: str) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    ids = [s["id"] for s in changed["sections"]]
    if section_id in ids:
        _moved(changed["sections"], ids.index(section_id), direction)
    return changed


def move_item(
    content: dict[str, Any], section_id: str, item_id: str, direction: str
) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    if section is not None:
        ids = [i["id"] for i in section["items"]]
        if item_id in ids:
            _moved(section["items"], ids.index(item_id), direction)
    return changed


def set_section_visible(content: dict[str, Any], section_id: str, visible: bool) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    if section is not None:
        section["visible"] = visible
    return changed


def set_item_visible(
    content: dict[str, Any], section_id: str, item_id: str, visible: bool
) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    item = find_item(section, item_id) if section else None
    if item is not None:
        item["visible"] = visible
    return changed


def save_item(
    content: dict[str, Any], section_id: str, item_id: str | None, values: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Replace an item's fields (or add a new item when ``item_id`` is None)."""
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    if section is None:
        raise KeyError(section_id)
    fields = {**empty_item(section["kind"]), **values}
    if item_id is None:
        if len(section["items"]) >= MAX_ITEMS:
            raise ContentError(f"Cette rubrique a déjà {MAX_ITEMS} éléments : c'est le maximum.")
        item_id = new_id(all_ids(changed))
        section["items"].append({"id": item_id, "visible": True, **fields})
    else:
        item = find_item(section, item_id)
        if item is None:
            raise KeyError(item_id)
        item.update(fields)
    check_size(changed)
    return changed, item_id


def delete_item(content: dict[str, Any], section_id: str, item_id: str) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    if section is not None:
        section["items"] = [i for i in section["items"] if i["id"] != item_id]
    return changed


def add_custom_section(content: dict[str, Any], title: str) -> tuple[dict[str, Any], str]:
    changed = copy.deepcopy(content)
    customs = [s for s in changed["sections"] if s["kind"] == "custom"]
    if len(customs) >= MAX_CUSTOM_SECTIONS:
        raise ContentError(
            f"Vous avez déjà {MAX_CUSTOM_SECTIONS} rubriques libres : c'est le maximum."
        )
    section = new_section("custom", all_ids(changed), title)
    changed["sections"].append(section)
    return changed, section["id"]


def delete_section(content: dict[str, Any], section_id: str) -> dict[str, Any]:
    """Only custom sections can be deleted; a standard one is hidden instead."""
    changed = copy.deepcopy(content)
    changed["sections"] = [
        s for s in changed["sections"] if not (s["id"] == section_id and s["kind"] == "custom")
    ]
    return changed


def set_section_title(content: dict[str, Any], section_id: str, title: str) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    section = find_section(changed, section_id)
    if section is not None:
        section["title"] = title
    return changed


def set_basics(
    content: dict[str, Any], basics: dict[str, Any], rome_code: str, photo_visible: bool
) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    summary = changed["basics"].get("summary", "")
    changed["basics"] = {**empty_basics(), **basics, "summary": summary}
    changed["romeCode"] = rome_code
    changed["photoVisible"] = photo_visible
    check_size(changed)
    return changed


def set_summary(content: dict[str, Any], summary: str) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    changed["basics"]["summary"] = summary
    check_size(changed)
    return changed


def without_ids(content: dict[str, Any]) -> dict[str, Any]:
    """The document with its internal ids left out: what a round trip must preserve."""
    stripped = copy.deepcopy(content)
    for section in stripped["sections"]:
        section.pop("id", None)
        for item in section["items"]:
            item.pop("id", None)
    return stripped
