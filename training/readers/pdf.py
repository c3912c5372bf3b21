"""PDF files with a text layer, through pdfplumber: ruled tables, spanned cells, tables continued over pages.

Each page gives its ruled tables (pdfplumber's ``lines`` strategy; a spanned
cell is ``None`` at the positions it covers, read as empty so the table parser
carries level cells down) and its text lines outside the tables, as one-cell
rows, in reading order from the top. Pages follow each other in one stream: a
table continued on the next page repeats its header (the table parser
recognizes it) and continues without a level cell, which carries across the
break; page footers (第 1 页 共 2 页) are dropped by the table parser.

A page without ruled tables is tried with pdfplumber's ``text`` strategy when it
holds a header word; its rows say in their issues that the columns were
guessed. A PDF without any text (a scan) gets ``NO_TEXT_LAYER``.
"""

from __future__ import annotations

import io

from training.readers.errors import NO_TEXT_LAYER, UNREADABLE_FILE, ReadError
from training.readers.limits import Budget
from training.readers.sections import Section, split_sections

_TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 2}
_HEADER_WORDS = ("三级指标", "指标名称", "绩效指标")


def pdf_sections(data: bytes, name: str, budget: Budget) -> list[Section]:
    """Sections of a PDF's tables and text lines, pages in order.

    Raises ``ReadError`` with ``NO_TEXT_LAYER`` for a scanned PDF,
    ``UNREADABLE_FILE`` for a damaged or password-protected one, and
    ``ReadLimitError`` (``TOO_MANY_PAGES`` before any page is read, rows, cells, time).
    """
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises PDFSyntaxError, PDFPasswordIncorrect, ...
        raise _unreadable(name, error) from None
    rows: list[list[str]] = []
    aligned: set[int] = set()  # ids of rows whose columns come from text alignment
    chars = 0
    try:
        budget.pages(_page_count(pdf))
        for page in pdf.pages:
            budget.tick()
            chars += len(page.chars)
            rows.extend(_page_rows(page, budget, aligned))
            page.close()
    except ReadError:
        raise
    except Exception as error:
        raise _unreadable(name, error) from None
    finally:
        pdf.close()
    if not chars:
        raise ReadError(f"{name}: the PDF has no text layer (a scanned document?); read tables from the original file or run OCR first",
                        code=NO_TEXT_LAYER, name=name)
    sections = split_sections(rows)
    for section in sections:
        if any(id(row) in aligned for row in section.rows):
            section.guessed_columns = "columns read from the alignment of the text: the PDF table has no ruling lines (guessed)"
    return sections


def _unreadable(name: str, error: Exception) -> ReadError:
    kind = type(error).__name__
    if "Password" in kind or "Encrypt" in kind:
        return ReadError(f"{name}: the PDF is password-protected; save an unprotected copy", code=UNREADABLE_FILE,
                         message_zh=f"{name}：PDF 有密码保护，请另存一份不加密的文件")
    return ReadError(f"{name}: cannot read as PDF, it is damaged or incomplete ({kind}: {error})", code=UNREADABLE_FILE,
                     message_zh=f"{name}：无法作为 PDF 读取，文件已损坏或不完整")


def _page_count(pdf) -> int:
    """The page count from the document catalogue, before pdfplumber builds any page."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
        return int(count)
    except Exception:  # a damaged page tree: let pdfplumber count (it walks the tree)
        return len(pdf.pages)


def _page_rows(page, budget: Budget, aligned: set[int]) -> list[list[str]]:
    tables = page.find_tables()
    by_alignment = False
    if not tables and any(word in (page.extract_text() or "") for word in _HEADER_WORDS):
        tables = page.find_tables(table_settings=_TEXT_STRATEGY)
        by_alignment = True
    items: list[tuple[float, int, list[list[str]]]] = []
    boxes = [table.bbox for table in tables]
    for order, table in enumerate(tables):
        grid = table.extract()
        budget.area(len(grid), max((len(r) for r in grid), default=0))
        table_rows = [["" if cell is None else cell for cell in row] for row in grid]
        if by_alignment:
            aligned.update(id(row) for row in table_rows)
        items.append((table.bbox[1], order, table_rows))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    for line in page.filter(outside).extract_text_lines():
        text = line["text"].strip()
        if text:
            items.append((line["top"], len(items), [[text]]))
    rows: list[list[str]] = []
    for _, _, item_rows in sorted(items, key=lambda item: (item[0], item[1])):
        for row in item_rows:
            budget.row(row)
            rows.append(row)
    return rows
