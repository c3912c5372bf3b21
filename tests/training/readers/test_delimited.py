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


@pytest.mark.parametrize("header", ["三级指标,指标值", "一级指标,二级指标,三级指标,指标值"])
def test_a_cell_with_a_comma_doubled_quotes_and_a_line_break_is_one_cell(header):
    lead = "" if header.startswith("三级") else "产出指标,质量指标,"
    rows = read_csv(f'{header}\n{lead}"合格率,含""引号""\n换行",100%\n{lead}培训人数,≥100人\n')
    assert [(r.level3, r.target.text) for r in rows] == [('合格率,含"引号"换行', "100%"), ("培训人数", "≥100人")]


def test_invisible_characters_are_dropped_from_cells():
    rows = read_csv("一级指标,三级指标,指标值\n产出指标,培训\0人\u200b次,\ufeff≥1次\n")
    assert [(r.level3, r.target.text) for r in rows] == [("培训人次", "≥1次")]

