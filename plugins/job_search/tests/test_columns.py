"""The offers' columns (job_search.columns) beside the tantivy index: kept by the writer,
followed by readers, and given up for tantivy alone when they cannot hold the offers.

Their answers are compared with tantivy alone (``columns=False``) on the same documents
as the engines' parity tests (test_sql_engines.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from job_search.query import OfferQuery
from job_search.tantivy_engine import TantivyEngine
from job_search.tests.test_sql_engines import DOCUMENTS, NOW, assert_same


def test_readers_follow_the_writers_columns(tmp_path: Path) -> None:
    """Another process's engine on the same folder answers from the columns the writer
    saved, and sees an apply once it refreshes; a search without words changes with it."""
    writer = TantivyEngine(tmp_path)
    writer.rebuild(iter(DOCUMENTS), 1)
    reader = TantivyEngine(tmp_path)
    assert reader.columns_loaded
    query = OfferQuery(contract=("saisonnier",), sort="date", per_page=50)
    before = reader.search(query, None, NOW)
    moved = next(d for d in DOCUMENTS if d.contract != "saisonnier" and d.expires is None)
    writer.apply([replace(moved, contract="saisonnier")], [before.hits[0].id], seq=2)
    assert reader.search(query, None, NOW).total == before.total  # not refreshed yet
    reader.refresh()
    after = reader.search(query, None, NOW)
    assert reader.columns_loaded
    assert after.total == before.total  # one offer in, one out
    assert moved.id in {hit.id for hit in after.hits}
    assert before.hits[0].id not in {hit.id for hit in after.hits}
    assert after.facets["contract"]["saisonnier"] == after.total


def test_damaged_columns_fall_back_on_tantivy_until_a_rebuild(tmp_path: Path) -> None:
    writer = TantivyEngine(tmp_path)
    writer.rebuild(iter(DOCUMENTS), 1)
    saved = writer.directory / "columns.npz"
    saved.write_bytes(saved.read_bytes()[:1000])  # cut short, as by a full disk
    reader = TantivyEngine(tmp_path)
    assert not reader.columns_loaded
    alone = TantivyEngine(tmp_path / "alone", columns=False)
    alone.rebuild(iter(DOCUMENTS), 1)
    assert_same(reader, alone, OfferQuery(contract=("cdi",), sort="date"))
    writer.apply([], [DOCUMENTS[0].id], seq=2)  # no columns to update: still none
    reader.refresh()
    assert not reader.columns_loaded
    writer.rebuild(iter(DOCUMENTS), 3)  # ``emploistore jobs reindex``
    reader.refresh()
    assert reader.columns_loaded
    assert_same(reader, alone, OfferQuery(contract=("cdi",), sort="date"))


def test_many_sources_are_counted_bit_by_bit_alike(tmp_path: Path) -> None:
    """Over 12 sources the columns count each source's bit instead of every combination."""
    many = [
        replace(doc, sources=(f"site-{i % 20}", f"site-{(i + 7) % 20}"))
        for i, doc in enumerate(DOCUMENTS)
    ]
    engine = TantivyEngine(tmp_path / "many")
    engine.rebuild(iter(many), 1)
    alone = TantivyEngine(tmp_path / "alone", columns=False)
    alone.rebuild(iter(many), 1)
    assert engine.columns_loaded
    expected = assert_same(engine, alone, OfferQuery(sort="date"))
    assert len(expected.facets["source"]) == 20
    assert_same(engine, alone, OfferQuery(source=("site-3", "site-9"), contract=("cdi",)))


def test_too_many_sources_fall_back_on_tantivy(tmp_path: Path) -> None:
    """More sources than the columns' bit set holds: tantivy answers everything, alike."""
    many = [replace(doc, sources=(f"site-{i}",)) for i, doc in enumerate(DOCUMENTS[:80])]
    engine = TantivyEngine(tmp_path / "many")
    engine.rebuild(iter(many), 1)
    alone = TantivyEngine(tmp_path / "alone", columns=False)
    alone.rebuild(iter(many), 1)
    assert not engine.columns_loaded
    for query in (OfferQuery(sort="date"), OfferQuery(source=("site-3", "site-9"))):
        assert_same(engine, alone, query)
    assert engine.count(OfferQuery(source=("site-3",)), None, NOW) in (0, 1)
