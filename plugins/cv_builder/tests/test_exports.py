"""Exports (PDF with real text, plain text, JSON Resume) and import through the pages."""

from __future__ import annotations

import io
import json
import sys

import pypdf
import pytest

from cv_builder import rendering
from cv_builder.json_resume import EXTENSION_KEY
from cv_builder.sample import sample_content
from cv_builder.tests.helpers import BASE, create_cv, cv_id, load_cv, text
from emploistore import db


def with_sample(app, path: str, **columns) -> None:  # type: ignore[no-untyped-def]
    from cv_builder.models import CV

    with app.app_context():
        cv = db.session.get(CV, cv_id(path))
        cv.content = sample_content()
        for name, value in columns.items():
            setattr(cv, name, value)
        db.session.commit()


def pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("template", ["classique", "moderne", "elegant"])
def test_the_pdf_holds_the_cv_as_real_text(app, client, accounts, template):
    accounts.seeker()
    path = create_cv(client)
    with_sample(app, path, template=template)
    response = client.get(f"{path}/cv.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="cv-francoise-lemaitre-coeurderoy.pdf"'
    )
    reader, content = pdf_text(response.data)
    assert len(reader.pages) >= 3
    flat = " ".join(content.split())
    # Élégant prints the name in capitals: compare without case there.
    for expected in (
        "Françoise Lemaître-Cœurderoy",
        "Responsable de rayon",
        "Supermarché Cœur de Ville",
        "Épicerie fine Ça Se Mange",
        "œufs",
        "Besançon",
        "Jérôme Garçon",
        "Langue maternelle",
        "B2 – avancé",
        "sept. 2018",
    ):
        assert expected.casefold() in flat.casefold(), expected
    if template == "classique":  # the ATS template keeps the text as typed, bullets in order
        assert "Françoise Lemaître-Cœurderoy" in flat
        assert "• Encadré une équipe de 3 personnes" in flat
    assert reader.metadata.title == "CV de Françoise Lemaître-Cœurderoy"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_letter_paper_and_the_photo_go_into_the_pdf(app, client, accounts):
    from cv_builder import services
    from cv_builder.models import CV

    accounts.seeker()
    path = create_cv(client)
    with_sample(app, path, paper="letter")
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (200, 260), (10, 80, 160)).save(image, format="PNG")
    with app.app_context():
        services.set_photo(db.session.get(CV, cv_id(path)), image.getvalue())
    reader, _content = pdf_text(client.get(f"{path}/cv.pdf").data)
    page = reader.pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (612, 792)
    assert len(page.images) == 1


def test_markup_typed_in_a_cv_stays_text_everywhere(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    client.post(
        f"{path}/coordonnees",
        data={"name": "<script>alert('œ')</script>", "label": "<img src=x onerror=alert(1)>"},
    )
    page = client.get(f"{path}/apercu").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;œ&#39;)&lt;/script&gt;" in page
    _reader, content = pdf_text(client.get(f"{path}/cv.pdf").data)
    assert "<script>alert('œ')</script>" in content
    assert json.loads(client.get(f"{path}/cv.json").data)["basics"]["name"] == (
        "<script>alert('œ')</script>"
    )


def test_the_pdf_fetches_nothing_but_its_photo(app, client, accounts, monkeypatch):
    """No file and no network address is read while rendering: only data: URIs."""
    weasyprint = pytest.importorskip("weasyprint")
    fetcher = rendering._url_fetcher(weasyprint)
    with pytest.raises(ValueError, match=r"disallowed protocol|only data"):
        fetcher("file:///etc/passwd")
    with pytest.raises(ValueError, match=r"disallowed protocol|only data"):
        fetcher("https://example.org/font.woff")


def test_without_weasyprint_the_pdf_is_honestly_unavailable(app, client, accounts, monkeypatch):
    accounts.seeker()
    path = create_cv(client)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    rendering._weasyprint.cache_clear()
    rendering._stylesheets.cache_clear()
    try:
        response = client.get(f"{path}/cv.pdf")
        assert response.status_code == 503
        assert "Le téléchargement en PDF n'est pas disponible sur ce serveur." in text(response)
        assert response.mimetype == "text/html"
        page = text(client.get(path))
        assert "Le téléchargement en PDF n'est pas disponible sur ce serveur." in page
        assert "Télécharger en PDF" not in page
        assert client.get(f"{path}/cv.txt").status_code == 200
        assert client.get(f"{path}/cv.json").status_code == 200
    finally:
        rendering._weasyprint.cache_clear()
        rendering._stylesheets.cache_clear()


def test_plain_text_export(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    with_sample(app, path)
    response = client.get(f"{path}/cv.txt")
    assert response.content_type == "text/plain; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith(
        "FRANÇOISE LEMAÎTRE-CŒURDEROY\nResponsable de rayon en grande distribution\n"
    )
    assert "\nEXPÉRIENCES PROFESSIONNELLES\n----------------------------\n" in body
    assert (
        "Responsable de rayon – Supermarché Cœur de Ville, Besançon\nmars 2021 – aujourd'hui"
        in body
    )
    assert "Anglais : B2 – avancé – TOEIC 785" in body
    assert "Permis B – voiture (obtenu en 2010)" in body
    assert "\nMOBILITÉ\n" in body


def test_json_export_then_import_gives_the_same_cv(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    with_sample(app, path, template="elegant")
    exported = client.get(f"{path}/cv.json")
    assert exported.mimetype == "application/json"
    data = json.loads(exported.data)
    assert data[EXTENSION_KEY]["template"] == "elegant"
    response = client.post(
        f"{BASE}/importer",
        data={"fichier": (io.BytesIO(exported.data), "cv.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    from cv_builder.content import without_ids

    imported = load_cv(app, cv_id(response.headers["Location"]))
    original = load_cv(app, cv_id(path))
    assert without_ids(imported.content) == without_ids(original.content)
    assert (imported.title, imported.template) == (original.title, "elegant")


def test_a_bad_import_says_what_is_wrong_and_creates_nothing(app, client, accounts):
    from sqlalchemy import func, select

    from cv_builder.models import CV

    accounts.seeker()
    bad = {"basics": {"name": 12.5, "email": ["x"]}, "work": [{"startDate": "hier"}]}
    response = client.post(
        f"{BASE}/importer",
        data={"fichier": (io.BytesIO(json.dumps(bad).encode()), "cv.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text(response)
    assert "Le fichier n'a pas été importé" in page and "Aucun CV n'a été créé ni modifié." in page
    assert (
        "Identité et coordonnées, « Adresse e-mail » (basics.email) : Du texte est attendu ici."
        in page
    )
    assert (
        "Expériences professionnelles n° 1, « Date de début » (work[0].startDate) : Date invalide"
        in page
    )
    missing = client.post(f"{BASE}/importer", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choisissez un fichier JSON Resume" in text(missing)
    with app.app_context():
        assert db.session.scalar(select(func.count(CV.id))) == 0


def test_an_import_over_the_cap_is_refused_with_413(make_app, accounts_for):
    app = make_app(CV_BUILDER={"IMPORT_MAX_BYTES": 100})
    client, accounts = accounts_for(app)
    accounts.seeker()
    response = client.post(
        f"{BASE}/importer",
        data={"fichier": (io.BytesIO(b'{"basics": {"name": "' + b"x" * 200 + b'"}}'), "cv.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Le fichier pèse 0 ko : 0 ko au plus." in text(response)


def test_an_import_with_a_photo_stores_it_reencoded(app, client, accounts):
    import base64

    from PIL import Image

    accounts.seeker()
    png = io.BytesIO()
    Image.new("RGB", (100, 120), (0, 120, 0)).save(png, format="PNG")
    document = {
        "basics": {
            "name": "Zoé",
            "image": "data:image/png;base64," + base64.b64encode(png.getvalue()).decode(),
        }
    }
    response = client.post(
        f"{BASE}/importer",
        data={"fichier": (io.BytesIO(json.dumps(document).encode()), "cv.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    photo = client.get(response.headers["Location"] + "/photo")
    assert photo.mimetype == "image/webp" and photo.data[:4] == b"RIFF"

    document["basics"]["image"] = "data:image/png;base64," + base64.b64encode(b"GIF89a").decode()
    refused = client.post(
        f"{BASE}/importer",
        data={"fichier": (io.BytesIO(json.dumps(document).encode()), "cv.json")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "Photo (basics.image) : Seules les images PNG, JPEG ou WebP sont acceptées." in text(
        refused
    )


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_rendering_logs_nothing(app, client, accounts, caplog, paper):
    """WeasyPrint gets CSS it fully understands, and nothing of the CV reaches the logs."""
    from PIL import Image

    from cv_builder import services
    from cv_builder.models import CV

    accounts.seeker()
    path = create_cv(client)
    image = io.BytesIO()
    Image.new("RGB", (200, 260), (10, 80, 160)).save(image, format="PNG")
    with app.app_context():
        services.set_photo(db.session.get(CV, cv_id(path)), image.getvalue())
    for template in ("classique", "moderne", "elegant"):
        with_sample(app, path, template=template, paper=paper)
        caplog.clear()
        with caplog.at_level("WARNING"):
            assert client.get(f"{path}/cv.pdf").status_code == 200
        assert caplog.records == [], [r.getMessage() for r in caplog.records]
