"""Reading real table layouts: snippets of each seed layout and the generic formats."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BAODING, HENAN, YUTIAN, ZHENGZHOU
from training.readers import ReadError, read_file

HENAN_SNIPPET = (
    "\t省级部门预算项目绩效目标表\n\n\t（2020年度）\n\n\t项目名称\n\t会议\n\n\t部门名称\n\t河南省科学技术协会\n\n"
    "\t单位名称\n\t河南省科学技术协会机关\n\n\t项目资金\n（万元）\n\t年度资金总额\n\t20.00\n\n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\t指标值说明\n\n\t\n\t\n\t\n\t\n\t\n\n"
    "\t产出指标\n\t数量指标\n\t预算执行率\n\t95\n\t≥95%\n\n"
    "\t\n\t时效指标\n\t项目完成及时率\n\t1\n\t1=及时；2=不及时；\n\n"
    "\t\n\t成本指标\n\t　\n\t　\n\t　\n\n"
    "\t效益指标\n\t环境效益\n\t促进生态可持续发展\n\t1\n\t1=促进；2=不促进；\n\n"
    "\t满意度指标\n\t服务对象满意度指标\n\t服务对象满意度指标\n\t参观群众满意度\n\t≥90%\n\n"
    "\t\n省级部门预算项目绩效目标表\n\n\t（2020年度）\n\n\t项目名称\n\t培训\n\n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\t指标值说明\n\n"
    "\t产出指标\n\t数量指标\n\t举办科普培训班\n\t2次\n\t青少年中心\n"
)

ZHENGZHOU_SNIPPET = (
    "郑州市科学技术协会机关预算项目绩效目标表\n\n(2020年)\n\n项目名称\t科普活动专项经费\t\t\n"
    '<p style="text-align: center;">一级指标</p>\t<p style="text-align: center;">二级指标</p>\t'
    '<p style="text-align: center;">三级指标</p>\t<p style="text-align: center;">目标值</p>\n'
    '<p style="text-align: center;">投入与目标管理</p>\t<p style="text-align: center;">投入管理</p>\t<p>预算执行率</p>\t<p>=100%</p>\n'
    "资产管理\t\t\t\n"
    "产出目标\t数量\t郑州青少年科技创新大赛参赛人数\t≥120000人\n"
    "\t\t质量\t郑州市青少年科技创新大赛获奖人数\n"
    "\t郑州市青少年机器人竞赛参赛获奖人数\t\t≥2000人\n"
    "\t时效\t青少年科普活动完成及时率\t=100%\n"
    "成本\t\t\t\n"
    "效果目标\t经济效益\t\t\n"
    "\t社会效益\t市民科普知识普及效果\t有效提高\n\n"
    "\t\t举办全民科学素质工作培训班效果\t反响较好\n"
    "\t满意度\t人民群众满意度\t≥95%\n"
    "参展学生满意度\t\t≥80%\t\n"
    "影响力目标\t长效管理\t长效管理制度健全性\t健全\n"
    "其它\t\t\t\n"
)

BAODING_SNIPPET = (
    "[bookmark: _Toc29720683]5、素质体验馆建设经费绩效目标表\n\t731002保定市科学技术协会（机关）\n\t单位：万元\n\n"
    "\t项目名称\n\t素质体验馆建设经费\n\n \n\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n\n"
    "\t产出指标\n\t成本指标\n\t人均财政投入水平\n\t全市科技馆站建设人均财政补助标准0.8元\n\t≥2个（科普场馆建设的数量）\n\t保发【2004】18号\n\n"
    "\t\n\t质量指标\n\t优良率\n\t结项鉴定优秀等级项目数量占结项总数量的比例（百分比）\n"
    "\t≥90%（优秀等级项目数量占结项总数量的比例（百分比））\n\n\t保发【2004】18号\n\n"
    "\t效果指标\n\t经济效益指标\n\t社会全民素质提升水平\t\n\t通过实施科普素质扶助政策促进社会稳定水平逐步提高\n\t≥80%\n"
    "\t【科协办函学字〔2018〕281号】\n上级指示精神\n\n"
    "\t满意度指标\n\t服务对象满意度指标\n\t群众满意度\n\t群众对当年科学普及的整体满意度\n\t%\n\t社会调研\n"
)


def read_text(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_file(path).rows


def names(rows):
    return [r.level3 for r in rows]


def test_henan_cell_lines(tmp_path):
    rows = read_text(tmp_path, "henan.txt", HENAN_SNIPPET)
    assert names(rows) == ["预算执行率", "项目完成及时率", "促进生态可持续发展", "参观群众满意度", "举办科普培训班"]
    budget, timely, eco, visitors, training = rows
    assert (budget.project, budget.department, budget.unit_name, budget.year) == ("会议", "河南省科学技术协会", "河南省科学技术协会机关", 2020)
    assert budget.target.text == "≥95%" and budget.target_raw == "95"
    assert (timely.target.kind, timely.target.text) == ("coded", "及时")
    assert (eco.level1_raw, eco.level2_raw, eco.level2) == ("效益指标", "环境效益", "生态效益指标")
    # The duplicated level cell shifts the name into the value column; the vocabulary puts it back.
    assert (visitors.level2, visitors.target.text, visitors.description) == ("服务对象满意度指标", "≥90%", None)
    assert (training.table, training.project, training.target.text) == (1, "培训", "2次")


def test_zhengzhou_shifted_cells(tmp_path):
    rows = read_text(tmp_path, "zz.txt", ZHENGZHOU_SNIPPET)
    by_name = {r.level3: r for r in rows}
    assert names(rows) == [
        "预算执行率", "郑州青少年科技创新大赛参赛人数", "郑州市青少年科技创新大赛获奖人数", "郑州市青少年机器人竞赛参赛获奖人数",
        "青少年科普活动完成及时率", "市民科普知识普及效果", "举办全民科学素质工作培训班效果", "人民群众满意度", "参展学生满意度",
        "长效管理制度健全性",
    ]
    assert (by_name["预算执行率"].level2, by_name["预算执行率"].label_process) == (None, True)
    assert by_name["郑州市青少年科技创新大赛获奖人数"].target.kind == "empty"
    shifted = by_name["郑州市青少年机器人竞赛参赛获奖人数"]
    assert (shifted.level2_raw, shifted.level2, shifted.target.text) == ("质量", "质量指标", "≥2000人")
    assert by_name["举办全民科学素质工作培训班效果"].level2 == "社会效益指标"
    assert by_name["参展学生满意度"].level2 == "服务对象满意度指标"
    assert by_name["长效管理制度健全性"].label_approximate
    assert all(r.project == "科普活动专项经费" and r.year == 2020 for r in rows)
    assert rows[0].unit_name == "郑州市科学技术协会机关"


def test_baoding_split_rows_and_multiline_cells(tmp_path):
    rows = read_text(tmp_path, "bd.txt", BAODING_SNIPPET)
    assert names(rows) == ["人均财政投入水平", "优良率", "社会全民素质提升水平", "群众满意度"]
    cost, quality, economic, satisfaction = rows
    assert (cost.level2, cost.target.text, cost.target.note) == ("经济成本指标", "≥2个", "科普场馆建设的数量")
    assert quality.basis == "保发【2004】18号"  # after a blank line inside the row
    assert economic.basis == "【科协办函学字〔2018〕281号】上级指示精神"
    assert (economic.level1_raw, economic.level1) == ("效果指标", "效益指标")
    assert satisfaction.target.kind == "unparsed" and satisfaction.issues
    assert cost.unit_name == "保定市科学技术协会（机关）" and cost.project == "素质体验馆建设经费"


@pytest.mark.parametrize(("path", "count", "tables"), [(HENAN, 284, 17), (ZHENGZHOU, 125, 5), (YUTIAN, 36, 4), (BAODING, 37, 7)])
def test_every_seed_row_comes_out_once(path, count, tables):
    result = read_file(path)
    assert len(result.rows) == count
    assert result.tables == tables
    assert all(r.level3 for r in result.rows)
    assert [r.row for r in result.rows] == list(range(count))


def test_seed_years():
    assert {r.year for r in read_file(YUTIAN).rows} == {2025}
    assert {r.year for r in read_file(BAODING).rows} == {2020}


GENERIC_HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标值说明"]
GENERIC_ROWS = [
    ["产出指标", "数量指标", "培训人次", "≥300人次", ""],
    ["", "", "培训班次", "=6次", ""],
    ["", "时效指标", "资金拨付及时率", "100%", ""],
    ["效益指标", "社会效益指标", "", "≥90%", "没有名字的一行"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥95%", ""],
]


def check_generic(rows):
    assert names(rows) == ["培训人次", "培训班次", "资金拨付及时率", None, "学员满意度"]
    assert rows[1].level2 == "数量指标"  # merged cell carried down
    assert rows[2].level1 == "产出指标" and rows[2].level2 == "时效指标"
    assert rows[3].issues == ["no indicator name (三级指标 is empty)"]
    assert rows[4].input["三级指标"] == "学员满意度"


def test_csv(tmp_path):
    import csv

    path = tmp_path / "t.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["项目名称", "乡村培训"])
        writer.writerow(GENERIC_HEADER)
        writer.writerows(GENERIC_ROWS)
    rows = read_file(path).rows
    check_generic(rows)
    assert rows[0].project == "乡村培训"


def test_csv_in_gb18030(tmp_path):
    path = tmp_path / "gbk.csv"
    text = ",".join(GENERIC_HEADER) + "\n" + "\n".join(",".join(r) for r in GENERIC_ROWS) + "\n"
    path.write_bytes(text.encode("gb18030"))
    check_generic(read_file(path).rows)


def test_xlsx_with_merged_cells(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2021年项目支出绩效目标表"])
    sheet.append(GENERIC_HEADER)
    for row in GENERIC_ROWS:
        sheet.append(row)
    sheet.merge_cells("A3:A5")
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    rows = read_file(path).rows
    check_generic(rows)
    assert rows[0].year == 2021


def test_docx_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("乡村培训项目绩效目标表")
    table = document.add_table(rows=1 + len(GENERIC_ROWS), cols=5)
    for c, text in enumerate(GENERIC_HEADER):
        table.cell(0, c).text = text
    for r, row in enumerate(GENERIC_ROWS, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "t.docx"
    document.save(path)
    check_generic(read_file(path).rows)


def test_html_table_with_rowspan(tmp_path):
    html = (
        "<h2>2022年部门项目绩效目标表</h2><table><tr>" + "".join(f"<th>{h}</th>" for h in ["一级指标", "二级指标", "三级指标", "目标值"]) + "</tr>"
        '<tr><td rowspan="2">产出指标</td><td rowspan="2">数量指标</td><td>培训人次</td><td>≥300人次</td></tr>'
        "<tr><td>培训班次</td><td>=6次</td></tr>"
        "<tr><td>效益指标</td><td>社会效益指标</td><td>群众知晓率</td><td>≥90%</td></tr></table>"
    )
    rows = read_text(tmp_path, "t.html", html)
    assert [(r.level3, r.level2, r.target.text) for r in rows] == [
        ("培训人次", "数量指标", "≥300人次"), ("培训班次", "数量指标", "=6次"), ("群众知晓率", "社会效益指标", "≥90%")]
    assert rows[0].year == 2022


def test_jsonl_shared_layout_and_bad_lines(tmp_path):
    records = [
        {"doc": "某县 2021年度 项目", "level1": "产出指标", "level2": "数量指标", "level3": "培训人次", "target": "≥300人次", "project": "培训"},
        {"doc": "某县 2021年度 项目", "level1": "满意度指标", "level2": None, "level3": "满意度", "target": "≥90%"},
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{not json\n"
    rows = read_text(tmp_path, "t.jsonl", text)
    assert len(rows) == 3
    assert (rows[0].year, rows[0].project, rows[0].level2) == (2021, "培训", "数量指标")
    assert rows[1].level2 == "服务对象满意度指标"
    assert rows[2].level3 is None and "invalid JSON" in rows[2].issues[0]


def test_unreadable_files(tmp_path):
    with pytest.raises(ReadError, match=r"unsupported file type \.numbers") as unsupported:
        read_file(tmp_path / "old.numbers")
    assert unsupported.value.code == "UNSUPPORTED_FORMAT"
    with pytest.raises(ReadError, match=r"old\.xls: no such file") as missing:
        read_file(tmp_path / "old.xls")
    assert missing.value.code == "NOT_FOUND"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a zip")
    with pytest.raises(ReadError, match=r"broken\.xlsx: not a valid xlsx file") as damaged:
        read_file(broken)
    assert damaged.value.code == "UNREADABLE_FILE"
    plain = tmp_path / "notes.csv"
    plain.write_text("just,some,text\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ReadError, match="no indicator table found") as no_table:
        read_file(plain)
    assert no_table.value.code == "NO_TABLE"


def test_zip_bomb_posing_as_xlsx_is_refused(tmp_path):
    import zipfile

    from training.readers import ReadLimits

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    assert path.stat().st_size < 100 * 1024
    with pytest.raises(ReadError, match="expands to 3 MB"):
        read_file(path, limits=ReadLimits(max_expanded_bytes=2 * 1024 * 1024))


def test_new_year_xlsx_keeps_typed_targets_metadata_and_unknown_labels(tmp_path):
    """openpyxl writes ``=8座`` as a formula, as Excel does; the reader must keep what the unit typed."""
    from tests.training.lifecycle.new_year_tables import ROAD_PROJECT, write_xlsx

    rows = read_file(write_xlsx(tmp_path / "road.xlsx", ROAD_PROJECT, "2026年农村公路提升工程", 2026)).rows
    assert [r.level3 for r in rows] == [name for _, _, name, _ in ROAD_PROJECT]
    assert [r.target_raw for r in rows] == [target for *_, target in ROAD_PROJECT]
    assert {r.project for r in rows} == {"2026年农村公路提升工程"}
    assert {r.department for r in rows} == {"县交通运输局"}
    assert {r.year for r in rows} == {2026}
    unknown = [r for r in rows if not r.label_known]
    assert [(r.level2_raw, r.level3, r.level2) for r in unknown] == [("创新发展指标", "智慧路网监测覆盖", None)]


def test_csv_with_key_value_metadata_line(tmp_path):
    from tests.training.lifecycle.new_year_tables import TRAINING_PROJECT, write_csv

    rows = read_file(write_csv(tmp_path / "training.csv", TRAINING_PROJECT, "2026年基层农技推广培训项目")).rows
    assert len(rows) == len(TRAINING_PROJECT)
    assert {r.project for r in rows} == {"2026年基层农技推广培训项目"}
    assert [r.level2 for r in rows] == [level2 for _, level2, _, _ in TRAINING_PROJECT]


def test_json_lines_of_something_else_are_no_table():
    """A backfill's manifest.jsonl was read as rows that could not be read (exit 0)."""
    data = b'{"file": "a.csv", "status": "done"}\n{"file": "b.csv", "status": "done"}\n'
    with pytest.raises(ReadError) as caught:
        read_file("manifest.jsonl", data=data, name="manifest.jsonl")
    assert caught.value.code == "NO_TABLE" and "没有任何一行含指标字段" in caught.value.message_zh
    mixed = read_file("m.jsonl", data='not json\n{"三级指标": "培训人数", "指标值": "≥1人"}\n'.encode(), name="m.jsonl")
    assert [r.level3 for r in mixed.rows] == [None, "培训人数"]  # a broken line among indicators is a row marked so
