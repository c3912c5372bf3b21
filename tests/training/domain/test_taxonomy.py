"""Raw labels map to the standard hierarchy by lookup in data/taxonomy.json."""

import pytest


@pytest.mark.parametrize(
    ("level1", "level2", "expected"),
    [
        ("产出指标", "数量指标", ("产出指标", "数量指标")),
        ("产出目标", "数量", ("产出指标", "数量指标")),
        ("产出 目标", "时效", ("产出指标", "时效指标")),
        ("产出指标", "成本指标", ("成本指标", "经济成本指标")),  # 2015 style
        ("产出目标", "成本", ("成本指标", "经济成本指标")),
        ("效益指标", "环境效益", ("效益指标", "生态效益指标")),
        ("效益指标", "可持续影响", ("效益指标", "可持续影响指标")),
        ("效果目标", "满意度", ("满意度指标", "服务对象满意度指标")),
        ("效果指标", "社会效益指标", ("效益指标", "社会效益指标")),
        ("产出指标(50分)", "经济效益指标", ("效益指标", "经济效益指标")),
        ("预期产出指标", "数量指标(或建筑规模指标)", ("产出指标", "数量指标")),
        ("预期产出指标", "预算(或投资规模)控制指标", ("成本指标", "经济成本指标")),
        ("产出值", "质量值", ("产出指标", "质量指标")),
        ("满意度指标", None, ("满意度指标", "服务对象满意度指标")),
        ("效益指标", "社会公众或服务对象满意度", ("满意度指标", "服务对象满意度指标")),
        ("效果指标", "社会、经济、生态效益指标", ("效益指标", None)),
    ],
)
def test_label_variants(taxonomy, level1, level2, expected):
    mapping = taxonomy.map_labels(level1, level2)
    assert (mapping.level1, mapping.level2) == expected
    assert mapping.known


def test_zhengzhou_process_labels_have_no_standard_category(taxonomy):
    mapping = taxonomy.map_labels("投入与目标管理", "投入管理")
    assert (mapping.level1, mapping.level2, mapping.process) == (None, None, True)
    assert taxonomy.map_labels("投入(20)", "项目立项(15)").process


def test_zhengzhou_impact_is_approximately_sustainable_impact(taxonomy):
    mapping = taxonomy.map_labels("影响力目标", "长效管理")
    assert (mapping.level1, mapping.level2, mapping.approximate) == ("效益指标", "可持续影响指标", True)


def test_unknown_label_is_reported_not_guessed(taxonomy):
    mapping = taxonomy.map_labels("产出指标", "奇怪的指标")
    assert not mapping.known
    assert mapping.level1 == "产出指标" and mapping.level2 is None


def test_views_2015_and_2021(taxonomy):
    assert taxonomy.view("经济成本指标", "2015") == ("产出指标", "成本指标")
    assert taxonomy.view("经济成本指标", "2021") == ("成本指标", "经济成本指标")
    assert taxonomy.view("可持续影响指标", "2015") == ("效益指标", "可持续影响指标")
    assert taxonomy.view("可持续影响指标", "2021") == ("效益指标", "社会效益指标")


def test_every_category_has_a_meaning(taxonomy):
    assert len(taxonomy.categories) == 11
    assert all(len(c.meaning) > 10 for c in taxonomy.categories)


def test_column_roles_rank_by_alias_order(taxonomy):
    assert taxonomy.column_role_rank("三级指标") == ("level3", 0)
    role, rank = taxonomy.column_role_rank("绩效指标")
    assert role == "level3" and rank > 0  # a form's left label column loses to 三级指标
    assert taxonomy.column_role("权重（%）") == "weight"
    assert taxonomy.column_role("度量单位") == "unit"
    assert taxonomy.column_role("指标性质") == "operator"
    assert taxonomy.column_role("实际完成值") == "actual"
    assert taxonomy.column_role("得分") == "score"


@pytest.mark.parametrize(
    ("text", "period"),
    [("年度目标", "annual"), ("年度指标值", "annual"), ("中期目标（2025-2027年）", "long_term"), ("中长期绩效指标", "long_term"),
     ("2025年度项目支出绩效目标表", None), ("指标值", None), ("", None)],
)
def test_periods(taxonomy, text, period):
    assert taxonomy.period_of(text) == period
