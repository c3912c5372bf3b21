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



def test_the_apostrophe_a_csv_writer_puts_before_a_formula_is_not_part_of_the_target():
    """The reviewer's own CSV export writes '=100% (so that a spreadsheet does not run it); it reads back as =100%."""
    rows = read_csv("三级指标,指标值\n验收合格率,'=100%\n事故次数,'-1\n说明,'普通文字\n")
    assert [(r.level3, r.target_raw) for r in rows][:2] == [("验收合格率", "=100%"), ("事故次数", "-1")]
    assert rows[0].issues == [] and rows[0].target.text == "=100%"


def test_an_operator_column_headed_fuhao_completes_the_target():
    """符号 | 指标值 | 计量单位 (a newcomer's table): the operator had been dropped and every row flagged 缺少运算符."""
    rows = read_csv("一级指标,二级指标,三级指标,符号,指标值,计量单位\n产出指标,数量指标,健康讲座次数,>=,24,次\n")
    assert [(r.level3, r.target.text) for r in rows] == [("健康讲座次数", "≥24次")]


@pytest.mark.parametrize("name", ["table.txt", "table", "u8.TXT"])
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_comma_table_saved_as_text_or_without_a_suffix_is_read_as_csv(name, encoding):
    """The bytes pick the reader: the same bytes as a .csv had been NO_TABLE as .txt and 415 with no suffix."""
    data = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n产出指标,质量指标,培训合格率,≥95%\n".encode(encoding)
    rows = read_file(name, data=data, name=name).rows
    assert [(r.level1, r.level3, r.target.text) for r in rows] == [("产出指标", "培训人数", "≥100人"), ("产出指标", "培训合格率", "≥95%")]
