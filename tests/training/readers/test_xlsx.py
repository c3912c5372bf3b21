"""Excel workbooks read as Excel shows them: no trust in <dimension>, number formats applied, dates as deadlines."""

import datetime as dt
import io

from openpyxl import Workbook, load_workbook

from tests.training.readers.builders import HEADER, NAMES, ROWS, xlsx_bytes
from training.readers import read_file


def read(data: bytes, name: str = "t.xlsx"):
    return read_file(name, data=data, name=name).rows


def test_a_wps_dimension_of_a1_hides_no_cell():
    rows = read(xlsx_bytes([["2025年度项目支出绩效目标表"], HEADER, *ROWS], dimension="A1"))
    assert [r.level3 for r in rows] == NAMES


def test_number_formats_give_the_target_the_unit_wrote():
    data = xlsx_bytes(
        [["一级指标", "二级指标", "三级指标", "指标值", "计量单位"],
         ["产出指标", "质量指标", "验收合格率", 1, ""],
         ["", "数量指标", "培训人次", 1200, "人次"],
         ["", "数量指标", "新建里程", 120, ""],
         ["", "质量指标", "资金拨付率", 0.985, ""]],
        formats={"D2": "0%", "D3": "#,##0", "D4": '"≥"0"公里"', "D5": "0.0%"},
    )
    assert [r.target.text for r in read(data)] == ["100%", "1200人次", "≥120公里", "98.5%"]


def test_a_date_typed_into_the_target_is_a_deadline_not_a_timestamp():
    data = xlsx_bytes([HEADER, ["产出指标", "时效指标", "项目完工时间", dt.datetime(2025, 11, 30), ""]], formats={"D2": "yyyy/m/d"})
    (row,) = read(data)
    assert row.target_raw == "2025年11月30日"
    assert (row.target.kind, row.target.text) == ("deadline", "2025年11月30日")


def test_a_stray_cell_far_away_costs_nothing_and_hides_nothing():
    rows = [HEADER, *ROWS] + [[]] * 20
    data = xlsx_bytes(rows, dimension="A1:ZZ20000")
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["ZZ20000"] = "备注"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [r.level3 for r in read(buffer.getvalue())] == NAMES


def sheets_bytes(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook with these sheets in order (``hidden`` ones hidden), as openpyxl saves it."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_every_sheet_is_read_in_order():
    result = read_file("t.xlsx", data=sheets_bytes({"一": [HEADER, ROWS[0]], "二": [HEADER, ROWS[3]]}), name="t.xlsx")
    assert [r.level3 for r in result.rows] == [NAMES[0], NAMES[3]]
    assert result.tables == 2


def test_typed_targets_are_read_from_the_sheet_formulas_shared_ones_included():
    """``=100%`` typed into a cell is a formula; Excel shares one typed down a column (``t="shared"``)."""
    import re

    from tests.training.readers.builders import rewrite_zip

    data = xlsx_bytes([["一级指标", "二级指标", "三级指标", "指标值"],
                       ["产出指标", "质量指标", "验收合格率", "=100%"],
                       ["", "质量指标", "资金拨付率", "=100%"],
                       ["", "数量指标", "培训人次", "=8座"],
                       ["", "数量指标", "新建里程", "=SUM(1,2)"]])

    def share(xml: bytes) -> bytes:
        xml = re.sub(rb'(<c r="D2"[^>]*>)<f>100%</f>', rb'\1<f t="shared" ref="D2:D3" si="0">100%</f>', xml)
        return re.sub(rb'(<c r="D3"[^>]*>)<f>100%</f>', rb'\1<f t="shared" si="0"/>', xml)

    rows = read(rewrite_zip(data, "xl/worksheets/sheet1.xml", share))
    assert [r.target_raw for r in rows[:3]] == ["=100%", "=100%", "=8座"]
    assert rows[3].target_raw != "=SUM(1,2)"  # a real formula is no typed target


def _workbook_bytes(rows: list[list]) -> bytes:
    """A workbook as openpyxl saves it: formulas stored without a computed value, as any program that writes xlsx."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_saved_without_its_value_is_reported_on_its_row_and_no_row_is_lost():
    data = _workbook_bytes([
        ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
        ["产出指标", "数量指标", "培训人数", "≥100人", 10],
        ["产出指标", "数量指标", '="培训"&"场次"', "≥5场", 10],
        ["产出指标", "质量指标", "合格率", "=B9*100", 10],
        ["效益指标", "社会效益指标", "=C2", "=D2", 10],  # nothing readable but the levels: kept all the same
        ["合计", "", "", "", "=SUM(E2:E5)"],  # an uncomputed score in a total row: still no indicator
    ])
    rows = read(data)
    assert [r.level3 for r in rows] == ["培训人数", None, "合格率", None]
    assert rows[0].issues == []
    assert rows[1].issues == ['formula without a computed value in C3: ="培训"&"场次" (the program that saved the file '
                              "does not compute formulas; open the file in Excel or WPS and save it again)",
                              "no indicator name (三级指标 is empty)"]
    # the target's cell says it is the target's (bulk then says the target was not read, not that it is missing)
    assert rows[2].target.kind == "empty"
    assert rows[2].issues[0].startswith("formula without a computed value in the target cell D4: =B9*100")
    assert [i.split(":")[0] for i in rows[3].issues[:2]] == ["formula without a computed value in C5",
                                                             "formula without a computed value in the target cell D5"]
    assert rows[3].level2_raw == "社会效益指标"


def test_a_level_cell_with_an_uncomputed_formula_is_unknown_not_the_row_above():
    """=A2/=B2 in the level cells: the row had taken 质量指标 from the row above, then was marked as mislabelled."""
    data = _workbook_bytes([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人数", "≥100人"],
        ["产出指标", "质量指标", "合格率", "≥95%"],
        ["=A2", "=B2", "培训场次", "≥5场"],
    ])
    last = read(data)[-1]
    assert (last.level1_raw, last.level2_raw, last.level3) == (None, None, "培训场次")
    own = _workbook_bytes([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人数", "≥100人"],
                           ["=A2", "质量指标", "培训合格率", "≥95%"]])
    assert (read(own)[-1].level1_raw, read(own)[-1].level2_raw) == (None, "质量指标")  # the row's own 二级指标 stays
    assert [i.split(":")[0] for i in last.issues[:2]] == ["formula without a computed value in A4",
                                                          "formula without a computed value in B4"]


def test_a_formula_result_excel_computed_is_read_as_its_value():
    """Excel stores each formula's last result in ``<v>``; an empty text result is typed ``t="str"``."""
    from tests.training.readers.builders import rewrite_zip

    data = _workbook_bytes([["一级指标", "二级指标", "三级指标", "指标值"],
                            ["产出指标", "数量指标", '="培训"&"场次"', "≥5场"],
                            ["产出指标", "数量指标", "培训人数", '=""']])

    def computed(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="C2"><f>', b'<c r="C2" t="str"><f>').replace(b"<v></v></c><c r=\"D2\"", "<v>培训场次</v></c><c r=\"D2\"".encode())
        return xml.replace(b'<c r="D3"><f>', b'<c r="D3" t="str"><f>')

    rows = read(rewrite_zip(data, "xl/worksheets/sheet1.xml", computed))
    assert [(r.level3, r.issues) for r in rows] == [("培训场次", []), ("培训人数", [])]


def test_rows_of_a_hidden_sheet_say_so():
    """A hidden sheet often holds a reference list; its rows were read as a table of their own without a word."""
    visible, from_hidden = read(sheets_bytes({"表": [HEADER, ROWS[0]], "隐藏参考": [HEADER, ROWS[3]]}, hidden=("隐藏参考",)))
    assert visible.issues == [] and from_hidden.issues == ["row of a hidden worksheet: '隐藏参考'"]


def test_a_two_row_headers_joined_labels_name_their_roles(taxonomy):
    assert taxonomy.column_role("绩效指标/三级指标") == "level3" and taxonomy.column_role("指标值/年度目标") == "target"
    assert taxonomy.column_role("绩效指标/一级指标") == "level1" and taxonomy.column_role("备注/说明") is None


def _two_sheets(second: list[list]) -> bytes:
    return sheets_bytes({"第1页": [["项目名称", "科普讲座"], HEADER, ROWS[0]], "第2页": second})


def test_a_sheet_without_a_header_continues_the_table_before_it():
    """Its rows were left out without a word (ingest said 0 rows with issues)."""
    result = read_file("t.xlsx", data=_two_sheets([["效益指标", "社会效益指标", "公众科学素质提升", "有效提升"],
                                                   ["", "服务对象满意度指标", "听众满意度", "≥85%"]]), name="t.xlsx")
    first, *continued = result.rows
    assert [r.level3 for r in continued] == ["公众科学素质提升", "听众满意度"] and result.tables == 1
    assert {r.table for r in result.rows} == {0} and {r.project for r in result.rows} == {"科普讲座"}
    assert continued[1].level1_raw == "效益指标"  # level cells carried on
    assert first.issues == [] and all("no header on this worksheet" in r.issues[0] for r in continued)


def test_a_sheet_of_other_figures_is_no_continuation():
    result = read_file("t.xlsx", data=_two_sheets([["资金来源", "金额"], ["财政拨款", "12.5"], ["自筹", "3"]]), name="t.xlsx")
    assert [r.level3 for r in result.rows] == [NAMES[0]]
