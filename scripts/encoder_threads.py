"""How the ONNX encoder should use the machine's cores: threads inside one run, or batches side by side.

    .venv/bin/python scripts/encoder_threads.py [--names 200] [--batch-names 800] [--rounds 3]

Three set-ups of the same int8 export (:class:`training.model.encoder.OnnxEncoder`), each with its cache off:

* ``2 threads in a run``: one ONNX Runtime run at a time on two intra-op threads (what the service did before);
* ``1 thread, 2 side by side``: each run on one thread, two batches at once on the encoder's threads (the default);
* ``1 thread, 1 at a time``.

Printed: one name at a time (p50 and p90 of distinct new names, the set-ups interleaved name by name so that each
sees the same machine) and batches of ``--batch-names`` distinct names (names per second, the set-ups alternating
round by round), with the load average before and after. Vectors are compared too: every set-up must give the same
vectors to the bit (the batches are the same whatever the threads).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import distinct_names

from training.model.encoder import OnnxEncoder

SETUPS = {
    "2 threads in a run": {"threads": 1, "run_threads": 2},
    "1 thread, 2 side by side": {"threads": 2, "run_threads": 1},
    "1 thread, 1 at a time": {"threads": 1, "run_threads": 1},
}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=200, help="names encoded one at a time per set-up")
    parser.add_argument("--batch-names", type=int, default=800, help="names per batch round")
    parser.add_argument("--rounds", type=int, default=3, help="batch rounds per set-up")
    args = parser.parse_args()
    print(f"load average before: {load_average()}", flush=True)
    encoders = {label: OnnxEncoder(cache_size=0, **kwargs).load() for label, kwargs in SETUPS.items()}
    pool = distinct_names(args.names + args.batch_names * args.rounds, seed=21)
    singles, batches = pool[: args.names], pool[args.names :]
    for encoder in encoders.values():
        encoder.encode(singles[:5])  # warm up
    one = {label: [] for label in encoders}
    for name in singles:
        for label, encoder in encoders.items():
            started = time.perf_counter()
            encoder.encode([name])
            one[label].append((time.perf_counter() - started) * 1000)
    rates = {label: [] for label in encoders}
    vectors = {}
    for r in range(args.rounds):
        chunk = batches[r * args.batch_names : (r + 1) * args.batch_names]
        for label, encoder in encoders.items():
            started = time.perf_counter()
            vectors[label] = encoder.encode(chunk)
            rates[label].append(len(chunk) / (time.perf_counter() - started))
        first = next(iter(vectors.values()))
        assert all(np.array_equal(first, v) for v in vectors.values()), "the set-ups gave different vectors"
    print("| set-up | one name p50 | p90 | batches, names/s (each round) |")
    print("|---|---|---|---|")
    for label in encoders:
        print(f"| {label} | {np.percentile(one[label], 50):.2f} ms | {np.percentile(one[label], 90):.2f} ms | "
              f"{', '.join(f'{x:.0f}' for x in rates[label])} |")
    print("every set-up gave the same vectors to the bit")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
