"""The places and job titles reference (job_search.referential) and its data files."""

from __future__ import annotations

import importlib.util
import statistics
from pathlib import Path
from types import ModuleType

import pytest

from job_search import referential
from job_search.referential import (
    Commune,
    JobTitle,
    commune,
    communes,
    communes_within,
    complete_job,
    complete_place,
    departements,
    distance_km,
    fold,
    job_titles,
    locate,
    resolve_place,
    rome_labels,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_job_search_data.py"
DATA_FILES = ("communes.tsv", "departements.tsv", "rome.tsv", "job_titles.tsv")
WHOLE_CITIES = {  # code: (name, arrondissement code prefix, number of arrondissements)
    "75056": ("Paris", "751", 20),
    "69123": ("Lyon", "6938", 9),
    "13055": ("Marseille", "132", 16),
}


def _code(found: Commune | None) -> str | None:
    return None if found is None else found.code


# --- Data files ---------------------------------------------------------------------------------


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_job_search_data", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_data_files_are_what_the_build_script_writes(tmp_path: Path) -> None:
    build = _build_module()
    source = build.REPO_ROOT / build.DEFAULT_SOURCE
    if not (source / "laposte_hexasmal.csv").is_file():
        pytest.skip(f"the published open data is not in {source}: nothing to rebuild from")
    assert build.main(["--source", str(source.resolve()), "--output", str(tmp_path)]) == 0
    for name in DATA_FILES:
        rebuilt = (tmp_path / name).read_bytes()
        committed = (referential.DATA_DIR / name).read_bytes()
        assert rebuilt == committed, (
            f"{name} is out of date: run python3 scripts/build_job_search_data.py"
        )


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("ROUGEMONT LE CHATEAU", "Rougemont le Chateau"),
        ("ST ETIENNE", "Saint-Etienne"),
        ("STE FOY LES LYON", "Sainte-Foy les Lyon"),
        ("L ABERGEMENT DE VAREY", "L'Abergement de Varey"),
        ("PONT D AIN", "Pont d'Ain"),
        ("ANGLES SUR L ANGLIN", "Angles sur l'Anglin"),
        ("D HUISON LONGUEVILLE", "D'Huison Longueville"),
        ("PLOULEC H", "Ploulec'h"),
        ("ST M HERVE", "Saint-M'Herve"),
        ("CASTELNAU LE LEZ", "Castelnau le Lez"),
        ("VILLY LEZ FALAISE", "Villy lez Falaise"),
        ("LE MANS", "Le Mans"),
        ("PARIS 01", "Paris 1er Arrondissement"),
        ("PARIS 03", "Paris 3e Arrondissement"),
        ("MARSEILLE 16", "Marseille 16e Arrondissement"),
    ],
)
def test_the_build_writes_la_poste_names_for_people(published: str, expected: str) -> None:
    assert _build_module().display_name(published) == expected


def test_names_are_as_published_without_accents_and_fold_plainly() -> None:
    # The loader relies on it to compute the names' keys fast.
    for item in communes().values():
        assert item.name.isascii(), item
        plain = item.name.lower().replace("-", " ").replace("'", " ")
        assert fold(item.name) == plain, item
        assert not {"st", "ste"} & set(plain.split()), item


def test_communes_have_coordinates_postal_codes_and_a_departement() -> None:
    table = communes()
    assert len(table) > 35_000
    assert list(table) == sorted(table)
    known_departements = set(departements())
    for code, item in table.items():
        assert item.code == code
        assert -90 <= item.latitude <= 90 and -180 <= item.longitude <= 180
        assert item.postal_codes and all(len(postal) == 5 for postal in item.postal_codes)
        assert item.departement in known_departements, item
    assert commune("76095") is None  # Bihorel: no coordinates in the La Poste base


# --- Paris, Lyon, Marseille ---------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(WHOLE_CITIES))
def test_whole_cities_sit_at_the_mean_of_their_arrondissements(code: str) -> None:
    name, prefix, count = WHOLE_CITIES[code]
    city = commune(code)
    assert city is not None
    assert (city.name, city.label) == (name, f"{name} ({code[:2]})")
    parts = [item for item in communes().values() if item.code.startswith(prefix)]
    assert len(parts) == count
    assert set(city.postal_codes) == {postal for part in parts for postal in part.postal_codes}
    assert city.latitude == pytest.approx(statistics.fmean(p.latitude for p in parts), abs=1e-5)
    assert city.longitude == pytest.approx(statistics.fmean(p.longitude for p in parts), abs=1e-5)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Paris", "75056"),
        ("paris", "75056"),
        ("Paris (75)", "75056"),
        ("lyon", "69123"),
        ("LYON", "69123"),
        ("Lyon (69)", "69123"),
        ("Marseille", "13055"),
    ],
)
def test_big_city_names_resolve_to_the_whole_city(text: str, code: str) -> None:
    assert _code(resolve_place(text)) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Paris 3e Arrondissement (75)", "75103"),
        ("Paris 3e", "75103"),
        ("PARIS 03", "75103"),
        ("paris 1er", "75101"),
        ("Lyon 9eme", "69389"),
    ],
)
def test_arrondissements_resolve_by_name(text: str, code: str) -> None:
    assert _code(resolve_place(text)) == code


# --- resolve_place ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postal_code", "code"),
    [
        ("69003", "69383"),  # the arrondissement, not the whole of Lyon
        ("75001", "75101"),
        ("75116", "75116"),
        ("13001", "13201"),
        ("42100", "42218"),  # Saint-Etienne has three postal codes
        ("01000", "01053"),  # Bourg-en-Bresse (préfecture) and Saint-Denis-lès-Bourg share it
        ("69 003", "69383"),
    ],
)
def test_postal_codes_resolve_to_their_commune(postal_code: str, code: str) -> None:
    assert _code(resolve_place(postal_code)) == code


def test_insee_codes_resolve() -> None:
    assert _code(resolve_place("2A004")) == "2A004"  # Ajaccio
    assert _code(resolve_place("75056")) == "75056"
    assert _code(resolve_place("42218")) == "42218"


@pytest.mark.parametrize(
    "text",
    ["saint etienne", "Saint-Étienne", "ST ETIENNE", "st-etienne", "SAINT ETIENNE", "St Étienne"],
)
def test_names_resolve_whatever_their_case_accents_and_abbreviations(text: str) -> None:
    found = resolve_place(text)
    assert found is not None
    assert (found.code, found.name, found.label) == ("42218", "Saint-Etienne", "Saint-Etienne (42)")


def test_labels_round_trip() -> None:
    for code in ("42218", "93066", "01304", "2A004", "97411", "75103"):
        item = commune(code)
        assert item is not None
        assert resolve_place(item.label) == item


def test_an_ambiguous_name_gives_the_prefecture_unless_the_departement_says_otherwise() -> None:
    assert _code(resolve_place("Saint-Denis")) == "97411"  # préfecture of La Réunion
    assert _code(resolve_place("Saint-Denis (93)")) == "93066"
    assert _code(resolve_place("Saint-Denis (11)")) == "11339"


def test_other_la_poste_names_resolve_when_no_commune_bears_them() -> None:
    assert _code(resolve_place("Robinson")) == "92060"  # a locality of Le Plessis-Robinson


@pytest.mark.parametrize(
    "text", ["", "   ", "Atlantide", "00000", "99999", "Lyon (13)", "()", "75000000", "!!"]
)
def test_unknown_places_resolve_to_none(text: str) -> None:
    assert resolve_place(text) is None


# --- complete_place -----------------------------------------------------------------------------


def test_place_completion_puts_the_exact_name_first() -> None:
    assert complete_place("lyon")[0].code == "69123"
    assert complete_place("Paris")[0].code == "75056"
    assert complete_place("sai")[0].name == "Sai"  # exact, before every Saint-…


def test_place_completion_ranks_prefectures_then_shorter_names() -> None:
    found = complete_place("saint e", limit=5)
    assert found[0].code == "42218"  # Saint-Etienne, préfecture of the Loire
    lengths = [len(item.name) for item in found[1:]]
    assert lengths == sorted(lengths)
    assert complete_place("marse")[0].code == "13055"
    assert {item.name for item in complete_place("mars", limit=3)} == {"Mars"}  # exact names


def test_place_completion_reads_st_as_saint() -> None:
    found = complete_place("st ", limit=20)
    assert len(found) == 20
    assert all(item.name.startswith("Saint-") for item in found)
    assert complete_place("st etien")[0].code == "42218"
    assert complete_place("Saint-Étien")[0].code == "42218"
    assert complete_place("ste foy", limit=3)[0].name.startswith("Sainte-Foy")


def test_place_completion_by_postal_code_prefix() -> None:
    found = complete_place("6900", limit=20)
    assert {item.code for item in found} >= {"69123", "69381", "69389"}
    assert all(any(p.startswith("6900") for p in item.postal_codes) for item in found)
    assert complete_place("69003")[0].code == "69383"
    assert len({item.code for item in complete_place("750", limit=30)}) == 21


def test_place_completion_keeps_the_departement_of_a_label() -> None:
    found = complete_place("Saint-Denis (93)")
    assert [item.code for item in found] == ["93066"]


def test_place_completion_respects_the_limit_and_ignores_nonsense() -> None:
    assert len(complete_place("s", limit=3)) == 3
    assert len(complete_place("a")) == 8
    assert complete_place("s", limit=0) == []
    for text in ("", " ", "qqqq", "123456", "'-", "日本"):
        assert complete_place(text) == []


# --- communes_within and distance_km ------------------------------------------------------------


def test_paris_lyon_distance() -> None:
    paris, lyon = commune("75056"), commune("69123")
    assert paris is not None and lyon is not None
    assert distance_km(paris.latitude, paris.longitude, lyon.latitude, lyon.longitude) == (
        pytest.approx(392, abs=5)
    )
    assert distance_km(45.0, 4.0, 45.0, 4.0) == 0.0
    assert distance_km(45.0, 4.0, 46.0, 5.0) == pytest.approx(distance_km(46.0, 5.0, 45.0, 4.0))


@pytest.mark.parametrize("code", ["75056", "69123", "42218", "29019", "2A004", "97411"])
def test_communes_within_grows_with_the_radius(code: str) -> None:
    previous: set[str] = set()
    for radius in (5, 10, 20, 30, 50, 100):
        found = communes_within(code, radius)
        assert found[0] == (code, 0.0)
        codes = [other for other, _distance in found]
        assert len(codes) == len(set(codes))
        distances = [distance for _other, distance in found]
        assert distances == sorted(distances)
        assert previous <= set(codes), radius
        previous = set(codes)


def test_communes_within_gives_haversine_distances_within_the_radius() -> None:
    centre = commune("42218")
    assert centre is not None
    found = communes_within("42218", 30)
    assert len(found) > 50
    for code, distance in found:
        other = commune(code)
        assert other is not None
        exact = distance_km(centre.latitude, centre.longitude, other.latitude, other.longitude)
        assert exact <= 30
        assert distance == pytest.approx(exact, abs=0.051)
    everything = {
        code
        for code, item in communes().items()
        if distance_km(centre.latitude, centre.longitude, item.latitude, item.longitude) <= 30
    }
    assert {code for code, _distance in found} == everything


def test_a_whole_city_covers_all_its_arrondissements() -> None:
    for code, (_name, prefix, count) in WHOLE_CITIES.items():
        found = [other for other, _distance in communes_within(code, 0.5)]
        assert found[0] == code
        assert len([other for other in found if other.startswith(prefix)]) == count


def test_communes_within_around_paris() -> None:
    found = dict(communes_within("75056", 100))
    assert len(found) > 2000
    assert found["75101"] == pytest.approx(0.7, abs=0.2)
    assert found["28085"] == pytest.approx(77, abs=2)  # Chartres
    assert "45234" not in found  # Orléans, 110 km away
    assert communes_within("75056", 100) == communes_within(" 75056 ", 100.0)


def test_communes_within_an_unknown_commune_is_empty() -> None:
    assert communes_within("00000", 10) == []
    assert communes_within("", 10) == []


# --- locate -------------------------------------------------------------------------------------


def test_locate_by_insee_code_first() -> None:
    assert _code(locate(commune_code="42218", postal_code="75001", city="Paris")) == "42218"
    assert _code(locate(commune_code="75056")) == "75056"


def test_locate_by_postal_code_and_city() -> None:
    # 01000 is shared by Bourg-en-Bresse and Saint-Denis-lès-Bourg.
    found = locate(postal_code="01000", city="Saint-Denis-lès-Bourg")
    assert _code(found) == "01344"
    assert _code(locate(postal_code="01000", city="BOURG EN BRESSE")) == "01053"
    assert _code(locate(postal_code="75003", city="Paris")) == "75103"
    assert _code(locate(postal_code="69003", city="LYON")) == "69383"
    assert _code(locate(postal_code="91400", city="Orsigny")) == "91471"  # a locality of Orsay
    assert _code(locate(commune_code="99999", postal_code="01000", city="Bourg")) == "01053"


def test_locate_by_postal_code_alone() -> None:
    assert _code(locate(postal_code="01000")) == "01053"
    assert _code(locate(postal_code="1000")) == "01053"  # lost its leading zero
    assert _code(locate(postal_code="42100", city="Nowhere")) == "42218"


def test_locate_by_coordinates() -> None:
    notre_dame = locate(latitude=48.8530, longitude=2.3499)
    assert notre_dame is not None and notre_dame.code.startswith("751")
    assert _code(locate(latitude=45.4397, longitude=4.3872)) == "42218"  # Saint-Etienne
    assert locate(latitude=0.0, longitude=0.0) is None  # Gulf of Guinea
    assert locate(latitude=float("nan"), longitude=2.0) is None


def test_locate_by_city_name_when_the_postal_code_is_a_cedex_one() -> None:
    found = locate(postal_code="42007", city="SAINT ETIENNE CEDEX 1")
    assert _code(found) == "42218"


def test_locate_unknown() -> None:
    assert locate() is None
    assert locate(commune_code="00000", postal_code="00000", city="Atlantide") is None


# --- Job titles ---------------------------------------------------------------------------------


def test_job_titles_and_rome_labels() -> None:
    titles = job_titles()
    assert len(titles) == 11_118
    assert all(isinstance(title, JobTitle) for title in titles)
    labels = rome_labels()
    assert len(labels) == 532
    assert all(title.rome_code in labels for title in titles)
    assert JobTitle("Aide-soignant / Aide-soignante", "J1501") in titles
    assert departements()["69"] == "Rhône"
    assert departements()["2A"] == "Corse-du-Sud"


def test_job_completion_matches_word_prefixes() -> None:
    found = complete_job("aide soi")
    assert found[0] == JobTitle("Aide-soignant / Aide-soignante", "J1501")
    assert all(title.rome_code == "J1501" for title in found[:3])


@pytest.mark.parametrize("text", ["infirmiere", "INFIRMIÈRE", "Infirmière", " infirmiere  "])
def test_job_completion_ignores_accents_and_case(text: str) -> None:
    found = complete_job(text, limit=20)
    assert len(found) == 20
    assert all("infirmiere" in fold(title.label).split() for title in found)
    assert all(title.label.startswith("Infirmier") for title in found)


def test_job_completion_puts_titles_starting_with_the_word_first() -> None:
    found = complete_job("soignant", limit=20)
    first_words = [fold(title.label).split()[0] for title in found]
    starting = [word.startswith("soignant") for word in first_words]
    assert starting == sorted(starting, reverse=True)


def test_job_completion_by_rome_code() -> None:
    found = complete_job("J15", limit=50)
    assert len(found) == 50
    assert all(title.rome_code.startswith("J15") for title in found)
    assert [title.rome_code for title in found] == sorted(title.rome_code for title in found)
    assert {title.rome_code for title in complete_job("j1501")} == {"J1501"}


def test_job_completion_of_nothing() -> None:
    for text in ("", "  ", "qqqqqq", "Z9", "-/"):
        assert complete_job(text) == []
    assert complete_job("aide", limit=0) == []
    assert len(complete_job("a", limit=3)) == 3


def test_fold() -> None:
    assert fold("Saint-Étienne") == "saint etienne"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("  Cœur   d’Œuf ") == "coeur d oeuf"
    assert fold("") == ""
