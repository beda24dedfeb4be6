"""load_once: a content folder is parsed once per process while its files are unchanged."""

from __future__ import annotations

import os

import pytest

from emploistore import load_once


def test_load_once_reuses_then_reloads_when_a_file_changes(tmp_path):
    (tmp_path / "a.yaml").write_text("one", encoding="utf-8")
    calls = []

    def loader(base):
        calls.append(base)
        return {p.name: p.read_text(encoding="utf-8") for p in base.iterdir()}

    first = load_once(tmp_path, loader)
    assert load_once(tmp_path, loader) is first and len(calls) == 1
    (tmp_path / "a.yaml").write_text("two, longer", encoding="utf-8")
    assert load_once(tmp_path, loader) == {"a.yaml": "two, longer"} and len(calls) == 2
    (tmp_path / "b.yaml").write_text("new", encoding="utf-8")
    assert set(load_once(tmp_path, loader)) == {"a.yaml", "b.yaml"}
    stat = (tmp_path / "b.yaml").stat()
    os.utime(tmp_path / "b.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    load_once(tmp_path, loader)
    assert len(calls) == 4


def test_load_once_does_not_keep_failures(tmp_path):
    attempts = []

    def broken(base):
        attempts.append(base)
        raise ValueError("bad content")

    for _ in range(2):
        with pytest.raises(ValueError, match="bad content"):
            load_once(tmp_path, broken)
    assert len(attempts) == 2
