"""The feed readers: France Travail JSON, CSV (Keljob) and XML (Monstre Emploi), and the config.

Each reader maps a hand-written sample of its format to the normalised fields (checked as
read and once through records.clean_record), rejects bad rows with their line and a French
reason naming the field while the rows after them still come through, and refuses files it
cannot read as a whole with SourceFileError.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import datetime

import pytest

from job_search import records
from job_search.sources import (
    SourceFileError,
    builtin_sources,
    configured_sources,
    csv_feed,
    france_travail,
    normalise_date,
    xml_feed,
)

NOW = datetime(2026, 3, 20, 12, 0)


def read(source_read, data: bytes) -> list:
    return list(source_read(io.BytesIO(data)))


def clean(row) -> dict:
    assert row.error == "", row.error
    assert set(row.fields) <= set(records.FIELDS)
    return records.clean_record(row.fields, NOW)


# --- France Travail ---------------------------------------------------------------------------

FT_OFFER = {
    "id": "201XKLM",
    "intitule": "Aide-soignant / Aide-soignante (H/F)",
    "description": "L'EHPAD Les Tilleuls recherche un aide-soignant.\nVos missions : …",
    "dateCreation": "2026-03-02T09:15:42.000Z",
    "dateActualisation": "2026-03-05T10:00:00.000Z",
    "lieuTravail": {
        "libelle": "69 - LYON 03",
        "latitude": 45.7597,
        "longitude": 4.8422,
        "codePostal": "69003",
        "commune": "69383",
    },
    "romeCode": "J1501",
    "romeLibelle": "Soins d'hygiène, de confort du patient",
    "appellationlibelle": "Aide-soignant / Aide-soignante",
    "entreprise": {
        "nom": "EHPAD LES TILLEULS",
        "siret": "73282932000074",
        "description": "Résidence de 80 lits.",
        "url": "https://www.ehpad-tilleuls.example",
        "entrepriseAdaptee": False,
    },
    "typeContrat": "CDD",
    "typeContratLibelle": "Contrat à durée déterminée - 6 Mois",
    "natureContrat": "Contrat travail",
    "experienceExige": "D",
    "experienceLibelle": "Débutant accepté",
    "salaire": {
        "libelle": "Mensuel de 1900.00 Euros à 2100.00 Euros sur 12 mois",
        "commentaire": "Prime de nuit",
    },
    "dureeTravailLibelle": "35H Horaires normaux",
    "dureeTravailLibelleConverti": "Temps plein",
    "alternance": False,
    "origineOffre": {
        "origine": "1",
        "urlOrigine": "https://candidat.francetravail.fr/offres/recherche/detail/201XKLM",
    },
    "dateExpiration": "2026-04-30T00:00:00.000Z",
}
FT_APPRENTICE = {
    "id": 4512345,
    "intitule": "Cuisinier en apprentissage",
    "dateCreation": "2026-03-10T08:00:00Z",
    "lieuTravail": {"libelle": "13 - Marseille 8e Arrondissement", "codePostal": "13008"},
    "entreprise": {"nom": "Le Petit Zinc"},
    "typeContrat": "CDD",
    "typeContratLibelle": "Contrat à durée déterminée - 24 Mois",
    "alternance": True,
    "experienceExige": "D",
    "salaire": {"libelle": "Horaire de 11.88 Euros"},
    "dureeTravailLibelleConverti": "Temps partiel",
    "origineOffre": {
        "origine": "2",
        "partenaires": [{"nom": "MONJOB", "url": "https://www.monjob.example/offre/77"}],
    },
}
FT_TEMPING = {
    "id": "201XKLP",
    "intitule": "Préparateur de commandes",
    "dateCreation": "2026-03-12T07:30:00.000Z",
    "lieuTravail": {"libelle": "59 - LILLE", "codePostal": "59000", "commune": "59350"},
    "typeContrat": "MIS",
    "typeContratLibelle": "Mission intérimaire - 15 Jour(s)",
    "experienceExige": "E",
    "salaire": {"libelle": "Annuel de 24000 Euros"},
}


def test_france_travail_offers_are_mapped_to_the_normalised_fields():
    data = json.dumps(
        {"resultats": [FT_OFFER, FT_APPRENTICE, FT_TEMPING], "filtresPossibles": []},
        ensure_ascii=False,
    ).encode()
    rows = read(france_travail.read, data)

    assert [row.line for row in rows] == [1, 2, 3]
    first = rows[0].fields
    assert first["source_id"] == "201XKLM"
    assert first["url"] == "https://candidat.francetravail.fr/offres/recherche/detail/201XKLM"
    assert first["title"] == "Aide-soignant / Aide-soignante (H/F)"
    assert first["city"] == "LYON 03"
    assert (first["postal_code"], first["commune_code"]) == ("69003", "69383")
    assert (first["contract_type"], first["contract_months"]) == ("cdd", 6)
    assert (first["working_time"], first["experience"]) == ("full", "beginner")
    assert first["salary_text"] == (
        "Mensuel de 1900.00 Euros à 2100.00 Euros sur 12 mois (Prime de nuit)"
    )
    assert (first["salary_min"], first["salary_max"], first["salary_period"]) == (
        "1900.00",
        "2100.00",
        "month",
    )
    cleaned = clean(rows[0])
    assert cleaned["created_at"] == datetime(2026, 3, 2, 9, 15, 42)
    assert cleaned["updated_at"] == datetime(2026, 3, 5, 10, 0)
    assert cleaned["expires_at"] == datetime(2026, 4, 30)
    assert cleaned["company_name"] == "EHPAD LES TILLEULS"
    assert cleaned["company_siret"] == "73282932000074"
    assert cleaned["rome_code"] == "J1501"
    assert cleaned["job_title"] == "Aide-soignant / Aide-soignante"
    assert (cleaned["latitude"], cleaned["longitude"]) == (45.7597, 4.8422)
    assert (cleaned["salary_min"], cleaned["salary_max"]) == (1900.0, 2100.0)
    assert cleaned["description"].startswith("L'EHPAD Les Tilleuls recherche")

    second = clean(rows[1])
    assert second["source_id"] == "4512345"
    assert (second["contract_type"], second["contract_months"]) == ("alternance", 24)
    assert second["url"] == "https://www.monjob.example/offre/77"
    assert second["city"] == "Marseille 8e Arrondissement"
    assert (second["salary_min"], second["salary_period"]) == (11.88, "hour")
    assert second["working_time"] == "part"

    third = clean(rows[2])
    assert (third["contract_type"], third["contract_months"]) == ("interim", 1)
    assert (third["salary_min"], third["salary_max"], third["salary_period"]) == (
        24000.0,
        None,
        "year",
    )
    assert third["experience"] == "required"
    assert third["url"] == "https://candidat.francetravail.fr/offres/recherche/detail/201XKLP"


@pytest.mark.parametrize(
    ("code", "contract"),
    [
        ("CDI", "cdi"),
        ("DIN", "cdi"),
        ("DDI", "cdd"),
        ("SAI", "saisonnier"),
        ("LIB", "independant"),
        ("FRA", "independant"),
        ("CCE", "independant"),
        ("mis", "interim"),
    ],
)
def test_france_travail_contract_codes(code, contract):
    (row,) = read(france_travail.read, json.dumps([{**FT_TEMPING, "typeContrat": code}]).encode())
    assert row.fields["contract_type"] == contract


def test_a_bare_json_list_is_read_too_with_a_byte_order_mark():
    data = b"\xef\xbb\xbf\n  " + json.dumps([FT_TEMPING, FT_OFFER]).encode() + b"\n"
    rows = read(france_travail.read, data)
    assert [row.fields["source_id"] for row in rows] == ["201XKLP", "201XKLM"]


def test_bad_france_travail_offers_are_rejected_and_the_next_ones_read():
    offers = [
        FT_OFFER,
        "pas une offre",
        {**FT_TEMPING, "lieuTravail": ["69 - LYON"]},
        {**FT_TEMPING, "typeContrat": "XYZ"},
        {**FT_TEMPING, "salaire": {"libelle": 1800}},
        {**FT_TEMPING, "experienceExige": "Z"},
        {**FT_TEMPING, "id": {"value": 1}},
        {**FT_TEMPING, "intitule": ""},
        FT_TEMPING,
    ]
    rows = read(france_travail.read, json.dumps({"resultats": offers}).encode())

    assert [row.line for row in rows] == list(range(1, 10))
    assert rows[0].error == "" and rows[-1].error == ""
    assert rows[1].error == "offre : un objet JSON est attendu"
    assert rows[2].error.startswith("lieu de travail :")
    assert rows[3].error.startswith("type de contrat : code « XYZ » inconnu")
    assert rows[4].error.startswith("salaire :")
    assert rows[5].error.startswith("expérience :")
    assert rows[6].error.startswith("identifiant de l'offre :")
    # Empty required fields are left to clean_record, which names them.
    with pytest.raises(records.RowRejected, match=r"^intitulé : obligatoire"):
        clean(rows[7])
    assert clean(rows[8])["source_id"] == "201XKLP"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide"),
        (b"   \n", "fichier vide"),
        (b"reference;titre\n1;Cuisinier\n", "pas du JSON France Travail"),
        (b"<source><job/></source>", "pas du JSON France Travail"),
        (b'{"total": 0}', "sans liste « resultats »"),
        (b'{"resultats": {"id": "1"}}', "« resultats » doit être une liste"),
        (b'[{"id": "1"}, {"id": ', "JSON invalide"),
        (b'[{"id": "1"} {"id": "2"}]', "JSON invalide après l'offre n° 1"),
        (b'[{"id": "1"}] [2]', "données après la fin du JSON"),
        (b'[{"id": "caf\xe9"}]', "pas en UTF-8"),
    ],
)
def test_unreadable_france_travail_files_are_refused(data, message):
    with pytest.raises(SourceFileError, match=message):
        read(france_travail.read, data)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 61, 1000])
def test_the_json_stream_gives_the_same_offers_whatever_the_chunk_size(monkeypatch, chunk):
    data = json.dumps(
        {"total": 12.5, "resultats": [FT_OFFER, 12345, FT_APPRENTICE, None, FT_TEMPING]},
        ensure_ascii=False,
        indent=2,
    ).encode()
    expected = read(france_travail.read, data)
    monkeypatch.setattr(france_travail, "_CHUNK", chunk)
    assert read(france_travail.read, data) == expected
    assert [row.line for row in expected] == [1, 2, 3, 4, 5]
    assert [bool(row.error) for row in expected] == [False, True, False, True, False]


def test_a_json_error_says_where_it_is(monkeypatch):
    monkeypatch.setattr(france_travail, "_CHUNK", 16)
    data = b'[\n{"id": "1"},\n{"id": "2",,}\n]'
    rows = []
    with pytest.raises(SourceFileError, match=r"ligne 3"):
        for row in france_travail.read(io.BytesIO(data)):
            rows.append(row)
    assert [row.fields["source_id"] for row in rows] == ["1"]


# --- CSV (Keljob) -----------------------------------------------------------------------------

KELJOB_HEADER = ";".join(csv_feed.KELJOB_COLUMNS)


def keljob_line(**values: str) -> str:
    defaults = {
        "reference": "KJ-1",
        "titre": "Vendeuse en boulangerie",
        "contrat": "CDI",
        "date_publication": "2026-03-01 09:00:00",
    }
    cells = {**defaults, **values}
    return ";".join(cells.get(column, "") for column in csv_feed.KELJOB_COLUMNS)


def keljob_file(*lines: str, bom: bool = True) -> bytes:
    text = "\r\n".join((KELJOB_HEADER, *lines)) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def keljob_read(data: bytes) -> list:
    return read(csv_feed.CsvFeed(csv_feed.KELJOB_COLUMNS, csv_feed.KELJOB_VALUES), data)


def test_keljob_rows_are_mapped_with_accents_quotes_and_a_bom():
    description = '"Boulangerie Dupré recherche une vendeuse ;\nmissions : accueil, caisse."'
    data = keljob_file(
        keljob_line(
            reference="KJ-2026-0001",
            titre="Vendeuse en boulangerie-pâtisserie H/F",
            description=description,
            entreprise="Boulangerie Dupré",
            siret="732 829 320 00074",
            code_postal="35000",
            ville="Rennes",
            code_insee="35238",
            contrat="Intérim",
            duree_mois="3",
            temps_travail="Temps partiel",
            experience="Débutant accepté",
            salaire="1 850 € - 2 100 € brut/mois",
            salaire_min="1850,00",
            salaire_max="2 100,50",
            periode_salaire="mois",
            date_publication="2026-03-01 09:15:00",
            date_maj="2026-03-02T10:00:00",
            date_expiration="30/04/2026",
            url="https://www.keljob.example/offre/vendeuse-kj-2026-0001",
            code_rome="d1106",
        ),
        keljob_line(reference="KJ-2", contrat="apprentissage", experience="Expérience exigée"),
    )
    rows = keljob_read(data)

    assert [row.line for row in rows] == [2, 4]
    fields = rows[0].fields
    assert fields["description"] == (
        "Boulangerie Dupré recherche une vendeuse ;\nmissions : accueil, caisse."
    )
    assert (fields["contract_type"], fields["working_time"], fields["experience"]) == (
        "interim",
        "part",
        "beginner",
    )
    assert fields["expires_at"] == "2026-04-30T00:00:00"
    cleaned = clean(rows[0])
    assert cleaned["title"] == "Vendeuse en boulangerie-pâtisserie H/F"
    assert cleaned["company_name"] == "Boulangerie Dupré"
    assert cleaned["company_siret"] == "73282932000074"
    assert (cleaned["postal_code"], cleaned["city"], cleaned["commune_code"]) == (
        "35000",
        "Rennes",
        "35238",
    )
    assert cleaned["contract_months"] == 3
    assert (cleaned["salary_min"], cleaned["salary_max"], cleaned["salary_period"]) == (
        1850.0,
        2100.5,
        "month",
    )
    assert cleaned["salary_text"] == "1 850 € - 2 100 € brut/mois"
    assert cleaned["created_at"] == datetime(2026, 3, 1, 9, 15)
    assert cleaned["updated_at"] == datetime(2026, 3, 2, 10, 0)
    assert cleaned["rome_code"] == "D1106"
    assert cleaned["latitude"] is None

    second = clean(rows[1])
    assert (second["contract_type"], second["experience"]) == ("alternance", "required")
    assert second["description"] == ""


def test_bad_csv_rows_are_rejected_with_their_line_and_the_next_ones_read():
    data = keljob_file(
        keljob_line(reference="KJ-1"),
        keljob_line(reference="KJ-2") + ";en trop",
        keljob_line(reference="KJ-3", contrat="Stage"),
        "",
        keljob_line(reference="KJ-4", temps_travail="Mi-temps"),
        keljob_line(reference="KJ-5", date_publication="31/02/2026"),
        keljob_line(reference="KJ-6", titre=""),
        keljob_line(reference="KJ-7"),
    )
    rows = keljob_read(data)

    assert [row.line for row in rows] == [2, 3, 4, 6, 7, 8, 9]
    assert rows[1].error == "nombre de colonnes : 22 au lieu de 21"
    assert rows[2].error == "type de contrat : « Stage » inconnu"
    assert rows[3].error == "durée du travail : « Mi-temps » inconnu"
    with pytest.raises(records.RowRejected, match=r"^date de création : date invalide"):
        clean(rows[4])
    with pytest.raises(records.RowRejected, match=r"^intitulé : obligatoire"):
        clean(rows[5])
    assert clean(rows[0])["source_id"] == "KJ-1"
    assert clean(rows[6])["source_id"] == "KJ-7"


def test_a_csv_row_not_in_utf8_is_rejected_alone():
    data = keljob_file(keljob_line(reference="KJ-1"), bom=False)
    data += keljob_line(reference="KJ-2", titre="Vendeuse é").encode("latin-1") + b"\r\n"
    data += keljob_line(reference="KJ-3").encode() + b"\r\n"
    rows = keljob_read(data)
    assert [(row.line, row.error) for row in rows] == [
        (2, ""),
        (3, "encodage : caractères qui ne sont pas en utf-8"),
        (4, ""),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide"),
        (KELJOB_HEADER.replace(";titre", "").encode(), "colonne « titre » absente de l'en-tête"),
        (KELJOB_HEADER.replace(";", ",").encode(), "le séparateur attendu est « ; »"),
        ((KELJOB_HEADER + ";titre").encode(), "colonne « titre » présente deux fois"),
    ],
)
def test_unreadable_csv_files_are_refused(data, message):
    with pytest.raises(SourceFileError, match=message):
        keljob_read(data)


# --- XML (Monstre Emploi) ---------------------------------------------------------------------

XML_SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Flux Monstre Emploi -->
<source>
<publisher>Monstre Emploi</publisher>
<lastBuildDate>Fri, 20 Mar 2026 06:00:00 GMT</lastBuildDate>
<job>
<referencenumber><![CDATA[ME000123]]></referencenumber>
<title><![CDATA[Serveur / Serveuse <b>H/F</b> & plus]]></title>
<date><![CDATA[Mon, 02 Mar 2026 09:15:00 GMT]]></date>
<url><![CDATA[https://www.monstre-emploi.example/emploi/ME000123]]></url>
<company>Brasserie du Port &amp; Fils</company>
<siret>73282932000074</siret>
<city><![CDATA[Saint-Étienne]]></city>
<state>Loire</state>
<postalcode>42000</postalcode>
<inseecode>42218</inseecode>
<latitude>45.4397</latitude>
<longitude>4.3872</longitude>
<description><![CDATA[Rejoignez notre équipe !
<ul><li>Service en salle</li></ul>]]></description>
<salary><![CDATA[Entre 1 850 € et 2 000 € par mois]]></salary>
<salarymin>1850.00</salarymin>
<salarymax>2000.00</salarymax>
<salaryperiod>month</salaryperiod>
<jobtype>CDD</jobtype>
<duration>4</duration>
<schedule>part-time</schedule>
<experience>souhaitee</experience>
<expirationdate>2026-04-15</expirationdate>
<romecode>G1803</romecode>
</job>
<job>
<referencenumber>ME000124</referencenumber>
<title>Stagiaire cuisine</title>
<date>Tue, 03 Mar 2026 10:00:00 GMT</date>
<jobtype>Stage</jobtype>
</job>
<job>
<referencenumber>ME000125</referencenumber>
<title>Plongeur</title>
<title>Plongeuse</title>
<date>2026-03-04</date>
<jobtype>CDI</jobtype>
</job>
<job>
<referencenumber>ME000126</referencenumber>
<title></title>
<date>Wed, 04 Mar 2026 10:00:00 GMT</date>
<jobtype>CDI</jobtype>
</job>
<job>
<referencenumber>ME000127</referencenumber>
<title>Cuisinier</title>
<date>Mon, 32 Feb 2026 10:00:00 GMT</date>
<jobtype>Intérim</jobtype>
</job>
<job><referencenumber>ME000128</referencenumber><title>Commis de cuisine</title>
<date>05/03/2026 14:30</date><jobtype>Alternance</jobtype><schedule/><salary/></job>
</source>
"""


def xml_read(data: bytes) -> list:
    return read(xml_feed.XmlFeed(values=xml_feed.MONSTRE_VALUES), data)


def test_xml_jobs_are_mapped_with_cdata_and_entities():
    rows = xml_read(XML_SAMPLE.encode())

    assert [row.line for row in rows] == [6, 32, 38, 45, 51, 57]
    cleaned = clean(rows[0])
    assert cleaned["source_id"] == "ME000123"
    assert cleaned["title"] == "Serveur / Serveuse <b>H/F</b> & plus"
    assert cleaned["company_name"] == "Brasserie du Port & Fils"
    assert cleaned["company_siret"] == "73282932000074"
    assert cleaned["created_at"] == datetime(2026, 3, 2, 9, 15)
    assert cleaned["expires_at"] == datetime(2026, 4, 15)
    assert cleaned["description"] == (
        "Rejoignez notre équipe !\n<ul><li>Service en salle</li></ul>"
    )
    assert (cleaned["city"], cleaned["postal_code"], cleaned["commune_code"]) == (
        "Saint-Étienne",
        "42000",
        "42218",
    )
    assert (cleaned["latitude"], cleaned["longitude"]) == (45.4397, 4.3872)
    assert (cleaned["contract_type"], cleaned["contract_months"]) == ("cdd", 4)
    assert (cleaned["working_time"], cleaned["experience"]) == ("part", "desired")
    assert (cleaned["salary_min"], cleaned["salary_max"], cleaned["salary_period"]) == (
        1850.0,
        2000.0,
        "month",
    )
    assert cleaned["salary_text"] == "Entre 1 850 € et 2 000 € par mois"
    assert cleaned["rome_code"] == "G1803"

    assert rows[1].error == "type de contrat : « Stage » inconnu"
    assert rows[2].error == "intitulé : élément <title> en double"
    with pytest.raises(records.RowRejected, match=r"^intitulé : obligatoire"):
        clean(rows[3])
    with pytest.raises(records.RowRejected, match=r"^date de création : date invalide"):
        clean(rows[4])
    last = clean(rows[5])
    assert (last["source_id"], last["contract_type"]) == ("ME000128", "alternance")
    assert last["created_at"] == datetime(2026, 3, 5, 14, 30)
    assert last["working_time"] is None and last["salary_text"] == ""


@pytest.mark.parametrize("chunk", [1, 3, 5, 17, 100])
def test_the_xml_stream_gives_the_same_rows_and_lines_whatever_the_chunk(monkeypatch, chunk):
    expected = xml_read(XML_SAMPLE.encode())
    monkeypatch.setattr(xml_feed, "_CHUNK", chunk)
    assert xml_read(XML_SAMPLE.encode()) == expected


def test_an_xml_feed_on_one_line_is_read_with_the_same_line_for_all():
    data = b"<source><job><referencenumber>1</referencenumber><title>A</title></job>"
    data += b"<job><referencenumber>2</referencenumber><title>B</title></job></source>"
    rows = xml_read(data)
    assert [(row.line, row.fields["title"]) for row in rows] == [(1, "A"), (1, "B")]


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE source [
  <!ENTITY a "ha">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<source><job><referencenumber>1</referencenumber><title>&b;</title></job></source>
"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ENTITY_BOMB, "DOCTYPE ou ENTITY refusée"),
        (b'<!DOCTYPE source SYSTEM "http://example.org/feed.dtd"><source/>', "DOCTYPE"),
        (b"<!-- commentaire -->\n<!doctype source><source/>", "DOCTYPE"),
        (b"", "fichier vide"),
        (b"reference;titre\n1;Cuisinier\n", "pas un flux XML"),
        (b'[{"id": "1"}]', "pas un flux XML"),
        ("<?xml version='1.0'?><source/>".encode("utf-16"), "UTF-16"),
        (b"<source><job><title>A</title></job>", "XML invalide"),
    ],
)
def test_unreadable_xml_files_and_entities_are_refused(data, message):
    with pytest.raises(SourceFileError, match=message):
        xml_read(data)


def test_xml_that_breaks_off_is_refused_where_it_breaks_after_the_jobs_before():
    data = XML_SAMPLE.replace("<title>Cuisinier</title>", "<title>Cuisinier</titre>").encode()
    rows = []
    message = r"XML invalide \(ligne 53, colonne 19\) : balise fermante qui ne correspond pas"
    with pytest.raises(SourceFileError, match=message):
        for row in xml_feed.XmlFeed(values=xml_feed.MONSTRE_VALUES)(io.BytesIO(data)):
            rows.append(row)
    assert len(rows) == 4


def peak_memory(element: str, count: int) -> tuple[int, int, int]:
    """Rows read, last line and peak memory when reading ``count`` elements."""
    one = f"<{element}><referencenumber>{{}}</referencenumber><title>Cariste</title></{element}>\n"
    body = "".join(one.format(number) for number in range(count))
    stream = io.BytesIO(f"<source>\n<publisher>X</publisher>\n{body}</source>\n".encode())
    tracemalloc.start()
    try:
        rows = last = 0
        for row in xml_feed.XmlFeed()(stream):
            rows, last = rows + 1, row.line
        return rows, last, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("element", ["job", "annonce"])  # offers, or other elements
def test_memory_stays_flat_on_a_long_xml_feed(monkeypatch, element):
    monkeypatch.setattr(xml_feed, "_CHUNK", 16_384)
    rows, last, peak = peak_memory(element, 4_000)
    more_rows, _last, more_peak = peak_memory(element, 12_000)
    if element == "job":
        assert (rows, last, more_rows) == (4_000, 4_002, 12_000)
    else:
        assert rows == more_rows == 0
    # Three times as long a feed takes no more memory (12,000 elements kept would take
    # megabytes).
    assert more_peak < peak * 1.2 and more_peak < 1_000_000, (peak, more_peak)


# --- Dates, sources and config ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-03-02T09:15:00Z", "2026-03-02T09:15:00Z"),
        ("Mon, 02 Mar 2026 09:15:00 GMT", "2026-03-02T09:15:00+00:00"),
        ("2 Mar 2026 09:15 +0100", "2026-03-02T09:15:00+01:00"),
        ("Tue, 10 Mar 2026 22:49:39 EST", "2026-03-10T22:49:39-05:00"),
        ("02/03/2026", "2026-03-02T00:00:00"),
        ("2/3/2026 9h05", "2026-03-02T09:05:00"),
        ("31/02/2026", "31/02/2026"),
        ("Mon, 32 Feb 2026 10:00:00 GMT", "Mon, 32 Feb 2026 10:00:00 GMT"),
        ("hier", "hier"),
    ],
)
def test_dates_are_normalised_to_iso_or_left_for_clean_record_to_refuse(text, iso):
    assert normalise_date(text) == iso


def test_builtin_sources():
    sources = {source.name: source for source in builtin_sources()}
    assert list(sources) == ["france-travail", "keljob", "monstre-emploi"]
    assert [source.label for source in sources.values()] == [
        "France Travail",
        "Keljob",
        "Monstre Emploi",
    ]
    assert [source.own for source in sources.values()] == [True, False, False]
    assert all(source.full_feed for source in sources.values())
    rows = read(sources["keljob"].read, keljob_file(keljob_line()))
    assert clean(rows[0])["contract_type"] == "cdi"


def test_configured_sources_are_built_from_the_config():
    config = {
        "monjob": {
            "format": "csv",
            "label": "MonJob",
            "mapping": {"id": "source_id", "poste": "title", "type": "contract_type"}
            | {"publie_le": "created_at", "cp": "postal_code"},
            "values": {"contract_type": {"Temps plein CDI": "cdi"}},
            "delimiter": ",",
            "full_feed": False,
            "website": "https://www.monjob.example",
        },
        "jobsud": {"format": "xml", "label": "JobSud", "mapping": {"ref": "source_id"}},
        "ft-bis": {"format": "france-travail", "own": True},
    }
    monjob, jobsud, ft_bis = configured_sources(config)

    assert (monjob.name, monjob.label, monjob.full_feed, monjob.own) == (
        "monjob",
        "MonJob",
        False,
        False,
    )
    assert monjob.website == "https://www.monjob.example"
    data = "id,poste,type,publie_le,cp\nA1,Cariste,temps plein  cdi,2026-03-01,06000\n"
    (row,) = read(monjob.read, data.encode())
    assert clean(row)["contract_type"] == "cdi" and row.fields["postal_code"] == "06000"

    assert (jobsud.label, jobsud.full_feed) == ("JobSud", True)
    xml = b"<source><job><ref>J1</ref><title>Cariste</title><jobtype>cdd</jobtype>"
    xml += b"<date>2026-03-01</date></job></source>"
    (row,) = read(jobsud.read, xml)
    assert (row.fields["source_id"], row.fields["contract_type"]) == ("J1", "cdd")

    assert (ft_bis.label, ft_bis.own, ft_bis.read) == ("ft-bis", True, france_travail.read)


CSV = {
    "format": "csv",
    "mapping": {"id": "source_id", "t": "title", "c": "contract_type", "d": "created_at"},
}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"monjob": {"label": "MonJob"}}, "'monjob'.*'format'"),
        ({"monjob": {"format": "pdf"}}, "'monjob'.*'format'"),
        ({"monjob": {"format": "csv"}}, "'monjob'.*'mapping'"),
        ({"monjob": {"format": "csv", "mapping": {"a": "titre"}}}, "'monjob'.*'mapping'.*'titre'"),
        ({"monjob": {"format": "csv", "mapping": {"a": "title"}}}, "'monjob'.*'source_id'"),
        (
            {"monjob": {"format": "csv", "mapping": {"a": "title", "b": "title"}}},
            "'monjob'.*'title' is given twice",
        ),
        ({"monjob": {**CSV, "delimiter": ";;"}}, "'monjob'.*'delimiter'"),
        ({"monjob": {**CSV, "delimiter": '"'}}, "'monjob'.*'delimiter'"),
        ({"monjob": {**CSV, "encoding": "klingon"}}, "'monjob'.*'encoding'"),
        ({"monjob": {**CSV, "encoding": "utf-16"}}, "'monjob'.*'encoding'"),
        (
            {"monjob": {"format": "xml", "values": {"contract_type": {"Stage": "stage"}}}},
            "'monjob'.*'values'.*'stage'",
        ),
        ({"monjob": {"format": "xml", "values": {"poste": {}}}}, "'monjob'.*'values'.*'poste'"),
        ({"monjob": {"format": "xml", "delimiter": ";"}}, "'monjob'.*unknown key 'delimiter'"),
        ({"monjob": {"format": "xml", "own": "oui"}}, "'monjob'.*'own'"),
        ({"monjob": {"format": "xml", "website": "ftp://x"}}, "'monjob'.*'website'"),
        ({"monjob": {"format": "xml", "item": "<job>"}}, "'monjob'.*'item'"),
        ({"keljob": {"format": "xml"}}, "'keljob'.*built-in"),
        ({"Mon Job": {"format": "xml"}}, "'Mon Job'.*name"),
        ({"monjob": "csv"}, "'monjob'.*mapping of settings"),
    ],
)
def test_a_wrong_config_names_the_source_and_the_key(config, message):
    with pytest.raises(ValueError, match=message):
        configured_sources(config)
