"""The predictor on a model trained with the fake encoder: results' shape, the views, flags and evidence."""

from __future__ import annotations

from service.predictor import Published
from training.domain.records import Indicator


def test_classify_result_shape(fake_predictor):
    result = fake_predictor.classify([Indicator("社会公众满意度")])[0]
    assert result["level2"] == "服务对象满意度指标" and result["category"] == "服务对象满意度指标"
    assert 0 < result["confidence"] <= 1 and len(result["alternatives"]) == 3
    assert result["similar"] and result["similar"][0]["source"]
    assert result["label_disagrees"] is None and result["published_level2"] is None


def test_each_displayed_category_is_listed_once(fake_predictor):
    for framework in ("2021", "2015"):
        result = fake_predictor.classify([Indicator("长效管护机制")], framework=framework, n_alternatives=20)[0]
        shown = [(result["level1"], result["level2"])] + [(a["level1"], a["level2"]) for a in result["alternatives"]]
        assert len(shown) == len(set(shown))
        assert abs(result["confidence"] + sum(a["confidence"] for a in result["alternatives"]) - 1.0) < 0.01
    in_2021 = fake_predictor.classify([Indicator("长效管护机制")], framework="2021", n_alternatives=20)[0]
    assert "可持续影响指标" not in [in_2021["level2"]] + [a["level2"] for a in in_2021["alternatives"]]


def test_2015_view(fake_predictor):
    result = fake_predictor.classify([Indicator.from_text("办公设备购置成本", target="≤90万元")], framework="2015")[0]
    if result["category"] == "经济成本指标":
        assert (result["level1"], result["level2"]) == ("产出指标", "成本指标")


def test_published_labels_are_echoed_and_checked(fake_predictor):
    result = fake_predictor.classify([Indicator("社会公众满意度")], [Published("产出指标", "数量指标")])[0]
    assert (result["published_level1"], result["published_level2"]) == ("产出指标", "数量指标")
    assert result["label_disagrees"] in (True, False)


def test_what_is_not_a_name_needs_review(fake_predictor):
    for text in ("率", "Budget execution rate", "2025"):
        result = fake_predictor.classify([Indicator(text)])[0]
        assert result["needs_review"] and result["review_reasons"]
