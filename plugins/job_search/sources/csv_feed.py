"""Reader for CSV feeds: a header line, then one offer per row, columns mapped to fields.

A :class:`CsvFeed` is set up with ``{column: field}`` (the keys of
:data:`job_search.records.FIELDS`), optional value maps (``{"contract_type": {"Intérim":
"interim", …}}``), a delimiter and an ASCII-compatible encoding (UTF-8 by default; a byte
order mark is skipped). ``SourceRow.line`` is the file line where the row starts (a quoted
value may span several lines). A row with the wrong number of columns, or with bytes that
are not in the encoding, is rejected; a header without one of the mapped columns makes the
whole file refused.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from emploistore import SourceRow
from job_search.records import FIELDS, RowRejected
from job_search.sources import (
    DATE_FIELDS,
    SourceFileError,
    normalise_date,
    translate_value,
    value_tables,
)

# Keljob's export, one offer per line, ";"-separated, UTF-8 with a BOM.
KELJOB_COLUMNS: dict[str, str] = {
    "reference": "source_id",
    "titre": "title",
    "description": "description",
    "entreprise": "company_name",
    "siret": "company_siret",
    "code_postal": "postal_code",
    "ville": "city",
    "code_insee": "commune_code",
    "contrat": "contract_type",
    "duree_mois": "contract_months",
    "temps_travail": "working_time",
    "experience": "experience",
    "salaire": "salary_text",
    "salaire_min": "salary_min",
    "salaire_max": "salary_max",
    "periode_salaire": "salary_period",
    "date_publication": "created_at",
    "date_maj": "updated_at",
    "date_expiration": "expires_at",
    "url": "url",
    "code_rome": "rome_code",
}
KELJOB_VALUES: dict[str, dict[str, str]] = {
    "contract_type": {
        "CDI": "cdi",
        "CDD": "cdd",
        "Intérim": "interim",
        "Interim": "interim",
        "Saisonnier": "saisonnier",
        "Alternance": "alternance",
        "Apprentissage": "alternance",
        "Contrat de professionnalisation": "alternance",
        "Indépendant": "independant",
        "Freelance": "independant",
        "Franchise": "independant",
    },
    "working_time": {"Temps plein": "full", "Temps partiel": "part"},
    "experience": {
        "Débutant accepté": "beginner",
        "Débutant": "beginner",
        "Expérience souhaitée": "desired",
        "Expérience exigée": "required",
    },
    "salary_period": {"heure": "hour", "mois": "month", "an": "year", "année": "year"},
}


class CsvFeed:
    """A ``read`` function for one CSV layout: call it with an open binary file."""

    def __init__(
        self,
        columns: Mapping[str, str],
        values: Mapping[str, Mapping[str, str]] | None = None,
        delimiter: str = ";",
        encoding: str = "utf-8",
    ) -> None:
        unknown = [field for field in columns.values() if field not in FIELDS]
        if unknown:
            raise ValueError(f"unknown offer field {unknown[0]!r}")
        self.columns = dict(columns)
        self.delimiter = delimiter
        self.encoding = encoding
        self.values = value_tables(values or {})

    def __call__(self, file: BinaryIO) -> Iterator[SourceRow]:
        """Yield one SourceRow per data row; blank lines are skipped."""
        undecodable: set[int] = set()
        reader = csv.reader(self._lines(file, undecodable), delimiter=self.delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceFileError("fichier vide : une ligne d'en-tête est attendue") from None
        except csv.Error as error:
            raise SourceFileError(f"en-tête CSV illisible : {error}") from None
        names = [name.strip() for name in header]
        for column in self.columns:
            if column not in names:
                hint = (
                    f" ; le séparateur attendu est « {self.delimiter} »" if len(names) == 1 else ""
                )
                raise SourceFileError(f"colonne « {column} » absente de l'en-tête{hint}")
            if names.count(column) > 1:
                raise SourceFileError(f"colonne « {column} » présente deux fois dans l'en-tête")
        positions = [(names.index(column), field) for column, field in self.columns.items()]
        width = len(names)
        last = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield SourceRow(last + 1, None, f"ligne CSV illisible : {error}")
                last = reader.line_num
                continue
            start, last = last + 1, reader.line_num
            if not cells:
                continue
            if len(cells) != width:
                reason = f"nombre de colonnes : {len(cells)} au lieu de {width}"
                yield SourceRow(start, None, reason)
            elif undecodable and not undecodable.isdisjoint(range(start, last + 1)):
                reason = f"encodage : caractères qui ne sont pas en {self.encoding}"
                yield SourceRow(start, None, reason)
            else:
                try:
                    row = SourceRow(start, self._fields(cells, positions))
                except RowRejected as error:
                    row = SourceRow(start, None, str(error))
                yield row

    def _lines(self, file: BinaryIO, undecodable: set[int]) -> Iterator[str]:
        """The file's lines as text; the numbers of lines that do not decode go to a set."""
        encoding = self.encoding
        for number, raw in enumerate(file, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError:
                undecodable.add(number)
                yield raw.decode(encoding, "replace")

    def _fields(self, cells: list[str], positions: list[tuple[int, str]]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for index, field in positions:
            value: str | None = cells[index].strip() or None
            if value is not None and field in self.values:
                value = translate_value(field, value, self.values[field])
            if value is not None and field in DATE_FIELDS:
                value = normalise_date(value)
            fields[field] = value
        return fields
