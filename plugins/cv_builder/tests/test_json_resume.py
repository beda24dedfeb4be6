"""JSON Resume: our export re-imports without loss (property-tested), a file written elsewhere
imports every standard section, and a hostile file is refused or neutralised."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cv_builder import content as cv_content
from cv_builder.json_resume import (
    EXTENSION_KEY,
    ImportRefused,
    from_json_resume,
    nesting_depth,
    parse_fluency,
    read_upload,
    to_json_resume,
)
from cv_builder.rome import rome_labels
from cv_builder.sample import sample_content
from cv_builder.schemas import PAPERS, TEMPLATES, clean_text
from cv_builder.sections import (
    CEFR_LEVELS,
    DEFAULT_ORDER,
    DRIVING_LICENCES,
    LOCATION_FIELDS,
    PROFILE_FIELDS,
    SECTION_KINDS,
    STANDARD_ARRAYS,
    Field,
)

# -- strategies ------------------------------------------------------------------------------

_LETTERS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")
)
_SPECIALS = st.sampled_from(["œ", "é", "ç", "Œ", "«", "»", "<script>", "&amp;", '"', "'", "’"])


def _raw_text(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(_LETTERS, _SPECIALS), max_size=max_size).map("".join)


def text(max_size: int = 30, multiline: bool = False) -> st.SearchStrategy[str]:
    """Text as the importer stores it (already cleaned), so a round trip must keep it."""
    raw = _raw_text(max_size)
    if multiline:
        raw = st.lists(raw, max_size=3).map("\n".join)
    return raw.map(lambda value: clean_text(clean_text(value, multiline)[:max_size], multiline))


def iso_date() -> st.SearchStrategy[str]:
    year = st.integers(1950, 2030)
    return st.one_of(
        st.just(""),
        year.map(lambda y: f"{y}"),
        st.tuples(year, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
        st.tuples(year, st.integers(1, 12), st.integers(1, 28)).map(
            lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
        ),
    )


def value_for(spec: Field) -> st.SearchStrategy[Any]:
    if spec.type == "lines":
        return st.lists(text(20).filter(bool), max_size=4)
    if spec.type == "date":
        return iso_date()
    if spec.type == "url":
        return st.sampled_from(["", "https://exemple.fr/", "http://exemple.org/cv?a=1&b=é"])
    if spec.type == "email":
        return st.sampled_from(["", "zoe@exemple.fr", "a.b+cv@example.org"])
    if spec.type == "phone":
        return st.sampled_from(["", "06 12 34 56 78", "+33 (0)6 12 34 56 78"])
    if spec.type == "choice":
        return st.sampled_from([key for key, _label in spec.choices])
    if spec.name == "countryCode":
        return st.sampled_from(["", "FR", "BE"])
    return text(min(30, spec.max_length), multiline=spec.type == "textarea")


def item_for(kind_key: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = {spec.name: value_for(spec) for spec in SECTION_KINDS[kind_key].fields}
    item = st.fixed_dictionaries({"visible": st.booleans(), **fields})

    def ordered(values: dict[str, Any]) -> dict[str, Any]:
        start, end = values.get("startDate", ""), values.get("endDate", "")
        if start and end and end < start:
            values["startDate"], values["endDate"] = end, start
        return values

    return item.map(ordered)


@st.composite
def cv_documents(draw: st.DrawFn) -> dict[str, Any]:
    taken: set[str] = set()
    kinds = draw(st.permutations(list(DEFAULT_ORDER)))
    kinds = list(kinds) + ["custom"] * draw(st.integers(0, 2))
    order = draw(st.permutations(kinds))
    sections = []
    for kind_key in order:
        section = cv_content.new_section(
            kind_key,
            taken,
            draw(text(20).filter(bool)) if kind_key == "custom" else draw(text(20)),
        )
        section["visible"] = draw(st.booleans())
        taken.add(section["id"])
        if SECTION_KINDS[kind_key].has_items:
            for values in draw(st.lists(item_for(kind_key), max_size=3)):
                item_id = cv_content.new_id(taken)
                taken.add(item_id)
                section["items"].append({"id": item_id, **values})
        sections.append(section)
    basics = cv_content.empty_basics()
    for name in ("name", "label"):
        basics[name] = draw(text(30))
    basics["email"] = draw(value_for(Field("email", "", "email")))
    basics["phone"] = draw(value_for(Field("phone", "", "phone")))
    basics["url"] = draw(value_for(Field("url", "", "url")))
    basics["summary"] = draw(text(60, multiline=True))
    basics["location"] = {spec.name: draw(value_for(spec)) for spec in LOCATION_FIELDS}
    basics["profiles"] = draw(
        st.lists(st.fixed_dictionaries({s.name: value_for(s) for s in PROFILE_FIELDS}), max_size=2)
    )
    return {
        "basics": basics,
        "romeCode": draw(st.sampled_from(["", "D1106", "M1607", "K2111"])),
        "photoVisible": draw(st.booleans()),
        "sections": sections,
    }


def export(document: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    exported = to_json_resume(
        title=kwargs.pop("title", "Mon CV"),
        template=kwargs.pop("template", "classique"),
        paper=kwargs.pop("paper", "a4"),
        updated_at=datetime(2026, 11, 23, 9, 30),
        content=document,
        **kwargs,
    )
    return json.loads(json.dumps(exported))  # through real JSON, as a file would go


# -- round trips -----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=cv_documents(),
    title=text(40).filter(bool),
    template=st.sampled_from(list(TEMPLATES)),
    paper=st.sampled_from(list(PAPERS)),
)
def test_our_export_reimports_without_loss(document, title, template, paper):
    imported = from_json_resume(export(document, title=title, template=template, paper=paper))
    assert cv_content.without_ids(imported.content) == cv_content.without_ids(document)
    assert (imported.title, imported.template, imported.paper) == (title, template, paper)
    assert imported.notices == []


@st.composite
def foreign_resumes(draw: st.DrawFn) -> dict[str, Any]:
    """JSON Resume documents as other tools write them: standard keys only, no extension."""
    resume: dict[str, Any] = {}
    basics = {"name": draw(text(30)), "label": draw(text(30))}
    basics["location"] = {"city": draw(text(20)), "countryCode": draw(st.sampled_from(["FR", ""]))}
    resume["basics"] = basics
    for key in STANDARD_ARRAYS:
        kind = SECTION_KINDS[key]
        specs = [spec for spec in kind.fields if spec.name not in kind.extension_fields]
        items = []
        for _ in range(draw(st.integers(0, 2))):
            item = {spec.name: draw(value_for(spec)) for spec in specs}
            if key == "languages":  # a free text, not a level (levels have their own test)
                item["fluency"] = draw(st.sampled_from(["Courant", "Notions", "Bilingue", ""]))
            if (
                item.get("startDate")
                and item.get("endDate")
                and item["endDate"] < item["startDate"]
            ):
                item["startDate"], item["endDate"] = item["endDate"], item["startDate"]
            items.append(item)
        if items:
            resume[key] = items
    return resume


def _standard(document: dict[str, Any]) -> dict[str, Any]:
    """The standard sections, without empty values (which mean "not given")."""

    def non_empty(value: Any) -> Any:
        if isinstance(value, dict):
            kept = {k: non_empty(v) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v not in ("", [], None, {})}
        if isinstance(value, list):
            return [non_empty(v) for v in value]
        return value

    return {
        key: non_empty(document[key]) for key in ("basics", *STANDARD_ARRAYS) if key in document
    }


@settings(max_examples=60, deadline=None)
@given(resume=foreign_resumes())
def test_a_foreign_resume_keeps_every_standard_section(resume):
    imported = from_json_resume(resume)
    again = export(imported.content)
    assert _standard(again) == _standard(resume)


def test_the_sample_cv_round_trips_with_its_photo():
    from cv_builder.photos import decode_data_uri

    document = sample_content()
    exported = export(document, photo=b"RIFF....WEBP")
    assert exported["basics"]["image"].startswith("data:image/webp;base64,")
    imported = from_json_resume(exported)
    assert imported.photo == decode_data_uri(exported["basics"]["image"]) == b"RIFF....WEBP"
    assert cv_content.without_ids(imported.content) == cv_content.without_ids(document)


def test_export_maps_our_fields_to_json_resume_and_the_rest_under_the_extension_key():
    document = sample_content()
    exported = export(document)
    assert exported["$schema"].endswith("/v1.0.0/schema.json")
    assert exported["basics"]["name"] == "Françoise Lemaître-Cœurderoy"
    assert exported["basics"]["location"] == {
        "postalCode": "25000",
        "city": "Besançon",
        "countryCode": "FR",
    }
    assert exported["work"][0]["startDate"] == "2021-03" and "endDate" not in exported["work"][0]
    assert exported["languages"][0] == {"language": "Français", "fluency": "Langue maternelle"}
    assert exported["languages"][1] == {"language": "Anglais", "fluency": "TOEIC 785"}
    extension = exported[EXTENSION_KEY]
    assert extension["romeCode"] == "D1502"
    assert [s["kind"] for s in extension["sections"]][-1] == "custom"
    licences = next(s for s in extension["sections"] if s["kind"] == "licences")
    assert licences["items"] == [
        {"category": "B", "date": "2010"},
        {"category": "BE", "date": "2015"},
    ]
    languages = next(s for s in extension["sections"] if s["kind"] == "languages")
    assert languages["items"][1] == {"level": "B2", "fluency": "TOEIC 785"}
    assert exported["meta"] == {"version": "v1.0.0", "lastModified": "2026-11-23T09:30:00Z"}


def test_the_shown_only_export_leaves_hidden_parts_out():
    document = sample_content()
    work = next(s for s in document["sections"] if s["kind"] == "work")
    work["items"][0]["visible"] = False
    summary = next(s for s in document["sections"] if s["kind"] == "summary")
    summary["visible"] = False
    document["photoVisible"] = False
    full = export(document, photo=b"x")
    shown = export(document, photo=b"x", include_hidden=False)
    assert len(full["work"]) == 6 and len(shown["work"]) == 5
    assert full[EXTENSION_KEY]["sections"][1]["items"][0] == {"visible": False}
    assert "summary" in full["basics"] and "summary" not in shown["basics"]
    assert "image" in full["basics"] and "image" not in shown["basics"]
    assert "summary" not in [s["kind"] for s in shown[EXTENSION_KEY]["sections"]]


# -- files from elsewhere --------------------------------------------------------------------

FOREIGN = {
    "basics": {
        "name": "Richard Hendriks",
        "label": "Programmer",
        "image": "https://example.org/photo.jpg",
        "email": "richard.hendriks@mail.com",
        "phone": "(912) 555-4321",
        "url": "http://richardhendricks.example.com",
        "summary": "Richard hails from Tulsa.",
        "location": {
            "address": "2712 Broadway St",
            "postalCode": "CA 94115",
            "city": "San Francisco",
            "countryCode": "US",
            "region": "California",
        },
        "profiles": [{"network": "Twitter", "username": "neutralthoughts", "url": ""}],
    },
    "work": [
        {
            "name": "Pied Piper",
            "location": "Palo Alto, CA",
            "description": "Awesome compression company",
            "position": "CEO/President",
            "url": "http://piedpiper.example.com",
            "startDate": "2013-12-01",
            "endDate": "2014-12-01",
            "summary": "Pied Piper is a multi-platform technology.",
            "highlights": ["Build an algorithm for artist to detect if their music was violating"],
        }
    ],
    "volunteer": [
        {
            "organization": "CoderDojo",
            "position": "Teacher",
            "url": "http://coderdojo.example.com/",
            "startDate": "2012-01-01",
            "endDate": "2013-01-01",
            "summary": "Global movement of free coding clubs for young people.",
            "highlights": ["Awarded 'Teacher of the Month'"],
        }
    ],
    "education": [
        {
            "institution": "University of Oklahoma",
            "url": "https://www.ou.example.edu/",
            "area": "Information Technology",
            "studyType": "Bachelor",
            "startDate": "2011-06-01",
            "endDate": "2014-01-01",
            "score": "4.0",
            "courses": ["DB1101 - Basic SQL", "CS2011 - Java Introduction"],
        }
    ],
    "awards": [
        {
            "title": "Digital Compression Pioneer Award",
            "date": "2014-11-01",
            "awarder": "Techcrunch",
            "summary": "There is no spoon.",
        }
    ],
    "certificates": [
        {"name": "Certified Kubernetes Administrator", "date": "2018-01-01", "issuer": "CNCF"}
    ],
    "publications": [
        {
            "name": "Video compression for 3d media",
            "publisher": "Hooli",
            "releaseDate": "2014-10-01",
            "url": "http://en.wikipedia.example.org/wiki/Silicon_Valley",
            "summary": "Innovative middle-out compression algorithm.",
        }
    ],
    "skills": [{"name": "Web Development", "level": "Master", "keywords": ["HTML", "CSS"]}],
    "languages": [
        {"language": "English", "fluency": "Native speaker"},
        {"language": "Français", "fluency": "B2"},
        {"language": "Deutsch", "fluency": "Conversational"},
    ],
    "interests": [{"name": "Wildlife", "keywords": ["Ferrets", "Unicorns"]}],
    "references": [{"name": "Erlich Bachman", "reference": "It is my pleasure to recommend."}],
    "projects": [
        {
            "name": "Miss Direction",
            "description": "A mapping engine that misguides you",
            "highlights": ["Won award at AIHacks 2016"],
            "keywords": ["GoogleMaps", "Chrome Extension"],
            "startDate": "2016-08-24",
            "endDate": "2016-08-24",
            "url": "missdirection.example.com",
            "roles": ["Team lead", "Designer"],
            "entity": "Smoogle",
            "type": "application",
            "extraField": "kept out",
        }
    ],
    "meta": {"canonical": "https://example.org/resume.json", "version": "v1.0.0"},
}


def test_a_resume_from_elsewhere_imports_every_standard_section():
    imported = from_json_resume(FOREIGN)
    sections = {s["kind"]: s for s in imported.content["sections"]}
    assert [s["kind"] for s in imported.content["sections"]] == list(DEFAULT_ORDER)
    for key in STANDARD_ARRAYS:
        assert len(sections[key]["items"]) == len(FOREIGN[key]), key
    assert sections["projects"]["items"][0]["url"] == "https://missdirection.example.com"
    assert sections["projects"]["items"][0]["roles"] == ["Team lead", "Designer"]
    levels = [(i["language"], i["level"], i["fluency"]) for i in sections["languages"]["items"]]
    assert levels == [
        ("English", "native", ""),
        ("Français", "B2", ""),
        ("Deutsch", "", "Conversational"),
    ]
    assert imported.content["basics"]["location"]["region"] == "California"
    assert imported.title == "Richard Hendriks – Programmer"
    assert imported.photo is None
    assert any("photo" in notice for notice in imported.notices)
    assert "1 champ inconnu ignoré : projects[0].extraField." in imported.notices


@pytest.mark.parametrize(
    ("fluency", "level", "note"),
    [
        ("C1", "C1", ""),
        ("c2 (maîtrise)", "C2", ""),
        ("B1 – intermédiaire", "B1", ""),
        ("B2, TOEIC 850", "B2", "B2, TOEIC 850"),
        ("Langue maternelle", "native", ""),
        ("Fluent", "", "Fluent"),
        ("", "", ""),
    ],
)
def test_fluency_from_elsewhere_gives_a_cefr_level(fluency, level, note):
    assert parse_fluency(fluency) == (level, note)


# -- hostile files ---------------------------------------------------------------------------


def refused(raw: bytes | str, **kwargs: Any) -> ImportRefused:
    with pytest.raises(ImportRefused) as error:
        data = read_upload(raw.encode() if isinstance(raw, str) else raw, **kwargs)
        from_json_resume(data)
    return error.value


def test_a_huge_file_is_refused_before_it_is_read():
    problem = refused(b" " * (1024 * 1024 + 1))
    assert problem.status == 413
    assert problem.problems == ["Le fichier pèse 1024 ko : 1024 ko au plus."]


def test_deep_nesting_is_refused_without_recursion():
    problem = refused("[" * 200_000 + "]" * 200_000)
    assert "imbriqué trop profondément (200000 niveaux, 8 au plus)" in problem.problems[0]
    assert nesting_depth('{"a": "[[[[[[[[[[[[", "b": [{"c": "\\"[["}]}') == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Le fichier est vide."),
        ("{'basics': 1}", "Ce n'est pas un fichier JSON valide : erreur à la ligne 1, colonne 2."),
        ("[1, 2]", "Le fichier doit contenir un objet JSON (entre accolades { })."),
        ("1" * 5000, "Ce n'est pas un fichier JSON valide."),
    ],
)
def test_files_that_are_not_json_resume_are_refused(raw, message):
    assert refused(raw).problems == [message]


def test_not_utf8_is_refused():
    assert refused('{"basics": {"name": "Zoé"}}'.encode("latin-1")).problems == [
        "Le fichier n'est pas un texte JSON (encodage UTF-8 attendu)."
    ]


def test_wrong_types_are_refused_naming_each_field():
    problem = refused(
        json.dumps(
            {
                "basics": {"name": {"first": "Zoé"}, "location": "Lyon", "profiles": {}},
                "work": {"position": "x"},
                "education": [{"courses": "SQL"}, "pas un objet"],
                "languages": [{"language": True}],
                "skills": [{"keywords": [1, {"a": 1}]}],
            }
        )
    )
    assert sorted(problem.problems) == sorted(
        [
            "Identité et coordonnées, « Prénom et nom » (basics.name) : Du texte est attendu ici.",
            "Identité et coordonnées, « Adresse » (basics.location) : "
            "Un objet est attendu ici (entre accolades { }).",
            "Identité et coordonnées, « Profils en ligne » (basics.profiles) : "
            "Une liste est attendue ici (entre crochets [ ]).",
            "Expériences professionnelles (work) : "
            "Une liste est attendue ici (entre crochets [ ]).",
            "Formation n° 1, « Matières ou modules » (education[0].courses) : "
            "Une liste est attendue ici (entre crochets [ ]).",
            "Formation n° 2 (education[1]) : Un objet est attendu ici (entre accolades { }).",
            "Langues n° 1, « Langue » (languages[0].language) : Du texte est attendu ici.",
            "Compétences n° 1, « Mots-clés » n° 2 (skills[0].keywords[1]) : "
            "Du texte est attendu ici.",
        ]
    )


def test_caps_on_lists_and_texts_name_the_field():
    problem = refused(
        json.dumps(
            {
                "work": [{"position": "x"}] * 51,
                "skills": [{"name": "y" * 151, "keywords": ["k"] * 31}],
                "basics": {"profiles": [{}] * 6},
            }
        )
    )
    assert sorted(problem.problems) == sorted(
        [
            "Expériences professionnelles (work) : Trop d'éléments : 50 au plus (51).",
            "Compétences n° 1, « Compétence » (skills[0].name) : "
            "Trop long : 150 caractères au plus (151 saisis).",
            "Compétences n° 1, « Mots-clés » (skills[0].keywords) : "
            "Trop d'éléments : 30 au plus (31).",
            "Identité et coordonnées, « Profils en ligne » (basics.profiles) : "
            "Trop d'éléments : 5 au plus (6).",
        ]
    )


def test_script_links_are_refused_and_markup_is_kept_as_text():
    problem = refused(json.dumps({"basics": {"url": "javascript:alert(1)"}}))
    assert problem.problems[0].startswith(
        "Identité et coordonnées, « Site web ou portfolio » (basics.url) : Adresse web invalide"
    )
    imported = from_json_resume({"basics": {"name": "<script>alert('x')</script>"}})
    assert imported.content["basics"]["name"] == "<script>alert('x')</script>"


def test_our_extension_is_checked_too():
    base = export(sample_content())
    broken = json.loads(json.dumps(base))
    broken[EXTENSION_KEY]["sections"][2]["kind"] = "work"
    broken[EXTENSION_KEY]["template"] = "fluo"
    problems = refused(json.dumps(broken)).problems
    assert problems == [
        "Données Emploi Store, « template » (x-emploistore.template) : "
        "Valeur inconnue « fluo ». Valeurs possibles : classique, moderne, elegant."
    ]
    broken[EXTENSION_KEY]["template"] = "moderne"
    assert refused(json.dumps(broken)).problems == [
        "Données Emploi Store (x-emploistore.sections[2].kind) : la rubrique « work » apparaît "
        "deux fois."
    ]
    wrong_level = json.loads(json.dumps(base))
    languages = next(
        i for i, s in enumerate(wrong_level[EXTENSION_KEY]["sections"]) if s["kind"] == "languages"
    )
    wrong_level[EXTENSION_KEY]["sections"][languages]["items"][0]["level"] = "Z9"
    assert refused(json.dumps(wrong_level)).problems == [
        f"Données Emploi Store, « sections » n° {languages + 1}, « items » n° 1, « level » "
        f"(x-emploistore.sections[{languages}].items[0].level) : Valeur inconnue « Z9 ». "
        "Valeurs possibles : A1, A2, B1, B2, C1, C2, native."
    ]


def test_every_level_and_licence_is_accepted():
    levels = [key for key, _ in CEFR_LEVELS]
    assert levels == ["A1", "A2", "B1", "B2", "C1", "C2", "native"]
    assert [key for key, _ in DRIVING_LICENCES] == [
        "AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE",
    ]  # fmt: skip
    assert set(rome_labels()) >= {"D1106", "M1607", "K2111"}


def test_null_means_not_given_for_optional_values_only():
    imported = from_json_resume(
        {
            "basics": {"name": None, "location": None, "profiles": None, "image": None},
            "work": [{"position": "Vendeuse", "endDate": None, "highlights": None}],
            "education": None,
            "meta": None,
        }
    )
    work = next(s for s in imported.content["sections"] if s["kind"] == "work")
    assert work["items"][0]["endDate"] == "" and work["items"][0]["highlights"] == []
    assert imported.content["basics"]["location"]["city"] == ""
    problems = refused(
        json.dumps(
            {
                "skills": [None],
                EXTENSION_KEY: {"sections": [{"kind": "custom", "items": [None]}, {"kind": None}]},
            }
        )
    ).problems
    assert sorted(problems) == sorted(
        [
            "Compétences n° 1 (skills[0]) : Un objet est attendu ici (entre accolades { }).",
            "Données Emploi Store, « sections » n° 2, « kind » (x-emploistore.sections[1].kind) : "
            "Ce champ est obligatoire.",
        ]
    )
    items = refused(
        json.dumps({EXTENSION_KEY: {"sections": [{"kind": "custom", "items": [None]}]}})
    )
    assert items.problems == [
        "Données Emploi Store, « sections » n° 1, « items » n° 1 "
        "(x-emploistore.sections[0].items[0]) : Un objet est attendu ici (entre accolades { })."
    ]


_KEYS = st.sampled_from(
    ["basics", "work", "languages", "skills", "location", "name", "startDate", "endDate",
     "highlights", "fluency", "url", "image", "profiles", EXTENSION_KEY, "sections", "kind",
     "items", "visible", "level", "category", "title", "template", "version", "romeCode",
     "custom", "licences", "summary", "x"]
)  # fmt: skip
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["custom", "work", "C1", "2020-13", "javascript:x", "B", "moderne"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(_KEYS, _JSON, max_size=6))
def test_any_json_is_imported_or_refused_with_messages_never_a_crash(document):
    try:
        imported = from_json_resume(document)
    except ImportRefused as refusal:
        assert refusal.problems and all(isinstance(p, str) and " : " in p for p in refusal.problems)
        return
    again = from_json_resume(export(imported.content))
    assert cv_content.without_ids(again.content) == cv_content.without_ids(imported.content)
