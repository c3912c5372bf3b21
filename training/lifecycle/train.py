"""A training run: corpus in, verified bundle out (made current only once complete).

The recipe (``training.model.pipeline.make_classifier`` with its parameters)
is separate from the run: the run reads the corpus, fits the recipe on every
labelled row, builds the reference index shown to users as evidence, scores
the recipe on held-out publishers for the bundle's metadata, and writes the
bundle through ``training.lifecycle.bundle``.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from training.domain.judgements import acceptable_sets, load_hard_cases
from training.domain.records import IndicatorRow
from training.domain.taxonomy import load_taxonomy
from training.evaluation.crossval import cross_validated
from training.evaluation.metrics import acceptable_accuracy, calibration_metrics, classification_metrics
from training.evaluation.splits import TrainOnlyGroupKFold
from training.lifecycle import bundle as bundles
from training.lifecycle.corpus import Corpus, load_corpus, seed_sources
from training.lifecycle.lock import models_lock
from training.model.dataset import TrainingData, training_data
from training.model.encoder import Encoder, make_encoder
from training.model.pipeline import fit, make_classifier, recipe_params
from training.model.projects import ProjectIndex
from training.model.reference import ReferenceIndex
from training.model.review import ReviewPolicy
from training.model.units import fit_target_forms
from training.settings import get_settings


def reference_rows(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """The labelled rows kept as evidence (similar indicators, target evidence), without their raw cells."""
    kept = []
    for row in rows:
        if row.level3 and row.level2:
            copy = IndicatorRow.from_dict({**row.as_dict(), "input": {}})
            kept.append(copy)
    return kept


def build_references(rows: list[IndicatorRow], encoder: Encoder) -> ReferenceIndex:
    """The reference index over the labelled rows: their name vectors, the rows, their publishers as groups."""
    kept = reference_rows(rows)
    vectors = encoder.encode([r.level3 for r in kept], "query")
    return ReferenceIndex(vectors, records=kept, groups=[r.publisher or r.doc for r in kept])


RUNTIME_PROBES = 200  # corpus rows on which the runtime form must give the fitted models' numbers
RUNTIME_TOLERANCE = 1e-9


def runtime_form(model, target_forms, rows: list[IndicatorRow], log: Callable[[str], None] | None = None) -> dict | None:
    """The classifier and the unit models in their plain form (no scikit-learn object), checked against the fitted ones.

    Returns ``{"classifier", "target_forms"}`` (``training.model.compiled``, ``training.model.forms``), or None, with a
    line to ``log``, when the model has a shape the compiled form does not cover or when the two differ by more than
    ``RUNTIME_TOLERANCE`` on ``RUNTIME_PROBES`` evenly spaced corpus rows (name, description, target, project; the unit
    and operator probabilities of their names). Serving then loads the full payload, scikit-learn and all.
    """
    from training.domain.records import Indicator
    from training.model.compiled import CompiledClassifier
    from training.model.pipeline import indicator_frame

    say = log or (lambda _message: None)
    compiled = CompiledClassifier.from_pipeline(model)
    if compiled is None:
        say("no runtime form: the classifier has a shape the compiled form does not cover")
        return None
    forms = target_forms.runtime()
    labelled = [r for r in rows if r.level3]
    probes = labelled[:: max(1, len(labelled) // RUNTIME_PROBES)][:RUNTIME_PROBES]
    indicators = [Indicator.from_text(r.level3, r.description, r.target_raw, r.project) for r in probes]
    gaps = [float(np.max(np.abs(compiled.predict_proba(indicators) - model.predict_proba(indicator_frame(indicators)))))]
    names, level2 = [r.level3 for r in probes], [r.level2 or "" for r in probes]
    for fitted, plain in ((target_forms.units, forms.units), (target_forms.operators, forms.operators)):
        frame = {"name": names, "level2": level2, "family": [target_forms.lexicon.family_of_target(r.target) or "" for r in probes]}
        gaps.append(float(np.max(np.abs(plain.predict_proba(frame) - fitted.pipeline_.predict_proba(_frame(frame))))))
    if max(gaps) > RUNTIME_TOLERANCE:
        say(f"no runtime form: it differs from the fitted models by {max(gaps):.2e} on {len(probes)} corpus rows")
        return None
    return {"classifier": compiled, "target_forms": forms}


def _frame(columns: dict):
    import pandas as pd

    return pd.DataFrame(columns)


def held_out_metrics(data: TrainingData, encoder: Encoder, params: dict, n_splits: int = 5,
                     progress: Callable[[str], None] | None = None) -> dict:
    """The recipe scored on publishers held out in grouped folds: name only and name + target (not nested: for the bundle's card).

    The figures a user should trust are the nested ones in ``reports/`` (``zhibiao evaluate``).
    """
    taxonomy = load_taxonomy()
    result = cross_validated(make_classifier(encoder, **params), data, TrainOnlyGroupKFold(n_splits), progress=progress)
    truth = data.published[result.index]
    rows = [data.rows[i] for i in result.index]
    acceptable = acceptable_sets(rows, load_hard_cases())
    seeds = seed_sources()
    other = np.array([r.source not in seeds for r in rows])
    metrics: dict = {}
    for view in result.probabilities:
        predicted = result.predictions(view)
        figures = classification_metrics(truth, predicted, taxonomy)
        figures.pop("confusion")
        figures["acceptable_accuracy"] = acceptable_accuracy(list(predicted), acceptable)
        figures["other_publishers"] = {
            "n": int(other.sum()),
            "level2_accuracy": round(float(np.mean(predicted[other] == truth[other])), 4) if other.any() else None,
            "acceptable_accuracy": acceptable_accuracy(list(predicted[other]), [a for a, o in zip(acceptable, other, strict=True) if o]),
        }
        confidence = result.probabilities[view].max(axis=1)
        figures["calibration"] = calibration_metrics(confidence, predicted == truth)
        metrics[view] = figures
    return {**metrics["name"], "with_target": {k: v for k, v in metrics["full"].items() if k != "per_class"},
            "evaluation": f"{n_splits} grouped folds over publishers, name only (with_target: name + description + target)"}


def train(corpus: Corpus | None = None, models_root: Path | None = None, encoder: Encoder | None = None, params: dict | None = None,
          evaluate: bool = True, promote: bool = True, version: str | None = None, metrics: dict | None = None,
          log: Callable[[str], None] | None = None) -> Path:
    """Fit the recipe on the whole corpus and write a bundle; move ``current`` to it only once it is complete.

    ``metrics`` lets a caller that has already scored this recipe on held-out
    publishers (the retrain gate) store its figures instead of a second
    evaluation. ``params`` are ``set_params`` keys over ``DEFAULT_PARAMS``.
    Returns the bundle folder. Raises ``FileNotFoundError`` without a corpus,
    ``ModelsLocked`` while another process holds ``models/.lock`` (held for the
    whole run) and ``NotWritable`` when the models folder cannot be written
    (both checked before any work).
    """
    with models_lock(models_root or get_settings().models_dir, "train"):
        say = log or (lambda _message: None)
        started = time.time()
        taxonomy = load_taxonomy()
        corpus = corpus or load_corpus()
        encoder = encoder or make_encoder()
        recipe = recipe_params(params or {})
        data = training_data(corpus.rows, judgements=load_hard_cases())
        say(f"embedding {len(set(data.frame['name']))} distinct names")
        encoder.encode(sorted(set(data.frame["name"])), "query")
        say(f"fitting on {int(data.scored.sum())} table rows and {int((~data.scored).sum())} library rows and name-only copies")
        model = fit(make_classifier(encoder, **recipe), data.frame, data.labels, data.groups, data.weights)
        references = build_references(corpus.rows, encoder)
        if metrics is None and evaluate:
            say("scoring the recipe on held-out publishers (5 folds)")
            metrics = held_out_metrics(data, encoder, recipe, progress=lambda stage: say(f"  {stage} done"))
        labelled = [r for r in corpus.rows if r.level3 and r.level2]
        identity = encoder.identity
        metadata = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "encoder": {k: identity.get(k) for k in ("name", "dim", "fingerprint", "fine_tuned", "precision")},
            "taxonomy_version": taxonomy.version,
            "taxonomy_digest": taxonomy.digest,
            "data_digest": corpus.digest(),
            "training_data": {
                "rows": len(labelled),
                "table_rows": sum(1 for r in labelled if r.origin != "library"),
                "library_rows": sum(1 for r in labelled if r.origin == "library"),
                "documents": len({r.doc for r in labelled}),
                "publishers": len({r.publisher for r in labelled}),
                "relabelled_by_expert": int(sum(1 for label, published, scored in zip(data.labels, data.published, data.scored, strict=True)
                                                if scored and label != published)),
                "document_ids": sorted({r.doc for r in labelled}),
                "per_class": dict(collections.Counter(r.level2 for r in labelled).most_common()),
                "years": dict(sorted(collections.Counter(str(r.year) for r in labelled).items())),
            },
            "model": {"type": "sklearn.pipeline.Pipeline", "recipe": "training.model.pipeline.make_classifier", "params": recipe,
                      "classes": [str(c) for c in model.classes_], "dropped_classes": list(model[-1].dropped_classes_)},
            "metrics": metrics or {},
            "training_seconds": round(time.time() - started, 1),
        }
        payload = {"model": model, "references": references, "policy": ReviewPolicy(),
                   "target_forms": fit_target_forms(corpus.rows), "projects": ProjectIndex.build(references, encoder, load_hard_cases())}
        runtime = runtime_form(model, payload["target_forms"], corpus.rows, say)
        if runtime is not None:
            runtime.update((k, payload[k]) for k in ("references", "policy", "projects"))
        path = bundles.save_bundle(payload, metadata, models_root, version=version, runtime=runtime)
        if promote:
            bundles.promote(path.name, models_root, action="train")
        return path
