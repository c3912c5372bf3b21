"""Out-of-fold probabilities from scikit-learn's ``cross_validate``, for several views of the same test rows.

One run of ``cross_validate`` (grouped folds, groups routed to the estimator)
returns the fold estimators and their test indices; each fold estimator then
predicts its test rows as given (name, description, target) and as a form
plugin sends them (name only). With a ``GridSearchCV`` as the estimator this
is nested cross-validation: the settings each outer fold uses were chosen on
that fold's training part only, and are reported per fold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import cross_validate

from training.model.dataset import TrainingData
from training.model.pipeline import name_only, routing


def _as_given(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


VIEWS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {"name": name_only, "full": _as_given}


def name_only_view() -> dict[str, Callable[[pd.DataFrame], pd.DataFrame]]:
    """Only the name-only view: what the gate and the searches score."""
    return {"name": name_only}


@dataclass
class CrossValidated:
    """Out-of-fold results for the scored rows.

    ``index``: positions of the scored rows in the data; ``probabilities[view]``:
    ``(len(index), len(classes))``; ``fold``: the outer fold of each scored row;
    ``chosen``: the settings each fold's search picked (nested CV), else empty.
    """

    classes: np.ndarray
    index: np.ndarray
    fold: np.ndarray
    probabilities: dict[str, np.ndarray]
    chosen: list[dict] = field(default_factory=list)

    def predictions(self, view: str) -> np.ndarray:
        return self.classes[self.probabilities[view].argmax(axis=1)]


def nested_search(estimator, grid: dict, inner_folds: int = 3):
    """``GridSearchCV`` over grouped inner folds (library rows kept on the training side), scored by row-weighted accuracy.

    Used as the estimator of ``cross_validated`` it makes the evaluation nested:
    each outer fold chooses its settings on its own training part.
    """
    from sklearn.metrics import accuracy_score, make_scorer
    from sklearn.model_selection import GridSearchCV

    from training.evaluation.splits import TrainOnlyGroupKFold

    with routing():
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
    return GridSearchCV(estimator, grid, cv=TrainOnlyGroupKFold(inner_folds), scoring=scorer, refit=True, error_score="raise")


def _no_score(estimator, X, y) -> float:
    return 0.0  # figures come from the out-of-fold probabilities, not from cross_validate's scorer


def cross_validated(estimator, data: TrainingData, cv, views: dict[str, Callable] | None = None,
                    progress: Callable[[str], None] | None = None) -> CrossValidated:
    """Fit ``estimator`` in every fold of ``cv`` (groups = ``data.groups``) and predict the held-out scored rows in each view.

    ``cv`` must never put a row in two test parts. Rows never held out (library
    entries) and unscored rows (name-only copies) are not in the result.
    """
    views = views or VIEWS
    classes = np.array(sorted(set(data.labels) | set(data.published)), dtype=object)
    column = {c: i for i, c in enumerate(classes)}
    with routing():
        result = cross_validate(estimator, data.frame, data.labels, cv=cv, params=data.fit_params(), scoring=_no_score,
                                return_estimator=True, return_indices=True, error_score="raise")
    probabilities = {view: np.zeros((len(data), len(classes))) for view in views}
    fold_of = np.full(len(data), -1)
    chosen = []
    for fold, (fitted, test) in enumerate(zip(result["estimator"], result["indices"]["test"], strict=True)):
        test = np.asarray(test)[data.scored[np.asarray(test)]]
        if fold_of[test].max(initial=-1) >= 0:
            raise ValueError("a row was held out twice: cross_validated needs a partition of the scored rows")
        fold_of[test] = fold
        columns = [column[c] for c in fitted.classes_]
        for view, transform in views.items():
            probabilities[view][np.ix_(test, columns)] = fitted.predict_proba(transform(data.frame.iloc[test]))
        if hasattr(fitted, "best_params_"):
            chosen.append({"fold": fold, "params": fitted.best_params_, "inner_score": round(float(fitted.best_score_), 4)})
        if progress:
            progress(f"fold {fold + 1}")
    index = np.flatnonzero(fold_of >= 0)
    return CrossValidated(classes, index, fold_of[index], {view: p[index] for view, p in probabilities.items()}, chosen)
