"""Likely mislabelled rows, found with cleanlab from out-of-fold probabilities (Northcutt et al. 2021, "Confident Learning").

Published labels are written by hand; cleanlab compares each row's label
with what a model that never saw the row predicts, class by class, and flags
the rows whose label is unlikely. The report sets them against the expert's
hard-case list.
"""

from __future__ import annotations

import numpy as np

from training.domain.judgements import HardCase, row_key
from training.domain.records import IndicatorRow


def find_issues(labels: np.ndarray, probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Boolean mask of rows cleanlab flags (``find_label_issues``, ranked by self-confidence). Classes absent from ``labels`` are ignored."""
    from cleanlab.filter import find_label_issues

    present = np.array([c in set(labels) for c in classes])
    probabilities = probabilities[:, present]
    probabilities = probabilities / np.clip(probabilities.sum(axis=1, keepdims=True), 1e-12, None)
    index = {c: i for i, c in enumerate(classes[present])}
    return find_label_issues(np.array([index[label] for label in labels]), probabilities, filter_by="prune_by_noise_rate")


def label_issue_report(rows: list[IndicatorRow], labels: np.ndarray, probabilities: np.ndarray, classes: np.ndarray,
                       cases: dict[str, HardCase], examples: int = 15) -> dict:
    """How many rows cleanlab flags, how they match the expert's judgement, and the most confident examples."""
    flagged = find_issues(labels, probabilities, classes)
    predicted = classes[probabilities.argmax(axis=1)]
    judged = [cases.get(row_key(r)) for r in rows]
    unacceptable = np.array([c is not None and not c.published_acceptable for c in judged])
    ambiguous = np.array([c is not None and c.published_acceptable for c in judged])
    order = np.argsort(-probabilities.max(axis=1))
    shown = [i for i in order if flagged[i]][:examples]
    return {
        "rows": len(rows),
        "flagged": int(flagged.sum()),
        "expert_unacceptable": int((flagged & unacceptable).sum()),
        "expert_ambiguous": int((flagged & ambiguous).sum()),
        "unacceptable_total": int(unacceptable.sum()),
        "examples": [{"name": rows[i].level3, "published": str(labels[i]), "predicted": str(predicted[i]),
                      "acceptable": sorted(judged[i].acceptable) if judged[i] else [str(labels[i])]} for i in shown],
    }
