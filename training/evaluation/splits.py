"""Grouped splitters that keep reference rows (indicator libraries) on the training side.

``GroupKFold`` over publishers, except that rows whose group starts with
``train_only_prefix`` are never held out: they are added to every training
part. Works wherever scikit-learn takes a ``cv`` (``cross_validate``,
``GridSearchCV``), with the groups passed as ``groups``.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import BaseCrossValidator

from training.model.dataset import TRAIN_ONLY_PREFIX


class TrainOnlyGroupKFold(BaseCrossValidator):
    """K folds over whole groups; groups starting with ``train_only_prefix`` stay in every training part.

    Groups are dealt to folds largest first, each to the fold with the fewest
    so far (as ``GroupKFold`` does), where a group's size is its number of
    distinct names when ``X`` has a ``name`` column: the folds are then the same
    whether or not the rows come with name-only copies or weighted duplicates,
    so differently prepared data of one corpus is scored on the same folds.
    ``split(X, y, groups)`` yields ``(train, test)`` index arrays. Raises
    ``ValueError`` without groups or with fewer held-out groups than ``n_splits``.
    """

    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits: int = 5, train_only_prefix: str = TRAIN_ONLY_PREFIX) -> None:
        self.n_splits = n_splits
        self.train_only_prefix = train_only_prefix

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.n_splits

    def split(self, X, y=None, groups=None):
        if groups is None:
            raise ValueError("TrainOnlyGroupKFold needs groups")
        groups = np.asarray(groups, dtype=object)
        train_only = np.array([str(g).startswith(self.train_only_prefix) for g in groups])
        held = np.flatnonzero(~train_only)
        always = np.flatnonzero(train_only)
        names = X["name"].to_numpy() if hasattr(X, "columns") and "name" in X.columns else np.arange(len(groups))
        sizes: dict[str, set] = {}
        for i in held:
            sizes.setdefault(groups[i], set()).add(names[i])
        if len(sizes) < self.n_splits:
            raise ValueError(f"{len(sizes)} groups to hold out, fewer than {self.n_splits} folds")
        fold_of, load = {}, [0] * self.n_splits
        for group in sorted(sizes, key=lambda g: (-len(sizes[g]), str(g))):
            fold = min(range(self.n_splits), key=lambda f: (load[f], f))
            fold_of[group] = fold
            load[fold] += len(sizes[group])
        assigned = np.array([fold_of.get(g, -1) for g in groups])
        for fold in range(self.n_splits):
            test = held[assigned[held] == fold]
            yield np.sort(np.concatenate([held[assigned[held] != fold], always])), test

    def _iter_test_indices(self, X=None, y=None, groups=None):  # required by the base class; split() is overridden
        raise NotImplementedError


class RestrictedTrain(BaseCrossValidator):
    """Another splitter's folds with the training part limited to the rows where ``allowed`` is true.

    The test parts are exactly ``cv``'s, so two recipes, one trained on less,
    are scored on the same held-out rows (the retrain gate).
    """

    __metadata_request__split = {"groups": True}

    def __init__(self, cv, allowed) -> None:
        self.cv = cv
        self.allowed = allowed

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.cv.get_n_splits(X, y, groups)

    def split(self, X, y=None, groups=None):
        allowed = np.asarray(self.allowed, dtype=bool)
        for train, test in self.cv.split(X, y, groups):
            yield train[allowed[train]], test

    def _iter_test_indices(self, X=None, y=None, groups=None):  # required by the base class; split() is overridden
        raise NotImplementedError
