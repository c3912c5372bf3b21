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


def test_the_report_is_written_in_chinese_with_every_view_and_the_failures(tmp_path):
    from training.evaluation.targets import VIEWS, TargetEvaluation, summarize_projects
    from training.evaluation.targets_report import MAIN, markdown, scored_rows, summarize

    rows = [_row(), _row(name="资金拨付及时率", family="percent", suggested_family="people", target="≥95%")]
    result = TargetEvaluation(rows={view: {MAIN: rows, "unit model only": rows} for view in VIEWS}, folds=5)
    result.projects = summarize_projects([{"fold": 0, "publisher": "甲", "project": "培训", "system": MAIN, "suggested": 2,
                                           "precision_p95": 0.5, "precision_p99": 0.0, "recall_p95": 1.0, "recall_p99": 0.0,
                                           "names": ["培训人数", "培训满意度"], "actual": ["培训人次"]}])
    text = markdown(summarize(result), result)
    assert "单位类别一致" in text and "0.500（1/2）" in text and "资金拨付及时率" in text and "培训满意度" in text
    assert len(scored_rows(result)["name"]) == 2
