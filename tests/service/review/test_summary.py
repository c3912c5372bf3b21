"""A table's summary: rows per category, the required categories it lacks, flags, unreadable rows, decisions counting down."""

from __future__ import annotations

from service.review.summary import GROUP_NAMES, combine, group_of, summarize_table
from service.review.table import Decision, is_flagged


def record(l1, l2, **flags) -> dict:
    return {"pred_level1": l1, "pred_level2": l2, "needs_review": False, "label_disagrees": None, "target_warning": None, "error": None,
            "confidence": 0.9, **flags}


UNREADABLE = {"pred_level1": None, "pred_level2": None, "error": "no indicator name (三级指标 is empty)"}


def test_groups_in_both_frameworks(taxonomy):
    assert GROUP_NAMES == ["数量", "质量", "时效", "成本", "效益", "满意度"]
    assert group_of("产出指标", "成本指标", taxonomy) == "成本"  # the 2015 view
    assert group_of("成本指标", "社会成本指标", taxonomy) == "成本"
    assert group_of("效益指标", "可持续影响指标", taxonomy) == "效益"
    assert group_of("满意度指标", "服务对象满意度指标", taxonomy) == "满意度"


def test_counts_missing_groups_and_unreadable(taxonomy):
    records = [
        record("产出指标", "数量指标"),
        record("产出指标", "质量指标", needs_review=True, review_reasons=["low confidence (0.41 < 0.6)"]),
        record("效益指标", "社会效益指标", label_disagrees=True),
        record("产出指标", "数量指标", target_warning="missing"),
        record("产出指标", "数量指标", target_warning="vague; prefer a number with an operator and a unit, or a deadline"),
        record("产出指标", "数量指标", target_warning="no unit"),
        UNREADABLE,
    ]
    summary = summarize_table(records, taxonomy=taxonomy)
    assert summary.rows == 7 and summary.needs_review == 1 and summary.label_disagrees == 1
    assert (summary.target_missing, summary.target_vague, summary.target_unmeasurable) == (1, 1, 1)
    assert summary.unreadable == [{"position": 6, "why": "no indicator name (三级指标 is empty)"}]
    assert summary.missing_groups == ["时效", "成本", "满意度"]
    assert summary.per_category == {"产出指标/数量指标": 4, "产出指标/质量指标": 1, "效益指标/社会效益指标": 1}
    assert summary.flagged == 6 and summary.open_flagged == 5  # the unreadable row is flagged but cannot be reviewed


def test_decisions_count_down_and_move_categories(taxonomy):
    records = [record("产出指标", "数量指标", needs_review=True), record("产出指标", "数量指标", label_disagrees=True)]
    before = summarize_table(records, taxonomy=taxonomy)
    assert before.open_flagged == 2 and "时效" in before.missing_groups
    after = summarize_table(records, {1: Decision("产出指标", "时效指标", "changed")}, taxonomy)
    assert after.open_flagged == 1 and after.reviewed == 1
    assert after.per_category == {"产出指标/数量指标": 1, "产出指标/时效指标": 1}
    assert "时效" not in after.missing_groups


def test_a_group_the_unit_filed_rows_under_is_not_missing_though_the_model_reads_them_otherwise(taxonomy):
    """A newcomer's trial: 因贫失学辍学学生人数 and 教学质量, published as 社会效益, predicted 数量/质量 — the summary said the
    table lacked 效益. A reviewer's decision replaces the published label."""
    records = [record("产出指标", "数量指标", published_level1="效益指标", published_level2="社会效益指标"),
               record("产出指标", "质量指标", published_level1="效益指标", published_level2="社会效益指标"),
               record("产出指标", "时效指标", published_level1=None, published_level2=None)]
    assert "效益" not in summarize_table(records, taxonomy=taxonomy).missing_groups
    decided = {0: Decision("产出指标", "数量指标", "changed"), 1: Decision("产出指标", "质量指标", "changed")}
    assert "效益" in summarize_table(records, decided, taxonomy).missing_groups
    assert "效益" in summarize_table([{**UNREADABLE, "published_level1": "效益指标", "published_level2": "社会效益指标"},
                                     records[2]], taxonomy=taxonomy).missing_groups


def test_overall_adds_up(taxonomy):
    one = summarize_table([record("产出指标", "数量指标")], taxonomy=taxonomy)
    full = summarize_table([record(*pair) for pair in [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
                                                        ("成本指标", "经济成本指标"), ("效益指标", "社会效益指标"),
                                                        ("满意度指标", "服务对象满意度指标")]], taxonomy=taxonomy)
    assert full.missing_groups == []
    total = combine([one, full])
    assert total.rows == 7 and total.tables == 2 and total.tables_missing_groups == 1
    assert total.per_category["产出指标/数量指标"] == 2


def test_flagged_rows():
    assert not is_flagged(record("产出指标", "数量指标"))
    assert is_flagged(UNREADABLE) and is_flagged(record("产出指标", "数量指标", target_warning="missing"))


def test_seed_summary_in_the_json_summary(annotated_seed):
    summary = annotated_seed.summary
    assert summary["rows"] == 38 and summary["unreadable"] == 1
    assert summary["unreadable_rows"][0]["position"] == 10
    assert summary["targets"]["vague"] >= 1 and summary["weak_targets"] >= 1
    assert set(summary["missing_categories"]) <= set(GROUP_NAMES)
    first = annotated_seed.tables[0]
    assert (first.project, first.unit, first.year, len(first.records)) == ("残疾人保障金", "玉田县科学技术协会本级", 2025, 11)
