"""A seed-derived xlsx as units fill it in: the Yutian county tables, one sheet per project, level cells merged.

Each sheet has the form's title and 项目名称/实施单位 rows above the header, the
published 一级/二级 written once per block (merged cells, as the source has
them), and the seed's rows with their published labels. Two rows are added to
the first table so a reviewer has something to find: one with no indicator name
(unreadable, must be kept and marked) and one whose target is vague (有所提高).
"""

from __future__ import annotations

import io
from itertools import groupby

from tests.conftest import YUTIAN
from training.readers import read_file

HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标值说明"]
VAGUE_ROW = ("效益指标", "社会效益指标", "群众科学素质", "有所提高", "")
NAMELESS_ROW = ("", "", "", "≥1次", "（此行漏填指标名称）")


def seed_tables() -> list[dict]:
    """The Yutian seed's tables: ``{"project", "unit", "year", "rows": [(一级, 二级, 三级, 指标值, 说明)]}``."""
    rows = read_file(YUTIAN).rows
    tables = []
    for _, group in groupby(rows, key=lambda r: r.table):
        group = list(group)
        first = group[0]
        tables.append({"project": first.project, "unit": first.unit_name, "year": first.year,
                       "rows": [(r.level1_raw or "", r.level2_raw or "", r.level3 or "", r.target_raw or "", r.description or "") for r in group]})
    tables[0]["rows"] = [*tables[0]["rows"], VAGUE_ROW, NAMELESS_ROW]
    return tables


def seed_xlsx_bytes() -> bytes:
    """The workbook's bytes; rows in total: 36 seed rows + 2."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, table in enumerate(seed_tables(), start=1):
        sheet = workbook.create_sheet(f"项目{number}")
        sheet.append([f"{table['year']}年度项目支出绩效目标表"])
        sheet.append(["项目名称", table["project"], "实施单位", table["unit"]])
        sheet.append(HEADER)
        start = sheet.max_row + 1
        for row in table["rows"]:
            sheet.append(list(row))
        for column in (1, 2):  # merge each run of one published label, leaving the text in its first cell only
            values = [row[column - 1] for row in table["rows"]]
            index = 0
            while index < len(values):
                end = index
                while end + 1 < len(values) and values[end + 1] == values[index] and values[index]:
                    end += 1
                for below in range(index + 1, end + 1):
                    sheet.cell(start + below, column).value = None
                if end > index:
                    sheet.merge_cells(start_row=start + index, start_column=column, end_row=start + end, end_column=column)
                index = end + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
