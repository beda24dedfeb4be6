"""The CV builder in a real browser: a job seeker builds, previews, downloads and shares a CV,
at a desktop and at a phone viewport, with and without JavaScript; axe-core on its pages."""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    VIEWPORT_NAMES,
    axe_violations,
    describe,
    expect,
    open_context,
    register,
    snap,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import NewContext, Store

NAME = "Zoé Lefèvre-Cœur"


def watch_csp(page: Page) -> list[str]:
    """Console messages about the Content Security Policy (there must be none)."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def open_builder_and_create(page: Page, title: str) -> None:
    page.goto("/services/createur-de-cv")
    page.get_by_role("button", name="Ouvrir le service").click()
    expect(page).to_have_url(re.compile(r"/cv-builder/$"))
    page.get_by_label("Nom du nouveau CV").fill(title)
    page.get_by_role("button", name="Créer le CV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def add_experience(page: Page, position: str, employer: str, start: str) -> None:
    page.get_by_role("link", name="Ajouter une expérience").click()
    page.get_by_label("Poste occupé").fill(position)
    page.get_by_label("Employeur", exact=True).fill(employer)
    page.get_by_label("Date de début").fill(start)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flashes")).to_contain_text(f"« {position} – {employer} » enregistré.")


def pdf_text(data: bytes) -> str:
    import pypdf

    return " ".join(
        " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split()
    )


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_seeker_builds_previews_and_downloads_a_cv(
    new_context: NewContext, viewport: str
) -> None:
    page = new_context(viewport).new_page()
    csp = watch_csp(page)
    register(page, f"cv-{viewport}", name=f"Zoé {viewport}")
    open_builder_and_create(page, "CV boulangerie")

    page.get_by_role("link", name=re.compile("identité, les coordonnées")).click()
    page.get_by_label("Prénom et nom").fill(NAME)
    page.get_by_label("Poste recherché").fill("Vendeuse en boulangerie")
    # With JavaScript, the preview follows the typing before anything is saved.
    preview = page.locator("#cv-apercu")
    expect(preview.locator(".cv-name")).to_have_text(NAME)
    expect(preview.locator(".cv-headline")).to_have_text("Vendeuse en boulangerie")
    expect(page.locator("#apercu-etat")).to_contain_text("pas encore enregistré")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flashes")).to_have_text("Identité et coordonnées enregistrées.")

    page.get_by_role("link", name="Expériences professionnelles", exact=True).click()
    page.get_by_role("link", name="Ajouter une expérience").click()
    page.get_by_label("Poste occupé").fill("Vendeuse")
    page.get_by_label("Employeur", exact=True).fill("Boulangerie Ça")
    page.get_by_label("Date de début").fill("09/2019")
    expect(preview).to_contain_text("Vendeuse – Boulangerie Ça")
    expect(preview).to_contain_text("sept. 2019 – aujourd'hui")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flashes")).to_contain_text("enregistré")
    snap(page, "cv-section", viewport)

    page.get_by_role("link", name="Revenir au CV").click()
    expect(page.locator("#cv-apercu")).to_contain_text(NAME)
    snap(page, "cv-editor", viewport)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").first.click()
    pdf = download.value
    assert pdf.suggested_filename == "cv-zoe-lefevre-coeur.pdf"
    text = pdf_text(pdf.path().read_bytes())
    assert NAME in text and "Boulangerie Ça" in text and "sept. 2019" in text
    assert csp == [], csp


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_without_javascript_every_action_is_a_form(
    new_context: NewContext, viewport: str, tmp_path
) -> None:
    page = new_context(viewport, javascript=False).new_page()
    register(page, f"cv-nojs-{viewport}", name="Sans JS")
    open_builder_and_create(page, "CV sans JS")

    page.get_by_role("link", name="Expériences professionnelles", exact=True).click()
    add_experience(page, "Caissière", "Hyper U", "2015")
    add_experience(page, "Vendeuse", "Boulangerie Ça", "2019")
    # The form refuses a wrong date and says why, next to the field.
    page.get_by_role("link", name="Ajouter une expérience").click()
    page.get_by_label("Poste occupé").fill("Stage")
    page.get_by_label("Date de début").fill("13/2020")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Date de début : Mois invalide")
    expect(page.get_by_label("Date de début")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("link", name="Annuler").click()

    # Reorder with the buttons: the second experience goes first.
    page.get_by_role("button", name="Monter « Vendeuse – Boulangerie Ça »").click()
    titles = page.locator(".cv-doc .cv-item-title")
    expect(titles.nth(0)).to_contain_text("Vendeuse")
    expect(titles.nth(1)).to_contain_text("Caissière")
    page.get_by_role("button", name="Masquer « Caissière – Hyper U »").click()
    expect(page.locator(".cv-doc")).not_to_contain_text("Caissière")

    page.get_by_role("link", name="Revenir au CV").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger au format JSON Resume").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert [item["position"] for item in exported["work"]] == ["Vendeuse", "Caissière"]
    saved = tmp_path / "cv.json"
    saved.write_text(json.dumps(exported), encoding="utf-8")

    # Import it back: a new CV, identical.
    page.get_by_role("link", name="Mes CV").click()
    page.get_by_label("Fichier JSON Resume").set_input_files(str(saved))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator(".flashes")).to_contain_text("Votre CV est importé.")
    expect(page.get_by_role("heading", level=1)).to_have_text("CV sans JS")
    expect(page.locator(".cv-doc .cv-item-title").first).to_contain_text("Vendeuse")
    snap(page, "cv-imported-nojs", viewport)


def test_a_share_link_shows_the_cv_and_can_be_cut(new_context: NewContext) -> None:
    owner = new_context("phone").new_page()
    register(owner, "cv-share", name="Partage")
    open_builder_and_create(owner, "CV partagé")
    owner.get_by_role("link", name=re.compile("identité, les coordonnées")).click()
    owner.get_by_label("Prénom et nom").fill(NAME)
    owner.get_by_role("button", name="Enregistrer").click()
    owner.get_by_role("link", name="Gérer les liens de partage").click()
    owner.get_by_label("Durée de validité").select_option(label="1 semaine")
    owner.get_by_role("button", name="Créer un lien de partage").click()
    link = owner.get_by_label("Lien de partage").input_value()

    recruiter = new_context("desktop").new_page()
    recruiter.goto(link)
    expect(recruiter.locator(".cv-doc .cv-name")).to_have_text(NAME)
    snap(recruiter, "cv-shared", "desktop")

    owner.reload()  # the link was shown once: the list is read again
    expect(owner.get_by_label("Lien de partage")).to_have_count(0)
    expect(owner.locator("tbody tr").first).to_contain_text("1")
    owner.get_by_role("button", name=re.compile("^Couper")).click()
    expect(owner.locator(".flashes")).to_contain_text("Le lien est coupé")
    response = recruiter.goto(link)
    assert response is not None and response.status == 404
    expect(recruiter.get_by_role("heading", level=1)).to_have_text(
        "Ce lien de partage ne fonctionne pas"
    )


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_cv_builder_pages_have_no_serious_accessibility_violation(
    browser: Browser, store: Store, viewport: str
) -> None:
    # bypass_csp: axe.min.js goes in as an inline script (see helpers.axe_violations).
    context = open_context(browser, store.url, viewport, bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str) -> None:
        page.wait_for_load_state()
        snap(page, name, viewport)
        found = axe_violations(page)
        if found:
            problems.append(describe(f"{name} at {viewport}", page.url, found))

    try:
        register(page, f"cv-a11y-{viewport}", name="Audit CV")
        page.goto("/cv-builder/")
        check("cv-index-empty")
        page.get_by_label("Nom du nouveau CV").fill("CV audit")
        page.get_by_role("button", name="Créer le CV").click()
        check("cv-editor")
        page.get_by_role("link", name=re.compile("identité, les coordonnées")).click()
        page.get_by_label("Prénom et nom").fill("")
        page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("alert").first).to_contain_text("Le formulaire contient")
        check("cv-identity-errors")
        page.goto(page.url.replace("/coordonnees", ""))
        page.get_by_role("link", name="Langues", exact=True).click()
        page.get_by_role("link", name="Ajouter une langue").click()
        check("cv-item-form")
        page.get_by_label("Langue", exact=False).first.fill("Anglais")
        page.get_by_role("button", name="Enregistrer").click()
        check("cv-section")
        page.get_by_role("link", name="Revenir au CV").click()
        page.get_by_role("link", name="Gérer les liens de partage").click()
        page.get_by_role("button", name="Créer un lien de partage").click()
        check("cv-shares")
        page.goto(page.get_by_label("Lien de partage").input_value())
        check("cv-shared")
        page.goto("/cv-builder/codes-rome?q=vente")
        check("cv-rome")
        page.goto("/cv-builder/")
        check("cv-index")
    finally:
        context.close()
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
