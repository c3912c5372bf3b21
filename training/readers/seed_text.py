"""The two plain-text layouts of the seed documents.

* Cell lines (Henan 2020, Yutian 2025, Baoding 2020): every cell starts with a
  tab on its own line, a cell may continue on following lines, and rows are
  separated by blank lines.
* Tab rows (Zhengzhou 2020): one row per line, cells separated by tabs, some
  wrapped in ``<p>`` tags, and cells shifted out of their columns.
"""

from __future__ import annotations

from training.readers.limits import Budget
from training.readers.sections import Section, split_sections


def looks_like_cell_lines(text: str) -> bool:
    """True when most non-blank lines are one tab-led cell (the Henan/Yutian/Baoding layout)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    tab_led = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:].rstrip("\t"))
    return tab_led / len(lines) > 0.4


def cell_line_rows(text: str) -> list[list[str]]:
    """Rows of cells from the cell-line layout.

    Text before the first cell of a block (a title, a bookmark line) becomes a
    one-cell row of its own so that titles can open new sections.
    """
    rows: list[list[str]] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            rows.append(list(block))
            block.clear()

    for line in text.splitlines():
        if not line.strip(" \u3000\r") and "\t" not in line:
            flush()
            continue
        if line.startswith("\t"):
            block.append(line.strip("\t"))
        elif block:
            block[-1] = block[-1] + "\n" + line
        else:
            rows.append([line])
    flush()
    return rows


def tab_rows(text: str) -> list[list[str]]:
    """One row per non-blank line, cells split at tabs (the Zhengzhou layout and Excel's text exports)."""
    return [line.split("\t") for line in text.splitlines() if line.strip()]


def seed_text_sections(text: str, budget: Budget) -> list[Section]:
    """Sections of a text file in either layout. Cells may sit out of their columns (``columns_fixed=False``)."""
    rows = cell_line_rows(text) if looks_like_cell_lines(text) else tab_rows(text)
    for row in rows:
        budget.row(row)
    if looks_like_cell_lines(text):
        return split_sections(rows, merge_short_rows=True, columns_fixed=False)
    return split_sections(rows, columns_fixed=False)
