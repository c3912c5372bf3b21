"""PDF tables with a text layer: spans, a table continued on the next page, footers; scans get a clear error."""

import pytest

from tests.training.readers.builders import pdf_table_pages
from training.readers import ReadError, ReadLimits, read_file

HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def test_a_table_continued_on_the_next_page_keeps_its_level_cells(tmp_path):
    path = pdf_table_pages(tmp_path / "two.pdf", [
        [HEADER, ["产出指标", "数量指标", "新建农村公路里程", "≥120公里"], [None, None, "培训基层农技人员", "≥800人次"]],
        [HEADER, [None, "时效指标", "项目完工时间", "2025年11月30日前"], ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"]],
    ], title="2025年度项目支出绩效目标表")
    result = read_file(path)
    rows = result.rows
    assert [r.level3 for r in rows] == ["新建农村公路里程", "培训基层农技人员", "项目完工时间", "沿线群众满意度"]
    assert [r.level1_raw for r in rows] == ["产出指标", "产出指标", "产出指标", "满意度指标"]  # carried across the page break
    assert [r.level2 for r in rows] == ["数量指标", "数量指标", "时效指标", "服务对象满意度指标"]
    assert [r.target.text for r in rows] == ["≥120公里", "≥800人次", "2025年11月30日前", "≥90%"]
    assert result.tables == 1  # the repeated header and the page footers are no rows
    assert {r.year for r in rows} == {2025}
    assert all(not r.issues for r in rows)


def test_a_scanned_pdf_says_it_has_no_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 300, 400, fill=1)  # the page is a picture, no text
    pdf.showPage()
    pdf.save()
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.code == "NO_TEXT_LAYER"
    assert "no text layer" in str(caught.value) and "OCR" in caught.value.message_zh


def test_the_page_count_is_checked_before_any_page_is_read(tmp_path):
    path = pdf_table_pages(tmp_path / "three.pdf", [[HEADER, ["产出指标", "数量指标", "培训人次", "≥1次"]]] * 3)
    with pytest.raises(ReadError) as caught:
        read_file(path, limits=ReadLimits(max_pdf_pages=2))
    assert (caught.value.code, caught.value.limit, caught.value.found) == ("TOO_MANY_PAGES", "max_pdf_pages", 3)


def test_a_damaged_pdf_is_one_clear_error(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n")
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.code == "UNREADABLE_FILE"
    assert "\n" not in str(caught.value)


def test_a_table_without_rules_is_read_by_its_text_alignment(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "unruled.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("STSong-Light", 10)
    rows = [HEADER, ["产出指标", "数量指标", "新建农村公路里程", "≥120公里"], ["", "", "培训基层农技人员", "≥800人次"]]
    for number, row in enumerate(rows):
        for x, text in zip((40, 130, 250, 420), row, strict=True):
            pdf.drawString(x, 750 - 20 * number, text)
    pdf.showPage()
    pdf.save()
    rows = read_file(path).rows
    assert [(r.level2, r.level3, r.target.text) for r in rows] == [
        ("数量指标", "新建农村公路里程", "≥120公里"), ("数量指标", "培训基层农技人员", "≥800人次")]
    assert all("no ruling lines (guessed)" in r.issues[0] for r in rows)
