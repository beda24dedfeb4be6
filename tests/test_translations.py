"""English translation: complete, compiled, and actually served.

The source language (msgids) is French. These tests fail when a string wrapped in the code
or the templates has no English translation, when the shipped .mo was not recompiled after
the .po changed, or when an English visitor gets a French page (including from the cache).
See docs/translations.md for the workflow.
"""

from __future__ import annotations

import html
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "emploistore"
MAPPING = ROOT / "babel.cfg"
TRANSLATIONS = PACKAGE / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"

# The same keywords as the documented `pybabel extract` command (docs/translations.md):
# babel's defaults (_, gettext, ngettext, ...) plus flask_babel's lazy variants.
KEYWORDS: dict[str, Any] = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]")


def _read_mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    # parse_mapping_cfg replaced parse_mapping (now deprecated) in Babel 2.14.
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with MAPPING.open(encoding="utf-8") as fileobj:
        return parse(fileobj)


def extracted_messages() -> dict[str, tuple[str | tuple[str, ...], list[str]]]:
    """What `pybabel extract` finds now: singular msgid → (full msgid, locations)."""
    method_map, options_map = _read_mapping()
    found: dict[str, tuple[str | tuple[str, ...], list[str]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        PACKAGE, method_map, options_map, keywords=KEYWORDS
    ):
        assert context is None, f"{filename}:{lineno}: message contexts are not used here"
        msgid = message if isinstance(message, str) else tuple(message)
        key = msgid if isinstance(msgid, str) else msgid[0]
        previous = found.get(key)
        assert previous is None or previous[0] == msgid, (
            f"{filename}:{lineno}: {key!r} is used with two different plural forms"
        )
        locations = [*(previous[1] if previous else []), f"emploistore/{filename}:{lineno}"]
        found[key] = (msgid, locations)
    return found


def english_catalog() -> Catalog:
    with EN_PO.open("rb") as fileobj:
        return read_po(fileobj, locale="en")


def _describe(msgid: str | tuple[str, ...], locations: list[str]) -> str:
    return f"  {msgid!r}  ({', '.join(locations[:3])})"


def test_extraction_finds_the_wrapped_strings() -> None:
    """Guard the guard: a broken babel.cfg would make the coverage test pass vacuously."""
    found = extracted_messages()
    files = {
        location.split(":")[0] for _msgid, locations in found.values() for location in locations
    }
    assert any(name.endswith(".html") for name in files), "no template was extracted"
    assert any(name.endswith(".py") for name in files), "no Python module was extracted"
    assert "Par thème" in found  # {{ _("...") }} in a template
    assert "Page introuvable" in found  # gettext as _ in Python
    assert "Adresse e-mail" in found  # lazy_gettext as _l in a form
    assert "Au moins %(n)s caractères." in found  # _l("...", n=...) with a keyword argument
    assert "Site web" in found  # lazy_gettext(...) in a module-level dict
    assert found["%(num)s service"][0] == ("%(num)s service", "%(num)s services")  # ngettext


def test_every_extracted_string_has_an_english_translation() -> None:
    catalog = english_catalog()
    problems = []
    for key, (msgid, locations) in sorted(extracted_messages().items()):
        entry = catalog.get(key)
        if entry is None:
            problems.append("missing:" + _describe(msgid, locations))
        elif entry.id != msgid:
            problems.append(
                f"plural forms changed (.po has {entry.id!r}):" + _describe(msgid, locations)
            )
        elif entry.fuzzy:
            problems.append("fuzzy:" + _describe(msgid, locations))
        elif not entry.string or (
            not isinstance(entry.string, str)
            and (len(entry.string) != catalog.num_plurals or not all(entry.string))
        ):
            problems.append("empty:" + _describe(msgid, locations))
    assert not problems, (
        f"{len(problems)} message(s) not translated in {EN_PO.relative_to(ROOT)}; run "
        "`pybabel extract` and `pybabel update` (docs/translations.md), translate, compile:\n"
        + "\n".join(problems)
    )


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def test_translations_keep_their_placeholders() -> None:
    """%(n)s, %(name)s, ... in a msgid must all appear in its translation, and no others."""
    catalog = english_catalog()
    problems = [
        f"  {message.id!r}: {'; '.join(str(error) for error in errors)}"
        for message, errors in catalog.check()
    ]
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            if _placeholders(text) != expected:
                problems.append(f"  {message.id!r}: {text!r} should use {sorted(expected)}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_english_catalog_is_well_formed() -> None:
    catalog = english_catalog()
    assert not catalog.fuzzy, "the .po header is marked fuzzy: pybabel compile would skip it"
    assert catalog.num_plurals == 2
    assert "plural=(n != 1)" in catalog.plural_forms


def _key(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """A message id or string as a dict key: plural forms come as a list."""
    return text if isinstance(text, str) else tuple(text)


def test_shipped_mo_is_compiled_from_the_current_po() -> None:
    assert EN_MO.is_file(), "compile with: pybabel compile -d emploistore/translations"
    compiled = BytesIO()
    write_mo(compiled, english_catalog())
    shipped = EN_MO.read_bytes()
    if compiled.getvalue() == shipped:
        return
    # Another Babel version may lay the file out differently: then compare the contents.
    expected = read_mo(BytesIO(compiled.getvalue()))
    actual = read_mo(BytesIO(shipped))
    expected_strings = {_key(m.id): _key(m.string) for m in expected if m.id}
    actual_strings = {_key(m.id): _key(m.string) for m in actual if m.id}
    stale = sorted(
        str(msgid)
        for msgid in expected_strings.keys() | actual_strings.keys()
        if expected_strings.get(msgid) != actual_strings.get(msgid)
    )
    assert not stale and expected.plural_forms == actual.plural_forms, (
        f"{EN_MO.relative_to(ROOT)} is out of date; run "
        "`pybabel compile -d emploistore/translations`. Differing messages:\n  "
        + "\n  ".join(stale[:20])
    )


def test_babel_reads_the_package_translations_folder(app) -> None:
    from flask_babel import get_babel

    directories = [Path(d).resolve() for d in get_babel(app).translation_directories]
    assert TRANSLATIONS.resolve() in directories


# --- Through HTTP -------------------------------------------------------------------------


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def choose(client, lang: str, headers: dict[str, str] | None = None, next_url: str = "/"):
    return client.post(
        "/langue", data={"lang": lang, "next": next_url}, headers=headers or SAME_ORIGIN
    )


def test_home_page_is_french_by_default(client) -> None:
    text = page(client.get("/"))
    assert '<html lang="fr">' in text
    assert "Par thème" in text
    assert "Browse by topic" not in text


def test_choosing_english_translates_the_pages(client) -> None:
    response = choose(client, "en")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    text = page(client.get("/"))
    assert '<html lang="en">' in text
    assert "Browse by topic" in text
    assert "Par thème" not in text
    assert "Emploi Store: a free public service, open to everyone." in text
    assert '<option value="en" selected lang="en">English</option>' in text


def test_lazy_and_plural_strings_are_translated(client) -> None:
    choose(client, "en")
    login = page(client.get("/compte/connexion"))
    assert "Email address" in login  # lazy_gettext label of a WTForms field
    assert "Adresse e-mail" not in login
    results = page(client.get("/recherche?q=metier"))
    assert '<html lang="en">' in results
    assert " found</h2>" in results  # ngettext("%(num)s service trouvé", ...)
    assert "trouvé" not in results


def test_choosing_french_again_switches_back(client) -> None:
    choose(client, "en")
    choose(client, "fr")
    text = page(client.get("/"))
    assert '<html lang="fr">' in text
    assert "Par thème" in text


@pytest.mark.parametrize("lang", ["de", "", "EN", "en-GB", "../en"])
def test_unknown_language_keeps_french(client, lang: str) -> None:
    assert choose(client, lang).status_code == 303
    text = page(client.get("/"))
    assert '<html lang="fr">' in text
    assert "Par thème" in text


def test_another_site_cannot_switch_the_language(client) -> None:
    choose(client, "en", headers={"Sec-Fetch-Site": "cross-site"})
    assert '<html lang="fr">' in page(client.get("/"))


def test_error_pages_are_translated(client) -> None:
    french = client.get("/cette-page-n-existe-pas")
    assert french.status_code == 404
    assert "Page introuvable" in page(french)
    choose(client, "en")
    english = client.get("/cette-page-n-existe-pas")
    assert english.status_code == 404
    text = page(english)
    assert '<html lang="en">' in text
    assert "Page not found" in text
    assert "This page does not exist or has been removed." in text
    assert "Back to the home page" in text
    assert "Page introuvable" not in text


def test_page_cache_never_serves_french_to_an_english_visitor(app) -> None:
    from emploistore.web.page_cache import EXTENSION_KEY

    cache = app.extensions[EXTENSION_KEY]
    anonymous = app.test_client()
    assert "Par thème" in page(anonymous.get("/"))
    with app.app_context():
        assert cache.get("/?") is not None, "the anonymous home page should now be cached"

    english = app.test_client()
    choose(english, "en")
    text = page(english.get("/"))
    assert '<html lang="en">' in text
    assert "Browse by topic" in text

    # ...and the English page was not stored for the next anonymous visitor.
    newcomer = page(app.test_client().get("/"))
    assert '<html lang="fr">' in newcomer
    assert "Par thème" in newcomer
