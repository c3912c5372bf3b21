"""Rows in a table body that are not indicators, and block labels."""

import pytest

from training.readers.row_rules import block_period, non_indicator


@pytest.mark.parametrize(
    ("cells", "level3", "reason"),
    [
        (["注：指标值应尽量量化。", "", ""], "", "note"),
        (["注1.本表金额单位为万元", "", ""], "", "note"),
        (["备注：无", "备注：无", ""], "", "note"),
        (["第 1 页 共 3 页"], "", "page footer"),
        (["- 2 -"], "", "page footer"),
        (["2/5"], "", "page footer"),
        (["单位：万元", "", ""], "", "unit line"),
        (["填表人：张三", "", "联系电话：123"], "", "signature"),
        (["合 计", "", "", "100"], "", "total"),
        (["", "总分", "", "100", "97.7"], "", "total"),
    ],
)
def test_not_indicators(taxonomy, cells, level3, reason):
    assert non_indicator(cells, level3, taxonomy) == reason


@pytest.mark.parametrize(
    ("cells", "level3"),
    [
        (["产出指标", "数量指标", "培训人次", "≥300人次"], "培训人次"),
        (["", "", "合计完成率", "≥95%"], "合计完成率"),  # a total word inside a name
        (["", "", "说明会召开次数", "≥2次"], "说明会召开次数"),
        (["第一季度完成率"], ""),
    ],
)
def test_indicators_stay(taxonomy, cells, level3):
    assert non_indicator(cells, level3, taxonomy) is None


def test_block_labels(taxonomy):
    assert block_period(["年度绩效指标", "", ""], taxonomy) == "annual"
    assert block_period(["二、中长期绩效目标"], taxonomy) == "long_term"
    assert block_period(["2025年度项目支出绩效目标表"], taxonomy) is None
    assert block_period(["年度目标", "完成改造120公里"], taxonomy) is None
