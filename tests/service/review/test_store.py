"""The review store: a batch and its decisions survive closing the page (a new store on the same folder), undo forgets."""

from __future__ import annotations

import sqlite3

import pytest

from service.review.page import Upload, annotate_batch
from service.review.store import NotFound, ReviewStore
from service.review.table import Decision


@pytest.fixture()
def stored(tmp_path, seed_xlsx, fake_predictor):
    store = ReviewStore(tmp_path / "review")
    result = annotate_batch([Upload("yutian_seed.xlsx", seed_xlsx), Upload("broken.xlsx", b"PK not a workbook")], fake_predictor, store)
    return store, result


def test_batch_round_trip(stored, annotated_seed):
    store, result = stored
    assert [(e.file, e.code) for e in result.errors] == [("broken.xlsx", "UNREADABLE_FILE")]
    assert result.errors[0].message and not result.errors[0].message.isascii()  # the reader's Chinese message
    batch = store.batch(result.batch)
    assert batch.files == ["yutian_seed.xlsx", "broken.xlsx"] and batch.framework == "2021" and batch.model_version
    assert [len(t.records) for t in batch.tables] == [11, 9, 9, 9]
    assert batch.tables[0].records == annotated_seed.tables[0].records
    assert batch.tables[0].input_columns == ["一级指标", "二级指标", "三级指标", "指标值", "指标值说明"]
    assert (batch.tables[0].project, batch.tables[0].unit, batch.tables[0].year) == ("残疾人保障金", "玉田县科学技术协会本级", 2025)
    assert [e.file for e in batch.errors] == ["broken.xlsx"]
    rows = store.indicator_rows(result.batch)
    assert len(rows) == 38 and rows[(0, 0)]["level3"] == "完成率" and "input" not in rows[(0, 0)]
    assert store.batches()[0]["id"] == result.batch and store.batches()[0]["rows"] == 38


def test_decisions_survive_a_new_store_and_undo(stored, tmp_path):
    store, result = stored
    store.decide(result.batch, 0, 1, Decision("产出指标", "质量指标", "accepted", "≥90%", "edited"))
    store.decide(result.batch, 0, 1, Decision("产出指标", "数量指标", "changed"))  # a second decision replaces the first
    store.decide(result.batch, 2, 0, Decision("产出指标", "数量指标", "accepted"))
    again = ReviewStore(tmp_path / "review")  # the reviewer closed the page; the server may have restarted
    decisions = again.decisions(result.batch)
    assert set(decisions) == {(0, 1), (2, 0)}
    assert decisions[(0, 1)].level2 == "数量指标" and decisions[(0, 1)].target is None and decisions[(0, 1)].decided_at
    again.undo(result.batch, 0, 1)
    assert set(store.decisions(result.batch)) == {(2, 0)}
    assert again.batches()[0]["reviewed"] == 1


def test_missing_things_raise_not_found(stored):
    store, result = stored
    with pytest.raises(NotFound):
        store.batch("nope")
    with pytest.raises(NotFound):
        store.decide(result.batch, 0, 999, Decision("产出指标", "数量指标", "accepted"))


def test_deleting_a_batch_removes_its_rows_and_decisions(stored):
    store, result = stored
    store.decide(result.batch, 0, 0, Decision("产出指标", "数量指标", "accepted"))
    store.delete_batch(result.batch)
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM rows").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


def test_nothing_readable_stores_nothing(tmp_path, fake_predictor):
    store = ReviewStore(tmp_path / "review")
    result = annotate_batch([Upload("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0\0")], fake_predictor, store)
    assert result.batch is None and result.errors[0].code == "LEGACY_WORD"
    assert store.batches() == []
