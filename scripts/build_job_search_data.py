"""Regenerate the job search plugin's compact reference files from the public open data.

Reads the files published as-is in the shared data folder (La Poste postal-code base,
Etalab départements, France Travail ROME v3) and writes, sorted and UTF-8, into
``plugins/job_search/data/``:

- ``communes.tsv``: INSEE code, display name, postal codes (``,``-joined), latitude,
  longitude (5 decimals), département code, other names La Poste knows the commune by
  (``Ligne_5`` localities and delivery labels, ``,``-joined, as published);
- ``departements.tsv``: code, name, INSEE code of the chef-lieu (préfecture);
- ``rome.tsv``: ROME code, label;
- ``job_titles.tsv``: OGR id, job title, ROME code.

Usage (from anywhere)::

    python3 scripts/build_job_search_data.py [--source DIR] [--output DIR]

``--source`` defaults to ``../shared/data``; a relative ``--source`` or ``--output`` is taken
from the repository root, not from the current directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("../shared/data")
DEFAULT_OUTPUT = Path("plugins/job_search/data")

# Paris, Lyon and Marseille appear in the La Poste base only as their arrondissements: the
# whole city is added under its own INSEE code at the mean of its arrondissements.
BIG_CITIES: dict[str, tuple[str, str]] = {
    # whole-city INSEE code: (display name, arrondissement code prefix)
    "75056": ("Paris", "751"),
    "69123": ("Lyon", "6938"),
    "13055": ("Marseille", "132"),
}
_ARRONDISSEMENT = re.compile(r"(PARIS|LYON|MARSEILLE) (\d{2})")
# Written in lower case unless they start the name ("LES" also stands for "lès", and "LEZ"
# for "lez", both without accents in the La Poste base; "A" for "à", "ES" for "ès").
_SMALL_WORDS = frozenset(
    {"le", "la", "les", "de", "du", "des", "sur", "sous", "en", "et", "aux", "au", "lès", "lez"}
    | {"a", "es", "di"}
)
_TAB_OR_NEWLINE = re.compile(r"[\t\r\n]")
_LIST_SEPARATOR = ","  # joins postal codes and other names in a field: none may contain it


def display_name(raw: str) -> str:
    """The La Poste name (upper case, no accents) written for people.

    ``ROUGEMONT LE CHATEAU`` → ``Rougemont le Chateau``; ``ST ETIENNE`` → ``Saint-Etienne``;
    ``ANGLES SUR L ANGLIN`` → ``Angles sur l'Anglin``; ``PLOULEC H`` → ``Ploulec'h``;
    ``PARIS 03`` → ``Paris 3e Arrondissement``. Accents are not invented.
    """
    match = _ARRONDISSEMENT.fullmatch(raw.strip())
    if match:
        number = int(match.group(2))
        suffix = "er" if number == 1 else "e"
        return f"{match.group(1).capitalize()} {number}{suffix} Arrondissement"
    words = raw.split()
    parts: list[str] = []
    joiners: list[str] = []  # what follows each part: " ", "-" (after Saint) or "'" (elision)
    previous = ""
    for word in words:
        low = word.lower()
        if word == "H" and parts:  # Breton "c'h", split by La Poste: PLOULEC H
            parts[-1] += "'h"
            previous = low
            continue
        joiner = " "
        if word in ("ST", "STE"):
            text, joiner = ("Saint" if word == "ST" else "Sainte"), "-"
        elif word in ("L", "D"):
            text, joiner = (word if not parts else low), "'"
        elif word == "M":  # ST M HERVE → Saint-M'Herve, M TSANGAMOUJI → M'Tsangamouji
            text, joiner = "M", "'"
        elif parts and low in _SMALL_WORDS and not (low == "lez" and previous in ("le", "sur")):
            text = low  # but the river in CASTELNAU LE LEZ keeps its capital
        else:
            text = word.capitalize()
        parts.append(text)
        joiners.append(joiner)
        previous = low
    return "".join(part + joiner for part, joiner in zip(parts, joiners, strict=True)).rstrip(" -'")


def departement_of(insee_code: str) -> str:
    """The département code of a commune: 2 characters (``2A``), 3 overseas (``971``)."""
    return insee_code[:3] if insee_code.startswith(("97", "98")) else insee_code[:2]


def _coordinates(text: str) -> tuple[float, float] | None:
    if not text.strip():
        return None
    latitude, longitude = (float(value) for value in text.split(","))
    return latitude, longitude


def _clean(text: str) -> str:
    return " ".join(text.split())


def build_communes(source: Path) -> tuple[list[list[str]], list[str]]:
    """The rows of communes.tsv, and the communes left out for lack of coordinates."""
    names: dict[str, str] = {}
    postal_codes: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    coordinates: dict[str, tuple[float, float]] = {}
    with (source / "laposte_hexasmal.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code = row["Code_commune_INSEE"].strip()
            name = _clean(row["Nom_commune"])
            names.setdefault(code, name)
            postal_codes[code].add(row["Code_postal"].strip())
            for other in (_clean(row["Libelle_acheminement"]), _clean(row["Ligne_5"])):
                if other and other != name:
                    if _LIST_SEPARATOR in other:
                        raise ValueError(f"{_LIST_SEPARATOR!r} in the name {other!r}")
                    aliases[code].add(other)
            point = _coordinates(row["coordonnees_gps"])
            if point is not None:
                coordinates.setdefault(code, point)  # first row that has them
    dropped = sorted(f"{code} {name}" for code, name in names.items() if code not in coordinates)
    communes: dict[str, tuple[str, set[str], float, float, set[str]]] = {
        code: (display_name(name), postal_codes[code], *coordinates[code], aliases[code])
        for code, name in names.items()
        if code in coordinates
    }
    for city_code, (city_name, prefix) in BIG_CITIES.items():
        parts = [value for code, value in sorted(communes.items()) if code.startswith(prefix)]
        if not parts:
            continue
        communes[city_code] = (
            city_name,
            set().union(*(part[1] for part in parts)),
            statistics.fmean(part[2] for part in parts),
            statistics.fmean(part[3] for part in parts),
            set(),
        )
    rows = [
        [
            code,
            name,
            _LIST_SEPARATOR.join(sorted(codes)),
            f"{latitude:.5f}",
            f"{longitude:.5f}",
            departement_of(code),
            _LIST_SEPARATOR.join(sorted(other_names)),
        ]
        for code, (name, codes, latitude, longitude, other_names) in sorted(communes.items())
    ]
    return rows, dropped


def build_departements(source: Path) -> list[list[str]]:
    with (source / "departements.json").open(encoding="utf-8") as handle:
        published = json.load(handle)
    return sorted(
        [_clean(item["code"]), _clean(item["nom"]), _clean(item.get("chefLieu") or "")]
        for item in published
    )


def _pipe_separated(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="|")


def build_rome(source: Path) -> list[list[str]]:
    labels = {
        _clean(row["rome_id"]): _clean(row["rome_label"])
        for row in _pipe_separated(source / "rome_labels.csv")
    }
    return [[code, label] for code, label in sorted(labels.items()) if code and label]


def build_job_titles(source: Path, rome_codes: set[str]) -> list[list[str]]:
    rome_of = {
        _clean(row["ogr_id"]): _clean(row["rome_id"])
        for row in _pipe_separated(source / "ogr_rome_mapping.csv")
    }
    titles = {
        _clean(row["ogr_id"]): _clean(row["ogr_label"])
        for row in _pipe_separated(source / "ogr_labels.csv")
    }
    return [
        [ogr_id, label, rome_of[ogr_id]]
        for ogr_id, label in sorted(titles.items(), key=lambda item: (len(item[0]), item[0]))
        if label and rome_of.get(ogr_id) in rome_codes
    ]


def write_tsv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a header line and the rows, tab-separated, "\\n"-terminated; return the row count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            if any(_TAB_OR_NEWLINE.search(value) for value in row):
                raise ValueError(f"tab or line break in {row!r}")
            handle.write("\t".join(row) + "\n")
            count += 1
    return count


def build(source: Path, output: Path) -> tuple[dict[str, int], list[str]]:
    """Write every file into ``output``; return the row count of each, and the communes left
    out for lack of coordinates."""
    output.mkdir(parents=True, exist_ok=True)
    communes, dropped = build_communes(source)
    rome = build_rome(source)
    counts = {
        "communes.tsv": write_tsv(
            output / "communes.tsv",
            ["code", "name", "postal_codes", "latitude", "longitude", "departement", "aliases"],
            communes,
        ),
        "departements.tsv": write_tsv(
            output / "departements.tsv", ["code", "name", "chef_lieu"], build_departements(source)
        ),
        "rome.tsv": write_tsv(output / "rome.tsv", ["rome_code", "label"], rome),
        "job_titles.tsv": write_tsv(
            output / "job_titles.tsv",
            ["ogr_id", "label", "rome_code"],
            build_job_titles(source, {code for code, _label in rome}),
        ),
    }
    return counts, dropped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder of the published files (default ../shared/data; relative to the repo root)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write (default plugins/job_search/data; relative to the repo root)",
    )
    arguments = parser.parse_args(argv)
    source = REPO_ROOT / arguments.source  # an absolute path stays as it is
    output = REPO_ROOT / arguments.output
    if not (source / "laposte_hexasmal.csv").is_file():
        print(f"No laposte_hexasmal.csv in {source}", file=sys.stderr)
        return 1
    counts, dropped = build(source, output)
    for name, count in counts.items():
        print(f"{output / name}: {count} rows")
    print(f"{len(dropped)} communes left out, without coordinates: {', '.join(dropped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
