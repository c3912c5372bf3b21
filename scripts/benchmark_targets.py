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
    print(f"bulk, every target measurable (first run, names encoded): {len(records)} rows in {seconds['measurable']:.1f} s")
    print(f"bulk, every target weak (same names): {len(records)} rows in {bulk_seconds:.1f} s = {len(records) / bulk_seconds:.0f} rows/s "
          f"({suggested} suggested targets)")


if __name__ == "__main__":
    main()
