"""The target evaluation's folds and figures (the full held-out run is `zhibiao evaluate --targets`)."""

from __future__ import annotations

from training.evaluation.targets import ScoredRow, failures, figures, fold_of_publishers, per_category
from training.model.dataset import TRAIN_ONLY_PREFIX, group_of


def _row(**kwargs) -> ScoredRow:
    base = dict(fold=0, publisher="甲", name="培训人数", level2="数量指标", target="≥300人", family="people", direction="≥", deadline=False,
                suggested="≥200人", suggested_family="people", suggested_direction="≥", suggested_kind="quantitative",
                placeholder=False, value_match=False)
    return ScoredRow(**{**base, **kwargs})


def test_the_folds_are_the_classifiers_and_libraries_are_never_held_out(corpus):
    folds = fold_of_publishers(corpus.rows, 5)
    assert set(folds.values()) == set(range(5))
    assert not any(group.startswith(TRAIN_ONLY_PREFIX) for group in folds)
    assert {group_of(r) for r in corpus.rows if r.origin != "library" and r.level2 and r.level3} <= set(folds)


def test_figures_count_only_rows_whose_published_target_says_something():
    rows = [
        _row(),
        _row(suggested_family="percent", suggested_direction="="),
        _row(family=None, direction=None),  # no unit: not scored for the unit family
        _row(name="项目完成时间", level2="时效指标", family="deadline", direction=None, deadline=True, suggested_kind="deadline",
             suggested_family="deadline"),
        _row(name="完成时限", level2="时效指标", family="deadline", direction=None, deadline=True, suggested_kind="quantitative",
             suggested_family="percent"),
    ]
    result = figures(rows)
    assert result["unit_family"] == {"n": 2, "matched": 1, "share": 0.5}
    assert result["operator"] == {"n": 2, "matched": 1, "share": 0.5}
    assert result["deadline"] == {"n": 2, "matched": 1, "share": 0.5}
    missed = failures(rows)
    assert len(missed["unit_family"]) == 1 and len(missed["deadline"]) == 1
    assert set(per_category(rows)) == {"数量指标", "时效指标"}
