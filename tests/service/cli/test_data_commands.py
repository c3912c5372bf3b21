"""``zhibiao ingest``: rows out, one-line errors and exit code 2 for files that cannot be read."""

from __future__ import annotations

import json

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
