"""Figures for the review page and the annotated workbook: a 3,000-row legacy table from upload to export.

    .venv/bin/python scripts/review_benchmark.py [--rows 3000]

Uses models/current (``ZHIBIAO_MODELS_DIR``) and the configured encoder; the
app runs in-process under Starlette's TestClient, so the times are the
server's own (no network). The table is built from the corpus's published
rows (names, targets and labels as units wrote them, labels carried down as
merged cells leave them), so flags come out as on real tables.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import tempfile
import time
from pathlib import Path

import numpy as np


def legacy_table(rows: int) -> bytes:
    from training.lifecycle.corpus import load_corpus

    published = [r for r in load_corpus().rows if r.level3 and r.origin == "table"]
    rng = np.random.default_rng(0)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
    previous = (None, None)
    for i in rng.integers(0, len(published), rows):
        row = published[i]
        labels = (row.level1_raw or "", row.level2_raw or "")
        writer.writerow(["" if labels[0] == previous[0] else labels[0], "" if labels == previous else labels[1], row.level3, row.target_raw or ""])
        previous = labels
    return text.getvalue().encode("utf-8")


def main() -> None:
    from fastapi.testclient import TestClient

    from service.api.main import create_app
    from service.api.state import ModelHolder
    from training.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"review_dir": Path(tempfile.mkdtemp(prefix="zhibiao-review-bench-")), "reload_interval_seconds": 0})
    data = legacy_table(args.rows)
    holder = ModelHolder(settings.models_dir, None, 0)
    started = time.perf_counter()
    holder.reload()
    print(f"model {holder.version} loaded in {time.perf_counter() - started:.1f} s")
    app = create_app(settings, holder)
    from training.settings import get_settings as dependency

    app.dependency_overrides[dependency] = lambda: settings
    with TestClient(app) as client:
        t = time.perf_counter()
        response = client.post("/review", files=[("files", ("legacy.csv", data))], follow_redirects=False)
        upload = time.perf_counter() - t
        assert response.status_code == 303, response.text[-2000:]
        batch = response.headers["location"].rsplit("/", 1)[-1]
        print(f"upload + annotate + store {args.rows} rows: {upload:.1f} s ({args.rows / upload:.0f} rows/s)")
        timings = {}
        for label, url in [("batch page, all rows (100 shown)", f"/review/{batch}"), ("batch page, flagged rows", f"/review/{batch}?flag=any"),
                           ("batch page, by confidence", f"/review/{batch}?sort=confidence")]:
            t = time.perf_counter()
            page = client.get(url)
            timings[label] = time.perf_counter() - t
            assert page.status_code == 200
        flagged = client.get(f"/review/{batch}?flag=any").text
        open_rows = int(re.search(r'data-count="open">(\d+)<', flagged)[1])
        for label, seconds in timings.items():
            print(f"{label}: {seconds * 1000:.0f} ms")
        targets = re.findall(r'id="r(\d+)-(\d+)" class="row flagged"', flagged)[:50]
        latencies = []
        for table, position in targets:
            t = time.perf_counter()
            answer = client.post(f"/review/{batch}/rows/{table}/{position}", data={"category": "产出指标/数量指标", "target": "≥95%"},
                                 headers={"Accept": "application/json"})
            latencies.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 200
        print(f"flagged rows: {open_rows} of {args.rows}; decision (save + re-rendered summary): p50 {np.percentile(latencies, 50):.0f} ms, "
              f"p99 {np.percentile(latencies, 99):.0f} ms ({len(latencies)} decisions)")
        for name in ("export.xlsx", "export.csv", "reviewed.jsonl"):
            t = time.perf_counter()
            download = client.get(f"/review/{batch}/{name}")
            print(f"{name}: {(time.perf_counter() - t) * 1000:.0f} ms, {len(download.content) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
