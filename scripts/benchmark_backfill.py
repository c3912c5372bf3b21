"""Backfill speed for the README: rows/s of ``--engine local`` and of ``--engine ray`` with 1 and 2 actors, peak memory per actor.

    ZHIBIAO_CACHE_DIR=... .venv/bin/python scripts/benchmark_backfill.py [--files 80] [--rows 30] [--workers 1 2]

Uses ``models/current`` (``ZHIBIAO_MODELS_DIR``) and the configured encoder.
The archive is generated: ``--files`` tables (half csv, half xlsx) of
``--rows`` rows drawn from the corpus, so names repeat across tables as they
do in real archives. Each Ray run starts its own local instance. Figures:
``end to end`` includes starting Ray and loading the model in every actor;
``steady`` excludes that start; ``per actor`` is rows over the wall seconds
an actor spent annotating, and rows over its CPU seconds (what a dedicated
core gives, whatever else the machine runs); ``reading`` is rows over the CPU
seconds of reading the files (Ray tasks apart from the actors). The load
average shows how busy the machine was. Also checks that every engine's rows
equal the local engine's, column for column.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import tempfile
from pathlib import Path

from service.backfill import run_backfill
from service.backfill.output import read_rows
from training.lifecycle.corpus import load_corpus
from training.settings import get_settings

HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def make_archive(folder: Path, files: int, rows: int, seed: int = 0) -> int:
    """``files`` tables of ``rows`` corpus rows each (labels and targets as published); returns the row count."""
    from openpyxl import Workbook

    corpus = [r for r in load_corpus().rows if r.level3]
    generator = random.Random(seed)
    for index in range(files):
        table = [[r.level1_raw or "", r.level2_raw or "", r.level3, r.target_raw or ""] for r in generator.sample(corpus, rows)]
        if index % 2:
            book = Workbook()
            sheet = book.active
            sheet.append([f"2025年度项目支出绩效目标表（项目{index}）"])
            sheet.append(HEADER)
            for row in table:
                sheet.append(row)
            book.save(folder / f"表{index:04d}.xlsx")
        else:
            with open(folder / f"表{index:04d}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                writer.writerows(table)
    return files * rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=80)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        archive.mkdir()
        total = make_archive(archive, args.files, args.rows)
        print(f"archive: {args.files} files, {total} rows; model folder {get_settings().models_dir}")
        runs = [("local", None)] + [("ray", n) for n in args.workers]
        results, frames = [], {}
        for engine, workers in runs:
            label = engine if workers is None else f"ray, {workers} actor{'s' if workers > 1 else ''}"
            result = run_backfill([archive], Path(tmp) / label, engine=engine, workers=workers)
            frames[label] = read_rows(Path(tmp) / label).drop(columns=["file_hash"])
            steady = result.rows / max(result.seconds - result.startup_seconds, 1e-9)
            per_actor = [w["rows"] / w["busy_seconds"] for w in result.worker_stats if w["busy_seconds"]]
            per_cpu = [w["rows"] / w["cpu_seconds"] for w in result.worker_stats if w["cpu_seconds"]]
            entries = [json.loads(line) for line in (Path(tmp) / label / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
            read_cpu = sum(e.get("read_cpu_seconds", 0) for e in entries)
            row = {"engine": label, "rows": result.rows, "seconds": round(result.seconds, 1), "startup_seconds": round(result.startup_seconds, 1),
                   "rows_per_second_end_to_end": round(result.rows / result.seconds, 1), "rows_per_second_steady": round(steady, 1),
                   "rows_per_second_per_actor": [round(r, 1) for r in per_actor],
                   "rows_per_cpu_second_per_actor": [round(r, 1) for r in per_cpu],
                   "rows_per_cpu_second_reading": round(result.rows / read_cpu, 1) if read_cpu else None,
                   "load_average_1min_after": round(os.getloadavg()[0], 1),
                   "peak_rss_mb_per_actor": [round(w["peak_rss_mb"]) for w in result.worker_stats]}
            row["same_rows_as_local"] = bool(frames[label].equals(frames["local"]))
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    print()
    print("| engine | rows | end to end | start (Ray + model load) | steady (after start) | per actor: wall / per CPU-second | reading, per CPU-second "
          "| peak memory per actor | load avg | rows equal to local |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['rows']} | {r['rows_per_second_end_to_end']:.0f} rows/s ({r['seconds']} s) | {r['startup_seconds']} s | "
              f"{r['rows_per_second_steady']:.0f} rows/s | "
              + ", ".join(f"{w:.0f} / {c:.0f}" for w, c in zip(r["rows_per_second_per_actor"], r["rows_per_cpu_second_per_actor"], strict=False))
              + f" rows/s | {r['rows_per_cpu_second_reading']} rows/s | {', '.join(f'{m} MB' for m in r['peak_rss_mb_per_actor'])} | "
              f"{r['load_average_1min_after']} | {'yes' if r['same_rows_as_local'] else 'NO'} |")
    one = next((r for r in results if r["engine"] == "ray, 1 actor"), None)
    if one and one["rows_per_cpu_second_per_actor"] and one["rows_per_cpu_second_reading"]:
        annotate, read = one["rows_per_cpu_second_per_actor"][0], one["rows_per_cpu_second_reading"]
        need = 5_000_000 / 3600
        actors, readers = math.ceil(need / annotate), math.ceil(need / read)
        print(f"\ncapacity: 5,000,000 rows in 1 h = {need:.0f} rows/s; at {annotate:.0f} rows per CPU-second per actor and {read:.0f} rows per "
              f"CPU-second of reading: {actors} actors + {readers} CPUs reading + 1 driver = {actors + readers + 1} CPUs, "
              f"{math.ceil((actors + readers + 1) / 16)} nodes of 16 cores")
    print(f"driver peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
