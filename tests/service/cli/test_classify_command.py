"""``zhibiao classify -o``: the Chinese annotated workbook and CSV for several files, JSON Lines with English keys."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from service.cli import main
from tests.conftest import BAODING, YUTIAN


@pytest.fixture()
def fake_model(monkeypatch, fake_predictor):
    from service.cli import model

    monkeypatch.setattr(model, "_predictor", lambda encoder=None: fake_predictor)


def test_classify_two_files_into_one_workbook(fake_model, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert main(["classify", str(YUTIAN), str(BAODING), "-o", str(out)]) == 0
    assert "73 rows ->" in capsys.readouterr().out
    book = load_workbook(out)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 1 + 4 + 7  # four Yutian tables, seven Baoding ones
    assert sum(sheet.max_row - 1 for sheet in book.worksheets[1:]) == 73
    overview = list(book["汇总"].iter_rows(values_only=True))
    total = next(row for row in overview if row and row[0] == "合计")
    assert total[1] == "2 个文件" and total[6] == 73
    assert "指标框架" in [row[0] for row in overview if row]


def test_classify_csv_and_jsonl(fake_model, tmp_path):
    assert main(["classify", str(YUTIAN), "-o", str(tmp_path / "out.csv")]) == 0
    header = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["来源文件", "表序号", "所属项目", "原一级指标", "原二级指标"] and "是否需复核" in header
    assert main(["classify", str(YUTIAN), "-o", str(tmp_path / "out.jsonl")]) == 0
    first = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"pred_level1", "pred_level2", "needs_review", "target_warning"} <= set(first)
