"""Places and job titles: the reference data behind the search form and the offer importer.

The compact files in ``data/`` are derived from public open data (La Poste postal-code base,
Etalab départements, France Travail ROME v3) by ``scripts/build_job_search_data.py``. Each is
read on first use and kept for the life of the process. To load fast, the files are parsed by
columns and the names folded all at once; :class:`Commune` and :class:`JobTitle` objects are
made when first returned. Everything returned is shared: do not modify it.

Names are compared folded (:func:`fold`: case, accents, hyphens and apostrophes ignored); for
places, ``St``/``Ste`` are read as ``Saint``/``Sainte``.
"""

from __future__ import annotations

import math
import operator
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, chain, compress, groupby, repeat
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
EARTH_RADIUS_KM = 6371.0
# The whole-city entries the build adds for the cities La Poste lists only by arrondissement:
# INSEE code → the INSEE code prefix of its arrondissements.
WHOLE_CITIES: dict[str, str] = {"75056": "751", "69123": "6938", "13055": "132"}
# An offer whose coordinates are farther than this from every commune is not located by them.
NEAREST_MAX_KM = 50.0

_GRID_CELL_DEG = 0.2
_GRID_COLUMNS = round(360 / _GRID_CELL_DEG)
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
_LABEL = re.compile(r"(.*?)\s*\(\s*([0-9][0-9abAB][0-9]?)\s*\)")
_INSEE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_ROME_PREFIX = re.compile(r"[A-Za-z][0-9]{1,4}")
_NUMBERED = re.compile(r"\b(\d+)(?:er|e)\b")
_ARRONDISSEMENT = re.compile(r"(\w+) (\d+)(?:er|e) Arrondissement")
_CEDEX = re.compile(r"\bcedex\b.*$")
_LEADING_DEPARTEMENT = re.compile(r"^\s*\d[0-9abAB]\d?\s*-\s*")
_UNICODE_SEPARATORS = re.compile(r"[‐‑‒–—―’‘ʼ´]")
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
# Place keys: every character but a-z, 0-9 and line breaks becomes a space.
_KEY_TABLE = str.maketrans(
    {chr(code): " " for code in range(128) if not re.fullmatch(r"[a-z0-9\n]", chr(code))}
)
_SPACES = re.compile(r"  +")
_SAINT = re.compile(r"(?<![a-z0-9])st(e?)(?![a-z0-9])")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@dataclass(frozen=True, slots=True)
class Commune:
    """A French commune; for Paris, Lyon and Marseille, the whole city or one arrondissement."""

    code: str  # INSEE code "69123"
    name: str  # "Lyon"
    postal_codes: tuple[str, ...]
    latitude: float
    longitude: float
    departement: str  # "69"

    @property
    def label(self) -> str:
        """``"Lyon (69)"``: what the autocomplete shows and what the search form sends back."""
        return f"{self.name} ({self.departement})"


@dataclass(frozen=True, slots=True)
class JobTitle:
    """A job title of the ROME (an "appellation") and the ROME job family it belongs to."""

    label: str  # "Aide-soignant / Aide-soignante"
    rome_code: str  # "J1501"


# --- Text ---------------------------------------------------------------------------------------


def _strip_accents(lowered: str) -> str:
    lowered = lowered.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", lowered))


def fold(text: str) -> str:
    """Lower case, accents removed, hyphens and apostrophes turned into spaces, spaces collapsed.

    ``"Saint-Étienne"`` → ``"saint etienne"``; ``"L'Haÿ-les-Roses"`` → ``"l hay les roses"``.
    """
    text = text.lower()
    if not text.isascii():
        text = _UNICODE_SEPARATORS.sub(" ", _strip_accents(text))
    return " ".join(text.replace("-", " ").replace("'", " ").replace("`", " ").split())


def _plain_keys(texts: Sequence[str]) -> list[str]:
    """Each text folded to a-z, 0-9 and single spaces (any other character is a separator).

    All texts are processed as one string: tens of thousands of names take a few ms. They must
    not contain line breaks."""
    blob = "\n".join(texts).lower()
    if not blob.isascii():
        blob = _strip_accents(blob).encode("ascii", "replace").decode("ascii")
    blob = _SPACES.sub(" ", blob.translate(_KEY_TABLE))
    return blob.replace(" \n", "\n").replace("\n ", "\n").strip(" ").split("\n")


def _keys(texts: Sequence[str]) -> list[str]:
    """The place key of each text: folded, and St/Ste read as Saint/Sainte."""
    return _SAINT.sub(r"saint\1", "\n".join(_plain_keys(texts))).split("\n")


def _place_key(text: str) -> str:
    """The place key of a text: ``"ST-ÉTIENNE"`` → ``"saint etienne"``."""
    return _keys([" ".join(text.split())])[0]


def _partial_place_key(text: str) -> str:
    """The place key of text being typed: a last word ``st`` is read as ``saint`` only once a
    separator follows it; ``saint`` and ``sainte`` so followed keep a trailing space in the key
    ("Saint-…", not "Saintes")."""
    words = _plain_keys([" ".join(text.split())])[0].split()
    if not words:
        return ""
    if text[-1:].isalnum():
        return " ".join([*(_ABBREVIATIONS.get(word, word) for word in words[:-1]), words[-1]])
    key = " ".join(_ABBREVIATIONS.get(word, word) for word in words)
    return key + " " if key.endswith(("saint", "sainte")) else key


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- Loading ------------------------------------------------------------------------------------


def _read_columns(name: str, width: int) -> list[list[str]]:
    """The columns of a tab-separated data file, its header line skipped."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    body = text.partition("\n")[2].removesuffix("\n")
    if not body:
        return [[] for _ in range(width)]
    fields = body.replace("\n", "\t").split("\t")
    if len(fields) != width * (body.count("\n") + 1):
        raise ValueError(f"{DATA_DIR / name}: every line must have {width} fields")
    return [fields[column::width] for column in range(width)]


@cache
def _departement_table() -> tuple[dict[str, str], frozenset[str]]:
    codes, names, chefs_lieux = _read_columns("departements.tsv", 3)
    return dict(zip(codes, names, strict=True)), frozenset(filter(None, chefs_lieux))


def departements() -> dict[str, str]:
    """Département code → name: ``"69"`` → ``"Rhône"``, ``"2A"`` → ``"Corse-du-Sud"``."""
    return _departement_table()[0]


def _prefectures() -> frozenset[str]:
    """INSEE codes of the départements' chefs-lieux."""
    return _departement_table()[1]


@cache
def rome_labels() -> dict[str, str]:
    """ROME code → label of the job family: ``"J1501"`` → ``"Soins d'hygiène, de confort…"``."""
    codes, labels = _read_columns("rome.tsv", 2)
    return dict(zip(codes, labels, strict=True))


# --- Places: the table and its indexes ----------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """Every commune, as columns in the order of the file (INSEE code order)."""

    codes: list[str]
    names: list[str]
    postal_codes: list[str]  # ","-joined
    latitudes: array[float]
    longitudes: array[float]
    departements: list[str]
    aliases: list[str]  # other names La Poste gives (localities, delivery labels), ","-joined
    parts: dict[int, range]  # row of Paris, Lyon, Marseille → rows of their arrondissements
    objects: list[Commune | None]


@cache
def _table() -> _Table:
    codes, names, postal_codes, latitudes, longitudes, departements_, aliases = _read_columns(
        "communes.tsv", 7
    )
    parts: dict[int, range] = {}
    for city, prefix in WHOLE_CITIES.items():
        city_row = _find(codes, city)
        start = end = bisect_left(codes, prefix)
        while end < len(codes) and codes[end].startswith(prefix):
            end += 1
        if city_row is not None:
            parts[city_row] = range(start, end)
    return _Table(
        codes=codes,
        names=names,
        postal_codes=postal_codes,
        latitudes=array("d", map(float, latitudes)),
        longitudes=array("d", map(float, longitudes)),
        departements=list(map(sys.intern, departements_)),
        aliases=aliases,
        parts=parts,
        objects=[None] * len(codes),
    )


def _find(ordered: list[str], value: str) -> int | None:
    """Where value is in a sorted list, or None."""
    position = bisect_left(ordered, value)
    return position if position < len(ordered) and ordered[position] == value else None


def _equal_range(ordered: list[str], value: str) -> tuple[int, int]:
    low = high = bisect_left(ordered, value)
    while high < len(ordered) and ordered[high] == value:
        high += 1
    return low, high


def _prefix_range(ordered: list[str], prefix: str) -> tuple[int, int]:
    """Where the entries that start with prefix are in a sorted list of ASCII strings."""
    low = bisect_left(ordered, prefix)
    return low, bisect_left(ordered, prefix + "\x7f", low)


def _sorted_pairs(keys: list[str], values: Sequence[int]) -> tuple[list[str], array[int]]:
    """The keys sorted, each with its value (equal keys keep the order given)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return list(map(keys.__getitem__, order)), array("i", map(values.__getitem__, order))


def _commune_at(table: _Table, row: int) -> Commune:
    found = table.objects[row]
    if found is None:
        found = table.objects[row] = Commune(
            table.codes[row],
            table.names[row],
            tuple(table.postal_codes[row].split(",")),
            table.latitudes[row],
            table.longitudes[row],
            table.departements[row],
        )
    return found


@cache
def communes() -> dict[str, Commune]:
    """Every commune by INSEE code, in code order (about 36,000).

    This makes an object for each commune (0.1 to 0.2 s); the other functions don't need it."""
    table = _table()
    return {code: _commune_at(table, row) for row, code in enumerate(table.codes)}


def commune(code: str) -> Commune | None:
    """The commune with this INSEE code (``"69123"``, ``"2A004"``), or None."""
    table = _table()
    row = _find(table.codes, code.strip().upper())
    return None if row is None else _commune_at(table, row)


_NAME_SEPARATORS = str.maketrans("-'", "  ")


def _name_keys(names: list[str]) -> list[str]:
    """The place keys of the names of the data file, fast: they are ASCII, with single spaces,
    and "Saint" written in full (the build writes them so; a test checks it)."""
    return "\n".join(names).lower().translate(_NAME_SEPARATORS).split("\n")


@dataclass(slots=True)
class _Names:
    """The communes' names, and their rank for the autocomplete."""

    order: array[int]  # rows, best first (see _ranking)
    keys: list[str]  # sorted place keys: names, and other spellings of arrondissements
    key_ranks: array[int]  # rank of the commune of each key
    rank_of_row: array[int]
    aliases: dict[str, list[int]]  # key of another name La Poste gives → rows


def _ranking(table: _Table, keys: list[str]) -> array[int]:
    """Rows, best first: préfectures and whole cities, then shorter names, then alphabetical
    order (arrondissements by number), then code."""
    natural = keys.copy()
    for row in chain.from_iterable(table.parts.values()):
        natural[row] = _NUMBERED.sub(lambda match: f"{int(match.group(1)):02d}e", natural[row])
    major = _prefectures() | WHOLE_CITIES.keys()
    order = list(range(len(keys)))  # code order
    # Stable sorts (also in reverse), least significant key first.
    order.sort(key=natural.__getitem__)
    order.sort(key=list(map(len, natural)).__getitem__)
    order.sort(key=list(map(major.__contains__, table.codes)).__getitem__, reverse=True)
    return array("i", order)


def _other_spellings(name: str) -> list[str]:
    """Other keys of an arrondissement: "paris 3", "paris 03", "paris 3e", "paris 3eme"."""
    match = _ARRONDISSEMENT.fullmatch(name)
    if not match:
        return []
    city, number = match.group(1).lower(), int(match.group(2))
    suffix = "er" if number == 1 else "e"
    return [
        f"{city} {number}",
        f"{city} {number:02d}",
        f"{city} {number}{suffix}",
        f"{city} {number}{suffix}me",
    ]


@cache
def _names() -> _Names:
    table = _table()
    keys = _name_keys(table.names)
    order = _ranking(table, keys)
    rank_of_row = array("i", sorted(range(len(order)), key=order.__getitem__))
    extra_keys: list[str] = []
    extra_ranks: list[int] = []
    for row in chain.from_iterable(table.parts.values()):
        spellings = _other_spellings(table.names[row])
        extra_keys += spellings
        extra_ranks += [rank_of_row[row]] * len(spellings)
    sorted_keys, key_ranks = _sorted_pairs(keys + extra_keys, rank_of_row + array("i", extra_ranks))
    alias_texts: list[str] = []
    alias_rows: list[int] = []
    for row in compress(range(len(table.aliases)), table.aliases):  # the rows that have some
        texts = table.aliases[row].split(",")
        alias_texts += texts
        alias_rows += [row] * len(texts)
    aliases: dict[str, list[int]] = defaultdict(list)
    for key, row in zip(_keys(alias_texts), alias_rows, strict=True):
        aliases[key].append(row)
    return _Names(order, sorted_keys, key_ranks, rank_of_row, dict(aliases))


@cache
def _postal_index() -> tuple[list[str], array[int]]:
    """Every (postal code, row) pair, sorted by postal code."""
    table = _table()
    postal_codes = table.postal_codes
    flat = list(map(sys.intern, ",".join(postal_codes).split(",")))
    per_commune = map(operator.add, map(str.count, postal_codes, repeat(",")), repeat(1))
    rows = list(chain.from_iterable(map(repeat, range(len(postal_codes)), per_commune)))
    return _sorted_pairs(flat, rows)


def _postal_rows(postal_code: str) -> Sequence[int]:
    keys, rows = _postal_index()
    low, high = _equal_range(keys, postal_code)
    return rows[low:high]


def _name_rows(key: str) -> Sequence[int]:
    """Rows of the communes named so, else of those La Poste also knows by that name."""
    names = _names()
    low, high = _equal_range(names.keys, key)
    found = sorted({names.order[rank] for rank in names.key_ranks[low:high]})
    return found or names.aliases.get(key, [])


def _best_row(
    rows: Iterable[int], *, departement: str | None = None, parts: bool = False
) -> int | None:
    """Of several communes, the likeliest: a préfecture, else a whole city, else the one with
    the most postal codes, else the shortest name. With ``parts`` (a postal code was given), an
    arrondissement rather than its whole city."""
    table = _table()
    found = [row for row in rows if departement is None or table.departements[row] == departement]
    whole = {row for row in found if row in table.parts}
    if parts and len(whole) < len(found):
        found = [row for row in found if row not in whole]
    if not found:
        return None
    prefectures = _prefectures()
    return min(
        found,
        key=lambda row: (
            table.codes[row] not in prefectures,
            row not in whole,
            -table.postal_codes[row].count(","),
            len(table.names[row]),
            row,
        ),
    )


def _best_guess(
    rows: Iterable[int], *, departement: str | None = None, parts: bool = False
) -> Commune | None:
    """The commune of _best_row."""
    row = _best_row(rows, departement=departement, parts=parts)
    return None if row is None else _commune_at(_table(), row)


def _split_label(text: str) -> tuple[str, str | None]:
    """``"Lyon (69)"`` → ``("Lyon", "69")``; other text → ``(text, None)``."""
    match = _LABEL.fullmatch(text.strip())
    if match:
        return match.group(1), match.group(2).upper()
    return text, None


def resolve_place(text: str) -> Commune | None:
    """The commune meant by what a job seeker typed or picked, or None if unknown.

    Accepts a label (``"Lyon (69)"``), a postal code (``"69003"``: the commune with that code,
    for a big city its arrondissement), an INSEE code, or a name (``"lyon"``, ``"saint etienne"``,
    ``"Saint-Étienne"``, ``"ST ETIENNE"``). A name several communes share gives the préfecture,
    else the whole city, else the commune with the most postal codes.
    """
    text, departement = _split_label(text)
    compact = "".join(text.split())
    if not compact:
        return None
    if compact.isascii() and compact.isdigit() and len(compact) == 5:
        found = _best_guess(_postal_rows(compact), departement=departement, parts=True)
        return found or commune(compact)
    if _INSEE_CODE.fullmatch(compact.upper()):
        return commune(compact)
    key = _place_key(text)
    return _best_guess(_name_rows(key), departement=departement) if key else None


def complete_place(text: str, limit: int = 8) -> list[Commune]:
    """Communes for the autocomplete: by name prefix (folded; ``"st "`` also finds
    ``"Saint-…"``) or, for digits, by postal-code prefix.

    The exact name comes first, then préfectures and whole cities, then shorter names, then
    alphabetical order. A complete label (``"Lyon (69)"``) keeps only its département.
    """
    if limit <= 0:
        return []
    text, departement = _split_label(text)
    text = text.split("(", 1)[0].lstrip()  # "Lyon (6" while the département is being typed
    table, names = _table(), _names()
    compact = text.replace(" ", "")
    if compact.isascii() and compact.isdigit():
        if len(compact) > 5:
            return []
        postal_keys, postal_rows = _postal_index()
        low, high = _prefix_range(postal_keys, compact)
        rows = postal_rows[low:high]
        first = _best_row(rows, parts=True) if len(compact) == 5 else None
        exact = [] if first is None else [names.rank_of_row[first]]
        ranks = list(map(names.rank_of_row.__getitem__, rows))
    else:
        key = _partial_place_key(text)
        if not key:
            return []
        low, high = _prefix_range(names.keys, key)
        ranks = names.key_ranks[low:high]
        exact = names.key_ranks[low : _equal_range(names.keys, key)[1]]  # the range's start
    found: list[Commune] = []
    seen: set[int] = set()
    for rank in chain(sorted(exact), sorted(ranks)):
        if rank in seen:
            continue
        seen.add(rank)
        row = names.order[rank]
        if departement is None or table.departements[row] == departement:
            found.append(_commune_at(table, row))
            if len(found) == limit:
                break
    return found


# --- Places: coordinates ------------------------------------------------------------------------


def _unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    phi, lam = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def _cell(latitude: float, longitude: float) -> int:
    """The grid cell of a point: cells of 0.2° × 0.2°, numbered row by row."""
    row = math.floor(latitude / _GRID_CELL_DEG)
    return row * _GRID_COLUMNS + math.floor(longitude / _GRID_CELL_DEG) % _GRID_COLUMNS


_Point = tuple[float, float, float]
_Cell = tuple[list[_Point], list[int]]  # the centres as unit vectors (x, y, z), and the rows


@cache
def _grid() -> dict[int, _Cell]:
    """The communes by grid cell (see _cell)."""
    table = _table()
    latitudes, longitudes = table.latitudes, table.longitudes
    phis = list(map(math.radians, latitudes))
    lambdas = list(map(math.radians, longitudes))
    cos_phis = list(map(math.cos, phis))
    xs = map(operator.mul, cos_phis, map(math.cos, lambdas))
    ys = map(operator.mul, cos_phis, map(math.sin, lambdas))
    points = list(zip(xs, ys, map(math.sin, phis), strict=True))
    # _cell, computed for all the communes at once.
    rows = map(math.floor, map(operator.truediv, latitudes, repeat(_GRID_CELL_DEG)))
    columns = map(
        operator.mod,
        map(math.floor, map(operator.truediv, longitudes, repeat(_GRID_CELL_DEG))),
        repeat(_GRID_COLUMNS),
    )
    cells = list(map(operator.add, map(operator.mul, rows, repeat(_GRID_COLUMNS)), columns))
    grid: dict[int, _Cell] = {}
    for cell, group in groupby(sorted(range(len(cells)), key=cells.__getitem__), cells.__getitem__):
        members = list(group)
        grid[cell] = (list(map(points.__getitem__, members)), members)
    return grid


def _chord_limit(radius_km: float) -> float:
    """The chord on the unit sphere of a great-circle distance."""
    angle = max(radius_km, 0.0) / EARTH_RADIUS_KM
    return 2.0 if angle >= math.pi else 2 * math.sin(angle / 2)


def _scan(latitude: float, longitude: float, radius_km: float) -> tuple[list[float], list[int]]:
    """The chord (on the unit sphere) from the point to the centre of every commune within
    radius_km of it, and the rows of those communes.

    The chord c and the great-circle distance d are tied by d = 2R·asin(c/2): the distance of
    the haversine formula, with the tests and sums done in C (math.dist, map)."""
    grid = _grid()
    radius_km = max(radius_km, 0.0)
    limit = _chord_limit(radius_km)
    centre = _unit_vector(latitude, longitude)
    delta_lat = radius_km / _KM_PER_DEGREE
    widest = min(90.0, max(abs(latitude - delta_lat), abs(latitude + delta_lat)))
    cosine = math.cos(math.radians(widest))
    if delta_lat >= 45 or cosine < 1e-3:
        cells: Iterable[_Cell] = grid.values()
    else:
        delta_lon = min(180.0, delta_lat / cosine)
        row_low = math.floor((latitude - delta_lat) / _GRID_CELL_DEG)
        row_high = math.floor((latitude + delta_lat) / _GRID_CELL_DEG)
        column_low = math.floor((longitude - delta_lon) / _GRID_CELL_DEG)
        column_high = math.floor((longitude + delta_lon) / _GRID_CELL_DEG)
        columns: Iterable[int] = (
            range(_GRID_COLUMNS)
            if column_high - column_low + 1 >= _GRID_COLUMNS
            else [column % _GRID_COLUMNS for column in range(column_low, column_high + 1)]
        )
        cells = [
            grid[key]
            for row in range(row_low, row_high + 1)
            for column in columns
            if (key := row * _GRID_COLUMNS + column) in grid
        ]
    chords: list[float] = []
    rows: list[int] = []
    for points, members in cells:
        distances = list(map(math.dist, points, repeat(centre)))
        inside = list(map(operator.le, distances, repeat(limit)))
        chords += compress(distances, inside)
        rows += compress(members, inside)
    return chords, rows


def _chords_km(chords: list[float]) -> Iterable[float]:
    """Great-circle distances in km, rounded to 0.1, of chords on the unit sphere."""
    halves: Iterable[float] = map(operator.mul, chords, repeat(0.5))
    if chords and max(chords) > 2.0:  # rounding errors, for points at the antipodes
        halves = map(min, halves, repeat(1.0))
    tenths = map(operator.mul, map(math.asin, halves), repeat(20 * EARTH_RADIUS_KM))
    return map(operator.truediv, map(round, tenths), repeat(10))  # round(x, 1), 3 times faster


def _nearest(latitude: float, longitude: float) -> Commune | None:
    """The commune whose centre is nearest the point (an arrondissement, never its whole city),
    if one is within NEAREST_MAX_KM."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90:
        return None
    table = _table()
    for radius in (10.0, NEAREST_MAX_KM):
        chords, rows = _scan(latitude, longitude, radius)
        found = [entry for entry in zip(chords, rows, strict=True) if entry[1] not in table.parts]
        if found:
            return _commune_at(table, min(found)[1])
    return None


@lru_cache(maxsize=64)
def _within(code: str, radius_km: float) -> tuple[tuple[str, float], ...]:
    table = _table()
    centre = _find(table.codes, code)
    if centre is None:
        return ()
    latitude, longitude = table.latitudes[centre], table.longitudes[centre]
    chords, rows = _scan(latitude, longitude, radius_km)
    # A whole city covers all its arrondissements, however far their centre: add those the
    # scan left out (the same computation as the scan's, so the same decision).
    point, limit = _unit_vector(latitude, longitude), _chord_limit(radius_km)
    for row in table.parts.get(centre, ()):
        chord = math.dist(_unit_vector(table.latitudes[row], table.longitudes[row]), point)
        if chord > limit:
            chords.append(chord)
            rows.append(row)
    position = rows.index(centre)  # at chord 0, always within the radius
    del chords[position], rows[position]
    order = sorted(range(len(chords)), key=chords.__getitem__)  # nearest first
    codes = map(table.codes.__getitem__, map(rows.__getitem__, order))
    kilometres = _chords_km(list(map(chords.__getitem__, order)))
    return ((code, 0.0), *zip(codes, kilometres, strict=True))


def communes_within(code: str, radius_km: float) -> list[tuple[str, float]]:
    """(INSEE code, distance in km rounded to 0.1) of every commune whose centre is within
    radius_km of this commune's centre, nearest first, the commune itself first at 0.0.

    For Paris, Lyon and Marseille as a whole (75056, 69123, 13055) every arrondissement is
    included. Unknown code → []. Results are cached by (code, radius)."""
    radius = float(radius_km)
    return list(_within(code.strip().upper(), 0.0 if math.isnan(radius) else radius))


# --- Places: the offer importer's lookup --------------------------------------------------------


def _city_key(city: str) -> str:
    """The place key of an offer's city: ``"69 - LYON CEDEX 03"`` → ``"lyon"``."""
    return _place_key(_CEDEX.sub("", fold(_LEADING_DEPARTEMENT.sub("", city))))


def locate(
    commune_code: str = "",
    postal_code: str = "",
    city: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Commune | None:
    """The commune of an offer, from whatever its source gives, tried in this order:

    1. the INSEE code, if known;
    2. the postal code and the city name (or a locality La Poste lists under the commune);
    3. the postal code alone (the likeliest of the communes that share it);
    4. the commune nearest the coordinates (if one is within NEAREST_MAX_KM);
    5. the city name alone, in the département of the postal code if any (a CEDEX postal
       code is not in the La Poste base).

    A postal code gives an arrondissement of Paris, Lyon or Marseille rather than the city.
    """
    if commune_code:
        found = commune(commune_code)
        if found is not None:
            return found
    table = _table()
    postal_code = "".join(postal_code.split())
    if len(postal_code) == 4 and postal_code.isdigit():
        postal_code = "0" + postal_code  # lost its leading zero in a spreadsheet
    key = _city_key(city) if city else ""
    candidates = _postal_rows(postal_code) if postal_code else []
    if candidates:
        if key:
            named = set(_name_rows(key)) | set(_names().aliases.get(key, ()))
            matching = [row for row in candidates if row in named]
            if matching and all(row in table.parts for row in matching):
                matching = candidates  # "Paris" with 75003: the arrondissement
            if matching:
                return _best_guess(matching, parts=True)
        return _best_guess(candidates, parts=True)
    if latitude is not None and longitude is not None:
        found = _nearest(float(latitude), float(longitude))
        if found is not None:
            return found
    if key:
        departement = None
        if len(postal_code) == 5 and postal_code.isdigit() and postal_code[:2] != "20":
            departement = postal_code[:3] if postal_code[:2] in ("97", "98") else postal_code[:2]
        return _best_guess(_name_rows(key), departement=departement)
    return None


# --- Job titles ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Jobs:
    """Every job title, by rank (shorter labels first, then alphabetical), as columns."""

    labels: list[str]
    rome_codes: list[str]
    rows: array[int]  # line of the file
    first_words: list[str]  # folded first word of each label
    # ... and of its feminine form when the label gives it whole ("Infirmier / Infirmière …"),
    # else "" ("Cadre infirmier / infirmière …")
    feminine_first_words: list[str]
    words: list[str]  # sorted folded words, one per (word, title)
    word_ranks: array[int]
    rome_keys: list[str]  # sorted ROME codes, one per title
    rome_ranks: array[int]
    objects: list[JobTitle | None]


@cache
def _jobs() -> _Jobs:
    _ogr_ids, labels, rome_codes = _read_columns("job_titles.tsv", 3)
    folded = _plain_keys(labels)
    order = list(range(len(labels)))  # ROME id order, kept for equal labels
    for column in (folded, list(map(len, labels))):  # stable sorts, least significant first
        order.sort(key=column.__getitem__)
    labels, rome_codes, folded = (
        list(map(column.__getitem__, order)) for column in (labels, rome_codes, folded)
    )
    rome_codes = list(map(sys.intern, rome_codes))
    # One (word, rank) pair per word of each title; folded titles have single spaces.
    per_title = list(map(operator.add, map(str.count, folded, repeat(" ")), repeat(1)))
    flat_ranks = list(chain.from_iterable(map(repeat, range(len(labels)), per_title)))
    flat_words = list(map(sys.intern, " ".join(folded).split(" ")))
    first_words = list(map(flat_words.__getitem__, accumulate(per_title[:-1], initial=0)))
    words, word_ranks = _sorted_pairs(flat_words, flat_ranks)
    # What follows "/ " if it starts with a capital: "Infirmière scolaire"; else "" (str * bool).
    after_slash = list(map(operator.itemgetter(2), map(str.partition, labels, repeat("/ "))))
    capitals = map(str.isupper, map(operator.itemgetter(slice(0, 1)), after_slash))
    restarts = list(map(operator.mul, after_slash, capitals))
    feminine_first_words = list(
        map(operator.itemgetter(0), map(str.partition, _plain_keys(restarts), repeat(" ")))
    )
    rome_keys, rome_ranks = _sorted_pairs(rome_codes, list(range(len(labels))))
    return _Jobs(
        labels=labels,
        rome_codes=rome_codes,
        rows=array("i", order),
        first_words=first_words,
        feminine_first_words=feminine_first_words,
        words=words,
        word_ranks=word_ranks,
        rome_keys=rome_keys,
        rome_ranks=rome_ranks,
        objects=[None] * len(labels),
    )


def _job_at(jobs: _Jobs, rank: int) -> JobTitle:
    found = jobs.objects[rank]
    if found is None:
        found = jobs.objects[rank] = JobTitle(jobs.labels[rank], jobs.rome_codes[rank])
    return found


@cache
def job_titles() -> list[JobTitle]:
    """The 11,000 job titles of the ROME, in the order of their ROME ("OGR") id."""
    jobs = _jobs()
    return [
        _job_at(jobs, rank) for rank in sorted(range(len(jobs.rows)), key=jobs.rows.__getitem__)
    ]


@lru_cache(maxsize=1024)
def _titles_with_word_prefix(prefix: str) -> frozenset[int]:
    jobs = _jobs()
    low, high = _prefix_range(jobs.words, prefix)
    return frozenset(jobs.word_ranks[low:high])


def complete_job(text: str, limit: int = 8) -> list[JobTitle]:
    """Job titles for the autocomplete.

    Every word typed must start a word of the title, accents and case ignored (``"aide soi"``
    → ``"Aide-soignant / Aide-soignante"``; ``"infirmiere"`` → ``"Infirmier / Infirmière …"``);
    titles whose first word (or that of their feminine form) matches the first word typed come
    first, then shorter titles, then alphabetical order. A ROME code or its beginning
    (``"J15"``) gives the titles of those families, by code.
    """
    if limit <= 0:
        return []
    jobs = _jobs()
    stripped = text.strip()
    if _ROME_PREFIX.fullmatch(stripped):
        low, high = _prefix_range(jobs.rome_keys, stripped.upper())
        return [_job_at(jobs, rank) for rank in jobs.rome_ranks[low : min(high, low + limit)]]
    words = list(dict.fromkeys(_plain_keys([" ".join(text.split())])[0].split()))
    if not words:
        return []
    sets = sorted((_titles_with_word_prefix(word) for word in words), key=len)
    matching = sets[0].intersection(*sets[1:])
    first = words[0]
    leading: list[int] = []
    others: list[int] = []
    for rank in sorted(matching):
        if jobs.first_words[rank].startswith(first) or (
            jobs.feminine_first_words[rank].startswith(first)
        ):
            leading.append(rank)
            if len(leading) == limit:
                break
        elif len(others) < limit:
            others.append(rank)
    return [_job_at(jobs, rank) for rank in (leading + others)[:limit]]
