"""The promotion gate: candidate and current recipe scored on the same held-out publishers.

The current bundle has seen most old rows, so scoring the bundle itself on
them would flatter it. Instead both recipes are refitted inside every fold of
one grouped split of the new corpus: the candidate on the new corpus minus the
fold, the current recipe (its stored parameters) on the documents it was
trained on minus the same fold (``training.evaluation.splits.RestrictedTrain``).
Every publisher, the new year's included, is held out exactly once and both
recipes are scored on it, name only (what a form plugin sends).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from training.domain.taxonomy import Taxonomy
from training.evaluation.crossval import cross_validated, name_only_view
from training.evaluation.metrics import classification_metrics
from training.evaluation.splits import RestrictedTrain, TrainOnlyGroupKFold
from training.model.dataset import TrainingData
from training.model.pipeline import make_classifier

GATED_METRICS = ("level2_accuracy", "level2_macro_f1_supported")
# Classes with fewer held-out rows than this are left out of the gated macro-F1: one row of 社会成本 or 生态效益 moved
# macro-F1 past the 0.01 tolerance, and two trials saw correctly labelled 9- and 20-row tables rejected for it (生态效益
# F1 0.769 → 0.597 with no such row added). The plain macro-F1 is still reported.
MIN_GATED_SUPPORT = 10


def supported_macro_f1(metrics: dict, min_support: int = MIN_GATED_SUPPORT) -> float | None:
    """Mean F1 over the classes with at least ``min_support`` held-out rows (``metrics["per_class"]`` of
    ``classification_metrics``), rounded to 4 places; None without per-class figures."""
    per_class = metrics.get("per_class") or {}
    scores = [c["f1"] for c in per_class.values() if c.get("support", 0) >= min_support]
    return round(sum(scores) / len(scores), 4) if scores else None


@dataclass
class Comparison:
    """Held-out figures of both recipes on the same rows, overall and on the new documents alone."""

    documents: int
    new_documents: list[str]
    candidate: dict
    current: dict
    candidate_on_new: dict | None = None
    current_on_new: dict | None = None


@dataclass
class Decision:
    promote: bool
    reasons: list[str]


def compare(data: TrainingData, encoder, taxonomy: Taxonomy, candidate_params: dict, current_params: dict,
            current_documents: set[str], new_documents: set[str], n_splits: int = 5,
            progress: Callable[[str], None] | None = None) -> Comparison:
    """Score both recipes on the same grouped folds (see the module docstring)."""
    folds = TrainOnlyGroupKFold(n_splits)
    allowed = np.array([row.doc in current_documents for row in data.rows])
    say = progress or (lambda _message: None)
    candidate = cross_validated(make_classifier(encoder, **candidate_params), data, folds, views=name_only_view(),
                                progress=lambda stage: say(f"candidate {stage}"))
    current = cross_validated(make_classifier(encoder, **current_params), data, RestrictedTrain(folds, allowed), views=name_only_view(),
                              progress=lambda stage: say(f"current {stage}"))
    truth = data.published[candidate.index]
    candidate_pred, current_pred = candidate.predictions("name"), current.predictions("name")
    comparison = Comparison(
        documents=len({r.doc for r in data.rows}), new_documents=sorted(new_documents),
        candidate=classification_metrics(truth, candidate_pred, taxonomy),
        current=classification_metrics(truth, current_pred, taxonomy),
    )
    for figures in (comparison.candidate, comparison.current):
        figures["level2_macro_f1_supported"] = supported_macro_f1(figures)
    new_rows = np.array([data.rows[i].doc in new_documents for i in candidate.index])
    if new_rows.any():
        comparison.candidate_on_new = classification_metrics(truth[new_rows], candidate_pred[new_rows], taxonomy)
        comparison.current_on_new = classification_metrics(truth[new_rows], current_pred[new_rows], taxonomy)
    return comparison


def decide(comparison: Comparison, tolerance: float) -> Decision:
    """Promote unless the candidate is worse than the current model by more than ``tolerance`` on a gated metric:
    level-2 accuracy and macro-F1 over the classes with at least ``MIN_GATED_SUPPORT`` held-out rows."""
    reasons, promote = [], True
    for metric in GATED_METRICS:
        if comparison.candidate.get(metric) is None or comparison.current.get(metric) is None:
            metric = "level2_macro_f1"  # no class with enough held-out rows, or no per-class figures: the plain measure
        candidate, current = comparison.candidate[metric], comparison.current[metric]
        if candidate < current - tolerance:
            promote = False
            reasons.append(f"{metric} {candidate:.3f} is below the current model's {current:.3f} by more than the tolerance {tolerance}")
        else:
            reasons.append(f"{metric} {candidate:.3f} vs current {current:.3f} (tolerance {tolerance}): ok")
    return Decision(promote, reasons)
