"""A job seeker builds CVs through the pages, without JavaScript: every action is a form."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from cv_builder.tests.helpers import (
    BASE,
    add_item,
    create_cv,
    cv_id,
    document_of,
    errors_of,
    load_cv,
    section_id,
    text,
)


def test_the_service_page_invites_visitors_to_sign_in(client):
    page = text(client.get(f"{BASE}/"))
    assert "Se connecter pour créer mon CV" in page
    assert client.post(f"{BASE}/cv", data={"title": "x"}).status_code == 302


def test_a_new_cv_starts_with_the_account_name_and_every_section(app, client, accounts):
    accounts.seeker()
    path = create_cv(client, "CV vente")
    cv = load_cv(app, cv_id(path))
    assert cv.title == "CV vente" and cv.template == "classique" and cv.paper == "a4"
    assert cv.content["basics"]["name"] == "Camille"
    assert cv.content["basics"]["email"] == "camille@example.org"
    kinds = [s["kind"] for s in cv.content["sections"]]
    assert kinds[:4] == ["summary", "work", "education", "skills"] and "licences" in kinds
    page = text(client.get(path))
    assert "<h1>CV vente</h1>" in page
    assert "Expériences professionnelles" in page and "Permis de conduire" in page


def test_identity_is_saved_and_errors_are_tied_to_their_fields(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    bad = client.post(
        f"{path}/coordonnees",
        data={"name": "", "email": "zoé@", "romeCode": "Z9999", "profiles-0-url": "javascript:1"},
    )
    assert bad.status_code == 422
    errors = errors_of(bad)
    assert errors == {
        "name": "Ce champ est obligatoire.",
        "email": "Adresse e-mail invalide, par exemple : prenom.nom@exemple.fr.",
        "romeCode": "Le code ROME Z9999 n'existe pas. Vérifiez-le, ou laissez ce champ vide.",
        "profiles-0-url": errors["profiles-0-url"],
    }
    page = bad.get_data(as_text=True)
    assert 'aria-describedby="f-name-erreur" aria-invalid="true"' in re.sub(r"\s+", " ", page)
    assert '<a href="#f-romeCode">Code ROME du métier recherché : Le code ROME Z9999' in page
    assert 'value="zoé@"' in page  # what was typed is shown back

    good = client.post(
        f"{path}/coordonnees",
        data={
            "name": "Zoé Lefèvre",
            "label": "Vendeuse en boulangerie",
            "romeCode": "d1106",
            "email": "zoe@example.org",
            "phone": "06 12 34 56 78",
            "location-city": "Besançon",
            "profiles-0-network": "LinkedIn",
            "profiles-0-url": "linkedin.com/in/zoe",
            "photoVisible": "1",
        },
    )
    assert good.status_code == 303
    basics = load_cv(app, cv_id(path)).content["basics"]
    assert basics["name"] == "Zoé Lefèvre" and basics["location"]["city"] == "Besançon"
    assert basics["profiles"] == [
        {"network": "LinkedIn", "username": "", "url": "https://linkedin.com/in/zoe"}
    ]
    assert load_cv(app, cv_id(path)).content["romeCode"] == "D1106"
    page = text(client.get(f"{path}/coordonnees"))
    assert "Code enregistré : D1106 – Vente en alimentation." in page


def test_items_are_added_edited_reordered_hidden_and_deleted(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    work = section_id(app, path, "work")
    first = add_item(
        client, path, work, position="Vendeuse", name="Boulangerie Ça", startDate="09/2019"
    )
    second = add_item(client, path, work, position="Caissière", startDate="2017", endDate="2019")

    bad = client.post(
        f"{path}/rubriques/{work}/ajouter", data={"startDate": "2020", "endDate": "2019"}
    )
    assert bad.status_code == 422
    assert errors_of(bad) == {
        "position": "Ce champ est obligatoire.",
        "endDate": "La date de fin est avant la date de début.",
    }

    edit = client.post(
        f"{path}/rubriques/{work}/elements/{first}",
        data={
            "position": "Vendeuse conseil",
            "startDate": "sept. 2019",
            "highlights": "Accueil\nCaisse",
        },
    )
    assert edit.status_code == 303
    items = load_cv(app, cv_id(path)).content["sections"][1]["items"]
    assert [i["position"] for i in items] == ["Vendeuse conseil", "Caissière"]
    assert items[0]["startDate"] == "2019-09" and items[0]["highlights"] == ["Accueil", "Caisse"]

    assert (
        client.post(
            f"{path}/rubriques/{work}/elements/{second}/deplacer", data={"sens": "haut"}
        ).status_code
        == 303
    )
    client.post(f"{path}/rubriques/{work}/elements/{first}/visibilite", data={"visible": "0"})
    items = load_cv(app, cv_id(path)).content["sections"][1]["items"]
    assert [(i["position"], i["visible"]) for i in items] == [
        ("Caissière", True),
        ("Vendeuse conseil", False),
    ]
    preview = document_of(client.get(f"{path}/apercu"))
    assert "Caissière" in preview and "Vendeuse conseil" not in preview
    page = text(client.get(f"{path}/rubriques/{work}"))
    assert "Vendeuse conseil" in page and "masqué" in page

    bad_move = client.post(
        f"{path}/rubriques/{work}/elements/{first}/deplacer", data={"sens": "gauche"}
    )
    assert bad_move.status_code == 422 and "« sens »" in text(bad_move)

    assert client.post(f"{path}/rubriques/{work}/elements/{first}/supprimer").status_code == 303
    items = load_cv(app, cv_id(path)).content["sections"][1]["items"]
    assert [i["position"] for i in items] == ["Caissière"]
    assert client.get(f"{path}/rubriques/{work}/elements/{first}").status_code == 404


def test_sections_are_reordered_hidden_renamed_and_custom_ones_added(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    education = section_id(app, path, "education")
    client.post(f"{path}/rubriques/{education}/deplacer", data={"sens": "haut"})
    client.post(f"{path}/rubriques/{education}/deplacer", data={"sens": "haut"})
    client.post(f"{path}/rubriques/{education}/deplacer", data={"sens": "haut"})  # already first
    kinds = [s["kind"] for s in load_cv(app, cv_id(path)).content["sections"]]
    assert kinds[:3] == ["education", "summary", "work"]

    client.post(f"{path}/rubriques/{education}", data={"title": "Diplômes"})
    add_item(client, path, education, studyType="CAP", area="Boulangerie")
    assert "Diplômes" in document_of(client.get(f"{path}/apercu"))
    client.post(f"{path}/rubriques/{education}/visibilite", data={"visible": "0"})
    assert "Diplômes" not in document_of(client.get(f"{path}/apercu"))

    assert client.post(f"{path}/rubriques", data={"title": ""}).status_code == 422
    created = client.post(f"{path}/rubriques", data={"title": "Mobilité"})
    assert created.status_code == 303
    custom = created.headers["Location"].rsplit("/", 1)[-1]
    add_item(client, path, custom, title="Prête à déménager", summary="Toute la région.")
    assert "Mobilité" in document_of(client.get(f"{path}/apercu"))
    refused = client.post(f"{path}/rubriques/{education}/supprimer")
    assert refused.status_code == 409 and "masquez-la" in text(refused)
    assert client.post(f"{path}/rubriques/{custom}/supprimer").status_code == 303
    assert "Mobilité" not in document_of(client.get(f"{path}/apercu"))

    summary = section_id(app, path, "summary")
    client.post(
        f"{path}/rubriques/{summary}", data={"summary": "Vendeuse depuis 10 ans.\n\nMotivée."}
    )
    assert load_cv(app, cv_id(path)).content["basics"]["summary"] == (
        "Vendeuse depuis 10 ans.\n\nMotivée."
    )


def test_every_section_kind_takes_an_item(app, client, accounts):
    from cv_builder.sections import SECTION_KINDS

    accounts.seeker()
    path = create_cv(client)
    values = {
        "work": {"position": "Vendeuse"},
        "education": {"studyType": "CAP"},
        "skills": {"name": "Caisse", "keywords": "Encaissement"},
        "languages": {"language": "Anglais", "level": "B2"},
        "licences": {"category": "C1E", "date": "2015"},
        "certificates": {"name": "SST", "date": "05/2022"},
        "volunteer": {"organization": "Restos du Cœur"},
        "projects": {"name": "Rayon local", "roles": "Cheffe de projet"},
        "interests": {"name": "Randonnée"},
        "awards": {"title": "Prix de l'accueil"},
        "publications": {"name": "Article"},
        "references": {"name": "Jérôme Garçon"},
    }
    for kind, fields in values.items():
        assert SECTION_KINDS[kind].has_items
        add_item(client, path, section_id(app, path, kind), **fields)
    preview = document_of(client.get(f"{path}/apercu"))
    for expected in (
        "Anglais : B2 – avancé",
        "Permis C1E – camion C1 avec remorque (obtenu en 2015)",
        "Restos du Cœur",
        "Jérôme Garçon",
        "mai 2022",
    ):
        assert expected in preview


def test_rename_template_lock_duplicate_and_delete(app, client, accounts):
    accounts.seeker()
    path = create_cv(client, "Master")
    assert client.post(f"{path}/renommer", data={"title": ""}).status_code == 422
    assert client.post(f"{path}/renommer", data={"title": "CV de référence"}).status_code == 303
    bad = client.post(f"{path}/modele", data={"template": "fluo", "paper": "a3"})
    assert bad.status_code == 422
    assert errors_of(bad) == {
        "template": "Choisissez l'un des modèles proposés.",
        "paper": "Choisissez le format A4 ou Lettre US.",
    }
    client.post(f"{path}/modele", data={"template": "moderne", "paper": "letter"})
    cv = load_cv(app, cv_id(path))
    assert (cv.title, cv.template, cv.paper) == ("CV de référence", "moderne", "letter")

    client.post(f"{path}/verrou", data={"locked": "1"})
    work = section_id(app, path, "work")
    for url, data in [
        (f"{path}/renommer", {"title": "Autre"}),
        (f"{path}/modele", {"template": "classique", "paper": "a4"}),
        (f"{path}/coordonnees", {"name": "X"}),
        (f"{path}/rubriques/{work}/ajouter", {"position": "X"}),
        (f"{path}/rubriques/{work}/deplacer", {"sens": "bas"}),
        (f"{path}/rubriques", {"title": "Libre"}),
        (f"{path}/supprimer", {}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 409, url
        assert "Ce CV est verrouillé" in text(response)
    assert load_cv(app, cv_id(path)).title == "CV de référence"
    page = text(client.get(path))
    assert "Ce CV est verrouillé." in page and "Renommer" not in page

    copy = client.post(f"{path}/dupliquer")
    assert copy.status_code == 303
    twin = load_cv(app, cv_id(copy.headers["Location"]))
    assert twin.title == "Copie de CV de référence" and not twin.locked
    assert twin.content == load_cv(app, cv_id(path)).content

    client.post(f"{path}/verrou", data={"locked": "0"})
    assert "Oui, supprimer ce CV" in text(client.get(f"{path}/supprimer"))
    assert client.post(f"{path}/supprimer").status_code == 303
    assert load_cv(app, cv_id(path)) is None
    assert client.get(path).status_code == 404


def test_the_number_of_cvs_is_capped(make_app, accounts_for):
    app = make_app(CV_BUILDER={"MAX_CVS": 2})
    client, accounts = accounts_for(app)
    accounts.seeker()
    path = create_cv(client)
    create_cv(client)
    refused = client.post(f"{BASE}/cv", data={"title": "Trois"})
    assert refused.status_code == 409
    assert errors_of(refused)["title"].startswith("Vous avez déjà 2 CV : c'est le maximum.")
    assert client.post(f"{path}/dupliquer").status_code == 409


def _image(kind: str = "JPEG", size: tuple[int, int] = (300, 400)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    image.save(out, format=kind, exif=exif)
    return out.getvalue()


def test_a_photo_is_reencoded_stored_and_shown_to_its_owner_only(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    response = client.post(
        f"{path}/photo",
        data={"photo": (io.BytesIO(_image()), "moi.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    served = client.get(f"{path}/photo")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.data[:4] == b"RIFF" and b"Appareil secret" not in served.data
    assert served.headers["Cache-Control"] == "private, no-cache"
    assert (
        client.get(f"{path}/photo", headers={"If-None-Match": served.headers["ETag"]}).status_code
        == 304
    )
    assert f'src="/cv-builder/cv/{cv_id(path)}/photo?v=' in client.get(path).get_data(as_text=True)

    svg = client.post(
        f"{path}/photo",
        data={"photo": (io.BytesIO(b"<svg onload='alert(1)'/>"), "x.svg")},
        content_type="multipart/form-data",
    )
    assert svg.status_code == 422
    assert errors_of(svg)["photo"] == "Seules les images PNG, JPEG ou WebP sont acceptées."

    client.post(f"{path}/coordonnees", data={"name": "Zoé"})  # box unticked: photo hidden
    assert "cv-photo" not in client.get(f"{path}/apercu").get_data(as_text=True)
    assert client.post(f"{path}/photo/supprimer").status_code == 303
    assert client.get(f"{path}/photo").status_code == 404


def test_a_photo_over_the_cap_is_refused(make_app, accounts_for):
    app = make_app(CV_BUILDER={"PHOTO_MAX_BYTES": 2000})
    client, accounts = accounts_for(app)
    accounts.seeker()
    path = create_cv(client)
    response = client.post(
        f"{path}/photo",
        data={"photo": (io.BytesIO(_image("PNG", (600, 600))), "grande.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert errors_of(response)["photo"] == "Le fichier dépasse 1 Ko."


def test_live_preview_shows_unsaved_changes_and_saves_nothing(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    work = section_id(app, path, "work")
    before = load_cv(app, cv_id(path)).content
    response = client.post(
        f"{path}/apercu",
        data={"apercu": f"element:{work}:", "position": "Boulangère <b>", "startDate": "2020"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<article class="cv-doc')
    assert "Boulangère &lt;b&gt;" in body and "2020 – aujourd&#39;hui" in body
    identity = client.post(f"{path}/apercu", data={"apercu": "identite", "name": "Nouveau Nom"})
    assert "Nouveau Nom" in identity.get_data(as_text=True)
    assert load_cv(app, cv_id(path)).content == before
    form = client.get(f"{path}/rubriques/{work}/ajouter").get_data(as_text=True)
    assert f'data-cv-preview="/cv-builder/cv/{cv_id(path)}/apercu"' in form
    assert '<script src="/cv-builder/static/preview.js" defer></script>' in form
    assert "<script>" not in form and " onclick=" not in form and ' style="' not in form


@pytest.mark.parametrize("template", ["classique", "moderne", "elegant"])
def test_each_template_renders_the_same_content(app, client, accounts, template):
    from cv_builder.models import CV
    from cv_builder.sample import sample_content
    from emploistore import db

    accounts.seeker()
    path = create_cv(client)
    with app.app_context():
        cv = db.session.get(CV, cv_id(path))
        cv.content, cv.template = sample_content(), template
        db.session.commit()
    page = client.get(f"{path}/apercu").get_data(as_text=True)
    assert f'class="cv-doc cv-template-{template}"' in page
    assert "Françoise Lemaître-Cœurderoy" in page and "Besançon" in page
    assert ("cv-side" in page) == (template == "moderne")
