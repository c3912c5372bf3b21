"""Metric functions on hand-made predictions."""

from __future__ import annotations

import numpy as np

from training.evaluation.metrics import (
    acceptable_accuracy,
    calibration_metrics,
    classification_metrics,
    disagreement_metrics,
    review_metrics,
)


def test_classification_metrics_levels_and_confusion(taxonomy):
    labels = ["数量指标", "质量指标", "时效指标", "经济成本指标"]
    predicted = ["数量指标", "数量指标", "时效指标", "经济成本指标"]
    figures = classification_metrics(labels, predicted, taxonomy)
    assert figures["level2_accuracy"] == 0.75 and figures["level1_accuracy"] == 1.0
    assert figures["confusion"]["matrix"][figures["confusion"]["classes"].index("质量指标")][figures["confusion"]["classes"].index("数量指标")] == 1


def test_acceptable_accuracy_counts_any_acceptable_category():
    assert acceptable_accuracy(["数量指标", "时效指标"], [{"数量指标", "质量指标"}, {"质量指标"}]) == 0.5


def test_calibration_perfect_and_overconfident():
    confidence = np.array([0.9] * 10)
    perfect = calibration_metrics(confidence, np.array([1] * 9 + [0]))
    overconfident = calibration_metrics(confidence, np.array([1] * 5 + [0] * 5))
    assert perfect["ece"] < 0.01 and overconfident["ece"] > 0.3
    assert [c["coverage"] for c in perfect["accuracy_at_coverage"]] == [0.5, 0.7, 0.9, 1.0]


def test_review_and_disagreement_shares():
    review = review_metrics(flagged=[True, True, False, False], correct=[False, True, True, True])
    assert review["errors_flagged"] == 1.0 and review["flagged_right"] == 0.5
    disagreement = disagreement_metrics([True, False, True], [True, True, False])
    assert disagreement["precision"] == 0.5 and disagreement["recall"] == 0.5
