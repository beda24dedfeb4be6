"""The job search in a real browser: a job seeker finds offers around a city, filters them,
opens one, saves it and saves the search — at a desktop and a phone viewport, with and
without JavaScript; axe-core on the job search pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    VIEWPORT_NAMES,
    axe_violations,
    describe,
    expect,
    register,
    snap,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import NewContext


def search_around_paris(page: Page) -> None:
    page.goto("/services/recherche-d-offres")
    page.get_by_role("button", name="Ouvrir le service").click()
    expect(page).to_have_url(re.compile(r"/job-search/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Offres d'emploi")
    page.get_by_label("Lieu").fill("Paris")
    page.get_by_label("Distance autour").select_option("30")
    page.get_by_role("button", name="Chercher les offres").click()
    expect(page.locator("#resultats")).to_contain_text("à 30 km de Paris (75)")


def count_of(page: Page) -> int:
    text = page.locator("#resultats").inner_text()
    return int(re.sub(r"\D", "", text.split("offre")[0]))


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_seeker_finds_filters_and_saves_offers(new_context: NewContext, viewport: str) -> None:
    page = new_context(viewport).new_page()
    register(page, f"jobs-{viewport}", name="Nadia")
    search_around_paris(page)
    everything = count_of(page)
    assert everything > 0
    page.get_by_label(re.compile(r"^CDI \(")).check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    with_cdi = count_of(page)
    assert 0 < with_cdi < everything
    # The CDI choice keeps its count; the sort reorders by distance.
    expect(page.get_by_label(re.compile(r"^CDI \("))).to_be_checked()
    page.get_by_label("Trier par").select_option("distance")
    expect(page).to_have_url(re.compile(r"sort=distance"))
    distances = [
        float(d.replace(",", "."))
        for d in re.findall(r"à ([\d,]+) km", page.locator(".jobs-list").inner_text())
    ]
    assert distances == sorted(distances)
    snap(page, "jobs-results", viewport)

    first = page.locator(".jobs-offer .card-title a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Où la trouver")).to_be_visible()
    page.get_by_role("button", name="Enregistrer l'offre").click()
    expect(page.locator(".flashes")).to_contain_text("Offre enregistrée")
    page.go_back()
    page.go_back()
    page.get_by_label("Nom de la recherche").fill("CDI autour de Paris")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Recherche enregistrée")
    expect(page.get_by_role("link", name="CDI autour de Paris")).to_be_visible()
    page.get_by_role("link", name="Mes offres enregistrées").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_without_javascript_the_search_still_works(new_context: NewContext) -> None:
    page = new_context("phone", javascript=False).new_page()
    page.goto("/job-search/")
    page.get_by_label("Métier ou mots-clés").fill("vendeuse")
    page.get_by_label("Lieu").fill("69003")
    page.get_by_label("Distance autour").select_option("100")
    page.get_by_role("button", name="Chercher les offres").click()
    expect(page.locator("#resultats")).to_contain_text("à 100 km de Lyon")
    page.get_by_label("Trier par").select_option("date")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"sort=date"))


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_job_search_pages_pass_axe(new_context: NewContext, viewport: str) -> None:
    page = new_context(viewport, bypass_csp=True).new_page()
    register(page, f"jobs-a11y-{viewport}", name="Audit")
    problems: list[str] = []

    def audit(name: str) -> None:
        page.wait_for_load_state()
        snap(page, name, viewport)
        found = axe_violations(page)
        if found:
            problems.append(describe(f"{name} at {viewport}", page.url, found))

    page.goto("/job-search/")
    audit("jobs-search-empty")
    page.goto("/job-search/?q=vendeur&where=Lyon&radius=30&contract=cdi&sort=distance")
    audit("jobs-search-results")
    page.goto("/job-search/?q=xqzwvkj&where=Lyon&radius=5")
    audit("jobs-search-nothing")
    page.goto("/job-search/?radius=7")
    audit("jobs-search-error")
    page.goto("/job-search/")
    page.locator(".jobs-offer .card-title a").first.click()
    page.get_by_role("button", name="Enregistrer l'offre").click()
    audit("jobs-offer")
    page.goto("/job-search/mes-offres")
    audit("jobs-saved-offers")
    page.goto("/job-search/mes-recherches")
    audit("jobs-saved-searches")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
