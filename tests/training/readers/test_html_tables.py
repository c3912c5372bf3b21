"""HTML tables through a real HTML5 parser: omitted end tags, <br> inside names, spans, charsets, nested tables."""

from tests.training.readers.builders import HEADER, NAMES, ROWS
from training.readers import read_file


def read_html(html: str, name: str = "t.html", encoding: str = "utf-8"):
    return read_file(name, data=html.encode(encoding), name=name).rows


def table_html(rows: list[list[str]], close: bool = True) -> str:
    end_td, end_tr = ("</td>", "</tr>") if close else ("", "")
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}{end_td}" for c in row) + end_tr for row in rows) + "</table>"


def test_omitted_end_tags_are_valid_html():
    rows = read_html("<p>2025年度项目支出绩效目标表</p>" + table_html([HEADER, *ROWS], close=False))
    assert [r.level3 for r in rows] == NAMES
    assert [r.target.text for r in rows] == ["≥120公里", "≥800人次", "100%", "≥90%"]
    assert {r.year for r in rows} == {2025}


def test_br_inside_a_name_joins_it():
    rows = read_html(table_html([HEADER, ["产出指标", "数量指标", "新建农村<br/>公路里程", "&ge;120公里", ""]]))
    assert (rows[0].level3, rows[0].target.text) == ("新建农村公路里程", "≥120公里")


def test_rowspan_and_colspan_place_cells_under_their_headers():
    html = (
        "<table><tr><td colspan=2>项目名称</td><td colspan=3>乡村培训</td></tr>"
        + "<tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"
        + '<tr><td rowspan="2">产出指标</td><td rowspan="2">数量指标</td><td>培训人次</td><td>≥300人次</td><td></td></tr>'
        + "<tr><td>培训班次</td><td>=6次</td><td>按期</td></tr>"
        + "<tr><td>效益指标</td><td>社会效益指标</td><td>群众知晓率</td><td>≥90%</td><td></td></tr></table>"
    )
    rows = read_html(html)
    assert [(r.level2, r.level3, r.target.text, r.description) for r in rows] == [
        ("数量指标", "培训人次", "≥300人次", None), ("数量指标", "培训班次", "=6次", "按期"), ("社会效益指标", "群众知晓率", "≥90%", None)]
    assert {r.project for r in rows} == {"乡村培训"}


def test_declared_gb2312_is_read_as_gb18030():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>' + table_html([HEADER, ROWS[0]])
    rows = read_html(html, encoding="gb18030")
    assert rows[0].level3 == NAMES[0]


def test_an_excel_export_that_is_html_is_read_as_html():
    rows = read_html('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body>' + table_html([HEADER, *ROWS]), name="export.xls")
    assert [r.level3 for r in rows] == NAMES


def test_a_table_nested_in_a_layout_table_is_read():
    inner = table_html([HEADER, *ROWS])
    html = f"<table><tr><td>项目名称</td><td>乡村培训</td></tr><tr><td>绩效指标</td><td>{inner}</td></tr></table>"
    result = read_file("t.html", data=html.encode(), name="t.html")
    rows = result.rows
    assert [r.level3 for r in rows] == NAMES
    assert result.tables == 1
    assert {r.project for r in rows} == {"乡村培训"}


def test_a_two_row_head_with_the_level_names_below_keeps_the_targets():
    """绩效指标 spans the three level columns, 指标值 and 权重 span both rows: the targets were all lost (read as empty,
    then flagged 未填写 and replaced by suggestions)."""
    rows = read_html('<table><thead><tr><th colspan="3">绩效指标</th><th rowspan="2">指标值</th><th rowspan="2">权重</th></tr>'
                     "<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th></tr></thead><tbody>"
                     '<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>送戏下乡场次</td><td>&ge;&nbsp;60场</td><td>15</td></tr>'
                     "<tr><td>时效指标</td><td>活动完成时间</td><td>12月底前</td><td>10</td></tr></tbody></table>")
    assert [(r.level2_raw, r.level3, r.target_raw) for r in rows] == [("数量指标", "送戏下乡场次", "≥ 60场"),
                                                                      ("时效指标", "活动完成时间", "12月底前")]
    assert all(r.issues == [] for r in rows)


def test_a_table_whose_target_column_is_not_recognised_says_so():
    rows = read_html(table_html([["三级指标", "分值", "计划数"], ["培训人次", "10", "≥500人次"]]))
    assert rows[0].target.kind == "empty"
    assert rows[0].issues == ["no target column in the header (指标值): the table's targets were not read"]
