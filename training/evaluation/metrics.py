"""Held-out-document evaluation: grouped cross-validation, metrics, calibration and baselines.

A document (a seed file, or one published table source) never sits in both the
training and the test part of a fold, because tables from one document repeat
their indicators almost word for word.
"""

from __future__ import annotations

import collections
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from training.model.features import KEYWORD_RULES, Item
from training.domain.taxonomy import Taxonomy


@dataclass
class FoldResult:
    classes: list[str]
    probabilities: np.ndarray  # out-of-fold, rows in input order, columns = classes
    predictions: list[str]


def cross_validate(items: list[Item], labels: list[str], groups: list[str], make_model: Callable[[], object],
                   n_splits: int = 5, progress: Callable[[int, int], None] | None = None) -> FoldResult:
    classes = sorted(set(labels))
    probabilities = np.zeros((len(items), len(classes)))
    splits = list(GroupKFold(n_splits=min(n_splits, len(set(groups)))).split(items, labels, groups))
    for fold, (train_index, test_index) in enumerate(splits):
        model = make_model().fit([items[i] for i in train_index], [labels[i] for i in train_index], [groups[i] for i in train_index])
        fold_probabilities = model.predict_proba([items[i] for i in test_index])
        for column, name in enumerate(model.classes_):
            probabilities[test_index, classes.index(name)] = fold_probabilities[:, column]
        if progress:
            progress(fold + 1, len(splits))
    predictions = [classes[i] for i in probabilities.argmax(axis=1)]
    return FoldResult(classes, probabilities, predictions)


def level1_of(level2: str, taxonomy: Taxonomy) -> str:
    return taxonomy.category(level2).level1


def classification_metrics(labels: list[str], predictions: list[str], taxonomy: Taxonomy) -> dict:
    classes = sorted(set(labels) | set(predictions))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predictions, labels=classes, zero_division=0)
    level1_true = [level1_of(x, taxonomy) for x in labels]
    level1_pred = [level1_of(x, taxonomy) for x in predictions]
    confusion = collections.Counter(zip(labels, predictions, strict=True))
    return {
        "n": len(labels),
        "level2_accuracy": round(float(accuracy_score(labels, predictions)), 4),
        "level2_macro_f1": round(float(f1_score(labels, predictions, average="macro", labels=sorted(set(labels)), zero_division=0)), 4),
        "level1_accuracy": round(float(accuracy_score(level1_true, level1_pred)), 4),
        "level1_macro_f1": round(float(f1_score(level1_true, level1_pred, average="macro", zero_division=0)), 4),
        "per_class": {
            c: {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion": {"classes": classes, "matrix": [[confusion[(t, p)] for p in classes] for t in classes]},
    }


def calibration_metrics(result: FoldResult, labels: list[str], bins: int = 10) -> dict:
    confidence = result.probabilities.max(axis=1)
    correct = np.array([p == t for p, t in zip(result.predictions, labels, strict=True)], dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for low, high in itertools.pairwise(edges):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            gap = abs(correct[mask].mean() - confidence[mask].mean())
            ece += mask.mean() * gap
            table.append({"bin": f"{low:.1f}-{high:.1f}", "n": int(mask.sum()), "confidence": round(float(confidence[mask].mean()), 3),
                          "accuracy": round(float(correct[mask].mean()), 3)})
    order = np.argsort(-confidence)
    coverage = []
    for share in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        top = order[: max(1, round(share * len(order)))]
        coverage.append({"coverage": share, "accuracy": round(float(correct[top].mean()), 4), "min_confidence": round(float(confidence[top].min()), 3)})
    return {"ece": round(float(ece), 4), "reliability": table, "accuracy_at_coverage": coverage}


# ------------------------------------------------------------------ baselines
class MajorityBaseline:
    def fit(self, items, labels, groups):
        self.classes_ = sorted(set(labels))
        self.majority_ = collections.Counter(labels).most_common(1)[0][0]
        return self

    def predict_proba(self, items):
        probabilities = np.zeros((len(items), len(self.classes_)))
        probabilities[:, self.classes_.index(self.majority_)] = 1.0
        return probabilities




class KeywordBaseline:
    """The rules a reviewer would write by hand; what the model must beat to be worth having."""

    def fit(self, items, labels, groups):
        self.classes_ = sorted(set(labels) | {c for _, c in KEYWORD_RULES} | {"社会效益指标"})
        return self

    def predict_one(self, name: str) -> str:
        for pattern, category in KEYWORD_RULES:
            if re.search(pattern, name or ""):
                return category
        return "社会效益指标"

    def predict_proba(self, items):
        probabilities = np.zeros((len(items), len(self.classes_)))
        for row, item in enumerate(items):
            probabilities[row, self.classes_.index(self.predict_one(item.name))] = 1.0
        return probabilities


class TfidfLogisticBaseline:
    """Character TF-IDF of the name with logistic regression: the standard text baseline."""

    def fit(self, items, labels, groups):
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit([i.name for i in items])
        self.linear_ = LogisticRegression(C=8.0, max_iter=3000).fit(self.vectorizer_.transform([i.name for i in items]), labels)
        self.classes_ = list(self.linear_.classes_)
        return self

    def predict_proba(self, items):
        return self.linear_.predict_proba(self.vectorizer_.transform([i.name for i in items]))
