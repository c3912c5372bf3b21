"""Cut a stream of table rows into sections, one per indicator table.

Real documents hold many tables one after another (the Henan file has thirty),
each opened by a title such as 省级部门预算项目绩效目标表.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from training.readers.text import clean_cell

_TITLE = re.compile(r"(绩效目标表|绩效自评表|目标申报表|目标批复表|绩效目标申报表|指标表)$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


@dataclass
class Section:
    title: str | None
    rows: list[list[str]] = field(default_factory=list)
    merge_short_rows: bool = False


def title_of(row: list[str]) -> str | None:
    """The title text when the row holds only a table title."""
    filled = [clean_cell(_BOOKMARK.sub("", c)) for c in row if clean_cell(c)]
    if len(filled) != 1:
        return None
    text = filled[0]
    if len(text) <= 120 and _TITLE.search(text):
        return text
    return None


def split_sections(rows: list[list[str]], merge_short_rows: bool = False) -> list[Section]:
    sections = [Section(title=None, merge_short_rows=merge_short_rows)]
    for row in rows:
        title = title_of(row)
        if title:
            sections.append(Section(title=title, merge_short_rows=merge_short_rows))
        else:
            sections[-1].rows.append(row)
    return [s for s in sections if s.rows]
