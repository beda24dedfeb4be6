"""A job search, as the search page and the API receive it: parameters → OfferQuery.

The page and ``GET /api/v1/jobs`` take the same parameters; a wrong value is refused with
a message naming the parameter (the page shows it, the API answers 400).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from job_search.records import CONTRACT_TYPES, EXPERIENCE_LEVELS, WORKING_TIMES

RADII = (5, 10, 20, 30, 50, 100)
DEFAULT_RADIUS = 10
SINCE_DAYS = (1, 3, 7, 14, 31)
SALARY_STEPS = (1800, 2000, 2500, 3000, 4000)  # gross € a month, "at least"
SORTS = {"relevance": "Pertinence", "date": "Date", "distance": "Distance"}
MAX_PAGE = 500
MAX_PER_PAGE = 50
MAX_TEXT = 200
ROME_CODE = re.compile(r"^[A-Na-n][0-9]{4}$")
# Filters with facet counts: parameter → allowed values (None: any source name).
MULTI_FILTERS: dict[str, Mapping[str, str] | None] = {
    "contract": CONTRACT_TYPES,
    "experience": EXPERIENCE_LEVELS,
    "time": WORKING_TIMES,
    "source": None,
}


class QueryError(ValueError):
    """A parameter with a wrong value; ``param`` names it, the message is French."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class OfferQuery:
    text: str = ""
    rome: str = ""  # a ROME code: offers of that job family
    place: str = ""  # INSEE code of the commune searched around ("" = all of France)
    place_label: str = ""
    radius: int = DEFAULT_RADIUS
    contract: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    salary_min: int | None = None
    since: int | None = None  # days
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Internal: only offers the store first saw after this moment (alert digests).
    seen_after: datetime | None = field(default=None, compare=False)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def widened(self, radius: int | None) -> OfferQuery:
        """The same search around a wider radius, or all of France when radius is None."""
        if radius is None:
            return replace(self, place="", place_label="", page=1, sort=_no_distance(self.sort))
        return replace(self, radius=radius, page=1)

    def without(self, name: str) -> OfferQuery:
        """The same search without one filter (its facet is counted so)."""
        empty: Any = None if name in ("salary_min", "since") else ()
        return replace(self, **{name: empty})

    def params(self, **changes: Any) -> dict[str, Any]:
        """The query string that gives this search (with some values changed)."""
        values: dict[str, Any] = {
            "q": self.text,
            "rome": self.rome,
            "where": self.place_label if self.place else "",
            "radius": self.radius if self.place else "",
            "contract": list(self.contract),
            "experience": list(self.experience),
            "time": list(self.time),
            "source": list(self.source),
            "salary_min": self.salary_min or "",
            "since": self.since or "",
            "sort": self.sort if self.sort != "relevance" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", [], None)}

    def query_string(self, **changes: Any) -> str:
        return urlencode(self.params(**changes), doseq=True)

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.rome or self.place)


def _no_distance(sort: str) -> str:
    return "relevance" if sort == "distance" else sort


def _one(args: Any, name: str) -> str:
    values = args.getlist(name) if hasattr(args, "getlist") else _as_list(args.get(name))
    values = [v for v in values if v not in ("", None)]
    if len(values) > 1:
        raise QueryError(name, f"« {name} » : une seule valeur attendue")
    return str(values[0]).strip() if values else ""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def _many(args: Any, name: str, allowed: Mapping[str, str] | Sequence[str]) -> tuple[str, ...]:
    values = args.getlist(name) if hasattr(args, "getlist") else _as_list(args.get(name))
    out: list[str] = []
    for raw in values:
        for value in str(raw).split(","):
            value = value.strip().lower()
            if not value:
                continue
            if value not in allowed:
                choices = ", ".join(allowed)
                raise QueryError(name, f"« {name} » : valeur inconnue « {value} » ({choices})")
            if value not in out:
                out.append(value)
    return tuple(sorted(out))


def _integer(args: Any, name: str, low: int, high: int) -> int | None:
    text = _one(args, name)
    if not text:
        return None
    if not text.isdigit():
        raise QueryError(name, f"« {name} » : nombre entier attendu")
    value = int(text)
    if not low <= value <= high:
        raise QueryError(name, f"« {name} » : entre {low} et {high}")
    return value


TYPED_PARAMS = (
    "rome",
    "radius",
    "contract",
    "experience",
    "time",
    "source",
    "salary_min",
    "since",
    "sort",
    "page",
    "per_page",
)


def parse_query(
    args: Any,
    sources: Sequence[str],
    resolve_place: Any,
    per_page: int = 20,
    strict: bool = False,
) -> OfferQuery:
    """Read the search parameters; raise QueryError naming the first wrong one.

    ``resolve_place(text)`` returns a commune (with ``code`` and ``label``) or None. The
    search form sends empty fields for "any"; ``strict`` (the API) refuses empty values of
    parameters that are not free text, as its OpenAPI document says.
    """
    if strict:
        for name in TYPED_PARAMS:
            values = args.getlist(name) if hasattr(args, "getlist") else _as_list(args.get(name))
            if any(str(value).strip() == "" for value in values):
                raise QueryError(name, f"« {name} » : valeur vide")
    text = _one(args, "q")
    if len(text) > MAX_TEXT:
        raise QueryError("q", f"« q » : {MAX_TEXT} caractères au plus")
    rome = _one(args, "rome").upper()
    if rome and not ROME_CODE.match(rome):
        raise QueryError("rome", "« rome » : un code ROME a la forme A1234")
    if not rome and ROME_CODE.match(text):
        rome, text = text.upper(), ""
    where = _one(args, "where")
    place = place_label = ""
    if where:
        commune = resolve_place(where)
        if commune is None:
            raise QueryError("where", f"« where » : lieu inconnu « {where[:60]} »")
        place, place_label = commune.code, commune.label
    radius = _integer(args, "radius", 0, 1000)
    if radius is None:
        radius = DEFAULT_RADIUS
    elif radius not in RADII:
        raise QueryError("radius", "« radius » : " + ", ".join(map(str, RADII)) + " km")
    since = _integer(args, "since", 1, 365)
    if since is not None and since not in SINCE_DAYS:
        raise QueryError("since", "« since » : " + ", ".join(map(str, SINCE_DAYS)) + " jours")
    # Words rank by relevance; without words (a job code, filters) the newest come first.
    sort = _one(args, "sort") or ("relevance" if text else "date")
    if sort not in SORTS:
        raise QueryError("sort", "« sort » : relevance, date ou distance")
    if sort == "distance" and not place:
        raise QueryError("sort", "« sort » : le tri par distance demande un lieu (« where »)")
    size = _integer(args, "per_page", 1, MAX_PER_PAGE) or per_page
    page = _integer(args, "page", 1, MAX_PAGE) or 1
    return OfferQuery(
        text=text,
        rome=rome,
        place=place,
        place_label=place_label,
        radius=radius,
        contract=_many(args, "contract", CONTRACT_TYPES),
        experience=_many(args, "experience", EXPERIENCE_LEVELS),
        time=_many(args, "time", WORKING_TIMES),
        source=_many(args, "source", list(sources)),
        salary_min=_integer(args, "salary_min", 0, 1_000_000),
        since=since,
        sort=sort,
        page=page,
        per_page=size,
    )
