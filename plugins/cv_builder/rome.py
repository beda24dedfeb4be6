"""ROME job families (code → label), to check the code of the job sought and name it.

``data/rome_labels.csv`` is derived from the public ROME v3 reference (France Travail) kept in
the project's shared data folder. Regenerate it with::

    python3 -m cv_builder.rome ../shared/data/rome_labels.csv
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "rome_labels.csv"
ROME_CODE = re.compile(r"^[A-Z]\d{4}$")
SEARCH_RESULTS_MAX = 30


@cache
def rome_labels() -> dict[str, str]:
    """Every ROME code and its label, read once per process (a 25 kB file)."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["rome_id"]: row["rome_label"] for row in csv.DictReader(handle, delimiter="|")}


def normalise_code(text: str) -> str:
    return "".join(text.split()).upper()


def check_code(text: str) -> str:
    """The code in its canonical form ("d1106" → "D1106"); raise ValueError (French) if wrong."""
    code = normalise_code(text)
    if not code:
        return ""
    if not ROME_CODE.match(code):
        raise ValueError("Code ROME invalide : une lettre puis 4 chiffres, par exemple D1106.")
    if code not in rome_labels():
        raise ValueError(
            f"Le code ROME {code} n'existe pas. Vérifiez-le, ou laissez ce champ vide."
        )
    return code


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(words: str) -> list[tuple[str, str]]:
    """ROME families whose label contains every word (accents and case ignored)."""
    terms = _fold(words).split()[:6]
    if not terms:
        return []
    found = [
        (code, label)
        for code, label in rome_labels().items()
        if all(term in _fold(label) or term == code.lower() for term in terms)
    ]
    return found[:SEARCH_RESULTS_MAX]


def rebuild(source: Path, target: Path = DATA_FILE) -> int:
    """Write the compact file from the published one; return the number of codes."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = [
            (row["rome_id"].strip(), " ".join(row["rome_label"].split()))
            for row in csv.DictReader(handle, delimiter="|")
        ]
    rows = sorted({code: label for code, label in rows if ROME_CODE.match(code)}.items())
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="|", lineterminator="\n")
        writer.writerow(["rome_id", "rome_label"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m cv_builder.rome PATH/TO/rome_labels.csv")
    print(f"{rebuild(Path(sys.argv[1]))} ROME codes written to {DATA_FILE}")
