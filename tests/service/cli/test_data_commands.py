"""``zhibiao ingest``: rows out, one-line errors and exit code 2 for files that cannot be read."""

from __future__ import annotations

import json

import pytest

from service.cli import main
from tests.conftest import ZHENGZHOU


def test_ingest_command_writes_rows_and_reports(tmp_path, capsys):
    out = tmp_path / "zz.jsonl"
    assert main(["ingest", str(ZHENGZHOU), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 125
    assert "125 rows in 5 tables, 0 unparsed targets" in capsys.readouterr().out


def test_ingest_command_bad_file_exit_code(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_ingest_output_must_be_json_lines(tmp_path, capsys):
    """It had written JSON Lines into a .txt file."""
    assert main(["ingest", str(ZHENGZHOU), "-o", str(tmp_path / "rows.txt")]) == 2
    assert "name the output .jsonl" in capsys.readouterr().err and not (tmp_path / "rows.txt").exists()


def test_ingest_to_a_path_it_cannot_write_says_why_in_one_line(tmp_path, capsys):
    """-o under a file had been 'unexpected FileExistsError … (a bug: please report it)' (a newcomer's trial, 2026-12-01)."""
    from service.cli import main

    table = tmp_path / "t.csv"
    table.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n", encoding="utf-8")
    assert main(["ingest", str(table), "-o", str(table / "x.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot write") and "bug" not in err and len(err.splitlines()) == 1, err
    assert not list(tmp_path.glob("**/*.tmp"))


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    """A full disk had left .x.xlsx.tmp behind."""
    from service import bulk

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(bulk, "render", lambda *a, **k: b"x" * 10)
    monkeypatch.setattr(bulk.Path, "replace", full)
    with pytest.raises(OSError):
        bulk.write_output([], tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())
