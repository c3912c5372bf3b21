"""Figures of a classification: accuracy and F1 per level and class, confusion, calibration, coverage, review flags.

Every function takes plain arrays (labels and predictions as category names,
probabilities as ``(n, classes)``) so that any estimator's out-of-fold output
can be scored the same way.
"""

from __future__ import annotations

import collections
import itertools

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from training.domain.taxonomy import Taxonomy

COVERAGES = (0.5, 0.7, 0.9, 1.0)


def classification_metrics(labels, predictions, taxonomy: Taxonomy) -> dict:
    """Level-2 and level-1 accuracy and macro-F1, per-class precision/recall/F1/support, and the confusion matrix.

    Level 1 is read from the taxonomy's canonical level 1 of each level 2.
    Macro-F1 averages over the classes present in ``labels``.
    """
    labels, predictions = list(labels), list(predictions)
    classes = sorted(set(labels) | set(predictions))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predictions, labels=classes, zero_division=0)
    level1_true = [taxonomy.category(x).level1 for x in labels]
    level1_pred = [taxonomy.category(x).level1 for x in predictions]
    confusion = collections.Counter(zip(labels, predictions, strict=True))
    return {
        "n": len(labels),
        "level2_accuracy": round(float(accuracy_score(labels, predictions)), 4) if labels else None,
        "level2_macro_f1": round(float(f1_score(labels, predictions, average="macro", labels=sorted(set(labels)), zero_division=0)), 4)
        if labels else None,
        "level1_accuracy": round(float(accuracy_score(level1_true, level1_pred)), 4) if labels else None,
        "level1_macro_f1": round(float(f1_score(level1_true, level1_pred, average="macro", zero_division=0)), 4) if labels else None,
        "per_class": {
            c: {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion": {"classes": classes, "matrix": [[confusion[(t, p)] for p in classes] for t in classes]},
    }


def acceptable_accuracy(predictions, acceptable: list[set[str]]) -> float | None:
    """Share of predictions inside the row's set of acceptable categories (an expert's judgement)."""
    if not predictions:
        return None
    return round(float(np.mean([p in ok for p, ok in zip(predictions, acceptable, strict=True)])), 4)


def calibration_metrics(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict:
    """Expected calibration error (Naeini et al. 2015; equal-width bins), the reliability table, accuracy at coverage.

    ``confidence``: top probability per row; ``correct``: whether the top class was right.
    Accuracy at coverage keeps the most confident share of rows (50/70/90/100%).
    """
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for low, high in itertools.pairwise(edges):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            gap = abs(correct[mask].mean() - confidence[mask].mean())
            ece += mask.mean() * gap
            table.append({"bin": f"{low:.1f}-{high:.1f}", "n": int(mask.sum()), "confidence": round(float(confidence[mask].mean()), 3),
                          "accuracy": round(float(correct[mask].mean()), 3)})
    order = np.argsort(-confidence, kind="stable")
    coverage = []
    for share in COVERAGES:
        top = order[: max(1, round(share * len(order)))]
        coverage.append({"coverage": share, "accuracy": round(float(correct[top].mean()), 4), "min_confidence": round(float(confidence[top].min()), 3)})
    return {"ece": round(float(ece), 4), "reliability": table, "accuracy_at_coverage": coverage}


def review_metrics(flagged, correct) -> dict:
    """How well ``needs_review`` catches mistakes: share of wrong predictions flagged, share of flagged rows that were right."""
    flagged, correct = np.asarray(flagged, dtype=bool), np.asarray(correct, dtype=bool)
    wrong = ~correct
    return {
        "flagged": int(flagged.sum()),
        "flagged_share": round(float(flagged.mean()), 4) if len(flagged) else None,
        "errors_flagged": round(float((flagged & wrong).sum() / max(wrong.sum(), 1)), 4),
        "flagged_right": round(float((flagged & correct).sum() / max(flagged.sum(), 1)), 4),
        "accuracy_unflagged": round(float(correct[~flagged].mean()), 4) if (~flagged).any() else None,
    }


def disagreement_metrics(disagrees, published_unacceptable) -> dict:
    """Precision and recall of ``label_disagrees`` against published labels an expert found unacceptable."""
    disagrees, bad = np.asarray(disagrees, dtype=bool), np.asarray(published_unacceptable, dtype=bool)
    hits = int((disagrees & bad).sum())
    return {
        "disagreements": int(disagrees.sum()),
        "unacceptable_labels": int(bad.sum()),
        "precision": round(hits / max(int(disagrees.sum()), 1), 4),
        "recall": round(hits / max(int(bad.sum()), 1), 4),
    }
