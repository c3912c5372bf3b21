"""Speed of target and project suggestions for the README: one indicator, a bulk table of weak targets, one project.

    .venv/bin/python scripts/benchmark_targets.py [--rows 2000]

Uses models/current. The bulk table repeats corpus names with weak targets
(有所提高, empty, 及时), so every row gets a suggestion; names are made
distinct after the corpus runs out, as in scripts/benchmark.py.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np

from service.bulk import classify_file
from service.predictor import load_predictor
from training.domain.records import Indicator
from training.lifecycle.corpus import load_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    predictor = load_predictor()
    names = sorted({r.level3 for r in load_corpus().rows if r.level3})
    rng = np.random.default_rng(0)
    sample = [names[i] for i in rng.integers(0, len(names), 200)]
    predictor.suggest_targets(Indicator("预热"), k=3)
    latencies = []
    for name in sample:
        t = time.perf_counter()
        predictor.suggest_targets(Indicator(name), k=3, year=2025)
        latencies.append((time.perf_counter() - t) * 1000)
    given = []
    for name in sample:
        t = time.perf_counter()
        predictor.suggest_targets(Indicator(name), level2="数量指标", k=3, year=2025)
        given.append((time.perf_counter() - t) * 1000)
    projects = [p for p in sorted({r.project for r in load_corpus().rows if r.project})][:30]
    project_latencies = []
    for project in projects:
        t = time.perf_counter()
        predictor.suggest_indicators(project, k=12, year=2025)
        project_latencies.append((time.perf_counter() - t) * 1000)
    # projects no historical one resembles: indicators composed from their names too (one more encoding call, new names)
    novel = [f"{place}{thing}项目" for place in ("甲县", "乙市", "丙区") for thing in (
        "远洋渔船北斗终端更新改造", "城市内涝监测预警平台建设", "乡镇卫生院远程会诊系统", "中小学校园足球场改造", "老旧小区加装电梯补助",
        "高山茶园防霜冻设施", "跨境电商公共海外仓", "古树名木保护复壮")]
    novel_latencies, composed = [], 0
    for project in novel:
        t = time.perf_counter()
        answer = predictor.suggest_indicators(project, k=12, year=2025)
        novel_latencies.append((time.perf_counter() - t) * 1000)
        composed += sum(1 for g in answer["groups"] for i in g["indicators"] if i.get("composed"))
    weak = ["有所提高", "", "及时", "逐步完善"]
    seconds = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("measurable", "weak"):
            path = Path(folder) / f"{kind}.csv"
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
                for i in range(args.rows):
                    target = "≥95%" if kind == "measurable" else weak[i % len(weak)]
                    writer.writerow(["产出指标", "数量指标", names[i % len(names)] + ("" if i < len(names) else str(i)), target])
            t = time.perf_counter()
            records = classify_file(path, predictor)  # the second run finds every name in the embedding cache
            seconds[kind] = time.perf_counter() - t
    bulk_seconds = seconds["weak"]
    suggested = sum(1 for r in records if r["suggested_target"])
    print(f"model {predictor.version}")
    print(f"target suggestion, one indicator (k=3, category from the classifier): p50 {np.percentile(latencies, 50):.1f} ms, "
          f"p99 {np.percentile(latencies, 99):.1f} ms ({len(latencies)} calls)")
    print(f"target suggestion, one indicator with its category given (no classification): p50 {np.percentile(given, 50):.1f} ms, "
          f"p99 {np.percentile(given, 99):.1f} ms")
    print(f"project suggestion (k=12, each with a target): p50 {np.percentile(project_latencies, 50):.0f} ms, "
          f"p99 {np.percentile(project_latencies, 99):.0f} ms ({len(project_latencies)} calls)")
    print(f"project suggestion, projects unlike any historical one (k=12, composed indicators among them, new names): "
          f"p50 {np.percentile(novel_latencies, 50):.0f} ms, p99 {np.percentile(novel_latencies, 99):.0f} ms "
          f"({len(novel_latencies)} calls, {composed / len(novel):.1f} composed per project)")
    print(f"bulk, every target measurable (first run, names encoded): {len(records)} rows in {seconds['measurable']:.1f} s")
    print(f"bulk, every target weak (same names): {len(records)} rows in {bulk_seconds:.1f} s = {len(records) / bulk_seconds:.0f} rows/s "
          f"({suggested} suggested targets)")


if __name__ == "__main__":
    main()
