"""The normalised offer record every source produces, and its vocabularies.

A source's ``read`` yields :class:`emploistore.SourceRow` entries whose ``fields`` use the
keys of :data:`FIELDS`. Values may be loose (strings from a CSV, numbers as text, dates as
ISO 8601 strings); :func:`clean_record` checks and converts them, and raises
:class:`RowRejected` with a French reason naming the field when one is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Contract types: normalised code → French label shown to job seekers.
CONTRACT_TYPES: dict[str, str] = {
    "cdi": "CDI",
    "cdd": "CDD",
    "interim": "Intérim",
    "saisonnier": "Saisonnier",
    "alternance": "Alternance",
    "independant": "Indépendant, franchise",
}
EXPERIENCE_LEVELS: dict[str, str] = {
    "beginner": "Débutant accepté",
    "desired": "Expérience souhaitée",
    "required": "Expérience exigée",
}
WORKING_TIMES: dict[str, str] = {"full": "Temps plein", "part": "Temps partiel"}
SALARY_PERIODS: dict[str, str] = {"hour": "de l'heure", "month": "par mois", "year": "par an"}
# Hours a month and months a year, to compare salaries given per hour, month or year.
_MONTHLY_FACTOR = {"hour": 151.67, "month": 1.0, "year": 1 / 12}

# Key → (required, short French name used in error messages).
FIELDS: dict[str, tuple[bool, str]] = {
    "source_id": (True, "identifiant de l'offre"),
    "url": (False, "lien"),
    "title": (True, "intitulé"),
    "description": (False, "description"),
    "rome_code": (False, "code ROME"),
    "job_title": (False, "appellation métier"),
    "company_name": (False, "entreprise"),
    "company_siret": (False, "SIRET"),
    "commune_code": (False, "code commune INSEE"),
    "postal_code": (False, "code postal"),
    "city": (False, "ville"),
    "latitude": (False, "latitude"),
    "longitude": (False, "longitude"),
    "contract_type": (True, "type de contrat"),
    "contract_months": (False, "durée du contrat"),
    "working_time": (False, "durée du travail"),
    "experience": (False, "expérience"),
    "salary_text": (False, "salaire"),
    "salary_min": (False, "salaire minimum"),
    "salary_max": (False, "salaire maximum"),
    "salary_period": (False, "période du salaire"),
    "created_at": (True, "date de création"),
    "updated_at": (False, "date de mise à jour"),
    "expires_at": (False, "date d'expiration"),
}
MAX_LENGTHS = {
    "source_id": 80,
    "url": 500,
    "title": 200,
    "description": 20_000,
    "job_title": 200,
    "company_name": 200,
    "city": 120,
    "salary_text": 200,
}
ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
SIRET = re.compile(r"^[0-9]{14}$")
POSTAL_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
COMMUNE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")


class RowRejected(ValueError):
    """A row that cannot become an offer; the message is French and names the field."""


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RowRejected(f"{FIELDS[key][1]} : texte attendu")
    text = " ".join(str(value).split()) if key != "description" else str(value).strip()
    limit = MAX_LENGTHS.get(key)
    if limit and len(text) > limit:
        raise RowRejected(f"{FIELDS[key][1]} : {limit} caractères au plus")
    return text


def _number(record: Mapping[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowRejected(f"{FIELDS[key][1]} : nombre attendu")
    try:
        number = float(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise RowRejected(f"{FIELDS[key][1]} : nombre attendu, pas « {value} »") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowRejected(f"{FIELDS[key][1]} : nombre attendu")
    return number


def parse_datetime(value: Any, name: str) -> datetime | None:
    """A naive UTC datetime from a datetime, a date or an ISO 8601 string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise RowRejected(f"{name} : date invalide « {value} »") from None
    else:
        raise RowRejected(f"{name} : date attendue")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def clean_record(record: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Check and convert one source record; raise RowRejected naming the first bad field.

    Place fields are checked for shape only; places.py resolves the commune afterwards.
    """
    unknown = set(record) - set(FIELDS)
    if unknown:
        raise RowRejected(f"champ inconnu : {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in ("source_id", "url", "title", "description", "job_title", "company_name"):
        out[key] = _text(record, key)
    for key in ("city", "salary_text"):
        out[key] = _text(record, key)
    for key, (required, name) in FIELDS.items():
        if required and key not in ("contract_type", "created_at") and not out.get(key):
            raise RowRejected(f"{name} : obligatoire")
    if out["url"] and not out["url"].startswith(("https://", "http://")):
        raise RowRejected("lien : adresse http(s) attendue")

    rome = _text(record, "rome_code").upper()
    if rome and not ROME_CODE.match(rome):
        raise RowRejected(f"code ROME : « {rome} » n'a pas la forme A1234")
    out["rome_code"] = rome
    siret = _text(record, "company_siret").replace(" ", "")
    if siret and not SIRET.match(siret):
        raise RowRejected("SIRET : 14 chiffres attendus")
    out["company_siret"] = siret
    postal = _text(record, "postal_code")
    if len(postal) == 4 and postal.isdigit():
        postal = "0" + postal  # a spreadsheet ate the leading zero (01000 → 1000)
    if postal and not POSTAL_CODE.match(postal):
        raise RowRejected(f"code postal : « {postal} » n'est pas un code postal")
    out["postal_code"] = postal
    commune = _text(record, "commune_code").upper()
    if commune and not COMMUNE_CODE.match(commune):
        raise RowRejected(f"code commune INSEE : « {commune} » invalide")
    out["commune_code"] = commune
    lat, lon = _number(record, "latitude"), _number(record, "longitude")
    if (lat is None) != (lon is None):
        raise RowRejected("latitude et longitude : les deux ou aucune")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RowRejected("latitude, longitude : hors limites")
    out["latitude"], out["longitude"] = lat, lon

    contract = _text(record, "contract_type").lower()
    if contract not in CONTRACT_TYPES:
        known = ", ".join(CONTRACT_TYPES)
        raise RowRejected(f"type de contrat : « {contract or 'vide'} » inconnu ({known})")
    out["contract_type"] = contract
    months = _number(record, "contract_months")
    if months is not None and not 0 < months <= 120:
        raise RowRejected("durée du contrat : entre 1 et 120 mois")
    out["contract_months"] = round(months) if months is not None else None
    working = _text(record, "working_time").lower()
    if working and working not in WORKING_TIMES:
        raise RowRejected(f"durée du travail : « {working} » inconnue (full, part)")
    out["working_time"] = working or None
    experience = _text(record, "experience").lower()
    if experience and experience not in EXPERIENCE_LEVELS:
        raise RowRejected(f"expérience : « {experience} » inconnue (beginner, desired, required)")
    out["experience"] = experience or None

    low, high = _number(record, "salary_min"), _number(record, "salary_max")
    period = _text(record, "salary_period").lower() or None
    if (low is not None or high is not None) and period not in SALARY_PERIODS:
        raise RowRejected("période du salaire : hour, month ou year quand un montant est donné")
    for value in (low, high):
        if value is not None and not 0 < value < 10_000_000:
            raise RowRejected("salaire : montant hors limites")
    if low is not None and high is not None and high < low:
        raise RowRejected("salaire : le maximum est plus petit que le minimum")
    out["salary_min"], out["salary_max"], out["salary_period"] = low, high, period

    created = parse_datetime(record.get("created_at"), "date de création")
    if created is None:
        raise RowRejected("date de création : obligatoire")
    if created > now + timedelta(days=1):
        raise RowRejected("date de création : dans le futur")
    out["created_at"] = created
    out["updated_at"] = parse_datetime(record.get("updated_at"), "date de mise à jour") or created
    out["expires_at"] = parse_datetime(record.get("expires_at"), "date d'expiration")
    return out


def monthly_salary(amount: float | None, period: str | None) -> int | None:
    """The amount as a gross monthly figure in euros, for the "salaire minimum" filter."""
    if amount is None or period not in _MONTHLY_FACTOR:
        return None
    return round(amount * _MONTHLY_FACTOR[period])
