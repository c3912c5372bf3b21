"""Grouped folds that keep library rows on the training side, and the gate's restricted training parts."""

from __future__ import annotations

import numpy as np
import pytest

from training.evaluation.splits import RestrictedTrain, TrainOnlyGroupKFold

GROUPS = np.array(["a", "a", "b", "c", "c", "d", "e", "library:x", "library:x"], dtype=object)


def test_every_held_out_row_is_tested_once_and_library_rows_never():
    folds = list(TrainOnlyGroupKFold(3).split(GROUPS, groups=GROUPS))
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested) == [0, 1, 2, 3, 4, 5, 6]
    for train, test in folds:
        assert {7, 8} <= set(train)
        assert not set(GROUPS[train]) & set(GROUPS[test])


def test_too_few_groups_is_an_error():
    with pytest.raises(ValueError, match="fewer than"):
        list(TrainOnlyGroupKFold(6).split(GROUPS, groups=GROUPS))


def test_restricted_train_keeps_the_test_parts():
    allowed = np.array([True, False, True, True, False, True, True, True, True])
    base = list(TrainOnlyGroupKFold(3).split(GROUPS, groups=GROUPS))
    restricted = list(RestrictedTrain(TrainOnlyGroupKFold(3), allowed).split(GROUPS, groups=GROUPS))
    for (train, test), (limited, same_test) in zip(base, restricted, strict=True):
        assert (test == same_test).all()
        assert set(limited) == {i for i in train if allowed[i]}
