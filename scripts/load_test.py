"""Bounded loopback load test of a running server: p50/p99 of /v1/classify (one item) and /v1/tables/classify.

    .venv/bin/zhibiao serve --port 8000 &   # then:
    .venv/bin/python scripts/load_test.py --base http://127.0.0.1:8000 --requests 300
Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    host = urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests go to loopback only")
    names = ["资金拨付及时率", "培训人次", "社会公众满意度", "办公设备购置成本", "项目验收合格率", "带动农民增收"]
    with httpx.Client(base_url=args.base, timeout=30) as client:
        client.post("/v1/classify", json={"items": [{"name": "预热"}]})
        latencies = []
        for i in range(min(args.requests, 2000)):
            t = time.perf_counter()
            response = client.post("/v1/classify", json={"items": [{"name": names[i % len(names)]}]})
            latencies.append((time.perf_counter() - t) * 1000)
            response.raise_for_status()
        seed = (ROOT / "data" / "sources" / "seeds" / "000_42a741920ee6bc71.txt").read_bytes()
        t = time.perf_counter()
        uploads = 5
        rows = 0
        for _ in range(uploads):
            body = client.post("/v1/tables/classify", files={"file": ("henan.txt", seed)}).json()
            rows += body["summary"]["rows"]
        elapsed = time.perf_counter() - t
    print(f"/v1/classify, 1 item, {len(latencies)} sequential requests: p50 {np.percentile(latencies, 50):.1f} ms, p99 {np.percentile(latencies, 99):.1f} ms")
    print(f"/v1/tables/classify: {uploads} uploads of a {rows // uploads}-row seed file, {rows / elapsed:.0f} rows/s")


if __name__ == "__main__":
    main()
