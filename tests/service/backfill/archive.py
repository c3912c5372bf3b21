"""A small archive of indicator tables as units publish them: csv, xlsx, docx, pdf, a corrupt file, a file with no
table, and the same bytes again under other names — real files made with the libraries that write them."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.training.lifecycle.new_year_tables import ROAD_PROJECT, TRAINING_PROJECT, write_csv, write_xlsx
from tests.training.readers.builders import HEADER, ROWS, docx_document, pdf_table_pages, save_docx

PDF_ROWS = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "设备购置数量", "≥20台"],
            [None, "时效指标", "设备到位时间", "2025年6月底前"], ["满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%"]]


def make_archive(folder: Path, copies: int = 1) -> dict[str, Path]:
    """Write the archive under ``folder`` (nested folders); returns the files by role.

    ``copies`` > 1 adds more distinct csv/xlsx tables (a rotated row order makes new bytes) for longer jobs.
    """
    (folder / "2025" / "交通").mkdir(parents=True, exist_ok=True)
    (folder / "2025" / "农业").mkdir(parents=True, exist_ok=True)
    (folder / "2026" / "misc").mkdir(parents=True, exist_ok=True)
    files = {
        "xlsx": write_xlsx(folder / "2025" / "交通" / "农村公路.xlsx", ROAD_PROJECT, "农村公路建设", 2025),
        "csv": write_csv(folder / "2025" / "农业" / "农技培训.csv", TRAINING_PROJECT, "基层农技推广"),
        "docx": save_docx(docx_document([HEADER, *ROWS])[0], folder / "2026" / "表格.docx"),
        "pdf": pdf_table_pages(folder / "2026" / "设备购置.pdf", [PDF_ROWS], title="2025年度项目支出绩效目标表"),
    }
    files["corrupt"] = folder / "2026" / "misc" / "损坏.xlsx"
    files["corrupt"].write_bytes(files["xlsx"].read_bytes()[:700])
    files["no_table"] = folder / "2026" / "misc" / "说明.csv"
    files["no_table"].write_text("本文件为说明材料\n没有指标表\n", encoding="utf-8")
    files["copy_xlsx"] = shutil.copyfile(files["xlsx"], folder / "2026" / "农村公路（副本）.xlsx")
    files["copy_csv"] = shutil.copyfile(files["csv"], folder / "2026" / "misc" / "training_again.csv")
    for n in range(1, copies):
        road = ROAD_PROJECT[n % len(ROAD_PROJECT):] + ROAD_PROJECT[: n % len(ROAD_PROJECT)]
        files[f"xlsx{n}"] = write_xlsx(folder / "2025" / "交通" / f"公路{n:03d}.xlsx", road, f"农村公路建设{n}", 2025)
        files[f"csv{n}"] = write_csv(folder / "2025" / "农业" / f"培训{n:03d}.csv", TRAINING_PROJECT[n % 9:] + TRAINING_PROJECT[: n % 9], f"农技推广{n}")
    return files
