"""Reader for France Travail's "Offres d'emploi v2" JSON: a list of offers or {"resultats": […]}.

The file is streamed: offers are decoded one at a time with the C JSON scanner, so memory
stays flat on a feed of several hundred megabytes. ``SourceRow.line`` is the offer's
1-based position in the list. An offer that is not an object, or whose nested objects
have the wrong type, becomes a rejected row; a file that is not JSON (or whose JSON breaks
off) raises :class:`~job_search.sources.SourceFileError`.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO
from urllib.parse import quote

from emploistore import SourceRow
from job_search.records import RowRejected
from job_search.sources import SourceFileError

OFFER_URL = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"
# typeContrat → normalised contract type.
CONTRACT_CODES = {
    "CDI": "cdi",
    "CDD": "cdd",
    "MIS": "interim",  # mission d'intérim
    "TTI": "interim",  # contrat de travail temporaire d'insertion
    "SAI": "saisonnier",
    "LIB": "independant",  # profession libérale
    "FRA": "independant",  # franchise
    "CCE": "independant",  # cession de commerce
    "REP": "independant",  # reprise d'entreprise
    "DDI": "cdd",  # CDD d'insertion
    "DIN": "cdi",  # CDI intérimaire
}
EXPERIENCE_CODES = {"D": "beginner", "S": "desired", "E": "required"}
WORKING_TIMES = {"temps plein": "full", "temps partiel": "part"}
SALARY_PERIODS = {"horaire": "hour", "mensuel": "month", "annuel": "year"}
_SALARY = re.compile(
    r"^\s*(horaire|mensuel|annuel)\s+de\s+(\d[\d\s.,]*?)\s*euros?"
    r"(?:\s+à\s+(\d[\d\s.,]*?)\s*euros?)?",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"-\s*(\d{1,4})\s*(mois|jours?|jour\(s\)|semaines?|semaine\(s\)|ans?|an\(s\)|années?)\b",
    re.IGNORECASE,
)
_DEPARTEMENT_PREFIX = re.compile(r"^\s*(?:\d[\dAB]\d?|2[AB])\s+-\s+")

_BLANKS = re.compile(r"[ \t\n\r]*")
_CHUNK = 1 << 20
# The largest offer accepted; beyond it the file is refused (it is surely broken JSON).
_MAX_OFFER = 32 << 20


def read(file: BinaryIO) -> Iterator[SourceRow]:
    """Yield one SourceRow per offer of a France Travail JSON file, in file order."""
    stream = _JsonStream(file)
    first = stream.peek()
    if first == "":
        raise SourceFileError("fichier vide : une liste JSON d'offres est attendue")
    if first == "[":
        yield from _offers(stream)
    elif first == "{":
        stream.take("{")
        found = False
        if stream.peek() == "}":
            stream.take("}")
        else:
            while True:
                key = stream.value()
                if not isinstance(key, str) or stream.peek() != ":":
                    raise stream.error("objet JSON invalide")
                stream.take(":")
                if key == "resultats":
                    if stream.peek() != "[":
                        raise SourceFileError("« resultats » doit être une liste d'offres")
                    found = True
                    yield from _offers(stream)
                else:
                    stream.value()
                following = stream.peek()
                stream.take(following)
                if following == "}":
                    break
                if following != ",":
                    raise stream.error("objet JSON invalide")
        if not found:
            raise SourceFileError("objet JSON sans liste « resultats » : aucune offre à lire")
    else:
        raise SourceFileError(
            "le fichier n'est pas du JSON France Travail "
            "(une liste d'offres ou un objet « resultats » est attendu)"
        )
    if stream.peek() != "":
        raise stream.error("données après la fin du JSON")


def _offers(stream: _JsonStream) -> Iterator[SourceRow]:
    stream.take("[")
    if stream.peek() == "]":
        stream.take("]")
        return
    position = 0
    while True:
        position += 1
        offer = stream.value()
        try:
            row = SourceRow(position, offer_fields(offer))
        except RowRejected as error:
            row = SourceRow(position, None, str(error))
        yield row
        following = stream.peek()
        stream.take(following)
        if following == "]":
            return
        if following != ",":
            raise stream.error(f"JSON invalide après l'offre n° {position}")


def offer_fields(offer: Any) -> dict[str, Any]:
    """Map one decoded France Travail offer to the normalised fields; RowRejected if wrong."""
    if not isinstance(offer, dict):  # what JSON objects decode to
        raise RowRejected("offre : un objet JSON est attendu")
    place = _object(offer, "lieuTravail", "lieu de travail")
    company = _object(offer, "entreprise", "entreprise")
    salary = _object(offer, "salaire", "salaire")
    origin = _object(offer, "origineOffre", "origine de l'offre")

    source_id = _scalar(offer, "id", "identifiant de l'offre")
    fields: dict[str, Any] = {
        "source_id": source_id,
        "url": _url(origin, source_id),
        "title": offer.get("intitule"),
        "description": offer.get("description"),
        "rome_code": offer.get("romeCode"),
        "job_title": offer.get("appellationlibelle"),
        "company_name": company.get("nom"),
        "company_siret": _scalar(company, "siret", "SIRET"),
        "commune_code": _scalar(place, "commune", "code commune INSEE"),
        "postal_code": _scalar(place, "codePostal", "code postal"),
        "city": _city(place),
        "latitude": place.get("latitude"),
        "longitude": place.get("longitude"),
        "created_at": offer.get("dateCreation"),
        "updated_at": offer.get("dateActualisation"),
        "expires_at": offer.get("dateExpiration"),
    }
    fields.update(_contract(offer))
    fields.update(_salary(salary))

    working = _string(offer, "dureeTravailLibelleConverti", "durée du travail")
    fields["working_time"] = WORKING_TIMES.get(working.strip().lower()) if working else None
    experience = _string(offer, "experienceExige", "expérience")
    if experience and experience.strip().upper() not in EXPERIENCE_CODES:
        raise RowRejected(f"expérience : code « {experience} » inconnu (D, S ou E)")
    fields["experience"] = EXPERIENCE_CODES[experience.strip().upper()] if experience else None
    return fields


def _object(offer: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any]:
    value = offer.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RowRejected(f"{name} : un objet JSON est attendu ({key})")
    return value


def _scalar(data: Mapping[str, Any], key: str, name: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowRejected(f"{name} : texte attendu ({key})")
    return str(value).strip()


def _string(data: Mapping[str, Any], key: str, name: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RowRejected(f"{name} : texte attendu ({key})")
    return value


def _url(origin: Mapping[str, Any], source_id: str | None) -> str | None:
    url = _string(origin, "urlOrigine", "lien")
    if url:
        return url.strip()
    partners = origin.get("partenaires")
    if partners is not None and not isinstance(partners, list):
        raise RowRejected("lien : la liste des partenaires est invalide (partenaires)")
    for partner in partners or ():
        if isinstance(partner, dict) and isinstance(partner.get("url"), str):
            return partner["url"].strip()
    return OFFER_URL.format(id=quote(source_id, safe="")) if source_id else None


def _city(place: Mapping[str, Any]) -> str | None:
    label = _string(place, "libelle", "ville")
    return _DEPARTEMENT_PREFIX.sub("", label).strip() if label else None


def _contract(offer: Mapping[str, Any]) -> dict[str, Any]:
    code = _string(offer, "typeContrat", "type de contrat")
    apprenticeship = offer.get("alternance")
    if apprenticeship is not None and not isinstance(apprenticeship, bool):
        raise RowRejected("type de contrat : alternance doit valoir true ou false")
    if apprenticeship:
        contract: str | None = "alternance"
    elif code is None:
        contract = None
    elif code.strip().upper() in CONTRACT_CODES:
        contract = CONTRACT_CODES[code.strip().upper()]
    else:
        raise RowRejected(f"type de contrat : code « {code} » inconnu (typeContrat)")
    months = None
    label = _string(offer, "typeContratLibelle", "durée du contrat")
    match = _DURATION.search(label) if label and contract != "cdi" else None
    if match:
        number, unit = int(match[1]), match[2].lower()
        if unit.startswith("jour"):
            number = math.ceil(number / 30)
        elif unit.startswith("semaine"):
            number = math.ceil(number * 7 / 30)
        elif unit.startswith(("an", "ann")):
            number *= 12
        months = number or None
    return {"contract_type": contract, "contract_months": months}


def _salary(salary: Mapping[str, Any]) -> dict[str, Any]:
    label = _string(salary, "libelle", "salaire")
    comment = _string(salary, "commentaire", "salaire")
    text = label or comment
    if label and comment and len(label) + len(comment) + 3 <= 200:
        text = f"{label} ({comment})"
    out: dict[str, Any] = {
        "salary_text": text,
        "salary_min": None,
        "salary_max": None,
        "salary_period": None,
    }
    match = _SALARY.match(label) if label else None
    if match:
        out["salary_period"] = SALARY_PERIODS[match[1].lower()]
        out["salary_min"] = _amount(match[2])
        out["salary_max"] = _amount(match[3]) if match[3] else None
    return out


def _amount(text: str) -> str:
    return re.sub(r"\s", "", text).replace(",", ".").rstrip(".")


class _JsonStream:
    """JSON values read one after another from a binary file, holding about one in memory."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.scanner = json.JSONDecoder(strict=False)
        self.buffer = ""
        self.pos = 0
        self.line = 1  # line number of buffer[0]
        self.eof = False

    def _fill(self, size: int = 0) -> bool:
        if self.eof:
            return False
        data = self.file.read(size or _CHUNK)
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise SourceFileError(
                f"le fichier n'est pas en UTF-8 (vers la ligne {self.line})"
            ) from None
        self.eof = not data
        self.line += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character, or "" at the end of the file."""
        while True:
            self.pos = _BLANKS.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def take(self, char: str) -> None:
        """Step over ``char``, the character :meth:`peek` just returned."""
        self.pos += len(char)

    def value(self) -> Any:
        """Decode the next JSON value."""
        self.peek()
        size = _CHUNK
        while True:
            try:
                value, end = self.scanner.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # At the end of the buffer, the value may just be cut: read on.
                cut = error.msg.startswith("Unterminated string") or (
                    error.pos >= len(self.buffer) - 32
                )
                if self.eof or not cut:
                    raise self.error("JSON invalide", error.pos) from None
            else:
                # A number near the end of the buffer ("12." of "12.5") may go on in the
                # next chunk: decode it again with more.
                if end < len(self.buffer) - 32 or self.eof:
                    self.pos = end
                    return value
            if len(self.buffer) - self.pos > _MAX_OFFER:
                raise self.error("JSON invalide ou offre de plus de 32 Mo")
            self._fill(size)
            size *= 2

    def error(self, message: str, pos: int | None = None) -> SourceFileError:
        """A SourceFileError saying where in the file reading stopped."""
        pos = self.pos if pos is None else pos
        line = self.line + self.buffer.count("\n", 0, pos)
        column = pos - self.buffer.rfind("\n", 0, pos)
        return SourceFileError(f"{message} (ligne {line}, colonne {column})")
