"""Keyboard use: the skip link, tabbing through a form without a trap, visible focus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.helpers import VIEWPORT_NAMES, VIEWPORTS, expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import NewContext

# What is focused, and whether it shows it: an outline or a box shadow that is not none.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    top: box.top, bottom: box.bottom, left: box.left, right: box.right,
    inMain: !!el.closest('main'),
    inFooter: !!el.closest('footer'),
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    found = page.evaluate(FOCUSED)
    assert found is not None, "nothing has the focus"
    return found


def assert_focus_visible(element: dict[str, Any]) -> None:
    assert element["outline"] or element["shadow"], f"no visible focus indicator: {element}"


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_skip_link_comes_first_shows_and_moves_focus_to_main(
    new_context: NewContext, viewport: str
) -> None:
    page = new_context(viewport).new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Aller au contenu", first
    assert_focus_visible(first)
    size = VIEWPORTS[viewport]
    assert first["top"] >= 0 and first["bottom"] <= size["height"], f"off screen: {first}"
    assert first["left"] >= 0 and first["right"] <= size["width"], f"off screen: {first}"
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#contenu")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")  # and the next stop is inside the content, past the header
    after = focused(page)
    assert after["inMain"], after
    assert_focus_visible(after)


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_tabbing_through_the_registration_form_reaches_everything(
    new_context: NewContext, viewport: str
) -> None:
    page = new_context(viewport).new_page()
    page.goto("/compte/inscription")
    stops: list[dict[str, Any]] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        element = focused(page)
        assert_focus_visible(element)
        stops.append(element)
        if element["inFooter"] and element["tag"] == "button":
            break  # the last control of the page: focus went through the whole form
    else:
        names = [stop["id"] or stop["text"] for stop in stops]
        pytest.fail(f"focus never reached the footer, trapped? {names}")

    names = [stop["id"] or stop["text"] for stop in stops]
    wanted = ["email", "display_name", "password", "Créer mon compte"]
    positions = [names.index(name) for name in wanted if name in names]
    assert len(positions) == len(wanted), f"missing from the tab order: {wanted} in {names}"
    assert positions == sorted(positions), f"out of order: {names}"
    after_form = names[positions[-1] + 1 :]
    assert "Se connecter" in after_form, f"focus did not leave the form: {names}"
