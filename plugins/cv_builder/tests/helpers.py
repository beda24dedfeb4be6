"""Small helpers shared by the CV builder's tests (the fixtures come from tests/fixtures.py)."""

from __future__ import annotations

import html
import re
from typing import Any

from emploistore import db

BASE = "/cv-builder"


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def create_cv(client: Any, title: str = "CV vente") -> str:
    """Create a CV through the form; return its editor path (/cv-builder/cv/<id>)."""
    response = client.post(f"{BASE}/cv", data={"title": title})
    assert response.status_code == 303, text(response)[-2000:]
    return response.headers["Location"]


def cv_id(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def load_cv(app: Any, identifier: int) -> Any:
    from cv_builder.models import CV

    with app.app_context():
        cv = db.session.get(CV, identifier)
        if cv is not None:
            db.session.expunge(cv)
        return cv


def section_id(app: Any, path: str, kind: str) -> str:
    cv = load_cv(app, cv_id(path))
    return next(s["id"] for s in cv.content["sections"] if s["kind"] == kind)


def add_item(client: Any, path: str, section: str, **fields: str) -> str:
    response = client.post(f"{path}/rubriques/{section}/ajouter", data=fields)
    assert response.status_code == 303, text(response)[-3000:]
    match = re.search(r"#element-([0-9a-f]{8})$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def errors_of(response: Any) -> dict[str, str]:
    """Field id → error message, as the page ties them (``f-<name>-erreur``)."""
    page = response.get_data(as_text=True)
    return {
        name: html.unescape(message)
        for name, message in re.findall(
            r'<p class="error" id="f-([\w-]+)-erreur"[^>]*>([^<]*)</p>', page
        )
    }


def document_of(response: Any) -> str:
    """The text of the CV in a page (its <article>): what the preview shows, tags left out."""
    page = response.get_data(as_text=True)
    match = re.search(r'<article class="cv-doc.*?</article>', page, re.S)
    assert match, page[-2000:]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group())).split())
