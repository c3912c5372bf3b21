"""What is not an indicator name is flagged, whatever the model says."""

from __future__ import annotations

import pytest

from training.model.review import ReviewPolicy, name_problems


@pytest.mark.parametrize(("name", "reason"), [
    ("率", "too short"),
    ("Budget execution rate", "no Chinese"),
    ("2025", "only numbers"),
    ("12.5%", "only numbers"),
    ("。，！？", "only numbers or symbols"),
    ("通过项目实施，进一步提升基层农技人员的业务能力和服务水平，促进农业增效和农民增收", "whole sentence"),
])
def test_not_indicator_names(name, reason):
    assert reason in name_problems(name)[0]


@pytest.mark.parametrize("name", ["资金拨付及时率", "培训人次", "社会公众满意度", "新建高标准农田面积（亩）",
                                  "𠮷𠮷"])  # extension B characters are Chinese (a trial had them called symbols)
def test_indicator_names_pass(name):
    assert name_problems(name) == []


def test_policy_reasons():
    policy = ReviewPolicy(min_confidence=0.6, min_margin=0.2)
    assert policy.reasons(0.9, 0.5) == []
    assert len(policy.reasons(0.5, 0.1)) == 2


def test_a_published_label_is_suspect_only_against_a_confident_prediction_in_another_displayed_category():
    from training.domain.taxonomy import load_taxonomy

    policy, taxonomy = ReviewPolicy(), load_taxonomy()
    assert policy.label_disagrees("数量指标", "时效指标", 0.9, "资金拨付及时率", taxonomy)
    assert not policy.label_disagrees("数量指标", "时效指标", 0.5, "资金拨付及时率", taxonomy)  # not sure enough
    assert not policy.label_disagrees("时效指标", "时效指标", 0.9, "资金拨付及时率", taxonomy)
    assert not policy.label_disagrees("数量指标", "时效指标", 0.9, "率", taxonomy)  # not a name to judge by
    # where the framework's view shows both as one displayed category (the 2021 view and 可持续影响/社会效益), none
    same_2021 = taxonomy.view("可持续影响指标", "2021") == taxonomy.view("社会效益指标", "2021")
    assert policy.label_disagrees("可持续影响指标", "社会效益指标", 0.9, "长效管护机制", taxonomy) is not same_2021


def test_a_published_category_the_model_finds_plausible_is_not_reported_with_a_cap(taxonomy):
    capped = ReviewPolicy(disagree_max_published=0.1)
    assert capped.label_disagrees("数量指标", "质量指标", 0.75, "项目覆盖率", taxonomy, published_probability=0.05)
    assert not capped.label_disagrees("数量指标", "质量指标", 0.75, "项目覆盖率", taxonomy, published_probability=0.2)  # both fit
    assert capped.label_disagrees("数量指标", "质量指标", 0.75, "项目覆盖率", taxonomy)  # no probability given: the old rule
    assert ReviewPolicy(disagree_max_published=None).label_disagrees("数量指标", "质量指标", 0.75, "项目覆盖率", taxonomy,
                                                                     published_probability=0.2)  # no cap
    assert ReviewPolicy().disagree_max_published == 0.1


@pytest.mark.parametrize(("name", "nothing"), [("。，！？", True), ("😀😀", True), ("", True), ("2025", True), ("率", False),
                                               ("Budget execution rate", False), ("培训人次", False)])
def test_a_name_that_names_nothing_gets_no_suggestion(name, nothing):
    """What suggest, bulk and project suggestions share: nothing to measure (only symbols or numbers) gets none; a
    name with other problems gets a warning only."""
    from training.model.review import names_nothing

    assert names_nothing(name) is nothing


def test_a_confidence_just_under_the_limit_does_not_read_as_the_limit():
    """置信度低（60.000% < 60.000%） had been shown for 0.5971 (a newcomer's trial, 2026-12-01)."""
    from service.review.texts import review_reason_zh
    from training.model.review import ReviewPolicy

    reasons = ReviewPolicy().reasons(0.5971, 0.5)
    assert reasons == ["low confidence (0.597 < 0.6)"] and review_reason_zh(reasons[0]) == "置信度低（59.7% < 60.0%）"
