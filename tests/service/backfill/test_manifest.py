"""The manifest: a job's model and framework, finished files, and lines cut short by a kill."""

from __future__ import annotations

import json

import pytest

from service.backfill.manifest import Manifest, ManifestError


def test_a_new_job_records_its_model_and_a_rerun_keeps_it(tmp_path):
    manifest = Manifest.open(tmp_path / "out", "v1", "2021")
    manifest.add({"hash": "h1", "path": "/a.csv", "status": "done", "rows": 3})
    manifest.add({"hash": "h1", "path": "/b.csv", "status": "duplicate", "of": "/a.csv"})
    again = Manifest.open(tmp_path / "out", "v2", "2021")
    assert again.job["model_version"] == "v1"
    assert set(again.finished) == {"h1"} and set(again.duplicates) == {"/b.csv"}


def test_a_line_cut_short_by_a_kill_is_dropped(tmp_path):
    manifest = Manifest.open(tmp_path, "v1", "2021")
    manifest.add({"hash": "h1", "path": "/a.csv", "status": "done", "rows": 3})
    with open(manifest.path, "a", encoding="utf-8") as handle:
        handle.write('{"hash": "h2", "path": "/b.cs')
    again = Manifest.open(tmp_path, "v1", "2021")
    assert set(again.finished) == {"h1"}
    again.add({"hash": "h2", "path": "/b.csv", "status": "unreadable", "error": {"code": "NO_TABLE"}})
    lines = manifest.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["hash"] for line in lines] == ["h1", "h2"]


def test_a_folder_of_something_else_or_another_framework_is_refused(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "report.xlsx").write_bytes(b"x")
    with pytest.raises(ManifestError, match="not empty"):
        Manifest.open(tmp_path / "other", "v1", "2021")
    Manifest.open(tmp_path / "job", "v1", "2021")
    with pytest.raises(ManifestError, match="framework 2021"):
        Manifest.open(tmp_path / "job", "v1", "2015")
