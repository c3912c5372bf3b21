"""Bounded loopback load test of a running server: throughput, p50 and p99 of one-item /v1/classify at 1, 4 and 16
concurrent clients, then /v1/tables/classify rows per second.

    .venv/bin/zhibiao serve --port 8000 &   # then:
    .venv/bin/python scripts/load_test.py --base http://127.0.0.1:8000 --seconds 20

Each client is a thread with its own keep-alive connection sending the next request as soon as the last one is answered
(closed loop), for ``--seconds`` or ``--max-requests`` per client, whichever comes first. Refusals (503 SERVER_BUSY,
429 CLIENT_BUSY) are counted apart and left out of the latencies. Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["资金拨付及时率", "培训人次", "社会公众满意度", "办公设备购置成本", "项目验收合格率", "带动农民增收", "新建农村公路里程",
         "参训人员满意度", "设备完好率", "政策知晓率", "项目完成及时率", "人均培训成本"]


def run_clients(base: str, clients: int, seconds: float, max_requests: int) -> dict:
    """``clients`` closed-loop clients for ``seconds``: requests answered, refused, failed, and latencies (ms) of the answered ones."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    refused = [0] * clients
    failed = [0] * clients
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/healthz")
            start.wait()
            deadline = time.perf_counter() + seconds
            i = 0
            while time.perf_counter() < deadline and i < max_requests:
                body = {"items": [{"name": NAMES[(k * 7 + i) % len(NAMES)]}]}
                t = time.perf_counter()
                try:
                    response = http.post("/v1/classify", json=body)
                except httpx.HTTPError:
                    failed[k] += 1
                    continue
                finally:
                    i += 1
                if response.status_code == 200:
                    latencies[k].append((time.perf_counter() - t) * 1000)
                elif response.status_code in (429, 503):
                    refused[k] += 1
                else:
                    failed[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    answered = np.array([x for per in latencies for x in per])
    return {"clients": clients, "answered": len(answered), "refused": sum(refused), "failed": sum(failed), "seconds": elapsed,
            "throughput": len(answered) / elapsed, "p50": float(np.percentile(answered, 50)) if len(answered) else float("nan"),
            "p99": float(np.percentile(answered, 99)) if len(answered) else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=20.0, help="per client count")
    parser.add_argument("--max-requests", type=int, default=5000, help="per client, a hard bound")
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args()
    if urlparse(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests go to loopback only")
    with httpx.Client(base_url=args.base, timeout=60) as http:
        for name in NAMES:
            http.post("/v1/classify", json={"items": [{"name": name}]}).raise_for_status()
    print("| clients | requests answered | refused (503/429) | failed | throughput (req/s) | p50 (ms) | p99 (ms) |")
    print("|---|---|---|---|---|---|---|")
    for clients in (int(c) for c in args.clients.split(",")):
        r = run_clients(args.base, clients, args.seconds, args.max_requests)
        print(f"| {clients} | {r['answered']} | {r['refused']} | {r['failed']} | {r['throughput']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} |",
              flush=True)
    seed = (ROOT / "data" / "sources" / "seeds" / "000_42a741920ee6bc71.txt").read_bytes()
    rows = 0
    began = time.perf_counter()
    with httpx.Client(base_url=args.base, timeout=300) as http:
        for _ in range(args.uploads):
            response = http.post("/v1/tables/classify", files={"file": ("henan.txt", seed)})
            response.raise_for_status()
            rows += response.json()["summary"]["rows"]
    elapsed = time.perf_counter() - began
    print(f"\n/v1/tables/classify: {args.uploads} uploads of a {rows // max(args.uploads, 1)}-row seed table, {rows / elapsed:.0f} rows/s")


if __name__ == "__main__":
    main()
