"""What is not an indicator name is flagged, whatever the model says."""

from __future__ import annotations

import pytest

from training.model.review import ReviewPolicy, name_problems


@pytest.mark.parametrize(("name", "reason"), [
    ("率", "too short"),
    ("Budget execution rate", "no Chinese"),
    ("2025", "only numbers"),
    ("12.5%", "only numbers"),
    ("通过项目实施，进一步提升基层农技人员的业务能力和服务水平，促进农业增效和农民增收", "whole sentence"),
])
def test_not_indicator_names(name, reason):
    assert reason in name_problems(name)[0]


@pytest.mark.parametrize("name", ["资金拨付及时率", "培训人次", "社会公众满意度", "新建高标准农田面积（亩）"])
def test_indicator_names_pass(name):
    assert name_problems(name) == []


def test_policy_reasons():
    policy = ReviewPolicy(min_confidence=0.6, min_margin=0.2)
    assert policy.reasons(0.9, 0.5) == []
    assert len(policy.reasons(0.5, 0.1)) == 2
