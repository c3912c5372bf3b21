"""CSV exports: delimiters, quoted cells, and errors the csv module raises."""

import pytest

from training.readers import read_file


def read_csv(text: str, encoding: str = "utf-8"):
    return read_file("t.csv", data=text.encode(encoding), name="t.csv").rows


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiters(delimiter):
    text = "\n".join(delimiter.join(row) for row in [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "≥300人次"]])
    assert [(r.level3, r.target.text) for r in read_csv(text)] == [("培训人次", "≥300人次")]


def test_a_quoted_cell_over_two_lines_is_one_cell():
    rows = read_csv('一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,"培训\n人次","≥1,200人次"\n')
    assert [(r.level3, r.target.text) for r in rows] == [("培训人次", "≥1200人次")]


def test_invisible_characters_are_dropped_from_cells():
    rows = read_csv("一级指标,三级指标,指标值\n产出指标,培训\0人\u200b次,\ufeff≥1次\n")
    assert [(r.level3, r.target.text) for r in rows] == [("培训人次", "≥1次")]

