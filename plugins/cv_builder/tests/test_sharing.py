"""Share links: shown once, stored hashed, counted, expiring, revocable, and private."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from cv_builder.models import ShareLink
from cv_builder.tests.helpers import BASE, create_cv, cv_id, text
from emploistore import db, utcnow


def make_link(client, path: str, days: str = "7") -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"{path}/partage", data={"jours": days})
    assert response.status_code == 303, text(response)[-2000:]
    page = text(client.get(response.headers["Location"]))
    assert "il ne sera plus jamais affiché" in page
    match = re.search(r'id="lien" value="http://localhost(/cv-builder/partage/[\w-]+)"', page)
    assert match, page
    return match.group(1)


def shares(app) -> list[ShareLink]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = list(db.session.scalars(select(ShareLink).order_by(ShareLink.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_link_shows_the_cv_to_anyone_who_has_it_and_counts_views(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    client.post(f"{path}/coordonnees", data={"name": "Zoé Lefèvre", "label": "Vendeuse"})
    link = make_link(client, path)
    token = link.rsplit("/", 1)[-1]
    (row,) = shares(app)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash and len(token) >= 40
    assert abs(row.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
    assert token not in text(client.get(f"{path}/partage"))  # never shown again

    visitor = app.test_client()
    for _ in range(3):
        response = visitor.get(link)
        assert response.status_code == 200
    assert "Zoé Lefèvre" in text(response) and "Vendeuse" in text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response.headers["Cache-Control"]
    assert "es_session" not in response.headers.get("Set-Cookie", "")
    pdf = visitor.get(f"{link}/cv.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    (row,) = shares(app)
    assert row.view_count == 3 and row.last_viewed_at is not None
    page = text(client.get(f"{path}/partage"))
    assert "Actif" in page and ">3 <" in client.get(f"{path}/partage").get_data(as_text=True)


def test_expired_cut_and_unknown_links_answer_404(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    expired, cut = make_link(client, path, "1"), make_link(client, path, "30")
    with app.app_context():
        row = db.session.scalar(select(ShareLink).order_by(ShareLink.id))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    cut_id = shares(app)[1].id
    assert client.post(f"{path}/partage/{cut_id}/couper").status_code == 303
    visitor = app.test_client()
    for link in (expired, cut, f"{BASE}/partage/pas-un-vrai-lien", f"{BASE}/partage/{'a' * 300}"):
        for suffix in ("", "/cv.pdf", "/photo"):
            response = visitor.get(link + suffix)
            assert response.status_code == 404, link + suffix
        assert "Ce lien de partage ne fonctionne pas" in text(visitor.get(link))
    page = text(client.get(f"{path}/partage"))
    assert "Expiré" in page and "Coupé le" in page
    assert all(row.view_count == 0 for row in shares(app))


def test_the_expiry_must_be_one_of_the_choices(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    for value in ("", "365", "abc", "-1"):
        response = client.post(f"{path}/partage", data={"jours": value})
        assert response.status_code == 422
        assert "Choisissez une durée dans la liste." in text(response)
    assert shares(app) == []


def test_active_links_per_cv_are_capped(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    for _ in range(10):
        make_link(client, path)
    refused = client.post(f"{path}/partage", data={"jours": "7"})
    assert refused.status_code == 409 and "déjà 10 liens actifs" in text(refused)


def test_the_photo_is_shared_only_when_the_cv_shows_it(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    image = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(image, format="PNG")
    client.post(
        f"{path}/photo",
        data={"photo": (io.BytesIO(image.getvalue()), "moi.png")},
        content_type="multipart/form-data",
    )
    client.post(f"{path}/coordonnees", data={"name": "Zoé", "photoVisible": "1"})
    link = make_link(client, path)
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    assert f'src="{link}/photo?v=' in page
    assert visitor.get(f"{link}/photo").mimetype == "image/webp"
    assert visitor.get(f"{path}/photo").status_code in (302, 401)  # the owner's URL needs a log-in
    client.post(f"{path}/coordonnees", data={"name": "Zoé"})
    assert "cv-photo" not in visitor.get(link).get_data(as_text=True)
    assert visitor.get(f"{link}/photo").status_code == 404


def test_a_deleted_cv_takes_its_links_with_it(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    link = make_link(client, path)
    client.post(f"{path}/supprimer")
    assert shares(app) == []
    assert app.test_client().get(link).status_code == 404
    assert cv_id(path)
