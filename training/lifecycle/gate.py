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

GATED_METRICS = ("level2_accuracy", "level2_macro_f1")


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
    new_rows = np.array([data.rows[i].doc in new_documents for i in candidate.index])
    if new_rows.any():
        comparison.candidate_on_new = classification_metrics(truth[new_rows], candidate_pred[new_rows], taxonomy)
        comparison.current_on_new = classification_metrics(truth[new_rows], current_pred[new_rows], taxonomy)
    return comparison


def decide(comparison: Comparison, tolerance: float) -> Decision:
    """Promote unless the candidate is worse than the current model by more than ``tolerance`` on a gated metric."""
    reasons, promote = [], True
    for metric in GATED_METRICS:
        candidate, current = comparison.candidate[metric], comparison.current[metric]
        if candidate < current - tolerance:
            promote = False
            reasons.append(f"{metric} {candidate:.3f} is below the current model's {current:.3f} by more than the tolerance {tolerance}")
        else:
            reasons.append(f"{metric} {candidate:.3f} vs current {current:.3f} (tolerance {tolerance}): ok")
    return Decision(promote, reasons)
