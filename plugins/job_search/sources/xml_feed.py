"""Reader for the common job-board XML feed: ``<source><job>…</job>…</source>``.

Each ``<job>`` holds one offer as simple child elements (text or CDATA); their names map to
the offer fields (:data:`DEFAULT_ELEMENTS`, which a configured source may extend), and
elements that are not mapped are ignored. The file is streamed through ElementTree's pull
parser (what ``iterparse`` runs on), and each offer's elements are dropped once read, so
memory stays flat however long the feed is. The file is fed to the parser up to each line
holding ``<job``, so ``SourceRow.line`` is the line where the offer's ``<job>`` tag is
(several offers on one line share its number).

A DOCTYPE (and so any ENTITY) declaration makes the whole file refused, as does XML that
is not well formed (from the point where it breaks, after the offers before it).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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

# Element name → offer field.
DEFAULT_ELEMENTS: dict[str, str] = {
    "referencenumber": "source_id",
    "title": "title",
    "date": "created_at",
    "updated": "updated_at",
    "expirationdate": "expires_at",
    "url": "url",
    "company": "company_name",
    "siret": "company_siret",
    "city": "city",
    "postalcode": "postal_code",
    "inseecode": "commune_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "description": "description",
    "salary": "salary_text",
    "salarymin": "salary_min",
    "salarymax": "salary_max",
    "salaryperiod": "salary_period",
    "jobtype": "contract_type",
    "duration": "contract_months",
    "schedule": "working_time",
    "experience": "experience",
    "romecode": "rome_code",
    "occupation": "job_title",
}
# Monstre Emploi's vocabulary (the reader also takes the normalised codes themselves).
MONSTRE_VALUES: dict[str, dict[str, str]] = {
    "contract_type": {
        "CDI": "cdi",
        "CDD": "cdd",
        "Intérim": "interim",
        "Interim": "interim",
        "Travail temporaire": "interim",
        "Saisonnier": "saisonnier",
        "Alternance": "alternance",
        "Apprentissage": "alternance",
        "Freelance": "independant",
        "Indépendant": "independant",
    },
    "working_time": {
        "full-time": "full",
        "fulltime": "full",
        "temps plein": "full",
        "part-time": "part",
        "parttime": "part",
        "temps partiel": "part",
    },
    "experience": {
        "debutant": "beginner",
        "débutant": "beginner",
        "souhaitee": "desired",
        "souhaitée": "desired",
        "exigee": "required",
        "exigée": "required",
    },
    "salary_period": {
        "hourly": "hour",
        "heure": "hour",
        "monthly": "month",
        "mois": "month",
        "yearly": "year",
        "annual": "year",
        "an": "year",
    },
}
_PROLOG_LIMIT = 1 << 20
_CHUNK = 1 << 18


class XmlFeed:
    """A ``read`` function for one XML layout: call it with an open binary file."""

    def __init__(
        self,
        elements: Mapping[str, str] | None = None,
        values: Mapping[str, Mapping[str, str]] | None = None,
        item: str = "job",
    ) -> None:
        self.elements = dict(DEFAULT_ELEMENTS if elements is None else elements)
        unknown = [field for field in self.elements.values() if field not in FIELDS]
        if unknown:
            raise ValueError(f"unknown offer field {unknown[0]!r}")
        self.values = value_tables(values or {})
        self.item = item
        self._tag = re.compile(b"<" + re.escape(item.encode()) + rb"(?=[\s>/])[^<>]*>")

    def __call__(self, file: BinaryIO) -> Iterator[SourceRow]:
        """Yield one SourceRow per ``<job>`` element, in file order."""
        head = _check_prolog(file)
        parser = ET.XMLPullParser(events=("start", "end"))
        stack: list[ET.Element] = []
        job: ET.Element | None = None
        job_line = 0
        position = 0
        for line, data in self._batches(head, file):
            try:
                if data:
                    parser.feed(data)
                else:
                    parser.close()
                events = list(parser.read_events())
            except ET.ParseError as error:
                raise SourceFileError(_parse_error(error, line)) from None
            for event, element in events:
                if event == "start":
                    stack.append(element)
                    if job is None and _local(element.tag) == self.item:
                        job, job_line = element, line
                    continue
                stack.pop()
                if job is None:  # outside the offers (publisher…): dropped once read
                    if stack:
                        del stack[-1][:]
                    continue
                if element is not job:
                    continue  # an element of the offer
                position += 1
                try:
                    row = SourceRow(job_line or position, self._fields(element))
                except RowRejected as error:
                    row = SourceRow(job_line or position, None, str(error))
                yield row
                job = None
                element.clear()
                if stack:
                    del stack[-1][:]

    def _batches(self, head: bytes, file: BinaryIO) -> Iterator[tuple[int, bytes]]:
        """The file in pieces, most ending just after a ``<job>`` tag, each with the number
        of the line it ends on; then ``(last line, b"")`` to close the parser."""
        tag = self._tag
        line = 1
        carry = b""
        data = head
        while True:
            chunk = carry + data
            carry = b""
            if data:
                # Keep back a tag cut by the end of the chunk ("<jo"), to match it whole.
                cut = chunk.rfind(b"<")
                if cut >= 0 and len(chunk) - cut < 256 and chunk.find(b">", cut) < 0:
                    chunk, carry = chunk[:cut], chunk[cut:]
            start = 0
            for match in tag.finditer(chunk):
                end = match.end()
                line += chunk.count(b"\n", start, end)
                yield line, chunk[start:end]
                start = end
            if start < len(chunk):
                line += chunk.count(b"\n", start)
                yield line, chunk[start:]
            if not data:
                break
            data = file.read(_CHUNK)
        yield line, b""

    def _fields(self, job: ET.Element) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        elements = self.elements
        for child in job:
            tag = child.tag
            field = elements.get(tag if tag[:1] != "{" else _local(tag))
            if field is None:
                continue
            if field in fields:
                raise RowRejected(f"{FIELDS[field][1]} : élément <{child.tag}> en double")
            text = "".join(child.itertext()) if len(child) else child.text
            value = text.strip() if text else None
            if value and field in self.values:
                value = translate_value(field, value, self.values[field])
            if value and field in DATE_FIELDS:
                value = normalise_date(value)
            fields[field] = value
        return fields


# Expat's messages, in French.
_PARSE_ERRORS = {
    "mismatched tag": "balise fermante qui ne correspond pas",
    "not well-formed (invalid token)": "caractère ou balise invalide",
    "no element found": "le fichier s'arrête avant la fin du XML",
    "unclosed token": "balise non fermée",
    "undefined entity": "entité inconnue",
    "junk after document element": "contenu après la fin du flux",
    "unclosed CDATA section": "section CDATA non fermée",
}


def _parse_error(error: ET.ParseError, line: int) -> str:
    """A French message for the parser's error, with its line and column."""
    reason = str(error.msg).split(": line ")[0]
    where = getattr(error, "position", None) or (line, 0)
    return (
        f"XML invalide (ligne {where[0]}, colonne {where[1] + 1}) : "
        f"{_PARSE_ERRORS.get(reason, reason)}"
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _check_prolog(file: BinaryIO) -> bytes:
    """Read the file up to its root element; refuse a DOCTYPE and what is not XML at all.

    Entity declarations can only stand in a DOCTYPE, so refusing it refuses them all.
    Return the bytes read, which the parser is fed first.
    """
    head = b""
    while True:
        chunk = file.read(_CHUNK)
        head += chunk
        text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
        if text.startswith((b"\xff\xfe", b"\xfe\xff")) or text[:2] in (b"<\x00", b"\x00<"):
            raise SourceFileError("flux XML en UTF-16 : seul l'UTF-8 (ou ISO-8859-1) est lu")
        pos = 0
        while match := _PROLOG_ITEM.match(text, pos):
            pos = match.end()
        rest = text[pos:].lstrip()
        if rest[:2] == b"<!" and not (len(rest) < 4 and b"<!--".startswith(rest)):
            if not rest.startswith(b"<!--"):
                raise SourceFileError(
                    "déclaration DOCTYPE ou ENTITY refusée : le flux XML ne doit pas en avoir"
                )
        elif rest.startswith(b"<") and len(rest) > 1 and rest[1:2] not in (b"?", b"!"):
            return head
        elif rest and not rest.startswith(b"<"):
            raise SourceFileError("le fichier n'est pas un flux XML d'offres")
        # Otherwise an XML declaration, comment or tag cut by the chunk's end: read on.
        if not chunk:
            raise SourceFileError("fichier vide ou sans élément : un flux XML est attendu")
        if len(head) > _PROLOG_LIMIT:
            raise SourceFileError("le fichier n'est pas un flux XML d'offres (en-tête trop long)")
