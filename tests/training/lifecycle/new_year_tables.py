"""A new year's indicator tables, written as real xlsx and csv files the way units publish them."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]

# (level1, level2, name, target): one project's table, labelled as a careful unit would.
ROAD_PROJECT = [
    ("产出指标", "数量指标", "新建农村公路里程", "≥120公里"),
    ("产出指标", "数量指标", "改造危桥数量", "=8座"),
    ("产出指标", "数量指标", "安装交通安全设施", "≥300处"),
    ("产出指标", "质量指标", "工程验收合格率", "=100%"),
    ("产出指标", "质量指标", "路面平整度达标率", "≥95%"),
    ("产出指标", "时效指标", "工程完工时间", "2026年11月底前"),
    ("产出指标", "时效指标", "资金拨付及时率", "≥95%"),
    ("成本指标", "经济成本指标", "每公里建设成本", "≤85万元"),
    ("效益指标", "社会效益指标", "沿线群众出行时间缩短", "≥20分钟"),
    ("效益指标", "经济效益指标", "带动沿线农产品销售增收", "≥300万元"),
    ("效益指标", "生态效益指标", "公路沿线绿化率", "≥80%"),
    ("效益指标", "可持续影响指标", "农村公路长效管护机制", "建立并有效运行"),
    ("效益指标", "创新发展指标", "智慧路网监测覆盖", "试点运行"),  # a label the taxonomy does not know
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"),
]

TRAINING_PROJECT = [
    ("产出指标", "数量指标", "培训基层农技人员人次", "≥800人次"),
    ("产出指标", "数量指标", "举办培训班期数", "≥12期"),
    ("产出指标", "质量指标", "培训考核合格率", "≥90%"),
    ("产出指标", "时效指标", "培训任务完成时间", "2026年10月底前"),
    ("成本指标", "经济成本指标", "人均培训成本", "≤600元"),
    ("效益指标", "社会效益指标", "农技服务覆盖行政村比例", "≥85%"),
    ("效益指标", "经济效益指标", "示范户亩均增收", "≥200元"),
    ("效益指标", "可持续影响指标", "农技推广队伍稳定性", "持续提升"),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥95%"),
]


def write_xlsx(path: Path, rows: list[tuple[str, str, str, str]], project: str, year: int) -> Path:
    """Merged level cells (written once, blank below), a title and a metadata line above the header."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([f"{year}年度项目支出绩效目标表"])
    sheet.append([f"项目名称：{project}", None, "主管部门：县交通运输局"])
    sheet.append(HEADER)
    previous = (None, None)
    for level1, level2, name, target in rows:
        sheet.append([level1 if level1 != previous[0] else None, level2 if (level1, level2) != previous else None, name, target])
        previous = (level1, level2)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[tuple[str, str, str, str]], project: str | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if project:
            writer.writerow([f"项目名称：{project}", "", "", ""])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def shuffled_label_rows(rows: list[tuple[str, str, str, str]], seed: int = 0) -> list[tuple[str, str, str, str]]:
    """The same indicators with their (level1, level2) labels permuted: a deliberately bad table."""
    generator = random.Random(seed)
    labels = [(r[0], r[1]) for r in rows]
    generator.shuffle(labels)
    return [(level1, level2, name, target) for (level1, level2), (_, _, name, target) in zip(labels, rows, strict=True)]
