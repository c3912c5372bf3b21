"""The encoder backends side by side, in one run: vectors against the fp32 model, and held-out accuracy with each.

    .venv/bin/python scripts/encoder_backends.py [--folds 5] [-o reports/encoder_backends.md]

Encoders: the fp32 PyTorch model (the reference), the PyTorch int8 model
(dynamic per-channel quantization at load) and the ONNX int8 export on ONNX
Runtime (``zhibiao encoder build``). For each:

* cosine to the fp32 vectors over every distinct indicator name in the corpus
  (``query`` prompt; minimum, 1st percentile, mean), names encoded in batches
  as training does and one at a time as the service does;
* the default recipe (``make_classifier(encoder)``) scored by
  ``cross_validated`` on the same grouped folds over publishers
  (``TrainOnlyGroupKFold``): level-2 accuracy name only (what a form plugin
  sends) and with description and target.

Vectors go through the on-disk cache of each encoder's fingerprint
(``ZHIBIAO_EMBEDDING_CACHE_DIR``), so a second run only refits. About 10
minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from training.domain.taxonomy import load_taxonomy
from training.evaluation.crossval import cross_validated
from training.evaluation.metrics import classification_metrics
from training.evaluation.splits import TrainOnlyGroupKFold
from training.lifecycle.corpus import load_corpus
from training.model.dataset import training_data
from training.model.encoder import DiskCachedEncoder, OnnxEncoder, SentenceEncoder
from training.model.pipeline import make_classifier


def cosines(a: np.ndarray, b: np.ndarray) -> dict:
    values = (a * b).sum(axis=1)
    return {"min": float(values.min()), "p1": float(np.percentile(values, 1)), "mean": float(values.mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-o", "--output", default="reports/encoder_backends.md")
    args = parser.parse_args()

    corpus = load_corpus()
    names = sorted({r.level3 for r in corpus.rows if r.level3})
    data = training_data(corpus.rows)
    taxonomy = load_taxonomy()
    encoders = {
        "PyTorch fp32 (reference)": SentenceEncoder(precision="fp32"),
        "PyTorch int8 (dynamic, per channel)": SentenceEncoder(precision="int8"),
        "ONNX Runtime int8 (export, dynamic)": OnnxEncoder(),
    }
    rows = []
    reference = None
    splitter = TrainOnlyGroupKFold(args.folds)
    for label, encoder in encoders.items():
        started = time.perf_counter()
        batch = encoder.encode(names, "query")
        one_by_one = np.vstack([encoder._embed([name], "query") for name in names[:300]])
        reference = batch if reference is None else reference
        result = cross_validated(make_classifier(DiskCachedEncoder(encoder)), data, splitter)
        truth = data.labels[result.index]
        figures = {view: classification_metrics(truth, result.predictions(view), taxonomy) for view in result.probabilities}
        rows.append({
            "encoder": label, "fingerprint": encoder.identity["fingerprint"],
            "batch": cosines(batch, reference), "single": cosines(one_by_one, reference[:300]),
            "name": figures["name"]["level2_accuracy"], "full": figures["full"]["level2_accuracy"],
            "name_f1": figures["name"]["level2_macro_f1"], "seconds": time.perf_counter() - started,
        })
        print(f"{label}: done in {rows[-1]['seconds']:.0f} s", flush=True)

    base, n = rows[0], len(result.index)
    lines = [
        "# Encoder backends: vectors and held-out accuracy",
        "",
        f"Written by `.venv/bin/python scripts/encoder_backends.py` ({time.strftime('%Y-%m-%d')}). {len(names)} distinct corpus names "
        f"(`query: ` prompt); accuracy from `cross_validated` with `TrainOnlyGroupKFold({args.folds})` over publishers, the same folds "
        f"for every encoder, {len(result.index)} held-out table rows.",
        "",
        "| encoder | fingerprint | cosine to fp32, batches: min / 1st pct / mean | one at a time (300 names): min / mean "
        "| level-2 accuracy, name only (rows) | change, points | with description + target | macro-F1, name only |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        b, s = row["batch"], row["single"]
        lines.append(f"| {row['encoder']} | `{row['fingerprint']}` | {b['min']:.4f} / {b['p1']:.4f} / {b['mean']:.4f} | "
                     f"{s['min']:.4f} / {s['mean']:.4f} | {row['name']:.4f} ({round(row['name'] * n)}/{n}) | "
                     f"{(row['name'] - base['name']) * 100:+.2f} | {row['full']:.4f} | "
                     f"{row['name_f1']:.3f} |")
    text = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
