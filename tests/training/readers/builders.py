"""Build small table files the way real tools write them, for the reader tests."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标值说明"]
ROWS = [
    ["产出指标", "数量指标", "新建农村公路里程", "≥120公里", "年度计划新建里程"],
    ["", "", "培训基层农技人员", "≥800人次", "按签到统计"],
    ["", "质量指标", "工程验收合格率", "100%", ""],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "问卷调查"],
]
NAMES = [row[2] for row in ROWS]


def rewrite_zip(data: bytes, member: str, change) -> bytes:
    """The archive with ``member`` replaced by ``change(old_bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == member else content)
    return out.getvalue()


def xlsx_bytes(rows: list[list], formats: dict[str, str] | None = None, dimension: str | None = None) -> bytes:
    """An xlsx of ``rows`` (first sheet), cell number formats by coordinate, and a forged ``<dimension>``."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if dimension:
        data = rewrite_zip(data, "xl/worksheets/sheet1.xml",
                           lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), xml))
    return data


def xlsx_cut_in_half() -> bytes:
    """A 300-row workbook whose file is cut in half, as an interrupted download leaves it."""
    data = xlsx_bytes([["产出指标", "数量指标", f"培训人次{i}", "≥10人次"] for i in range(300)])
    return data[: len(data) // 2]


def docx_document(rows: list[list[str]], title: str | None = "2025年度项目支出绩效目标表"):
    """A python-docx Document with a title paragraph and one table of ``rows``; returns (document, table)."""
    import docx

    document = docx.Document()
    if title:
        document.add_paragraph(title)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    return document, table


def save_docx(document, path: Path) -> Path:
    document.save(path)
    return path


def pdf_table_pages(path: Path, pages: list[list[list[str | None]]], title: str | None = None,
                    widths: tuple[int, ...] = (90, 110, 200, 100), footer: bool = True) -> Path:
    """A PDF with one ruled table per page; ``None`` marks a cell covered by the one above (no line between them)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, rows in enumerate(pages, start=1):
        top = height - 60
        if title and number == 1:
            pdf.setFont("STSong-Light", 14)
            pdf.drawString(180, height - 45, title)
            top = height - 80
        y = top
        for row in rows:
            x = 40
            for cell, cell_width in zip(row, widths, strict=False):
                if cell is not None:
                    pdf.line(x, y, x + cell_width, y)
                    pdf.setFont("STSong-Light", 9)
                    pdf.drawString(x + 2, y - 14, cell)
                pdf.line(x, y, x, y - 20)
                x += cell_width
            pdf.line(x, y, x, y - 20)
            y -= 20
        pdf.line(40, y, 40 + sum(widths), y)
        if footer:
            pdf.setFont("STSong-Light", 9)
            pdf.drawString(260, 30, f"第 {number} 页 共 {len(pages)} 页")
        pdf.showPage()
    pdf.save()
    return path
