"""Which encoder should the default model use? Base or fine-tuned, fp32 or int8, on held-out documents.

Fine-tuning happens inside every fold, on that fold's training documents
only, so the test documents never shape the encoder. Writes
``reports/encoders.md`` and ``reports/encoders.json``.

    .venv/bin/python scripts/encoder_experiment.py [--epochs 2] [--variants base-fp32,base-int8,tuned-int8]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from training.lifecycle.corpus import load_corpus
from training.model.encoder import CachedEncoder, SentenceEncoder, default_encoder_path
from training.evaluation.metrics import classification_metrics, cross_validate
from training.model.features import Item
from training.model.finetune import fine_tune_encoder
from training.settings import PROJECT_ROOT
from training.lifecycle.train import make_model, training_set
from training.domain.taxonomy import load_taxonomy


class FoldFineTunedModel:
    """Fine-tunes the encoder on the training part it is given, then fits the default classifier on it."""

    def __init__(self, scratch: Path, precision: str, epochs: int) -> None:
        self.scratch = scratch
        self.precision = precision
        self.epochs = epochs

    def fit(self, items: list[Item], labels: list[str], groups: list[str]):
        folder = self.scratch / f"fold-{len(list(self.scratch.iterdir()))}"
        fine_tune_encoder(None, [i.name for i in items], labels, folder,
                          descriptions=[i.description for i in items], epochs=self.epochs, progress=False)
        encoder = CachedEncoder(SentenceEncoder(folder, precision=self.precision), folder=self.scratch / "cache")
        self.model_ = make_model(encoder).fit(items, labels, groups)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, items: list[Item]):
        return self.model_.predict_proba(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--variants", default="base-fp32,base-int8,tuned-fp32,tuned-int8")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "reports")
    arguments = parser.parse_args()

    taxonomy = load_taxonomy()
    items, labels, groups, _ = training_set(load_corpus())
    results = {}
    for variant in arguments.variants.split(","):
        kind, precision = variant.split("-")
        started = time.time()
        with tempfile.TemporaryDirectory() as scratch:
            if kind == "base":
                encoder = CachedEncoder(SentenceEncoder(default_encoder_path(), precision=precision))

                def factory(encoder=encoder):
                    return make_model(encoder)
            else:
                def factory(scratch=Path(scratch), precision=precision):
                    return FoldFineTunedModel(scratch, precision, arguments.epochs)
            result = {}
            for inputs_name, inputs in (("name + target", items), ("name only", [Item(name=i.name) for i in items])):
                if kind == "tuned" and inputs_name == "name only":
                    continue  # a second round of fine-tuning would cost minutes and say the same
                fold = cross_validate(inputs, labels, groups, factory)
                metrics = classification_metrics(labels, fold.predictions, taxonomy)
                result[inputs_name] = {k: metrics[k] for k in ("level2_accuracy", "level2_macro_f1", "level1_accuracy")}
        result["seconds"] = round(time.time() - started, 1)
        results[variant] = result
        print(variant, json.dumps(result, ensure_ascii=False), flush=True)
    arguments.output.mkdir(parents=True, exist_ok=True)
    (arguments.output / "encoders.json").write_text(json.dumps({"epochs": arguments.epochs, "results": results}, ensure_ascii=False, indent=2))
    lines = ["# Encoder variants on held-out documents", "",
             f"Grouped 5-fold CV over {len(items)} indicators from {len(set(groups))} documents; fine-tuned variants fine-tune "
             f"inside each fold on its training documents only ({arguments.epochs} epochs, batch-hard triplet loss, batches grouped "
             "by category). Produced by `.venv/bin/python scripts/encoder_experiment.py`.", "",
             "| encoder | level-2 accuracy | level-2 macro-F1 | level-1 accuracy | name-only level-2 accuracy | seconds |",
             "|---|---|---|---|---|---|"]
    for variant, result in results.items():
        main_metrics, name_only = result["name + target"], result.get("name only", {})
        lines.append(f"| {variant} | {main_metrics['level2_accuracy']:.3f} | {main_metrics['level2_macro_f1']:.3f} | "
                     f"{main_metrics['level1_accuracy']:.3f} | {name_only.get('level2_accuracy', float('nan')):.3f} | {result['seconds']} |")
    (arguments.output / "encoders.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
