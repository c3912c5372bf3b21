"""The promotion gate: candidate and current model scored on the same held-out documents.

The current bundle has seen most old documents, so scoring the bundle itself
on them would flatter it. Instead both recipes are refitted inside every fold
of one grouped split of the new corpus: the candidate on the new corpus minus
the fold's documents, the current model (its parameters) on the documents it
was trained on minus the same fold. Every document, the new year's included,
is held out exactly once, and both models are scored on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sklearn.model_selection import GroupKFold

from training.evaluation.metrics import classification_metrics
from training.model.features import Item
from training.model.classifier_old import IndicatorClassifier
from training.domain.taxonomy import Taxonomy

GATED_METRICS = ("level2_accuracy", "level2_macro_f1")


@dataclass
class Comparison:
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


def _fit_predict(params: dict, encoder, items: list[Item], labels: list[str], groups: list[str], train: list[int],
                 test: list[int]) -> list[str]:
    model = IndicatorClassifier(encoder=encoder, **{**params, "calibrate": False})
    model.fit([items[i] for i in train], [labels[i] for i in train], [groups[i] for i in train])
    return model.predict([items[i] for i in test])


def compare(items: list[Item], labels: list[str], groups: list[str], encoder, taxonomy: Taxonomy, candidate_params: dict,
            current_params: dict, current_documents: set[str], new_documents: set[str], n_splits: int = 5,
            progress: Callable[[str], None] | None = None) -> Comparison:
    candidate_pred: list[str | None] = [None] * len(items)
    current_pred: list[str | None] = [None] * len(items)
    splits = GroupKFold(n_splits=min(n_splits, len(set(groups)))).split(items, labels, groups)
    for fold, (train_index, test_index) in enumerate(splits, start=1):
        test = list(test_index)
        predicted = _fit_predict(candidate_params, encoder, items, labels, groups, list(train_index), test)
        for row, label in zip(test, predicted, strict=True):
            candidate_pred[row] = label
        current_train = [i for i in train_index if groups[i] in current_documents]
        predicted = _fit_predict(current_params, encoder, items, labels, groups, current_train, test)
        for row, label in zip(test, predicted, strict=True):
            current_pred[row] = label
        if progress:
            progress(f"fold {fold}")
    comparison = Comparison(
        documents=len(set(groups)), new_documents=sorted(new_documents),
        candidate=classification_metrics(labels, candidate_pred, taxonomy),
        current=classification_metrics(labels, current_pred, taxonomy),
    )
    new_rows = [i for i, g in enumerate(groups) if g in new_documents]
    if new_rows:
        truth = [labels[i] for i in new_rows]
        comparison.candidate_on_new = classification_metrics(truth, [candidate_pred[i] for i in new_rows], taxonomy)
        comparison.current_on_new = classification_metrics(truth, [current_pred[i] for i in new_rows], taxonomy)
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
