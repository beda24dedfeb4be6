"""Dates, text cleaning, web addresses and ROME codes: the checks behind forms and imports."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from cv_builder import dates, rome
from cv_builder.forms import read_basics, read_item
from cv_builder.schemas import check_url, clean_text, item_schema


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2021", "2021"),
        ("2021-09", "2021-09"),
        ("2021-09-15", "2021-09-15"),
        ("09/2021", "2021-09"),
        ("9/2021", "2021-09"),
        ("15/09/2021", "2021-09-15"),
        ("sept. 2021", "2021-09"),
        ("Septembre 2021", "2021-09"),
        ("1er août 2020", "2020-08-01"),
        ("février 2019", "2019-02"),
        ("2021-09-15T08:00:00Z", "2021-09-15"),
        ("  ", ""),
    ],
)
def test_dates_are_read_the_french_way_and_stored_as_iso(typed, stored):
    assert dates.parse_date(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("13/2021", "Mois invalide"),
        ("31/02/2021", "Jour invalide"),
        ("1850", "Année invalide"),
        ("hier", "Date invalide"),
        ("2021/09", "Date invalide"),
    ],
)
def test_wrong_dates_are_refused_with_a_french_message(typed, message):
    with pytest.raises(ValueError, match=message):
        dates.parse_date(typed)


def test_dates_print_as_months_and_spans():
    assert dates.format_date("2021-09-15") == "sept. 2021"
    assert dates.format_span("2019-09", "2021-03") == "sept. 2019 – mars 2021"
    assert dates.format_span("2019-09", "") == "sept. 2019 – aujourd'hui"
    assert dates.format_span("2019", "", "") == "2019"
    assert dates.before("2018", "2019-05") and not dates.before("2019", "2019-05")


def test_text_is_cleaned_of_control_characters_and_extra_spaces():
    assert clean_text("  Vendeuse\x00 \t en\u200b  boulangerie \x07", False) == (
        "Vendeuse en boulangerie"
    )
    assert clean_text("Ligne 1\r\n\r\n\r\n\r\nLigne  2 ", True) == "Ligne 1\n\nLigne 2"
    assert clean_text("œuvre, été, garçon", False) == "œuvre, été, garçon"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org",
        "https://",
        "https://exa mple.org",
        "//example.org",
    ],
)
def test_only_http_addresses_are_accepted(url):
    with pytest.raises(ValueError, match="Adresse web invalide"):
        check_url(url)


def test_a_bare_domain_gets_https():
    assert check_url("www.exemple.fr/portfolio") == "https://www.exemple.fr/portfolio"
    assert check_url("http://exemple.fr") == "http://exemple.fr"


def test_rome_codes_are_checked_against_the_reference():
    assert rome.check_code(" d1106 ") == "D1106"
    assert rome.rome_labels()["D1106"] == "Vente en alimentation"
    with pytest.raises(ValueError, match="une lettre puis 4 chiffres"):
        rome.check_code("D11")
    with pytest.raises(ValueError, match="n'existe pas"):
        rome.check_code("Z9999")
    assert ("D1106", "Vente en alimentation") in rome.search("vente alimentation")
    assert rome.search("ALIMENTATION vente") == rome.search("alimentation vente")


def test_rome_file_is_rebuilt_from_the_published_one(tmp_path):
    source = tmp_path / "rome_labels.csv"
    source.write_text(
        "rome_id|rome_label\nD1106|Vente  en alimentation\nbad|x\nA1101|Conduite\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    assert rome.rebuild(source, target) == 2
    assert target.read_text(encoding="utf-8") == (
        "rome_id|rome_label\nA1101|Conduite\nD1106|Vente en alimentation\n"
    )


def test_item_form_names_each_wrong_field():
    result = read_item(
        "work",
        {
            "position": "",
            "startDate": "2020",
            "endDate": "2019",
            "url": "javascript:alert(1)",
            "summary": "x" * 2001,
        },
    )
    assert not result.ok
    assert result.errors["position"] == "Ce champ est obligatoire."
    assert result.errors["endDate"] == "La date de fin est avant la date de début."
    assert result.errors["url"].startswith("Adresse web invalide")
    assert result.errors["summary"] == "Trop long : 2000 caractères au plus (2001 saisis)."


def test_item_form_reads_lines_and_choices():
    result = read_item("languages", {"language": "Anglais", "level": "C1", "fluency": ""})
    assert result.data == {"language": "Anglais", "level": "C1", "fluency": ""}
    bad = read_item("languages", {"language": "Anglais", "level": "D4"})
    assert "Valeurs possibles : A1, A2, B1, B2, C1, C2, native" in bad.errors["level"]
    lines = read_item("skills", {"name": "Caisse", "keywords": "a\n\n b \r\nc"})
    assert lines.data["keywords"] == ["a", "b", "c"]  # type: ignore[index]
    too_long = read_item("skills", {"name": "Caisse", "keywords": "ok\n" + "y" * 201})
    assert (
        too_long.errors["keywords"] == "Ligne 2 : Trop long : 200 caractères au plus (201 saisis)."
    )


def test_identity_form_places_errors_on_their_inputs():
    result = read_basics(
        {
            "name": "",
            "email": "pas-une-adresse",
            "romeCode": "12345",
            "location-countryCode": "France",
            "profiles-0-network": "LinkedIn",
            "profiles-2-url": "javascript:x",
        }
    )
    assert result.errors == {
        "name": "Ce champ est obligatoire.",
        "email": "Adresse e-mail invalide, par exemple : prenom.nom@exemple.fr.",
        "romeCode": "Code ROME invalide : une lettre puis 4 chiffres, par exemple D1106.",
        "location-countryCode": "Deux lettres, par exemple FR.",
        "profiles-2-url": result.errors["profiles-2-url"],
    }
    assert result.errors["profiles-2-url"].startswith("Adresse web invalide")


def test_import_schema_refuses_wrong_types_without_requiring_fields():
    schema = item_schema("work", form=False, standard_only=True)
    assert schema.load({})["position"] == ""
    with pytest.raises(ValidationError) as error:
        schema.load({"position": ["a"], "highlights": "pas une liste", "startDate": True})
    assert error.value.messages == {
        "position": ["Du texte est attendu ici."],
        "highlights": ["Une liste est attendue ici (entre crochets [ ])."],
        "startDate": ["Du texte est attendu ici."],
    }
