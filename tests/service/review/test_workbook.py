"""The annotated workbook and CSV, read back: Chinese headers and values, fills, frozen header, filter, 汇总, every input row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.bulk import render
from service.review.table import Decision
from service.review.workbook import ADDED, DECIDED, FILLS, PUBLISHED, SUMMARY_SHEET, sheet_name

HEADERS = ["原一级指标", "原二级指标", "三级指标", "指标值", "指标值说明", "预测一级指标", "预测二级指标", "置信度", "备选类别", "是否需复核",
           "复核原因", "原标签疑似有误", "建议指标值", "指标值问题", "读取问题"]


@pytest.fixture(scope="module")
def workbook(annotated_seed):
    return load_workbook(io.BytesIO(render(annotated_seed.tables, "xlsx", about={"模型版本": "test"})))


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_one_sheet_per_table_after_the_summary(workbook, annotated_seed):
    assert workbook.sheetnames[0] == SUMMARY_SHEET
    assert workbook.sheetnames[1:] == ["1 残疾人保障金", "2 冀财教【2024】130号2025年支持市县科技创新和科学", "3 科普宣传", "4 老科协运行经费"]
    assert len(annotated_seed.tables) == 4


def test_chinese_headers_frozen_filtered_and_sized(workbook):
    sheet = workbook["1 残疾人保障金"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{sheet.max_row}"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCIK"}
    # widths as Excel stores them: the width set plus the cell padding (XlsxWriter writes 50 as 50.71)
    assert all(6 <= w <= 51 for w in widths.values()) and widths["I"] > widths["A"]  # 备选类别 is wider than 原一级指标


def test_every_input_row_present_in_order_with_labels_filled_down(workbook, annotated_seed):
    from tests.service.review.seed_workbook import seed_tables

    for table, name in zip(seed_tables(), workbook.sheetnames[1:], strict=True):
        rows = rows_of(workbook[name])
        assert [r["三级指标"] or "" for r in rows] == [row[2] for row in table["rows"]]
        assert all(r["原一级指标"] and r["原二级指标"] for r in rows)  # merged cells filled down
    assert sum(len(rows_of(workbook[n])) for n in workbook.sheetnames[1:]) == 38


def test_chinese_values_and_fills(workbook):
    sheet = workbook["1 残疾人保障金"]
    rows = rows_of(sheet)
    assert {r["是否需复核"] for r in rows} <= {"是", "否", None}
    assert {r["原标签疑似有误"] for r in rows} <= {"是", "否", None}
    vague = next(i for i, r in enumerate(rows) if r["三级指标"] == "群众科学素质")
    assert rows[vague]["指标值问题"].startswith("表述模糊") and rows[vague]["建议指标值"]
    column = {header: index + 1 for index, header in enumerate(HEADERS)}
    assert sheet.cell(vague + 2, column["指标值问题"]).fill.start_color.rgb.endswith(FILLS["target"][0])
    nameless = next(i for i, r in enumerate(rows) if not r["三级指标"])
    assert rows[nameless]["读取问题"] == "没有指标名称（三级指标为空）" and rows[nameless]["预测二级指标"] is None
    assert sheet.cell(nameless + 2, column["读取问题"]).fill.start_color.rgb.endswith(FILLS["unreadable"][0])
    flagged = [i for i, r in enumerate(rows) if r["是否需复核"] == "是"]
    assert flagged, "the fake model flags some seed rows"
    for i in flagged:
        assert sheet.cell(i + 2, column["是否需复核"]).fill.start_color.rgb.endswith(FILLS["review"][0])
        assert rows[i]["复核原因"] and "confidence" not in rows[i]["复核原因"]
    plain = next(i for i, r in enumerate(rows) if r["是否需复核"] == "否")
    assert sheet.cell(plain + 2, column["是否需复核"]).fill.fill_type is None
    assert sheet.cell(2, column["置信度"]).number_format == "0%" and 0 < rows[0]["置信度"] <= 1
    assert "%" in rows[0]["备选类别"] and "/" in rows[0]["备选类别"]
    for row in rows:  # no English left in what a reviewer reads
        for header in ("复核原因", "指标值问题", "读取问题"):
            assert not row[header] or not any(w in row[header] for w in ("confidence", "missing", "vague", "unit", "name"))


def test_summary_sheet(workbook, annotated_seed):
    sheet = workbook[SUMMARY_SHEET]
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert header[:14] == ("工作表", "文件", "表序号", "项目名称", "单位", "年度", "行数", "无法读取", "需复核", "原标签疑似有误", "指标值缺失",
                           "指标值模糊", "指标值不可衡量或不完整", "缺少的必备类别")
    assert any("/" in str(h) for h in header[14:])  # rows per category
    tables = [dict(zip(header, row, strict=False)) for row in values[1:5]]
    assert [t["工作表"] for t in tables] == workbook.sheetnames[1:]
    assert [t["行数"] for t in tables] == [11, 9, 9, 9]
    assert tables[0]["项目名称"] == "残疾人保障金" and tables[0]["年度"] == 2025 and tables[0]["无法读取"] == 1
    total = dict(zip(header, values[5], strict=False))
    assert total["工作表"] == "合计" and total["行数"] == 38 and total["无法读取"] == 1
    assert total["需复核"] == annotated_seed.summary["needs_review"]
    for t in tables:
        assert sum(v for h, v in t.items() if "/" in str(h)) == t["行数"] - t["无法读取"]
    text = [str(c) for row in values for c in row if c is not None]
    assert "无法读取的行" in text and "没有指标名称（三级指标为空）" in text and "填色说明" in text and "模型版本" in text
    assert sheet.freeze_panes == "A2"


def test_decisions_add_the_reviewers_columns(annotated_seed):
    tables = annotated_seed.tables
    decisions = {(0, 0): Decision("产出指标", "数量指标", "changed", "≥90%", "edited", "2026-01-05T08:00:00+00:00")}
    book = load_workbook(io.BytesIO(render(tables, "xlsx", decisions=decisions)))
    sheet = book["1 残疾人保障金"]
    assert [c.value for c in sheet[1]] == [*PUBLISHED, "三级指标", "指标值", "指标值说明", *ADDED, *DECIDED]
    first = rows_of(sheet)[0]
    assert (first["复核二级指标"], first["复核指标值"], first["复核方式"]) == ("数量指标", "≥90%", "改为其他类别；修改")
    assert first["复核时间（北京时间）"] == "2026-01-05 16:00:00"  # stored in UTC, shown as the page shows it (it had been UTC, unlabelled)
    assert rows_of(sheet)[1]["复核二级指标"] is None
    summary = list(book[SUMMARY_SHEET].iter_rows(values_only=True))
    header = summary[0]
    assert "已复核" in header and dict(zip(header, summary[1], strict=False))["已复核"] == 1


def test_csv_has_the_same_chinese_columns_with_bom(annotated_seed):
    data = render(annotated_seed.tables, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 38
    assert list(rows[0])[:3] == ["来源文件", "表序号", "所属项目"] and set(HEADERS) <= set(rows[0])
    assert rows[0]["置信度"].endswith("%") and rows[0]["是否需复核"] in ("是", "否")
    assert rows[-1]["所属项目"] == "老科协运行经费"


def test_jsonl_keeps_the_english_keys(annotated_seed):
    import json

    lines = [json.loads(line) for line in render(annotated_seed.tables, "jsonl").decode().splitlines()]
    assert len(lines) == 38 and {"pred_level2", "needs_review", "target_warning", "published_level2"} <= set(lines[0])


def test_sheet_names_are_valid_and_unique():
    from service.review.table import IndicatorTable

    taken: set[str] = set()
    long = IndicatorTable("a.xlsx", 0, project="很长的项目名称：含有[非法]字符/和*问号?" * 3)
    names = [sheet_name(0, long, taken), sheet_name(0, long, taken), sheet_name(1, IndicatorTable("汇总", 0), taken)]
    assert len(set(names)) == 3 and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_json_lines_input_gets_chinese_headers(fake_predictor, tmp_path):
    import json

    from service.bulk import classify_tables

    path = tmp_path / "library.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥300人次", "doc": "a"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度", "target": "≥90%", "doc": "a"}]), encoding="utf-8")
    book = load_workbook(io.BytesIO(render(classify_tables(path, fake_predictor), "xlsx")))
    header = [c.value for c in book[book.sheetnames[1]][1]]
    assert header[:5] == ["原一级指标", "原二级指标", "三级指标", "指标值", "文档"]


def test_json_lines_that_cannot_be_read_show_in_chinese(fake_predictor):
    import json

    from service.bulk import classify_tables

    lines = [json.dumps({"name": "培训人次", "target": ["≥300人次"], "doc": "a"}, ensure_ascii=False), "{not json"]
    tables = classify_tables(Path("broken.jsonl"), fake_predictor, data="\n".join(lines).encode("utf-8"), name="broken.jsonl")
    header, *rows = list(csv.reader(io.StringIO(render(tables, "csv").decode("utf-8-sig"))))
    assert "_raw" not in header and "原始内容（无法解析的行）" in header
    cells = [cell for row in rows for cell in row]
    assert not any("['" in cell for cell in cells), cells
    assert rows[1][header.index("原始内容（无法解析的行）")] == "{not json"


def test_formulas_in_input_cells_stay_text(fake_predictor):
    from service.bulk import classify_tables
    from service.review.workbook import formula_like

    data = "三级指标,指标值,备注\n培训人数,≥100人,=HYPERLINK(\"http://x\",\"y\")\n=SUM(A1:A2),-5%,@cmd\n".encode()
    tables = classify_tables(Path("formula.csv"), fake_predictor, data=data, name="formula.csv")
    book = load_workbook(io.BytesIO(render(tables, "xlsx")))
    cells = [c for sheet in book.worksheets[1:] for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=HYPERLINK") for c in cells) and any(c.value == "=SUM(A1:A2)" for c in cells)
    assert all(c.data_type != "f" for c in cells)
    text = render(tables, "csv").decode("utf-8-sig")
    assert "'=SUM(A1:A2)" in text and "'@cmd" in text and ",-5%," in text
    assert formula_like("=1+1") and formula_like("-cmd") and not formula_like("-5%") and not formula_like("≥95%")


def test_control_characters_in_input_cells_do_not_break_the_workbook(fake_predictor):
    from service.bulk import classify_tables

    data = "三级指标,指标值,备注\n培训\x07人数,≥100人,响铃\x1b[31m\n".encode()
    tables = classify_tables(Path("bell.csv"), fake_predictor, data=data, name="bell.csv")
    book = load_workbook(io.BytesIO(render(tables, "xlsx")))
    cells = [c.value for sheet in book.worksheets[1:] for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "响铃[31m" in cells and not any("\x07" in c or "\x1b" in c for c in cells)


def test_values_a_spreadsheet_cannot_hold_are_written_as_text(fake_predictor):
    from service.bulk import classify_tables

    lines = ['{"三级指标": "培训人数", "指标值": "≥100人", "项目名称": "' + "a" * 28 + "'bc" + '", "备注": ' + "1" + "0" * 400 + "}",
             '{"三级指标": "资金拨付及时率", "指标值": "≥95%", "甲": NaN, "乙": Infinity, "丙": -Infinity, "丁": 3.5}']
    tables = classify_tables(Path("odd.jsonl"), fake_predictor, data="\n".join(lines).encode(), name="odd.jsonl")
    book = load_workbook(io.BytesIO(render(tables, "xlsx")))
    assert not any(name.endswith("'") for name in book.sheetnames)  # the cut name ended in an apostrophe
    cells = {c.value: c for sheet in book.worksheets[1:] for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "1" + "0" * 400 in cells and {"nan", "inf", "-inf"} <= set(cells) and 3.5 in cells
    assert all(c.data_type != "f" for c in cells.values())  # no #NUM! or 1/0 formula for NaN and infinities


def test_the_total_of_one_table_names_its_missing_groups(annotated_seed):
    from service.review.summary import combine, group_of, summarize_table
    from training.domain.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()

    def satisfaction(record: dict) -> bool:
        return "满意度" in (group_of(record.get("pred_level1"), record.get("pred_level2"), taxonomy),
                            group_of(record.get("published_level1"), record.get("published_level2"), taxonomy))

    one = summarize_table([r for r in annotated_seed.tables[0].records if not satisfaction(r)])
    assert "满意度" in one.missing_groups and combine([one]).missing_groups == one.missing_groups


def test_a_cell_longer_than_excel_holds_is_cut_and_says_so(fake_predictor):
    from service.bulk import classify_tables

    # a 32,760-character target read as not understood: the 读取问题 cell quotes it and passes Excel's 32,767
    data = ("三级指标,指标值\n培训人数," + "见" * 32_760 + "\n").encode()
    tables = classify_tables(Path("long.csv"), fake_predictor, data=data, name="long.csv")
    book = load_workbook(io.BytesIO(render(tables, "xlsx")))
    (row,) = rows_of(book.worksheets[1])
    assert len(row["读取问题"]) == 32_767 and row["读取问题"].endswith("…（已截断，原文 32,768 字）")
    assert row["指标值"] == "见" * 32_760  # what fits stays whole
    assert "指标值无法识别：" + "见" * 32_760 in render(tables, "csv").decode("utf-8-sig")  # the CSV keeps it all


def test_scores_are_numbers_a_reviewer_can_sum(fake_predictor):
    from service.bulk import classify_tables

    data = "三级指标,指标值,分值,备注\n培训人数,≥100人,10,007\n资金拨付及时率,≥95%,2.5,\n".encode()
    tables = classify_tables(Path("s.csv"), fake_predictor, data=data, name="s.csv")
    rows = rows_of(load_workbook(io.BytesIO(render(tables, "xlsx"))).worksheets[1])
    assert [r["分值"] for r in rows] == [10, 2.5] and rows[0]["备注"] == "007"


def test_a_file_name_with_control_characters_gives_a_workbook_that_opens(fake_predictor, tmp_path):
    """a\\x01b.csv had given a sheet name XML cannot carry: a 200 answer whose workbook did not open (a final trial)."""
    from io import BytesIO
    from pathlib import Path

    from openpyxl import load_workbook

    from service.bulk import classify_tables, render

    data = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n".encode()
    tables = classify_tables(Path("a\x00\x01b\x1f.csv"), fake_predictor, data=data, name="a\x00\x01b\x1f.csv")
    book = load_workbook(BytesIO(render(tables, "xlsx")))
    assert all(not any(ord(ch) < 32 for ch in name) for name in book.sheetnames), book.sheetnames
