"""What the rows above a table's header say about it: project, department, unit, year.

Forms put these as label/value cell pairs (项目名称 | 农村公路提质改造), as
``key：value`` lines, as a year row (（2020年度）), as a unit line with its code
(731002保定市科学技术协会（机关）) or in the title (XX局2020年度部门预算项目绩效目标表).
The label words are data (``metadata`` in ``data/taxonomy.json``).
"""

from __future__ import annotations

import re

from training.domain.taxonomy import Taxonomy
from training.readers.text import clean_cell, find_year

_UNIT_CODE = re.compile(r"^\d{6}\s*(\S.*)$")
_YEAR_ROW = re.compile(r"^[（(]\s*(20\d{2})\s*年度?\s*[)）]$")
_TITLE_SUFFIX = re.compile(
    r"\s*(20\d{2}\s*年度?)?\s*(省级部门|部门)?\s*(预算)?\s*(项目)?\s*(支出)?\s*"
    r"(绩效目标表|绩效自评表|绩效目标申报表|目标申报表|绩效目标批复表|目标批复表)$"
)
# a title's leading year or years (2024年度, 2023—2025年) and period words (中期, 年度) name no project
_TITLE_YEARS = re.compile(r"^\s*20\d{2}\s*(?:年度?)?\s*(?:[—\-~～至到]+\s*20\d{2}\s*(?:年度?)?)?\s*")
_TITLE_YEAR_AFTER = re.compile(r"\s*[（(]\s*20\d{2}\s*年度?\s*[)）]\s*$")
_TITLE_NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]+)\s*[.、．)）]\s*")
_TITLE_PERIOD = re.compile(r"^(?:中长期|中期|长期|年度|实施期|整体)\s*")
_KEY_VALUE = re.compile(r"^([^:：]{2,8})[:：]\s*(\S.*)$")


def read_metadata(rows: list[list[str]], title: str | None, taxonomy: Taxonomy) -> dict[str, object]:
    """``{"project", "department", "unit_name", "year", ...}`` as far as the rows and the title tell; the first value of a key wins."""
    cells = [clean_cell(c) for row in rows for c in row]
    cells = [c for c in cells if c]
    meta: dict[str, object] = {}
    for index, cell in enumerate(cells):
        role = taxonomy.metadata_role(cell)
        if role and role not in meta and index + 1 < len(cells) and not taxonomy.metadata_role(cells[index + 1]):
            meta[role] = cells[index + 1]
        key_value = _KEY_VALUE.match(cell)
        if key_value and taxonomy.metadata_role(key_value.group(1)) and taxonomy.metadata_role(key_value.group(1)) not in meta:
            meta[taxonomy.metadata_role(key_value.group(1))] = key_value.group(2).strip()
        year_match = _YEAR_ROW.match(cell)
        if year_match and "year" not in meta:
            meta["year"] = int(year_match.group(1))
        unit_match = _UNIT_CODE.match(cell)
        if unit_match and "unit_name" not in meta and not re.search(r"\d", unit_match.group(1)[:2]):
            meta["unit_name"] = unit_match.group(1)
    if title:
        meta.setdefault("year", find_year(title))
        if taxonomy.period_of(title):  # 2023—2025年中期绩效目标表: the table's targets are for the period
            meta.setdefault("period", taxonomy.period_of(title))
        owner = title_owner(title)
        # the title's owner is the unit unless it is the project itself (城区道路维修改造工程 项目绩效目标表 with a 项目名称 row
        # of the same name had shown 单位 = 城区道路维修改造工程)
        if owner and "unit_name" not in meta and "project" in meta and owner != meta["project"]:
            meta["unit_name"] = owner
        elif owner and "project" not in meta:
            meta["project"] = owner
    return meta


def title_owner(title: str) -> str:
    """What a table's title names besides its kind and years: the project or the unit (``2024年度 文化惠民工程
    项目绩效目标表`` → ``文化惠民工程``; ``2023—2025年中期绩效目标表`` → ``""``)."""
    text = _TITLE_YEAR_AFTER.sub("", re.sub(r"\s+", " ", title).strip())  # 绩效目标表（2025年）
    text = _TITLE_SUFFIX.sub("", text)
    text = _TITLE_PERIOD.sub("", _TITLE_YEARS.sub("", _TITLE_NUMBERING.sub("", _TITLE_YEARS.sub("", text))))
    return text.strip()


def metadata_row(cells: list[str], taxonomy: Taxonomy) -> dict[str, object] | None:
    """The metadata of a body row that is a label/value pair (项目名称 | XX, 项目名称：XX), or None for other rows."""
    filled = [c for c in cells if c]
    if not filled or len(filled) > 4:
        return None
    key_value = _KEY_VALUE.match(filled[0])
    if not taxonomy.metadata_role(filled[0]) and not (key_value and taxonomy.metadata_role(key_value.group(1))):
        return None
    return read_metadata([filled], None, taxonomy)
