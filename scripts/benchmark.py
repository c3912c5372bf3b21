"""Speed and size figures for the README: latency, bulk rate, model load, model size, peak memory.

Run with `make benchmark` (or `.venv/bin/python scripts/benchmark.py`); it uses models/current.
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from service.bulk import classify_file
from service.predictor import load_predictor
from training.domain.records import Indicator
from training.lifecycle import bundle as bundles
from training.lifecycle.corpus import load_corpus


def main() -> None:
    started = time.perf_counter()
    predictor = load_predictor()
    load_seconds = time.perf_counter() - started
    names = [r.level3 for r in load_corpus().rows if r.level3]
    rng = np.random.default_rng(0)
    sample = [names[i] for i in rng.integers(0, len(names), 300)]
    predictor.classify([Indicator("预热")])
    latencies = []
    for name in sample:
        t = time.perf_counter()
        predictor.classify([Indicator(name)])
        latencies.append((time.perf_counter() - t) * 1000)
    rows = 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bulk.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
            for i in range(rows):
                writer.writerow(["产出指标", "数量指标", names[i % len(names)] + ("" if i < len(names) else str(i)), "≥95%"])
        t = time.perf_counter()
        records = classify_file(path, predictor)
        bulk_seconds = time.perf_counter() - t
    bundle = bundles.current_bundle()
    metadata = predictor.metadata
    print(f"model {metadata['version']} (trained in {metadata['training_seconds']} s on {metadata['training_data']['rows']} rows)")
    print(f"model load: {load_seconds:.1f} s; bundle size: {(bundle / bundles.PAYLOAD).stat().st_size / 1e6:.1f} MB")
    print(f"single indicator, in-process: p50 {np.percentile(latencies, 50):.1f} ms, p99 {np.percentile(latencies, 99):.1f} ms ({len(latencies)} calls)")
    print(f"bulk: {len(records)} rows in {bulk_seconds:.1f} s = {len(records) / bulk_seconds:.0f} rows/s")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
