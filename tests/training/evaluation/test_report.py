"""`zhibiao evaluate --quick` end to end on part of the corpus with the fake encoder: every table and picture is written."""

from __future__ import annotations

import json

import pytest

from training.evaluation.report import MAIN, PUBLISHED_ONLY, run_evaluation
from training.lifecycle.corpus import Corpus

pytestmark = pytest.mark.slow


def test_quick_report_is_complete(corpus, fake_encoder, tmp_path):
    part = Corpus([r for r in corpus.rows if r.source != "repository_indicators.jsonl"])
    summary = run_evaluation(tmp_path, quick=True, encoder=fake_encoder, corpus=part)
    systems = {r["system"] for r in summary["table"]}
    assert {"majority class", "keyword rules", "TF-IDF + logistic regression", MAIN, PUBLISHED_ONLY} <= systems
    assert {r["subset"] for r in summary["table"]} == {"other publishers", "seed documents", "all"}
    for name in ("evaluation.md", "evaluation.json", "confusion_matrix.png", "per_class_f1.png", "reliability.png"):
        assert (tmp_path / name).stat().st_size > 500
    markdown = (tmp_path / "evaluation.md").read_text(encoding="utf-8")
    assert "publishers the model never saw" in markdown and "cleanlab" in markdown
    assert json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))["label_issues"]["rows"] > 100
