"""One HTML template for the preview, the share page and the PDF; plus the plain-text export.

The PDF is WeasyPrint's rendering of the very HTML the preview shows (``_document.html``)
with the same stylesheet, plus the page rules of ``cv_print.css``: what the person sees is
what they download. WeasyPrint needs Pango (a system library); it is imported on first use,
and when it cannot be, :func:`pdf_available` says so and the pages tell the person that PDF
export is unavailable on this server — the other exports keep working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from flask import render_template

from cv_builder import content as cv_content
from cv_builder import dates
from cv_builder.sections import LEVEL_LABELS, LICENCE_LABELS, SECTION_KINDS

STATIC = Path(__file__).parent / "static"
DOCUMENT_CSS = STATIC / "cv_document.css"
PRINT_CSS = STATIC / "cv_print.css"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
SIDEBAR_TEMPLATES = frozenset({"moderne"})
log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it needs) is not installed on this server."""


# -- what the template needs ---------------------------------------------------------------


@dataclass
class DocumentSection:
    id: str
    kind: str
    title: str
    items: list[dict[str, Any]]


@dataclass
class Document:
    """Everything ``_document.html`` prints, already filtered to what is visible."""

    template: str
    basics: dict[str, Any]
    main: list[DocumentSection]
    side: list[DocumentSection] = field(default_factory=list)
    photo_src: str | None = None
    heading: int = 1  # the level of the name's heading; sections and items go below it

    def h(self, depth: int) -> str:
        return f"h{min(6, self.heading + depth)}"


def build_document(
    content: dict[str, Any], template: str, photo_src: str | None = None, heading: int = 1
) -> Document:
    main: list[DocumentSection] = []
    side: list[DocumentSection] = []
    for section in content["sections"]:
        if not section.get("visible", True) or not cv_content.has_content(content, section):
            continue
        kind = SECTION_KINDS[section["kind"]]
        shown = DocumentSection(
            id=section["id"],
            kind=section["kind"],
            title=cv_content.section_title(section),
            items=[item for item in section["items"] if item.get("visible", True)],
        )
        (side if kind.side and template in SIDEBAR_TEMPLATES else main).append(shown)
    return Document(
        template=template,
        basics=content["basics"],
        main=main,
        side=side,
        photo_src=photo_src if content.get("photoVisible", True) else None,
        heading=heading,
    )


def safe_href(url: str) -> str | None:
    """A link target only for http(s) addresses: never ``javascript:`` or ``data:``."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def phone_href(phone: str) -> str:
    return "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")


def place(location: dict[str, Any]) -> str:
    town = " ".join(p for p in (location.get("postalCode", ""), location.get("city", "")) if p)
    return ", ".join(
        p for p in (location.get("address", ""), town, location.get("region", "")) if p
    )


HELPERS = {
    "span": dates.format_span,
    "date": dates.format_date,
    "level_label": lambda level: LEVEL_LABELS.get(level, ""),
    "licence_label": lambda category: LICENCE_LABELS.get(category, category),
    "safe_href": safe_href,
    "phone_href": phone_href,
    "place": place,
}


def render_document_html(document: Document) -> str:
    """The CV alone (an ``<article>``), as the preview and the share page include it."""
    return render_template("cv_builder/document/_document.html", doc=document, cvh=HELPERS)


def render_print_html(document: Document, title: str) -> str:
    """A whole HTML page for WeasyPrint: the same fragment, no link to fetch."""
    return render_template("cv_builder/document/print.html", doc=document, cvh=HELPERS, title=title)


# -- plain text ----------------------------------------------------------------------------


def _underline(title: str) -> list[str]:
    return ["", title.upper(), "-" * len(title)]


def _item_text(kind: str, item: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    span = dates.format_span(item.get("startDate", ""), item.get("endDate", ""))
    if kind == "work":
        head = " – ".join(p for p in (item["position"], item["name"]) if p)
        lines.append(", ".join(p for p in (head, item["location"]) if p))
        if span:
            lines.append(span)
        if item["description"]:
            lines.append(item["description"])
    elif kind == "education":
        head = " – ".join(p for p in (item["studyType"], item["area"]) if p)
        lines.append(", ".join(p for p in (head, item["institution"]) if p))
        if span:
            lines.append(span)
        if item["score"]:
            lines.append(item["score"])
    elif kind == "languages":
        level = LEVEL_LABELS.get(item["level"], "")
        details = " – ".join(p for p in (level, item["fluency"]) if p)
        lines.append(f"{item['language']} : {details}" if details else item["language"])
    elif kind == "licences":
        when = dates.format_date(item["date"])
        label = LICENCE_LABELS.get(item["category"], item["category"])
        lines.append(f"Permis {label}" + (f" (obtenu en {when})" if when else ""))
    elif kind == "skills":
        lines.append(" – ".join(p for p in (item["name"], item["level"]) if p))
    else:
        title = cv_content.item_title(kind, item)
        lines.append(title)
        when = span or dates.format_date(item.get("date", "") or item.get("releaseDate", ""))
        if when:
            lines.append(when)
        for name in ("entity", "type", "description", "reference"):
            if item.get(name):
                lines.append(item[name])
    for name in ("summary",):
        if item.get(name):
            lines.append(item[name])
    for name in ("highlights", "courses", "roles", "keywords"):
        lines += [f"  - {line}" for line in item.get(name, [])]
    if item.get("url"):
        lines.append(item["url"])
    return lines


def render_text(content: dict[str, Any]) -> str:
    """The CV as plain text (UTF-8), to paste into an online application form."""
    document = build_document(content, "classique")
    basics = document.basics
    lines = [basics["name"].upper()] if basics["name"] else []
    if basics["label"]:
        lines.append(basics["label"])
    contact = [basics["email"], basics["phone"], place(basics["location"]), basics["url"]]
    lines += [line for line in contact if line]
    lines += [
        f"{p['network'] or 'Profil'} : {p['url'] or p['username']}" for p in basics["profiles"]
    ]
    for section in document.main:
        lines += _underline(section.title)
        if section.kind == "summary":
            lines.append(basics["summary"])
            continue
        for index, item in enumerate(section.items):
            if index:
                lines.append("")
            lines += _item_text(section.kind, item)
    return "\n".join(lines).strip() + "\n"


# -- PDF -----------------------------------------------------------------------------------


@cache
def _weasyprint() -> ModuleType | None:
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        log.warning("PDF export unavailable: weasyprint cannot be imported (%s)", error)
        return None
    return weasyprint


def pdf_available() -> bool:
    return _weasyprint() is not None


@cache
def _stylesheets(paper: str) -> list[Any]:
    weasyprint = _weasyprint()
    assert weasyprint is not None
    size = PAGE_SIZES.get(paper, "A4")
    return [
        weasyprint.CSS(string=DOCUMENT_CSS.read_text(encoding="utf-8")),
        weasyprint.CSS(string=PRINT_CSS.read_text(encoding="utf-8")),
        weasyprint.CSS(string=f"@page {{ size: {size}; }}"),
    ]


def _url_fetcher(weasyprint: ModuleType) -> Any:
    """Only ``data:`` URIs (the photo) are ever read: no file, no network."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint 67 and later
        return fetcher_class(allowed_protocols={"data"}, allow_redirects=False)

    def data_only(url: str) -> Any:  # WeasyPrint 62 to 66
        if not url.startswith("data:"):
            raise ValueError("only data: URIs are read")
        return weasyprint.default_url_fetcher(url)

    return data_only


def render_pdf(document: Document, title: str, paper: str) -> bytes:
    """The PDF of a CV; raise PdfUnavailable when WeasyPrint cannot run here."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailable
    html = render_print_html(document, title)
    return weasyprint.HTML(string=html, url_fetcher=_url_fetcher(weasyprint)).write_pdf(
        stylesheets=_stylesheets(paper)
    )
