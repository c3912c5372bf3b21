"""Word tables as a person sees them: merged cells, nested tables, content controls, tracked changes."""

from copy import deepcopy

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from tests.training.readers.builders import HEADER, NAMES, ROWS, docx_document, save_docx
from training.readers import read_file

W_NS = nsdecls("w")


def test_left_label_column_merged_down_is_not_the_name(tmp_path):
    document, table = docx_document([["绩效指标", *HEADER[:4]], *[["", *row[:4]] for row in ROWS]])
    table.cell(0, 0).merge(table.cell(len(ROWS), 0))  # w:vMerge, as the 申报表 form has it
    table.cell(1, 1).merge(table.cell(3, 1))  # 产出指标 over three rows
    rows = read_file(save_docx(document, tmp_path / "form.docx")).rows
    assert [r.level3 for r in rows] == NAMES
    assert [r.level1_raw for r in rows] == ["产出指标", "产出指标", "产出指标", "满意度指标"]
    assert [r.target.text for r in rows] == ["≥120公里", "≥800人次", "100%", "≥90%"]


def test_gridspan_keeps_columns_in_place(tmp_path):
    document, table = docx_document([["项目名称", "农村公路提质改造", "", "", ""], HEADER, ROWS[0]])
    table.cell(0, 1).merge(table.cell(0, 4))
    rows = read_file(save_docx(document, tmp_path / "span.docx")).rows
    assert (rows[0].project, rows[0].level3, rows[0].target.text) == ("农村公路提质改造", NAMES[0], "≥120公里")


def test_a_table_nested_in_a_cell_is_read(tmp_path):
    document, outer = docx_document([["项目名称", "农村公路提质改造"], ["年度绩效指标", ""]])
    inner = outer.cell(1, 1).add_table(rows=1 + len(ROWS), cols=5)
    for r, row in enumerate([HEADER, *ROWS]):
        for c, text in enumerate(row):
            if text:
                inner.cell(r, c).text = text
    rows = read_file(save_docx(document, tmp_path / "nested.docx")).rows
    assert [r.level3 for r in rows] == NAMES
    assert {r.project for r in rows} == {"农村公路提质改造"}
    assert {r.period for r in rows} == {"annual"}  # the block label 年度绩效指标


def _sdt(content_xml: str, placeholder: bool = False) -> str:
    showing = "<w:showingPlcHdr/>" if placeholder else ""
    return f'<w:sdt {W_NS}><w:sdtPr><w:alias w:val="指标"/>{showing}</w:sdtPr><w:sdtContent>{content_xml}</w:sdtContent></w:sdt>'


def test_content_controls_show_their_content(tmp_path):
    document, table = docx_document([HEADER, ROWS[0], ROWS[1]])
    # a run-level drop-down holding 数量指标
    paragraph = table.cell(1, 1)._tc.find(qn("w:p"))
    for run in paragraph.findall(qn("w:r")):
        paragraph.remove(run)
    paragraph.append(parse_xml(_sdt("<w:r><w:t>数量指标</w:t></w:r>")))
    # a control still showing its placeholder text is empty
    placeholder = table.cell(2, 4)._tc.find(qn("w:p"))
    for run in placeholder.findall(qn("w:r")):
        placeholder.remove(run)
    placeholder.append(parse_xml(_sdt("<w:r><w:t>单击此处输入文字。</w:t></w:r>", placeholder=True)))
    # a cell wrapped in a content control, as Word's table forms do
    row = table.rows[2]._tr
    target_cell = row.findall(qn("w:tc"))[3]
    wrapper = parse_xml(_sdt(""))
    row.replace(target_cell, wrapper)
    wrapper.find(qn("w:sdtContent")).append(target_cell)
    rows = read_file(save_docx(document, tmp_path / "sdt.docx")).rows
    assert [(r.level2_raw, r.level3, r.target.text, r.description) for r in rows] == [
        ("数量指标", NAMES[0], "≥120公里", "年度计划新建里程"), ("数量指标", NAMES[1], "≥800人次", None)]


def test_tracked_changes_are_shown_accepted(tmp_path):
    document, table = docx_document([HEADER, ROWS[0], ROWS[1], ROWS[2]])
    name = table.cell(1, 2)._tc.find(qn("w:p"))
    name.append(parse_xml(f'<w:del {W_NS} w:id="1" w:author="a"><w:r><w:delText>（旧）</w:delText></w:r></w:del>'))
    name.append(parse_xml(f'<w:ins {W_NS} w:id="2" w:author="a"><w:r><w:t>（县道）</w:t></w:r></w:ins>'))
    deleted_row = table.rows[3]._tr
    properties = deleted_row.get_or_add_trPr()
    properties.append(parse_xml(f'<w:del {W_NS} w:id="3" w:author="a"/>'))
    rows = read_file(save_docx(document, tmp_path / "tracked.docx")).rows
    assert [r.level3 for r in rows] == [NAMES[0] + "（县道）", NAMES[1]]  # the row of NAMES[2] was deleted


def test_each_word_table_is_its_own_table(tmp_path):
    document, table = docx_document([HEADER, ROWS[0]])
    document.add_paragraph("项目名称：乡村培训")
    document.element.body.append(deepcopy(table._tbl))
    document.element.body.append(document.element.body[-2])  # keep sectPr last
    result = read_file(save_docx(document, tmp_path / "two.docx"))
    assert [r.table for r in result.rows] == [0, 1]
    assert result.rows[1].project == "乡村培训"
