"""Word documents (.docx): paragraphs and tables as a person sees them on the page.

python-docx opens the package; the body XML is walked here because what a
reader sees is not what ``table.rows``/``cell.text`` give (ECMA-376 Part 1, 17.4, 17.5.2, 17.13.5):

* content controls (``w:sdt``) wrap runs, cells, rows and whole tables; their
  content is read, a control still showing its placeholder text is empty;
* tracked changes are shown accepted: insertions (``w:ins``, ``w:moveTo``) are
  read, deletions (``w:delText``, ``w:moveFrom``, rows marked ``w:del``) are not;
* a table nested in a cell is read after the row that holds it, in document order;
* a merged cell keeps its text at its first position only: ``w:gridSpan`` adds
  empty cells to its right, a ``w:vMerge`` continuation is empty (the table
  parser carries level cells down), ``w:gridBefore`` adds empty leading cells.

Paragraphs outside tables become one-cell rows, so titles open sections and
``key：value`` lines reach the metadata.
"""

from __future__ import annotations

import io

from training.readers.archive import open_archive
from training.readers.errors import UNREADABLE_FILE, ReadError
from training.readers.limits import Budget
from training.readers.sections import Section, split_sections

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag")
_SKIPPED = (f"{W}moveFrom", f"{W}del", _MC_FALLBACK, f"{W}sdtPr", f"{W}rPr", f"{W}pPr", f"{W}tblPr", f"{W}tcPr", f"{W}trPr")
MAX_GRID_SPAN = 64  # Word tables have at most 63 columns


def docx_sections(data: bytes, name: str, budget: Budget) -> list[Section]:
    """Sections of a Word document's body, paragraphs and tables in order.

    Raises ``ReadError`` (``UNREADABLE_FILE``) for a damaged document and
    ``ReadLimitError`` past a limit (archive size, rows, cells, time).
    """
    import docx

    open_archive(data, name, budget)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many types for broken files
        raise ReadError(f"{name}: cannot read as a Word document, it is damaged or incomplete ({type(error).__name__}: {error})",
                        code=UNREADABLE_FILE, message_zh=f"{name}：无法作为 Word 文档读取，文件已损坏或不完整") from None
    rows: list[list[str]] = []
    starts: set[int] = set()
    _blocks(document.element.body, rows, starts, budget)
    return split_sections(rows, table_starts=starts, wrapped_names=False)


def _children(element, tag: str):
    """Child elements with ``tag``, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS and not _showing_placeholder(child):
            yield from _children(child, tag)


def _showing_placeholder(element) -> bool:
    return element.tag == f"{W}sdt" and element.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _blocks(element, rows: list[list[str]], starts: set[int], budget: Budget) -> None:
    for child in element:
        if child.tag == f"{W}p":
            text = _text(child)
            if text.strip():
                budget.row([text])
                rows.append([text])
        elif child.tag == f"{W}tbl":
            _table(child, rows, starts, budget)
        elif child.tag in _WRAPPERS and not _showing_placeholder(child):
            _blocks(child, rows, starts, budget)


def _table(table, rows: list[list[str]], starts: set[int], budget: Budget) -> None:
    starts.add(len(rows))
    for row in _children(table, f"{W}tr"):
        properties = row.find(f"{W}trPr")
        if properties is not None and properties.find(f"{W}del") is not None:
            continue  # a row deleted with tracked changes on
        cells: list[str] = [""] * _int_val(properties, "gridBefore", 0)
        nested: list = []
        for cell in _children(row, f"{W}tc"):
            cell_properties = cell.find(f"{W}tcPr")
            span = min(max(_int_val(cell_properties, "gridSpan", 1), 1), MAX_GRID_SPAN)
            if cell_properties is not None and cell_properties.find(f"{W}cellDel") is not None:
                continue
            merge = cell_properties.find(f"{W}vMerge") if cell_properties is not None else None
            continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            text = "" if continued else _cell_text(cell, nested)
            cells.append(text)
            cells.extend([""] * (span - 1))
        budget.row(cells)
        rows.append(cells)
        for inner in nested:
            _table(inner, rows, starts, budget)


def _int_val(properties, name: str, default: int) -> int:
    if properties is None:
        return default
    element = properties.find(f"{W}{name}")
    if element is None:
        return default
    try:
        return int(element.get(f"{W}val", default))
    except ValueError:
        return default


def _cell_text(cell, nested: list) -> str:
    """A cell's paragraphs joined by line breaks; tables inside it go to ``nested``."""
    paragraphs: list[str] = []

    def visit(element) -> None:
        for child in element:
            if child.tag == f"{W}p":
                paragraphs.append(_text(child))
            elif child.tag == f"{W}tbl":
                nested.append(child)
            elif child.tag in _WRAPPERS and not _showing_placeholder(child):
                visit(child)

    visit(cell)
    return "\n".join(p for p in paragraphs if p)


def _text(paragraph) -> str:
    """The text of a paragraph as shown: runs in order, tracked deletions and placeholders left out."""
    parts: list[str] = []

    def visit(element) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or _showing_placeholder(child) or not isinstance(tag, str):
                continue
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}tbl":
                continue
            else:
                visit(child)

    visit(paragraph)
    return "".join(parts)
