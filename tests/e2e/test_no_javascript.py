"""The core paths with JavaScript turned off: every page and form works without it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import PASSWORD, VIEWPORT_NAMES, expect, register, snap

if TYPE_CHECKING:
    from tests.e2e.conftest import NewContext

SERVICE = "Simulateur d’entretien"  # built in: its launch stays on the store


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_browse_search_log_in_keep_review_and_answer_without_javascript(
    new_context: NewContext, viewport: str
) -> None:
    page = new_context(viewport, javascript=False).new_page()
    email = register(page, f"nojs-{viewport}", name=f"Sans JS {viewport}")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    # Browse: a theme, a sub-theme, a filter.
    page.locator(".themes").get_by_role("link", name="Préparer sa candidature", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparer sa candidature")
    page.get_by_role("navigation", name="Sous-thèmes").get_by_role("link").nth(1).click()
    expect(page.locator("#resultats")).to_have_text(re.compile(r"^\d+ services?$"))
    page.get_by_label("Prix").select_option("1")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"gratuit=1"))

    # Search.
    box = page.get_by_role("searchbox", name="Rechercher un service")
    box.fill("simulateur entretien")
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Résultats pour « simulateur entretien »"
    )
    page.locator(".card-title").get_by_role("link", name=SERVICE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    service_url = page.url

    # Log in from the service page, and come back to it.
    page.get_by_role("link", name="Connectez-vous").click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(service_url)

    # Favourite.
    page.get_by_role("button", name="Ajouter à mes services").click()
    expect(page.locator(".flashes")).to_have_text("Ajouté à « Mes services ».")
    expect(page.get_by_role("button", name="Retirer de mes services")).to_be_visible()

    # Launch (it opens the simulator), then review.
    page.get_by_role("button", name="Ouvrir le service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulateur d'entretien")
    page.goto(service_url)
    page.get_by_role("link", name="Donner mon avis").click()
    page.get_by_label("5 étoiles").check()
    text = f"Utile même sans JavaScript, sur {viewport}."
    page.get_by_label("Votre avis (facultatif)").fill(text)
    page.get_by_role("button", name="Publier mon avis").click()
    expect(page.locator(".flashes")).to_have_text("Merci, votre avis est publié.")
    expect(page.locator(".review").filter(has_text=text)).to_contain_text("5 sur 5")

    # One step of an interview.
    page.goto("/interview-sim/")
    page.get_by_label(re.compile(r"^Entretien court")).check()
    page.get_by_role("button", name="Commencer").click()
    progress = page.locator("main > p.hint").first
    expect(progress).to_contain_text("Étape 1 sur")
    if page.locator("input[name=option]").count():
        page.locator("input[name=option]").first.check()
        page.get_by_role("button", name="Valider ma réponse").click()
        expect(progress).to_contain_text("Étape 2 sur")
        expect(page.get_by_role("complementary")).to_contain_text("Retour sur votre réponse")
    else:
        page.get_by_label("Votre réponse", exact=True).fill("Je suis vendeuse depuis trois ans.")
        page.get_by_role("button", name="Voir la réponse modèle").click()
        expect(page.get_by_role("heading", name="Comparez avec une réponse modèle")).to_be_visible()
        expect(page.get_by_text("Je suis vendeuse depuis trois ans.")).to_be_visible()
    snap(page, "nojs-interview-step", viewport)
