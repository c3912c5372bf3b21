"""The page's logic without HTTP: what a decision means, which rows show, in which order."""

from __future__ import annotations

import pytest

from service.review.page import DecisionError, categories, make_decision, published_choice, row_views
from service.review.table import Decision


def test_categories_per_framework(taxonomy):
    in_2021 = categories(taxonomy, "2021")
    assert len(in_2021) == 10 and ("效益指标", "可持续影响指标") not in in_2021
    in_2015 = categories(taxonomy, "2015")
    assert ("产出指标", "成本指标") in in_2015 and ("效益指标", "可持续影响指标") in in_2015


RECORD = {"pred_level1": "产出指标", "pred_level2": "质量指标", "published_level1": "产出", "published_level2": "数量",
          "suggested_target": "≥95%", "target": "≥90"}


def test_label_and_target_actions(taxonomy):
    assert published_choice(RECORD, taxonomy, "2021") == ("产出指标", "数量指标")
    row = {"target_raw": "≥90"}
    accepted = make_decision(RECORD, row, "产出指标/质量指标", "≥95%", "2021", taxonomy)
    assert (accepted.label_action, accepted.target_action) == ("accepted", "accepted")
    published = make_decision(RECORD, row, "产出指标/数量指标", " ≥90 ", "2021", taxonomy)
    assert (published.label_action, published.target, published.target_action) == ("published", "≥90", "kept")
    changed = make_decision(RECORD, row, "产出指标/时效指标", "≥92%", "2021", taxonomy)
    assert (changed.label_action, changed.target_action) == ("changed", "edited")
    assert make_decision(RECORD, row, "产出指标/时效指标", "", "2021", taxonomy).target_action is None


def test_bad_decisions_are_refused_in_chinese(taxonomy):
    with pytest.raises(DecisionError, match="不是2021年框架中的类别"):
        make_decision(RECORD, {}, "效益指标/可持续影响指标", None, "2021", taxonomy)
    with pytest.raises(DecisionError, match="没有指标名称"):
        make_decision({"pred_level2": None}, {}, "产出指标/数量指标", None, "2021", taxonomy)
    with pytest.raises(DecisionError, match="控制字符"):
        make_decision(RECORD, {}, "产出指标/数量指标", "😀\x07x", "2021", taxonomy)
    with pytest.raises(DecisionError, match="过长"):
        make_decision(RECORD, {}, "产出指标/数量指标", "≥" + "9" * 600, "2021", taxonomy)
    assert make_decision(RECORD, {}, "产出指标/数量指标", "≥95%😀", "2021", taxonomy).target == "≥95%😀"


def test_row_views_filter_and_sort(annotated_seed, taxonomy):
    tables = annotated_seed.tables
    everything = row_views(tables, {}, "2021", taxonomy=taxonomy)
    assert len(everything) == 38 and [(v.table, v.position) for v in everything][:2] == [(0, 0), (0, 1)]
    flagged = row_views(tables, {}, "2021", flag="any", taxonomy=taxonomy)
    assert flagged and all(v.flagged for v in flagged) and len(flagged) <= 38  # Yutian writes its targets without units
    review = row_views(tables, {}, "2021", flag="review", taxonomy=taxonomy)
    assert review and all(v.record["needs_review"] for v in review) and len(review) < len(flagged)
    assert [v.position for v in row_views(tables, {}, "2021", flag="unreadable", taxonomy=taxonomy)] == [10]
    assert all(v.target_problem for v in row_views(tables, {}, "2021", flag="target", taxonomy=taxonomy))
    first = flagged[0]
    undecided = row_views(tables, {(first.table, first.position): Decision("产出指标", "数量指标", "accepted")}, "2021", flag="any",
                          open_only=True, taxonomy=taxonomy)
    assert len(undecided) == len(flagged) - 1
    one = row_views(tables, {}, "2021", table=2, taxonomy=taxonomy)
    assert {v.table for v in one} == {2} and len(one) == 9
    by_confidence = row_views(tables, {}, "2021", sort="confidence", taxonomy=taxonomy)
    confidences = [v.record["confidence"] for v in by_confidence if not v.unreadable]
    assert confidences == sorted(confidences) and by_confidence[-1].unreadable
    descending = [v.record["confidence"] for v in row_views(tables, {}, "2021", sort="confidence_desc", taxonomy=taxonomy) if not v.unreadable]
    assert descending == sorted(descending, reverse=True)
    decided = row_views(tables, {(0, 0): Decision("效益指标", "社会效益指标", "changed")}, "2021", table=0, taxonomy=taxonomy)
    assert decided[0].current == ("效益指标", "社会效益指标") and decided[0].decision


def test_row_view_texts_are_chinese(annotated_seed, taxonomy):
    views = row_views(annotated_seed.tables, {}, "2021", table=0, taxonomy=taxonomy)
    nameless = next(v for v in views if v.unreadable)
    assert nameless.read_problem == "没有指标名称（三级指标为空）"
    vague = next(v for v in views if v.target_problem and v.target_problem.startswith("表述模糊"))
    assert vague.record["suggested_target"]
    assert all(not r.startswith("其他") for v in views for r in v.reasons)
