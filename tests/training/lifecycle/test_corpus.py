"""The corpus build from data/sources: deterministic, every source listed, publishers and origins from the manifest."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ROOT
from training.lifecycle.corpus import build_corpus, seed_sources, source_manifest, summarize, write_corpus


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
    assert first["rows_per_source"]["repository_indicators.jsonl"] == 364
    assert first["rows_per_source"]["library_indicators.jsonl"] == 240


def test_publishers_and_origins_follow_the_manifest():
    corpus = build_corpus(ROOT / "data")
    by_source = {}
    for row in corpus.rows:
        by_source.setdefault(row.source, set()).add((row.origin, row.publisher))
    assert by_source["001_e3721a15ebf48cda.txt"] == {("table", "郑州市")}
    assert {origin for origin, _ in by_source["library_indicators.jsonl"]} == {"library"}
    assert ("table", "github:hktianyi/Meeting") in by_source["repository_indicators.jsonl"]
    assert any(p == "萧县张庄寨镇" for _, p in by_source["extra_indicators.jsonl"])
    assert seed_sources(ROOT / "data") == {"000_42a741920ee6bc71.txt", "001_e3721a15ebf48cda.txt", "002_ba45935baea4b602.txt",
                                           "004_488854faf201b773.txt"}


def test_old_style_labels_of_the_repository_tables_map(corpus):
    rows = [r for r in corpus.rows if r.source == "repository_indicators.jsonl"]
    assert all(r.level2 for r in rows if r.level2_raw in ("产出数量", "产出质量", "产出时效", "产出成本", "环境效益"))
    assert not [r for r in rows if r.level3 and r.level3.startswith("【新增】")]


def test_an_unlisted_source_is_refused(tmp_path):
    shutil.copytree(ROOT / "data" / "sources", tmp_path / "sources")
    (tmp_path / "sources" / "new.jsonl").write_text(json.dumps({"level3": "培训人次"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no entry for new\.jsonl"):
        source_manifest(tmp_path)


def test_summary_counts_categories():
    summary = summarize(build_corpus(ROOT / "data"))
    assert summary["rows_per_category"]["产出指标/数量指标"] > 150
    assert summary["rows_per_category"]["(process label)"] >= 47  # Zhengzhou 投入与目标管理
