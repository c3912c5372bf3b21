"""Training and evaluation runs: corpus in, bundle or report out."""

from __future__ import annotations

import collections
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from training.lifecycle import bundle as bundles
from training.lifecycle.corpus import Corpus, load_corpus
from training.model.encoder import CachedEncoder, SentenceEncoder
from training.evaluation.metrics import calibration_metrics, classification_metrics, cross_validate
from training.model.features import Item
from training.model.classifier_old import IndicatorClassifier, softmax
from service.predictor import Predictor, Reference, ReviewPolicy
from training.domain.taxonomy import Taxonomy, load_taxonomy

MODEL_PARAMS = {"embedding_weight": 2.0, "knn_weight": 2.0, "C": 1.0, "k_neighbours": 20, "use_keywords": True, "class_weight": "balanced"}


def training_set(corpus: Corpus) -> tuple[list[Item], list[str], list[str], list[Reference]]:
    rows = corpus.labelled
    items = [Item(name=r.level3, description=r.description, target=r.target_raw, project=r.project) for r in rows]
    labels = [r.level2 for r in rows]
    groups = [r.doc for r in rows]
    references = [Reference(r.level3, r.level2, r.target_raw, r.target, r.source, r.doc, r.project) for r in rows]
    return items, labels, groups, references


def make_encoder(path: str | Path | None = None) -> CachedEncoder:
    return CachedEncoder(SentenceEncoder(path))


def make_model(encoder, **overrides) -> IndicatorClassifier:
    return IndicatorClassifier(encoder=encoder, **{**MODEL_PARAMS, **overrides})


def held_out_metrics(items, labels, groups, encoder, taxonomy: Taxonomy, temperature: float = 1.0, progress: bool = True) -> dict:
    """Grouped CV with uncalibrated fold models, then the final model's temperature on their scores.

    Temperature does not change the arg-max, so accuracy is exact; refitting the
    temperature inside every fold would cost four more fits per fold.
    """
    bar = tqdm(total=5, desc="held-out evaluation", unit="fold", disable=not progress)
    result = cross_validate(items, labels, groups, lambda: make_model(encoder, calibrate=False), progress=lambda done, total: bar.update(1))
    bar.close()
    result.probabilities = softmax(np.log(np.clip(result.probabilities, 1e-12, 1.0)) / temperature)
    metrics = classification_metrics(labels, result.predictions, taxonomy)
    metrics["calibration"] = calibration_metrics(result, labels)
    return metrics


def train(data_root: Path | None = None, models_root: Path | None = None, encoder_path: str | None = None,
          evaluate: bool = True, promote: bool = True, progress: bool = True, corpus: Corpus | None = None,
          version: str | None = None, metrics: dict | None = None, params: dict | None = None,
          encoder: CachedEncoder | None = None) -> Path:
    """Fit the default model on the whole corpus and write a bundle; promote it only once it is complete.

    ``metrics`` lets a caller that has already scored this recipe on held-out
    documents (the retrain gate) store its figures instead of a second evaluation.
    """
    started = time.time()
    taxonomy = load_taxonomy()
    corpus = corpus or load_corpus(data_root)
    items, labels, groups, references = training_set(corpus)
    encoder = encoder or make_encoder(encoder_path)
    steps = tqdm(total=5, desc="training", unit="step", disable=not progress)
    steps.set_postfix_str("embedding names")
    encoder.encode([i.name for i in items], kind="query")
    steps.update(1)
    model = make_model(encoder, **(params or {})).fit(items, labels, groups, progress=lambda stage: (steps.set_postfix_str(stage), steps.update(1)))
    steps.update(1)
    steps.close()
    if metrics is None:
        metrics = held_out_metrics(items, labels, groups, encoder, taxonomy, model.temperature_, progress) if evaluate else {}
    identity = encoder.encoder.identity
    metadata = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "encoder": {k: identity[k] for k in ("name", "dim", "fingerprint", "fine_tuned", "precision")},
        "taxonomy_version": taxonomy.version,
        "taxonomy_digest": taxonomy.digest,
        "data_digest": corpus.digest(),
        "training_data": {
            "rows": len(items),
            "documents": len(set(groups)),
            "document_ids": sorted(set(groups)),
            "per_class": dict(collections.Counter(labels).most_common()),
            "years": dict(sorted(collections.Counter(str(r.year) for r in corpus.labelled).items())),
        },
        "model": {"type": "IndicatorClassifier", "params": model.params(), "temperature": round(model.temperature_, 4)},
        "metrics": {k: v for k, v in metrics.items() if k != "confusion"},
        "training_seconds": round(time.time() - started, 1),
    }
    payload = {"classifier": model, "references": references, "policy": ReviewPolicy()}
    path = bundles.save_bundle(payload, metadata, models_root, version=version)
    if promote:
        bundles.promote(path.name, models_root)
    return path


class EncoderMismatch(Exception):
    pass


def load_predictor(bundle: Path | None = None, models_root: Path | None = None, encoder=None) -> tuple[Predictor, dict]:
    """Load and verify a bundle, and attach an encoder of the same identity it was trained with."""
    bundle = bundle or bundles.current_bundle(models_root)
    payload, metadata = bundles.load_bundle(bundle)
    encoder = encoder or SentenceEncoder()
    expected = metadata["encoder"]["fingerprint"]
    if encoder.identity["fingerprint"] != expected:
        raise EncoderMismatch(f"{bundle.name} was trained with encoder {expected}, but the local encoder is {encoder.identity['fingerprint']}")
    classifier: IndicatorClassifier = payload["classifier"]
    classifier.set_encoder(encoder)
    return Predictor(classifier, payload["references"], load_taxonomy(), payload.get("policy")), metadata
