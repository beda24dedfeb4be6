"""The synthetic feeds: reproducible, read by the built-in sources, with a sound ground truth."""

from __future__ import annotations

import csv
import io
import multiprocessing
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from job_search import generate, records
from job_search.sources import builtin_sources

NOW = datetime(2026, 3, 20)
COUNT = 2000
BAD_REASONS = ("intitulé : obligatoire", "type de contrat :", "date de création : date invalide")


def read_feeds(paths: dict[str, Path]) -> tuple[dict[str, dict[str, dict]], dict[str, list]]:
    """Good records by source and id, and the rejected rows by source."""
    good: dict[str, dict[str, dict]] = {}
    rejected: dict[str, list] = {}
    for source in builtin_sources():
        good[source.name], rejected[source.name] = {}, []
        with paths[source.name].open("rb") as handle:
            for row in source.read(handle):
                if row.error:
                    rejected[source.name].append((row.line, row.error))
                    continue
                try:
                    record = records.clean_record(row.fields, NOW)
                except records.RowRejected as error:
                    rejected[source.name].append((row.line, str(error)))
                    continue
                assert record["source_id"] not in good[source.name]
                good[source.name][record["source_id"]] = record
    return good, rejected


def read_groups(path: Path) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["source", "source_id", "group"]
        for row in reader:
            groups[row["group"]].append((row["source"], row["source_id"]))
    return groups


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> dict[str, Path]:
    return generate.generate_feeds(
        tmp_path_factory.mktemp("feeds"), COUNT, seed=7, now=NOW, workers=1
    )


@pytest.fixture(scope="module")
def content(feeds):
    good, rejected = read_feeds(feeds)
    return good, rejected, read_groups(feeds["duplicates"])


def test_the_files_are_written(feeds):
    assert {name: path.name for name, path in feeds.items()} == {
        "france-travail": "france-travail.json",
        "keljob": "keljob.csv",
        "monstre-emploi": "monstre-emploi.xml",
        "duplicates": "duplicates.csv",
    }
    directory = feeds["duplicates"].parent
    assert sorted(path.name for path in directory.iterdir()) == sorted(
        path.name for path in feeds.values()
    )
    assert feeds["keljob"].read_bytes().startswith(b"\xef\xbb\xbfreference;titre;description;")
    assert feeds["monstre-emploi"].read_bytes().startswith(b'<?xml version="1.0"')


def test_the_same_seed_gives_the_same_files_in_one_or_two_processes(feeds, tmp_path):
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("two processes need fork")
    again = generate.generate_feeds(tmp_path / "again", COUNT, seed=7, now=NOW, workers=2)
    for name, path in feeds.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_another_seed_gives_other_files(feeds, tmp_path):
    other = generate.generate_feeds(tmp_path / "other", COUNT, seed=8, now=NOW)
    for name in ("france-travail", "keljob", "monstre-emploi", "duplicates"):
        assert other[name].read_bytes() != feeds[name].read_bytes(), name


def test_the_counts_add_up_and_only_the_broken_rows_are_rejected(content):
    good, rejected, _groups = content
    rows = {source: len(good[source]) + len(rejected[source]) for source in good}
    assert rows == {"france-travail": 1100, "keljob": 500, "monstre-emploi": 400}
    assert sum(rows.values()) == COUNT
    for source, failures in rejected.items():
        assert len(failures) == generate.bad_row_count(rows[source]) == 1, source
        for _line, reason in failures:
            assert reason.startswith(BAD_REASONS), reason


def test_broken_rows_come_about_once_in_two_thousand():
    assert generate.bad_row_count(155_498) == 78
    assert generate.bad_row_count(199) == 0
    assert generate.bad_row_count(200) == 1


def test_the_ground_truth_is_consistent(content):
    good, _rejected, groups = content
    assert groups
    copies = 0
    for group, members in groups.items():
        sources = [source for source, _id in members]
        assert len(set(sources)) == len(sources) >= 2, group
        found = [good[source][ident] for source, ident in members]  # all good rows
        assert len({record["postal_code"] for record in found}) == 1
        assert len({generate.company_key(record["company_name"]) for record in found}) == 1
        sirets = {record["company_siret"] for record in found} - {""}
        assert len(sirets) <= 1
        assert all(not record["expires_at"] or record["expires_at"] > NOW for record in found)
        # One of them (the original) is at least 85 % like each of the others.
        keys = [generate.title_key(record["title"]) for record in found]
        assert any(
            all(generate.similarity(key, other) >= 0.85 for other in keys) for key in keys
        ), keys
        copies += len(members) - 1
    assert copies == pytest.approx(0.15 * COUNT, abs=10)


def test_hard_negatives_look_alike_but_are_not_grouped(content):
    good, _rejected, groups = content
    group_of = {member: group for group, members in groups.items() for member in members}
    offers = [
        (source, ident, record) for source, by_id in good.items() for ident, record in by_id.items()
    ]
    by_employer = defaultdict(list)
    by_title = defaultdict(list)
    for source, ident, record in offers:
        employer = generate.company_key(record["company_name"])
        title = generate.title_key(record["title"])
        by_employer[employer, record["postal_code"]].append((source, ident, title))
        by_title[title, record["postal_code"]].append((source, ident, employer))

    def ungrouped_pairs(table, other_job: bool) -> int:
        """Pairs of offers of two sources, of the same employer and place with titles that
        dedup keeps apart, or of the same title and place at two employers."""
        found = 0
        for items in table.values():
            for index, (source, ident, other) in enumerate(items):
                for source2, ident2, other2 in items[index + 1 :]:
                    if source == source2 or other == other2:
                        continue
                    if other_job and generate.similarity(other, other2) >= 0.8:
                        continue  # a copy whose title was varied
                    group = group_of.get((source, ident))
                    assert group is None or group != group_of.get((source2, ident2))
                    found += 1
        return found

    assert ungrouped_pairs(by_employer, other_job=True) >= 20
    assert ungrouped_pairs(by_title, other_job=False) >= 20


def test_the_offers_look_real(content):
    good, _rejected, groups = content
    offers = [record for by_id in good.values() for record in by_id.values()]
    contracts = Counter(record["contract_type"] for record in offers)
    assert set(contracts) == set(records.CONTRACT_TYPES)
    assert 0.35 < contracts["cdi"] / len(offers) < 0.55
    assert 0.15 < contracts["cdd"] / len(offers) < 0.35
    part_time = sum(record["working_time"] == "part" for record in offers) / len(offers)
    assert 0.12 < part_time < 0.3
    without_salary = sum(record["salary_min"] is None for record in offers) / len(offers)
    assert 0.2 < without_salary < 0.4
    expired = [record for record in offers if record["expires_at"] and record["expires_at"] < NOW]
    assert expired
    grouped = {ident for members in groups.values() for _source, ident in members}
    assert not {record["source_id"] for record in expired} & grouped
    for record in offers:
        assert NOW - timedelta(days=60) <= record["created_at"] <= NOW
        assert record["updated_at"] >= record["created_at"]
        assert 550 <= len(record["description"]) <= 1000, record["description"]
        assert (
            record["title"]
            and record["city"]
            and re.fullmatch(r"\d[\dAB]\d{3}", record["postal_code"])
        )
        if record["company_siret"]:
            assert generate.luhn_valid(record["company_siret"])
            assert generate.luhn_valid(record["company_siret"][:9])  # the SIREN too
        full_time = record["working_time"] == "full" and record["contract_type"] != "alternance"
        if record["salary_period"] == "month" and full_time:
            assert record["salary_min"] >= generate.SMIC_MONTHLY
        if record["salary_period"] == "year" and full_time:
            assert record["salary_min"] >= 12 * generate.SMIC_MONTHLY
        if record["salary_period"] == "hour":
            assert record["salary_min"] >= generate.SMIC_HOURLY
    with_siret = sum(bool(record["company_siret"]) for record in offers) / len(offers)
    assert 0.4 < with_siret < 0.8
    paris = sum(record["postal_code"].startswith("75") for record in offers)
    assert paris > len(offers) * 0.03  # big cities weigh more
    assert len({record["postal_code"][:2] for record in offers}) > 60  # the whole country


def test_titles_take_one_form_of_the_rome_labels():
    assert generate._forms("Vendeur / Vendeuse en boulangerie") == (
        "Vendeur en boulangerie",
        "Vendeuse en boulangerie",
    )
    assert generate._forms("Aide ménager / ménagère à domicile") == (
        "Aide ménager à domicile",
        "Aide ménagère à domicile",
    )
    assert generate._forms("Cariste") == ("Cariste", "Cariste")
    assert generate.title_key("Aide-soignante H/F (CDI)") == generate.title_key("Aide-soignant")


def test_luhn_numbers():
    assert generate.luhn_complete("73282932") == "732829320"
    assert generate.luhn_valid("73282932000074")
    assert not generate.luhn_valid("73282932000075")
    assert generate.lcs_length("abcbdab", "bdcaba") == 4
    assert generate.lcs_length("", "abc") == generate.lcs_length("abc", "") == 0
    assert generate.lcs_length("serveur", "serveur") == 7


def test_no_offers_gives_empty_but_readable_feeds(tmp_path):
    paths = generate.generate_feeds(tmp_path, 0, seed=1, now=NOW)
    good, rejected = read_feeds(paths)
    assert all(not offers for offers in good.values())
    assert all(not rows for rows in rejected.values())
    assert paths["duplicates"].read_text() == "source,source_id,group\n"


@pytest.mark.parametrize(
    ("count", "share", "message"),
    [(-1, 0.15, "count"), (10, 0.6, "duplicate_share"), (10, -0.1, "duplicate_share")],
)
def test_wrong_arguments_are_refused(tmp_path, count, share, message):
    with pytest.raises(ValueError, match=message):
        generate.generate_feeds(tmp_path, count, seed=1, duplicate_share=share)


def test_the_command_line(tmp_path, capsys):
    generate.main(["--count", "300", "--seed", "3", "--out", str(tmp_path), "--now", "2026-03-20"])
    output = capsys.readouterr().out
    assert "300 offers in" in output
    assert (tmp_path / "keljob.csv").exists()
    with (tmp_path / "keljob.csv").open(encoding="utf-8-sig") as handle:
        assert sum(1 for _row in csv.reader(io.StringIO(handle.read()), delimiter=";")) == 76
