"""Cut a stream of table rows into sections, one per indicator table.

Real documents hold many tables one after another (the Henan file has thirty),
each opened by a title such as 省级部门预算项目绩效目标表.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from training.readers.text import clean_cell

# a title ends with the table's kind, perhaps followed by its year in brackets (…绩效目标表（2025年）)
_TITLE = re.compile(r"(绩效目标表|绩效自评表|目标申报表|目标批复表|绩效目标申报表|指标表)(?:\s*[（(]\s*20\d{2}\s*年度?\s*[)）])?$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


@dataclass
class Section:
    """One table's rows (cells as read), under the title row that opened it.

    Every reader writes a merged cell's text at its first (top-left) position
    only; the table parser carries level cells down. ``columns_fixed`` is False
    for the seed text layouts, whose cells can be shifted out of their columns;
    ``merge_short_rows`` joins rows such a layout split over blank lines.
    ``table_starts`` are the rows where a new physical table begins (Word,
    HTML): a header repeated there starts a new table, while a header repeated
    elsewhere (a PDF page break) continues the one above. ``guessed_columns``
    says why the cells' columns are a guess (a PDF table without ruling lines);
    every row of the section reports it. ``wrapped_names``: a long name may
    come out as two rows where lines are read as rows (the seed text layouts,
    PDF text); spreadsheets, CSV, Word and HTML keep a wrapped name in its cell,
    so there a row holding only a name is an indicator without a target,
    never a continuation. ``row_issues`` are what the reader found wrong with a
    row (index into ``rows``), e.g. an Excel formula saved without its value;
    the table parser reports them on the row, and never leaves such a row out.
    """

    title: str | None
    rows: list[list[str]] = field(default_factory=list)
    merge_short_rows: bool = False
    columns_fixed: bool = True
    table_starts: set[int] = field(default_factory=set)
    guessed_columns: str | None = None
    wrapped_names: bool = True
    row_issues: dict[int, dict[int, str]] = field(default_factory=dict)
    hidden_sheet: str | None = None
    sheet: str | None = None


def title_of(row: list[str]) -> str | None:
    """The title text when the row holds only a table title."""
    filled = [clean_cell(_BOOKMARK.sub("", c)) for c in row if clean_cell(c)]
    if len(filled) != 1:
        return None
    text = filled[0]
    if len(text) <= 120 and _TITLE.search(text):
        return text
    return None


def split_sections(rows: list[list[str]], merge_short_rows: bool = False, columns_fixed: bool = True,
                   table_starts: set[int] | None = None, wrapped_names: bool = True,
                   row_issues: dict[int, dict[int, str]] | None = None, hidden_sheet: str | None = None,
                   sheet: str | None = None) -> list[Section]:
    """Rows cut at every title row (…绩效目标表, …绩效自评表); a section without rows is dropped.

    ``table_starts`` and the keys of ``row_issues`` are indexes into ``rows``; each section gets them relative to its
    own rows.
    """
    starts = table_starts or set()
    issues = row_issues or {}
    sections = [Section(title=None, merge_short_rows=merge_short_rows, columns_fixed=columns_fixed, wrapped_names=wrapped_names)]
    for index, row in enumerate(rows):
        title = title_of(row)
        if title:
            sections.append(Section(title=title, merge_short_rows=merge_short_rows, columns_fixed=columns_fixed, wrapped_names=wrapped_names))
            continue
        if index in starts:
            sections[-1].table_starts.add(len(sections[-1].rows))
        if index in issues:
            sections[-1].row_issues[len(sections[-1].rows)] = dict(issues[index])
        sections[-1].rows.append(row)
    for section in sections:
        section.hidden_sheet, section.sheet = hidden_sheet, sheet
    return [s for s in sections if s.rows]
