"""HTML tables, with rowspan and colspan expanded into a plain grid."""

from __future__ import annotations

from html.parser import HTMLParser

from training.readers.sections import Section, split_sections


class _TableCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._stack: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self.heading = ""
        self._in_heading = False
        self.headings: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self._stack.append([])
            self.headings.append(self.heading)
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
            self._span = (_int(attributes.get("rowspan")), _int(attributes.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag in ("h1", "h2", "h3", "h4", "p", "caption", "title") and self._cell is None:
            self._in_heading = True
            self.heading = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._stack[-1][-1].append(("".join(self._cell), *self._span))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag in ("h1", "h2", "h3", "h4", "p", "caption", "title"):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_heading and data.strip():
            self.heading += data.strip()


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        return 1


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    # Spanned cells repeat nothing: carry-down fills level columns.
                    grid[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
            c += colspan
    height = len(rows)
    width = max((c for (_, c) in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def html_sections(text: str) -> list[Section]:
    collector = _TableCollector()
    collector.feed(text)
    sections: list[Section] = []
    for heading, table in zip(collector.headings, collector.tables, strict=False):
        grid = expand_spans(table)
        sections.extend(split_sections([[heading], *grid] if heading else grid))
    return sections
