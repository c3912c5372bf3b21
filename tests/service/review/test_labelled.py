"""The reviewed rows' export is a labelled table ``zhibiao retrain`` takes: read back through ingest, origin ``reviewed``."""

from __future__ import annotations

import json

import pytest

from service.review.labelled import reviewed_jsonl
from service.review.page import Upload, annotate_batch, make_decision
from service.review.store import ReviewStore
from training.lifecycle.corpus import Corpus, load_rows
from training.lifecycle.ingest import read_new_file, store


@pytest.fixture()
def reviewed_file(tmp_path, seed_xlsx, fake_predictor):
    review = ReviewStore(tmp_path / "review")
    batch = annotate_batch([Upload("yutian_seed.xlsx", seed_xlsx)], fake_predictor, review).batch
    for table, position, choice, target in [(0, 0, "产出指标/数量指标", "≥90%"), (0, 9, "效益指标/社会效益指标", "≥80%"),
                                            (3, 2, "产出指标/时效指标", None)]:
        record, row = review.row(batch, table, position)
        review.decide(batch, table, position, make_decision(record, row, choice, target, "2021"))
    path = tmp_path / "reviewed.jsonl"
    path.write_bytes(reviewed_jsonl(review.batch(batch), review.decisions(batch), review.indicator_rows(batch)))
    return path, batch


def test_only_decided_rows_with_the_reviewers_label(reviewed_file):
    path, batch = reviewed_file
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["level3"], line["level2"], line["target"]) for line in lines] == [
        ("完成率", "数量指标", "≥90%"), ("群众科学素质", "社会效益指标", "≥80%"), ("工作完成的时效", "时效指标", "≥20总体时效指数")]
    assert all(line["origin"] == "reviewed" for line in lines)
    first = lines[0]["provenance"]
    assert first["review_batch"] == batch and first["file"] == "yutian_seed.xlsx" and first["table"] == 0
    assert first["published_level2"] == "数量指标" and first["predicted_level2"] and first["label_action"] in ("accepted", "published", "changed")
    # ≥90 lacks only its unit: the suggestion is ≥90% (the writer's value kept), which the reviewer's ≥90% accepts
    assert first["target_as_given"] == "≥90" and first["target_action"] == "accepted" and first["decided_at"]
    assert lines[0]["project"] == "残疾人保障金" and lines[0]["year"] == 2025 and lines[0]["publisher"] == "玉田县科学技术协会本级"


def test_retrain_ingest_reads_it_as_reviewed_labelled_rows(reviewed_file, tmp_path):
    path, batch = reviewed_file
    item = read_new_file(path, root=tmp_path / "data")  # what `zhibiao retrain FILE` does first, through the readers
    assert item.new and len(item.rows) == 3
    for row in item.rows:
        assert row.origin == "reviewed" and row.label_known and row.level2 and row.level3
        assert row.provenance["review_batch"] == batch and row.provenance["sha256"] == item.sha256
        assert row.publisher == "玉田县科学技术协会本级" and row.year == 2025 and not row.issues
    assert [r.level2 for r in item.rows] == ["数量指标", "社会效益指标", "时效指标"]
    assert item.rows[0].target.text == "≥90%"
    store(item)
    corpus = Corpus(rows=load_rows(item.stored))  # how the corpus picks up data/added/
    assert len(corpus.labelled) == 3 and {r.origin for r in corpus.rows} == {"reviewed"}
    assert corpus.rows[0].provenance["predicted_level2"]


def test_a_placeholder_kept_unfilled_is_not_learned_as_a_target(tmp_path, seed_xlsx, fake_predictor):
    """A final trial kept the suggested ≥__公里 and retrained: the corpus row's target was 'not understood'."""
    review = ReviewStore(tmp_path / "review")
    batch = annotate_batch([Upload("yutian_seed.xlsx", seed_xlsx)], fake_predictor, review).batch
    record, row = review.row(batch, 0, 0)
    review.decide(batch, 0, 0, make_decision(record, row, "产出指标/数量指标", "≥__公里", "2021"))
    line = json.loads(reviewed_jsonl(review.batch(batch), review.decisions(batch), review.indicator_rows(batch)).splitlines()[0])
    assert line["target"] == row["target_raw"] and "__" not in (line["target"] or "")
