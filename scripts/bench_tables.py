"""Table files for the benchmark: a realistic multi-sheet workbook with merged cells, and a file of many distinct names.

The workbook is laid out the way units publish 项目支出绩效目标表 in Excel:
per sheet a merged title, project metadata rows (merged value cells, a money
cell with a number format), a two-row header with a merged 绩效指标 cell,
then indicator rows whose 一级指标 and 二级指标 cells are merged down over
their block. Rows come from the corpus (names, labels and targets as
published, so names repeat across sheets as they do in real tables); some
targets are numbers under a ``0%`` format, some are vague (较好, 逐步提高) or
missing, as in the seed documents.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np

from training.lifecycle.corpus import load_corpus

LEVEL1_ORDER = ["产出指标", "效益指标", "满意度指标"]
VAGUE_TARGETS = ["较好", "逐步提高", "有所提升", "达标"]
PLACES = ["城区", "乡镇", "农村", "县级", "市本级", "重点区域", "第二批", "新增", "年度", "全域", "试点", "中心城区"]


def corpus_rows() -> list:
    """Labelled corpus table rows with a name and a published level-1/level-2 label."""
    return [r for r in load_corpus().rows if r.level3 and r.level1 and r.level2 and r.origin != "library"]


def realistic_workbook(path: Path, rows: int = 3000, sheets: int = 50, seed: int = 0) -> Path:
    """Write an xlsx of ``sheets`` target tables, ``rows`` indicator rows in all, with merged cells. Returns ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    rng = np.random.default_rng(seed)
    pool = corpus_rows()
    workbook = Workbook()
    workbook.remove(workbook.active)
    per_sheet = [rows // sheets + (1 if i < rows % sheets else 0) for i in range(sheets)]
    for number, count in enumerate(per_sheet, start=1):
        sheet = workbook.create_sheet(f"项目{number:02d}")
        picked = [pool[i] for i in rng.choice(len(pool), size=count, replace=len(pool) < count)]
        picked.sort(key=lambda r: (LEVEL1_ORDER.index(r.level1) if r.level1 in LEVEL1_ORDER else 9, r.level2))
        project = picked[0].project or f"专项资金项目{number}"
        sheet.append(["2025年度项目支出绩效目标表"])
        sheet.merge_cells("A1:F1")
        sheet.append(["项目名称", project])
        sheet.merge_cells("B2:F2")
        sheet.append(["主管部门", "某某局", None, "实施单位", "某某中心"])
        sheet.merge_cells("B3:C3")
        sheet.merge_cells("E3:F3")
        sheet.append(["项目资金（万元）", "年度资金总额", float(rng.integers(10, 5000)) + 0.5])
        sheet.cell(row=4, column=3).number_format = "#,##0.00"
        sheet.append(["年度目标", "完成年度建设任务，提升公共服务水平，群众满意度达到90%以上。"])
        sheet.merge_cells("B5:F5")
        sheet.append(["绩效指标", None, None, None, "备注"])
        sheet.merge_cells("A6:D6")
        sheet.append(["一级指标", "二级指标", "三级指标", "指标值", "备注"])
        start = sheet.max_row + 1
        for row in picked:
            target: object = row.target_raw or str(rng.choice(VAGUE_TARGETS))
            draw = rng.random()
            if draw < 0.12:
                target = str(rng.choice(VAGUE_TARGETS))
            elif draw < 0.2 and row.target and row.target.unit == "%" and row.target.value is not None:
                target = float(row.target.value) / 100
            sheet.append([row.level1_raw or row.level1, row.level2_raw or row.level2, row.level3, target, None])
            if isinstance(target, float):
                sheet.cell(row=sheet.max_row, column=4).number_format = "0%"
        _merge_runs(sheet, start, sheet.max_row, column=1)
        _merge_runs(sheet, start, sheet.max_row, column=2)
        for cells in sheet.iter_rows(min_row=start, max_row=sheet.max_row, max_col=2):
            for cell in cells:
                cell.alignment = Alignment(vertical="center")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _merge_runs(sheet, first: int, last: int, column: int) -> None:
    """Merge each run of equal values in ``column`` (rows ``first..last``) into one cell, text kept in the top cell."""
    row = first
    while row <= last:
        value = sheet.cell(row=row, column=column).value
        end = row
        while end + 1 <= last and sheet.cell(row=end + 1, column=column).value == value:
            end += 1
        if end > row:
            for r in range(row + 1, end + 1):
                sheet.cell(row=r, column=column).value = None
            sheet.merge_cells(start_row=row, start_column=column, end_row=end, end_column=column)
        row = end + 1


def distinct_names(count: int, seed: int = 0) -> list[str]:
    """``count`` distinct indicator names: the corpus names, then the same names qualified by a place or batch (乡镇…, 第二批…)."""
    names = sorted({r.level3 for r in load_corpus().rows if r.level3})
    rng = np.random.default_rng(seed)
    out = list(names)
    for place, name in itertools.product(PLACES, names):
        if len(out) >= count:
            break
        out.append(f"{place}{name}")
    rng.shuffle(out)
    return out[:count]


def names_csv(path: Path, names: list[str]) -> Path:
    """A four-column target table (一级/二级/三级指标/指标值) with one row per name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
        for name in names:
            writer.writerow(["产出指标", "数量指标", name, "≥95%"])
    return path
