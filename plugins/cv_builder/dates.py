"""Partial dates as JSON Resume writes them (YYYY, YYYY-MM, YYYY-MM-DD), typed the French way.

People type "09/2021", "sept. 2021" or "2021"; the CV stores the ISO form and prints
"sept. 2021".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_MONTH_WORDS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# An ISO date followed by a time, as some JSON Resume tools write it: the time is dropped.
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?$")
_SLASHED = re.compile(r"^(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})$")
_WORDED = re.compile(r"^(?:(\d{1,2})(?:er)?\s+)?([a-z]+)\.?\s+(\d{4})$")
MIN_YEAR, MAX_YEAR = 1900, 2100

INVALID = "Date invalide : écrivez par exemple 09/2021, ou seulement l'année (2021)."


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _iso(year: int, month: int | None, day: int | None) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Année invalide : entre {MIN_YEAR} et {MAX_YEAR}.")
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise ValueError("Mois invalide : entre 1 et 12.")
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError("Jour invalide pour ce mois.") from None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(text: str) -> str:
    """The ISO form of a date typed in one of the accepted ways; "" stays "".

    Raises ValueError with a French message.
    """
    value = " ".join(text.split())
    if not value:
        return ""
    if match := _ISO_DATETIME.match(value):
        value = match.group(1)
    if match := _ISO.match(value):
        year, month, day = match.groups()
        return _iso(int(year), int(month) if month else None, int(day) if day else None)
    if match := _SLASHED.match(value):
        day, month, year = match.groups()
        return _iso(int(year), int(month), int(day) if day else None)
    if (match := _WORDED.match(_fold(value))) and match.group(2) in _MONTH_WORDS:
        day, word, year = match.groups()
        return _iso(int(year), _MONTH_WORDS[word], int(day) if day else None)
    raise ValueError(INVALID)


def format_date(iso: str) -> str:
    """ "2021-09" → "sept. 2021"; a day is left out, as CVs show months."""
    if not iso:
        return ""
    match = _ISO.match(iso)
    if not match:
        return iso
    year, month, _day = match.groups()
    return f"{MONTHS[int(month) - 1]} {year}" if month else year


def format_span(start: str, end: str, ongoing_label: str = "aujourd'hui") -> str:
    """ "sept. 2019 – mars 2021", "sept. 2019 – aujourd'hui", or the one date that is known.

    With an empty ``ongoing_label``, a start date alone is printed alone (a course, a project).
    """
    if start and end:
        first, last = format_date(start), format_date(end)
        return first if first == last else f"{first} – {last}"
    if start:
        return f"{format_date(start)} – {ongoing_label}" if ongoing_label else format_date(start)
    return format_date(end)


def before(end: str, start: str) -> bool:
    """True when ``end`` is strictly before ``start`` at the precision both share."""
    if not end or not start:
        return False
    length = min(len(end), len(start))
    return end[:length] < start[:length]
