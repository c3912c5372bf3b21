"""The corpus build and the ingest command, end to end on the project's sources."""

from __future__ import annotations

import json
import shutil

from service.cli import main
from tests.conftest import ROOT, ZHENGZHOU
from training.lifecycle.corpus import build_corpus, summarize, write_corpus


def test_corpus_build_is_deterministic_and_matches_checked_in(tmp_path):
    shutil.copytree(ROOT / "data" / "sources", tmp_path / "sources")
    first = write_corpus(build_corpus(tmp_path), tmp_path)
    text_first = (tmp_path / "corpus.jsonl").read_text(encoding="utf-8")
    second = write_corpus(build_corpus(tmp_path), tmp_path)
    assert first == second
    assert text_first == (tmp_path / "corpus.jsonl").read_text(encoding="utf-8")
    assert text_first == (ROOT / "data" / "corpus.jsonl").read_text(encoding="utf-8"), "data/corpus.jsonl is stale: run `zhibiao corpus`"
    assert first["rows_per_source"]["000_42a741920ee6bc71.txt"] == 284
    assert first["rows_per_source"]["extra_indicators.jsonl"] == 328
    assert len(first["unparsed_targets"]) <= 2
    assert first["unknown_labels"] == {}


def test_summary_counts_categories(tmp_path):
    summary = summarize(build_corpus(ROOT / "data"))
    assert summary["rows_per_category"]["产出指标/数量指标"] > 150
    assert summary["rows_per_category"]["(process label)"] >= 47  # Zhengzhou 投入与目标管理


def test_ingest_command_writes_rows_and_reports(tmp_path, capsys):
    out = tmp_path / "zz.jsonl"
    assert main(["ingest", str(ZHENGZHOU), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 125
    assert "125 rows in 5 tables, 0 unparsed targets" in capsys.readouterr().out


def test_ingest_command_bad_file_exit_code(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
