"""HTML tables (web pages, CMS exports, "Excel" exports that are really HTML), parsed with html5lib.

html5lib builds the tree a browser builds (WHATWG HTML parsing): omitted
``</td>``/``</tr>``, stray tags and ``&nbsp;`` are handled as the standard says.
Text blocks (headings, paragraphs) become one-cell rows before the table they
precede, so titles open sections and ``项目名称：…`` lines reach the metadata.

Spans are expanded row by row with the table model of the standard (colspan
1–1000, rowspan 0–65534, a rowspan past the last row grows the table), and each
row's width is checked against the ``Budget`` before its cells exist: 40 cells
of ``rowspan=500 colspan=500`` stop at the cell limit instead of allocating ten
million cells. A merged cell keeps its text at its first position only.
Tables nested in a cell are read after the row that holds them.
"""

from __future__ import annotations

from training.readers.errors import UNREADABLE_FILE, ReadError
from training.readers.limits import Budget
from training.readers.sections import Section, split_sections

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "center", "blockquote", "pre", "section", "article"}
_SKIPPED = {"script", "style", "head", "template", "noscript", "select", "button"}
_BLOCKS_BEFORE_TABLE = 5
MAX_COLSPAN = 1000  # HTML standard, 4.9.11
MAX_ROWSPAN = 65534


def html_sections(text: str, name: str, budget: Budget) -> list[Section]:
    """Sections of every table in an HTML document, in document order.

    Raises ``ReadLimitError`` when the document or its expanded tables pass a
    limit (elements are counted while parsing) and ``ReadError`` when html5lib fails.
    """
    root = _parse(text, name, budget)
    stream = _Stream(budget, root)
    stream.visit(root)
    return split_sections(stream.rows, table_starts=stream.table_starts, wrapped_names=False)


def _parse(text: str, name: str, budget: Budget):
    import html5lib
    from html5lib.treebuilders import getTreeBuilder

    base = getTreeBuilder("etree")

    class BoundedTreeBuilder(base):
        """Counts elements as html5lib creates them and checks the clock, so a huge page stops while parsing."""

        def __init__(self, namespaceHTMLElements: bool) -> None:
            super().__init__(namespaceHTMLElements)
            element_class = base.elementClass
            count = 0

            def create(name, namespace=None):
                nonlocal count
                count += 1
                if count % 1024 == 0:
                    budget.tick()
                    budget.elements(count)
                return element_class(name, namespace)

            self.elementClass = create

    try:
        return html5lib.HTMLParser(tree=BoundedTreeBuilder, namespaceHTMLElements=False).parse(text)
    except ReadError:
        raise
    except Exception as error:  # html5lib recovers from any markup; this is a bug or a resource error
        raise ReadError(f"{name}: cannot parse as HTML ({type(error).__name__}: {error})", code=UNREADABLE_FILE,
                        message_zh=f"{name}：无法按 HTML 解析") from None


def _tag(element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


class _Stream:
    """Rows in document order: text blocks as one-cell rows, tables as their expanded rows."""

    def __init__(self, budget: Budget, root) -> None:
        self.budget = budget
        self.rows: list[list[str]] = []
        self.table_starts: set[int] = set()
        self.blocks: list[str] = []
        parents = {child: parent for parent in root.iter() for child in parent}
        self.holding_tables: set[int] = set()  # ids of the elements a table sits in
        for element in root.iter():
            if _tag(element) == "table":
                ancestor = parents.get(element)
                while ancestor is not None and id(ancestor) not in self.holding_tables:
                    self.holding_tables.add(id(ancestor))
                    ancestor = parents.get(ancestor)

    def visit(self, element) -> None:
        tag = _tag(element)
        if tag in _SKIPPED or not tag:
            return
        if tag == "table":
            self._flush_blocks()
            self.table_starts.add(len(self.rows))
            self._table(element)
            return
        if id(element) not in self.holding_tables:
            text = _clean_block(_text_of(element, []))
            if text:
                self.blocks.append(text)
            return
        if element.text and element.text.strip():
            self.blocks.append(element.text.strip())
        for child in element:
            self.visit(child)
            if child.tail and child.tail.strip():
                self.blocks.append(child.tail.strip())

    def _flush_blocks(self) -> None:
        for text in self.blocks[-_BLOCKS_BEFORE_TABLE:]:
            self.budget.row([text])
            self.rows.append([text])
        self.blocks = []

    def _table(self, table) -> None:
        """Expand one table's rows; tables nested in its cells follow the row that holds them."""
        trs = []
        for child in table:
            tag = _tag(child)
            if tag == "caption":
                caption = _clean_block(_text_of(child, []))
                if caption:
                    self.budget.row([caption])
                    self.rows.append([caption])
            elif tag in ("thead", "tbody", "tfoot"):
                trs.extend(tr for tr in child if _tag(tr) == "tr")
            elif tag == "tr":
                trs.append(child)
        active: list[list] = []  # [first column, colspan, rows still to cover] of cells spanning down
        width = 0
        for row_index, tr in enumerate(trs):
            nested: list = []
            placed: list[tuple[int, str]] = []
            covered = sorted((start, start + span) for start, span, _ in active)
            column = 0
            new_spans = []
            for cell in tr:
                if _tag(cell) not in ("td", "th"):
                    continue
                column = _next_free(column, covered)
                colspan = _span(cell.get("colspan"), 1, MAX_COLSPAN, 1)
                rowspan = _span(cell.get("rowspan"), 0, MAX_ROWSPAN, 1)
                placed.append((column, _text_of(cell, nested)))
                if rowspan != 1:
                    new_spans.append([column, colspan, rowspan - 1 if rowspan else len(trs) - row_index - 1])
                covered.append((column, column + colspan))
                covered.sort()
                column += colspan
            width = max(width, column, *(end for _, end in covered))
            self._emit_row(width, placed)
            for span in active:
                span[2] -= 1
            active = [span for span in active if span[2] > 0] + [span for span in new_spans if span[2] > 0]
            for inner in nested:
                self._table(inner)
        while active:  # a rowspan past the last row grows the table (HTML standard, "ending a row group")
            self._emit_row(width, [])
            for span in active:
                span[2] -= 1
            active = [span for span in active if span[2] > 0]

    def _emit_row(self, width: int, placed: list[tuple[int, str]]) -> None:
        self.budget.area(1, width)
        row = [""] * width
        for column, text in placed:
            row[column] = text
        self.budget.row(row)
        self.rows.append(row)


def _next_free(column: int, covered: list[tuple[int, int]]) -> int:
    for start, end in covered:
        if start <= column < end:
            column = end
    return column


def _span(value: str | None, low: int, high: int, default: int) -> int:
    try:
        number = int(str(value).strip()) if value is not None else default
    except ValueError:
        return default
    if number < low:
        return default
    return min(number, high)


def _text_of(element, nested: list) -> str:
    """Text of an element as shown: ``<br>`` and block elements break lines, nested tables go to ``nested``."""
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = _tag(child)
        if tag == "br":
            parts.append("\n")
        elif tag == "table":
            nested.append(child)
        elif tag in _SKIPPED or not tag:
            pass
        elif tag in _BLOCKS or tag in ("tr", "td", "th"):
            parts.append("\n" + _text_of(child, nested) + "\n")
        else:
            parts.append(_text_of(child, nested))
        parts.append(child.tail or "")
    return "".join(parts)


def _clean_block(text: str) -> str:
    return " ".join(text.split())
