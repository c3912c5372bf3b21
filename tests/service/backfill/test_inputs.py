"""INPUT arguments to files: folders recursively, glob patterns, files by name; each file once."""

from __future__ import annotations

import pytest

from service.backfill.inputs import InputError, content_hash, discover


def test_folders_are_searched_recursively_for_table_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.csv", "a/b/y.XLSX", "a/b/z.pdf", "a/notes.md", "a/.hidden.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "w.csv").write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path / "a"])] == ["a/b/y.XLSX", "a/b/z.pdf", "a/x.csv"]


def test_patterns_files_and_overlaps_give_each_file_once(tmp_path):
    for name in ("t1.csv", "t2.csv", "readme.txt", "odd.name"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([str(tmp_path / "*.csv"), tmp_path / "t1.csv", tmp_path / "odd.name", tmp_path])
    assert [p.name for p in found] == ["odd.name", "readme.txt", "t1.csv", "t2.csv"]  # a named file is taken whatever its suffix
    assert all(p.is_absolute() for p in found)


def test_an_input_that_names_nothing_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "missing"])
    with pytest.raises(InputError, match="matches no file"):
        discover([str(tmp_path / "*.xlsx")])
    assert discover([tmp_path]) == []


def test_the_same_bytes_have_the_same_hash():
    assert content_hash(b"abc") == content_hash(b"abc") != content_hash(b"abd")
    assert len(content_hash(b"")) == 64
