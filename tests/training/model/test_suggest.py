"""Target suggestions on the fake-encoder model: the issue's form-plugin examples, placeholders, sources, table conventions."""

from __future__ import annotations

import re

import pytest

from tests.training.domain.test_units import ISSUE_EXAMPLES
from training.domain.records import Indicator
from training.domain.targets import parse_target, target_weakness
from training.model.suggest import PLACEHOLDER, TargetSuggester, table_forms


def stub_evidence(fake_predictor, monkeypatch, family: str, unit: str, written: list[tuple[str, str, str]]) -> list:
    """Make the suggester's similar rows ``written`` (publisher, 三级指标, target) in ``family`` and ``unit``, each at
    similarity 0.9; returns the evidence list (a test may replace its items)."""
    from dataclasses import replace

    from training.model.suggest import Evidence, direction

    suggester = fake_predictor.targets
    template = next(r for r in suggester.references.records if r.target.value)
    rows = [replace(template, publisher=publisher, level3=name, target=parse_target(target)) for publisher, name, target in written]
    evidence = [Evidence(i, r, 0.9, 1.0, family, unit, direction(r.target.operator) or "≥", r.target.value) for i, r in enumerate(rows)]
    monkeypatch.setattr(suggester, "evidence", lambda *args, **kwargs: evidence)
    return evidence

HASHED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}")


@pytest.mark.parametrize(("name", "family"), ISSUE_EXAMPLES)
def test_the_issue_examples_get_a_target_in_the_right_unit_family(fake_predictor, name, family):
    answer = fake_predictor.suggest_targets(Indicator(name), k=3, year=2025)
    best = answer["suggestions"][0]
    assert answer["family"] == family and best["family"] == family
    if family == "deadline":
        assert best["kind"] == "deadline" and best["text"] == "2025年12月31日前"
    else:
        assert best["kind"] == "quantitative" and fake_predictor.targets.lexicon.family_of_unit(best["unit"]) == family
        assert best["unit"] != "%"
    assert re.search(r"[\u4e00-\u9fff]", best["why"])


def test_units_and_operators_that_fit(fake_predictor):
    def best(name, **kwargs):
        return fake_predictor.suggest_targets(Indicator(name), **kwargs)["suggestions"][0]

    assert best("新建高标准农田面积")["unit"] == "亩"
    assert best("人均补助标准")["unit"] == "元/人"
    assert best("办案数量")["unit"] == "件"
    assert best("培训人数")["unit"] == "人" and best("培训人数")["operator"] == "≥"
    assert best("办公设备购置成本", level2="经济成本指标")["operator"] == "≤"
    assert best("社会公众满意度")["unit"] == "%"
    assert best("长效管护机制")["kind"] == "qualitative" and best("长效管护机制")["text"] == "建立并运行"
    complaints = best("投诉次数", level2="服务对象满意度指标")  # a 满意度 category still lets a count of complaints be counted
    assert complaints["unit"] == "次" and complaints["operator"] == "≤"


@pytest.mark.parametrize(("scores", "families"), [({"people": 0.79, "percent": 0.11}, {"people"}),  # 培训人数 on the real model
                                                   ({"percent": 0.77, "deadline": 0.21}, {"percent", "deadline"})])  # 资金拨付及时率
def test_runner_ups_stay_in_a_unit_the_name_can_mean(fake_predictor, monkeypatch, scores, families):
    suggester = fake_predictor.targets
    monkeypatch.setattr(suggester, "family_scores", lambda *args, **kwargs: dict(scores))
    vector = fake_predictor.encoder.encode(["培训人数"], "query")[0]
    answer = suggester.suggest(Indicator("培训人数"), vector, "数量指标", k=3)
    assert {s["family"] for s in answer["suggestions"]} == families


def test_every_suggestion_reads_back_as_it_says(fake_predictor):
    for name in ("新建高标准农田面积", "项目完工时间", "资金拨付及时率", "培训人次", "长效管护机制", "人均补助标准"):
        for suggestion in fake_predictor.suggest_targets(Indicator(name), k=3)["suggestions"]:
            text = suggestion["text"].replace(PLACEHOLDER, "1")
            parsed = parse_target(text)
            assert parsed.kind == suggestion["kind"], suggestion
            if suggestion["kind"] == "quantitative":
                assert (parsed.operator, parsed.unit) == (suggestion["operator"], suggestion["unit"])


def test_no_value_without_a_similar_row_in_that_unit(fake_predictor):
    suggester = fake_predictor.targets
    vector = fake_predictor.encoder.encode(["新建桥梁数量"], "query")[0]
    answer = suggester.suggest(Indicator("新建桥梁数量"), vector, "数量指标", k=1)["suggestions"][0]
    same_unit = [e for e in suggester.evidence(vector, "数量指标") if e.unit == answer["unit"] and e.value is not None]
    if answer["placeholder"]:
        assert answer["value"] is None and answer["text"] == f"≥{PLACEHOLDER}{answer['unit']}" and "请按计划填写" in answer["why"]
    else:
        assert answer["value"] in {e.value for e in same_unit}
        assert answer["spread"]["min"] <= answer["value"] <= answer["spread"]["max"]


def test_examples_cite_readable_sources(fake_predictor):
    answer = fake_predictor.suggest_targets(Indicator("资金拨付及时率"), k=3)
    examples = [e for s in answer["suggestions"] for e in s["examples"]]
    assert examples
    for example in examples:
        assert example["source"] and not HASHED_FILE.search(example["source"]) and example["name"]


def test_k_bounds_the_suggestions(fake_predictor):
    for k in (1, 2, 5):
        assert 1 <= len(fake_predictor.suggest_targets(Indicator("培训人次"), k=k)["suggestions"]) <= k


def test_a_table_that_writes_equals_gets_equals(fake_predictor, corpus):
    lexicon = fake_predictor.targets.lexicon
    plain = fake_predictor.suggest_targets(Indicator("科普讲座次数"), level2="数量指标")["suggestions"][0]
    siblings = [(parse_target(t), "数量指标") for t in ("=50个", "=2次", "=30个", "=1场")]
    in_table = fake_predictor.suggest_targets(Indicator("科普讲座次数"), level2="数量指标", table=table_forms(siblings, lexicon))
    assert plain["operator"] == "≥" and in_table["suggestions"][0]["operator"] == "="
    assert "同一表格" in in_table["suggestions"][0]["why"]
    rates = [(parse_target("=100%"), "质量指标")] * 3
    rate = fake_predictor.suggest_targets(Indicator("验收合格率"), level2="质量指标", table=table_forms(rates, lexicon))["suggestions"][0]
    assert rate["text"] == "=100%"


def test_satisfaction_rates_do_not_set_the_tables_habit_for_other_rates(fake_predictor):
    lexicon = fake_predictor.targets.lexicon
    table = [(parse_target("≥90%"), "服务对象满意度指标"), (parse_target("≥95%"), "服务对象满意度指标"), (parse_target("=100%"), "质量指标")]
    forms = table_forms(table, lexicon)
    timely = fake_predictor.suggest_targets(Indicator("资金拨付及时率"), level2="时效指标", table=forms)["suggestions"][0]
    assert timely["family"] == "percent" and timely["operator"] == "="
    pleased = fake_predictor.suggest_targets(Indicator("群众满意度"), level2="服务对象满意度指标", table=forms)["suggestions"][0]
    assert pleased["operator"] == "≥"


def test_other_categories_satisfaction_and_costs_do_not_set_the_habit(fake_predictor):
    lexicon = fake_predictor.targets.lexicon
    planned = table_forms([(parse_target("=30个"), "数量指标"), (parse_target("=100%"), "质量指标")], lexicon)
    pleased = fake_predictor.suggest_targets(Indicator("社会公众满意度"), level2="服务对象满意度指标", table=planned)["suggestions"][0]
    assert pleased["operator"] == "≥"  # satisfaction keeps its own convention
    cost = table_forms([(parse_target("≤100%"), "经济成本指标")], lexicon)
    intact = fake_predictor.suggest_targets(Indicator("基础设施试运行完好率"), level2="质量指标", table=cost)["suggestions"][0]
    assert intact["operator"] == "≥"  # 预算控制率 ≤100% is a cost's direction, no habit


def test_a_tables_forms_answer_as_a_plain_list_does_and_are_looked_at_once(fake_predictor):
    """``TableForms`` remembers the rows of a family and category; a plain list is scanned for each ask."""
    from training.model.suggest import _siblings

    lexicon = fake_predictor.targets.lexicon
    written = [("=50个", "数量指标"), ("=2次", "数量指标"), ("=100%", "质量指标"), ("≥90%", "服务对象满意度指标"), ("≤100%", "经济成本指标")]
    forms = table_forms([(parse_target(t), level2) for t, level2 in written], lexicon)
    for family, level2 in [("count", "数量指标"), ("percent", "时效指标"), ("percent", "服务对象满意度指标"), ("area", None)]:
        assert forms.siblings(family, level2) == _siblings(list(forms), family, level2)
        assert forms.siblings(family, level2) is forms.siblings(family, level2)
    for name, level2 in [("科普讲座次数", "数量指标"), ("资金拨付及时率", "时效指标"), ("群众满意度", "服务对象满意度指标")]:
        cached = fake_predictor.suggest_targets(Indicator(name), level2=level2, table=forms)
        plain = fake_predictor.suggest_targets(Indicator(name), level2=level2, table=list(forms))
        assert cached == plain


def test_an_operator_from_the_tables_habit_takes_the_usual_value(fake_predictor, monkeypatch):
    from dataclasses import replace

    from training.model.suggest import Evidence

    suggester = fake_predictor.targets
    template = next(r for r in suggester.references.records if r.target.unit == "平方米" and r.target.value)
    written = ["≥400平方米", "≥400平方米", "≥400平方米", "≥600平方米", "=1900平方米"]
    rows = [replace(template, publisher=f"县{i}", target=parse_target(t)) for i, t in enumerate(written)]
    evidence = [Evidence(i, r, 0.9, 1.0, "area", "平方米", "=" if r.target.operator == "=" else "≥", r.target.value) for i, r in enumerate(rows)]
    monkeypatch.setattr(suggester, "evidence", lambda *args, **kwargs: evidence)
    table = table_forms([(parse_target("=30个"), "数量指标"), (parse_target("=2000平方米"), "质量指标")], suggester.lexicon)
    best = fake_predictor.suggest_targets(Indicator("新建校舍面积"), "数量指标", k=1, table=table)["suggestions"][0]
    assert best["text"] == "=400平方米"


def test_a_scale_the_similar_rows_disagree_on_is_left_to_fill(fake_predictor, monkeypatch):
    """家庭医生签约服务人数 had been given ≥13人 from rows of 1 to 2,370人 (a helper's trial, 2026-12-01): a head count
    grows with the project, so values more than ``max_ratio`` apart give a placeholder, and its why gives the range;
    shares are comparable across projects and keep their value."""
    written = ["≥13人", "≥13人", "≥90人", "≥2370人", "≥500人"]
    stub_evidence(fake_predictor, monkeypatch, "people", "人", [(f"县{i}", f"服务人数{i}", t) for i, t in enumerate(written)])
    best = fake_predictor.suggest_targets(Indicator("家庭医生签约服务人数"), "数量指标", k=1)["suggestions"][0]
    assert best["text"] == "≥__人" and best["placeholder"] and "从13到2370人不等" in best["why"], best
    narrow = ["≥100人", "≥120人", "≥150人", "≥200人", "≥100人"]
    stub_evidence(fake_predictor, monkeypatch, "people", "人", [(f"县{i}", f"服务人数{i}", t) for i, t in enumerate(narrow)])
    assert fake_predictor.suggest_targets(Indicator("家庭医生签约服务人数"), "数量指标", k=1)["suggestions"][0]["text"] == "≥100人"


def test_a_given_target_in_the_wrong_unit_is_flagged(fake_predictor):
    answer = fake_predictor.suggest_targets(Indicator("培训人数"), given_target="≥95%")
    assert any("does not fit" in w for w in answer["warnings"])
    assert fake_predictor.suggest_targets(Indicator("培训人数"), given_target="有所提高")["warnings"]


def test_an_old_bundle_without_unit_models_still_suggests(fake_predictor):
    suggester = TargetSuggester(fake_predictor.references, fake_predictor.taxonomy)  # fits the models from the references
    vector = fake_predictor.encoder.encode(["培训人数"], "query")[0]
    assert suggester.suggest(Indicator("培训人数"), vector, "数量指标")["suggestions"][0]["family"] == "people"


def test_one_search_for_many_names_gives_the_same_suggestions(fake_predictor):
    names = ["新建高标准农田面积", "农村公路新改建里程", "项目完工时间", "培训人数", "群众满意度", "人均补助标准"]
    vectors = fake_predictor.encoder.encode(names, "query")
    indices, sims = fake_predictor.targets.neighbours(vectors)
    assert indices.shape == (len(names), fake_predictor.targets.n_neighbors)
    for i, name in enumerate(names):
        alone = fake_predictor.targets.suggest(Indicator(name), vectors[i], "数量指标", k=3, year=2024)
        batched = fake_predictor.targets.suggest(Indicator(name), vectors[i], "数量指标", k=3, year=2024, neighbours=(indices[i], sims[i]))
        assert [s["text"] for s in batched["suggestions"]] == [s["text"] for s in alone["suggestions"]]
        assert [e["name"] for s in batched["suggestions"] for e in s["examples"]] == [e["name"] for s in alone["suggestions"] for e in s["examples"]]


@pytest.mark.parametrize("name", ["安全事故发生次数", "工程质量事故次数", "教学差错次数"])
def test_a_harm_never_to_happen_gets_zero(fake_predictor, name):
    best = fake_predictor.suggest_targets(Indicator(name), "质量指标", k=2)["suggestions"][0]
    assert (best["family"], best["operator"], best["value"]) == ("times", "=", 0.0)
    assert best["text"] == f"=0{best['unit']}" and "不发生" in best["why"]


@pytest.mark.parametrize("name", ["投诉处理件数", "安全事故应急演练次数", "安全事故发生率"])
def test_handling_a_harm_or_its_rate_is_not_zeroed(fake_predictor, name):
    best = fake_predictor.suggest_targets(Indicator(name), "数量指标", k=2)["suggestions"][0]
    assert best["value"] != 0.0 and "不发生" not in best["why"]


@pytest.mark.parametrize(("publishers", "thin"), [(["甲县"], True), (["甲县", "乙县"], True), (["甲县"] * 4, True),
                                                   (["甲县", "乙县", "丙县"], False)])
def test_a_value_from_few_rows_or_one_publisher_says_so_or_is_left_to_fill(fake_predictor, monkeypatch, publishers, thin):
    from dataclasses import replace

    from training.model.suggest import Evidence

    suggester = fake_predictor.targets
    template = next(r for r in suggester.references.records if r.target.unit == "亩" and r.target.value)
    rows = [replace(template, publisher=p, target=parse_target(f"≥{10 + i}亩")) for i, p in enumerate(publishers)]
    evidence = [Evidence(i, r, 0.9, 1.0, "area", "亩", "≥", r.target.value) for i, r in enumerate(rows)]
    monkeypatch.setattr(suggester, "evidence", lambda *args, **kwargs: evidence)
    best = fake_predictor.suggest_targets(Indicator("新建高标准农田面积"), "数量指标", k=1)["suggestions"][0]
    assert best["unit"] == "亩"
    if len(set(publishers)) == 1:
        # one unit's scale is no other project's (a newcomer's trial: 高标准农田建设面积 ≥3亩): the form, not the value
        assert best["value"] is None and best["placeholder"] and best["text"] == "≥__亩" and "只来自1个单位" in best["why"]
        return
    assert best["value"] is not None
    assert ("请按本项目的计划核实" in best["why"]) == thin, best["why"]


def test_a_given_value_is_completed_not_replaced_and_zero_is_not_bounded_below():
    from training.model.suggest import completed

    rate = {"kind": "quantitative", "operator": "≥", "unit": "%"}
    harm = {"kind": "quantitative", "operator": "≤", "unit": "%"}
    assert completed(parse_target("100%"), rate) == "≥100%"
    assert completed(parse_target("100"), {**rate, "unit": "人"}) == "≥100人"
    assert completed(parse_target("0"), harm) == "=0%"  # 安全事故发生率 0: not ≤0%
    assert completed(parse_target("0%"), harm) == "=0%"
    assert completed(parse_target("5%"), harm) == "≤5%"
    assert completed(parse_target("≥95%"), rate) is None  # nothing lacking
    assert completed(parse_target("0.95"), rate) == "≥95%" and completed(parse_target("≥0.9"), rate) == "≥90%"  # fractions
    assert completed(parse_target("0.5"), harm) == "≤0.5%"  # a small ≤ rate stays as written


def test_the_value_of_an_even_count_says_which_middle_value_it_took():
    from training.model.suggest import _pick_value

    value, why, spread = _pick_value([25.0, 280.0])
    assert value == 25.0 and spread["median"] == 152.5 and "较小的一个" in why
    value, why, spread = _pick_value([10.0, 20.0, 30.0])
    assert value == 20.0 == spread["median"] and why.endswith("中位数")


@pytest.mark.parametrize("name", ["群众投诉率", "安全生产事故发生率", "网络故障率"])
def test_a_rate_to_keep_low_takes_no_value_from_rates_to_reach(fake_predictor, name):
    """群众投诉率 got ≤90% from satisfaction rates' ≥90%, then ≤100% from rates reached: a value comes only from rows
    written with ≤ (else a placeholder), and no alternative of the opposite direction is offered."""
    suggestions = fake_predictor.suggest_targets(Indicator(name), k=3)["suggestions"]
    best = suggestions[0]
    assert best["operator"] in ("≤", "=") and best["text"] != "≤100%", best
    if best["operator"] == "≤" and not best["placeholder"]:
        assert all(e["target"] and ("≤" in e["target"] or "小于" in e["target"] or "以下" in e["target"] or "内" in e["target"])
                   for e in best["examples"]), best["examples"]
    assert not any(s["operator"] == "≥" for s in suggestions)


@pytest.mark.parametrize(("name", "operator"), [("碳排放减少量", "≥"), ("单位能耗降低率", "≥"), ("医疗费用报销比例", "≥"),
                                                ("单位能耗", "≤"), ("医疗费用", "≤")])
def test_a_reduction_achieved_is_to_reach_though_its_noun_is_to_keep_low(fake_predictor, name, operator):
    """The cue ending last decides: 减少量, 降低率 and 报销比例 after 排放, 能耗 and 费用."""
    assert fake_predictor.targets.lexicon.operator_cue(name).value == operator


def test_a_unit_price_of_equipment_is_per_piece(fake_predictor):
    assert fake_predictor.targets.lexicon.unit_choice("设备采购单价", "unit_cost").value == "元/台"


def test_a_range_is_completed_with_the_bound_of_the_suggestions_direction():
    from training.model.suggest import completed

    assert completed(parse_target("3-5万人"), {"kind": "quantitative", "operator": "≥", "unit": "人", "value": 100}) == "≥3万人"
    assert completed(parse_target("10-15万元"), {"kind": "quantitative", "operator": "≤", "unit": "万元", "value": 20}) == "≤15万元"


@pytest.mark.parametrize(("name", "operator"), [("病死率", "≤"), ("漏报率", "≤"), ("失业率", "≤"), ("火灾发生起数", "≤"),
                                                ("水土流失治理面积", "≥"), ("返贫人数", "≤")])
def test_more_words_that_set_the_direction(fake_predictor, name, operator):
    assert fake_predictor.targets.lexicon.operator_cue(name).value == operator


def test_harms_counted_are_zero_and_questions_about_overspending_are_no(fake_predictor):
    for name in ("火灾发生起数", "返贫人数"):
        best = fake_predictor.suggest_targets(Indicator(name), k=1)["suggestions"][0]
        assert best["operator"] == "=" and best["value"] == 0, best
    assert fake_predictor.suggest_targets(Indicator("是否超预算"), k=1)["suggestions"][0]["text"] == "否"


@pytest.mark.parametrize("name", ["投诉率", "返工率", "故障率"])
def test_a_rate_to_keep_low_is_not_given_a_ceiling_of_100(fake_predictor, name):
    suggestions = fake_predictor.suggest_targets(Indicator(name), k=3)["suggestions"]
    assert all(s["text"] not in ("≤100%", "=100%") for s in suggestions), suggestions


def test_time_limits_of_handling_are_durations_and_a_per_visit_cost_is_per_visit(fake_predictor):
    lexicon = fake_predictor.targets.lexicon
    assert lexicon.head("审批办结时限").value == "duration"
    assert lexicon.unit_choice("门诊次均费用", "unit_cost").value == "元/次"


def test_a_rate_of_change_takes_its_value_only_from_rates_of_change(fake_predictor):
    """能耗降低率 had taken ≥90% from completion and coverage rates."""
    lexicon = fake_predictor.targets.lexicon
    assert lexicon.is_change_rate("单位能耗降低率") and lexicon.is_change_rate("农民收入增长率") and not lexicon.is_change_rate("森林覆盖率")
    for suggestion in fake_predictor.suggest_targets(Indicator("单位能耗降低率"), k=3)["suggestions"]:
        assert suggestion["placeholder"] or all(lexicon.is_change_rate(e["name"]) for e in suggestion["examples"]), suggestion


@pytest.mark.parametrize("name", ["森林覆盖率", "草原综合植被盖度", "城镇化率"])
def test_a_share_that_describes_a_place_takes_no_value_from_other_shares(fake_predictor, name):
    """森林覆盖率 had taken ≥90% from 智慧城市 覆盖率 rows; most counties are at 30–70% (a helper's trial, 2026-12-01)."""
    lexicon = fake_predictor.targets.lexicon
    level = lexicon.local_level(name)
    assert level and lexicon.local_level("网络覆盖率") is None and lexicon.local_level("验收合格率") is None
    assert lexicon.head(name).value == "percent"
    suggestions = fake_predictor.suggest_targets(Indicator(name), k=3)["suggestions"]
    assert suggestions and suggestions[0]["unit"] == "%" and suggestions[0]["operator"] == "≥"
    for suggestion in suggestions:
        assert suggestion["placeholder"] or all(level in e["name"] for e in suggestion["examples"]), suggestion
    if suggestions[0]["placeholder"]:
        assert "当地现状" in suggestions[0]["why"]


@pytest.mark.parametrize(("name", "text"), [("PM2.5平均浓度", "≤__微克/立方米"), ("化学需氧量排放浓度", "≤__毫克/升"),
                                            ("空气负氧离子浓度", "≥__个/立方厘米")])
def test_a_concentration_is_in_its_own_units_and_kept_low_unless_it_is_good(fake_predictor, name, text):
    """No historical row states a concentration, so the form comes from the lexicon with a placeholder value (it had been
    ≥__个 for PM2.5 and ≤__% for 化学需氧量)."""
    best = fake_predictor.suggest_targets(Indicator(name), k=1)["suggestions"][0]
    assert best["family"] == "concentration" and best["placeholder"] and best["text"] == text, best


@pytest.mark.parametrize(("written", "unit"), [("≤35微克/立方米", "微克/立方米"), ("≤35μg/m³", "μg/m³"), ("≤20mg/L", "mg/L"),
                                               ("≥1000个/立方厘米", "个/立方厘米")])
def test_concentration_units_are_read(fake_predictor, written, unit):
    target = parse_target(written)
    assert target.unit == unit and fake_predictor.targets.lexicon.family_of_unit(target.unit) == "concentration"



# From a newcomer's trial: suggestions a reviewer found wrong (the lexicon's words, data/units.json 2026.12-7)
@pytest.mark.parametrize(("name", "operator", "unit"), [
    ("免费体检老年人数", "≥", "人"),  # 免费 is no cost (费): had been ≤__人
    ("公共文化场馆免费开放天数", "≥", "天"),  # had been ≤300天
    ("学生辍学人数", "=", "人"),  # a harm counted: =0人 (had been ≤6962人, from 小学就读人数)
    ("购置课桌椅套数", "≥", "套"),  # had been ≥__台/件/辆/套
    ("新打机井数量", "≥", "眼"),
    ("医疗废物处置量", "≥", "吨"),  # had been ≥100%
    ("县级储备粮库存粮食明显变质比例", "≤", "%"),  # had been ≥98%
])
def test_operators_and_units_from_the_names_words(fake_predictor, name, operator, unit):
    answer = fake_predictor.suggest_targets(Indicator(name), k=3)
    best = answer["suggestions"][0]
    assert (best["operator"], best["unit"]) == (operator, unit), answer["suggestions"]


@pytest.mark.parametrize(("name", "operator"), [("群众出行时间缩短", "≥"), ("沿线群众运输成本降低", "≥"), ("碳排放浓度", "≤")])
def test_a_reduction_achieved_is_reached_and_a_concentration_kept_low(fake_predictor, name, operator):
    assert fake_predictor.targets.lexicon.operator_cue(name).value == operator


def test_money_of_a_fund_is_in_ten_thousands():
    from training.domain.units import load_units

    assert load_units().unit_choice("财政补助资金", "money").value == "万元"
    assert load_units().unit_choice("老年人生活补贴", "money").value == "元"


@pytest.mark.parametrize(("name", "given", "kept"), [
    ("体检结果反馈时限", "15个工作日", "≤15个工作日"),  # a time limit as a duration, within it (had become 12月31日前)
    ("每吨垃圾清运成本", "80-120元/吨", "≤120元/吨"),  # a cost's upper bound, in its own unit (had been ≤80万元)
    ("受益农户数", "3-5千户", "≥3千户"),
    ("长效管理机制建立", "建立", "建立"),  # a checkable word for what cannot be counted (had been replaced by ≥100%)
    ("农田灌溉水有效利用系数", "达到0.6", "≥0.6"),  # a coefficient has no unit (had become ≥0.6亩)
])
def test_what_the_writer_gave_is_kept_in_its_own_unit(fake_predictor, name, given, kept):
    answer = fake_predictor.suggest_targets(Indicator(name), k=2, given_target=given, year=2025)
    assert answer["suggestions"][0]["text"] == kept, answer


@pytest.mark.parametrize(("name", "given", "warning"), [
    ("群众投诉次数", "≥5次", "a floor (≥) for what the name keeps low"),
    ("安全事故发生次数", "≥0次", "at least zero bounds nothing"),
    ("项目完成时间", "2025年2月30日前", "a date that does not exist"),
])
def test_a_given_target_in_the_wrong_direction_or_on_no_date_is_replaced_and_said(fake_predictor, name, given, warning):
    from service.review.texts import suggestion_warning_zh, target_problem

    answer = fake_predictor.suggest_targets(Indicator(name), k=2, given_target=given, year=2025)
    assert answer["suggestions"][0]["text"] != given
    assert f"target {given!r}: {warning}" in answer["warnings"]
    assert target_problem(warning).group == "unmeasurable"
    assert "指标值" in suggestion_warning_zh(f"target {given!r}: {warning}")


def test_the_checks_of_what_cannot_be_meant_flag_no_published_row(corpus):
    """Floors for harms and costs, ≥0, shares over 100%, deadlines before the year, fractions of a person: none among
    the corpus's 1,414 rows but two of one seed whose targets are floors for a cost indeed (资金成本 ``≥85资金成本大于等于15%``
    and ``≥90总体成本指标``), so the checks cost reviewers no false alarm there."""
    from training.domain.units import load_units
    from training.model import suggest

    lexicon = load_units()
    checks = (suggest.FLOOR_OF_ZERO, suggest.WRONG_DIRECTION, suggest.OVER_A_WHOLE, suggest.BEFORE_THE_YEAR, suggest.PART_OF_ONE,
              suggest.BEYOND_BELIEF)
    flagged = [(r.level3, r.target_raw) for r in corpus.rows if suggest.checked_target(r.level3, r.target, lexicon, r.year)[1] in checks]
    assert flagged == [("资金成本", "≥85资金成本大于等于15%"), ("资金成本", "≥90总体成本指标")]


def test_a_fall_of_a_harm_is_the_right_direction(fake_predictor):
    """投诉量 较上年下降10%: at least a 10% fall; no floor-for-a-harm warning, the target kept."""
    answer = fake_predictor.suggest_targets(Indicator("市容环境投诉量"), k=2, given_target="较上年下降10%")
    assert answer["suggestions"][0]["text"] == "较上年下降10%" and answer["warnings"] == []


@pytest.mark.parametrize(("name", "given", "first"), [
    ("生猪出栏数量", "3万头", "≥3万头"),  # had become ≥3万, warned as money
    ("培训人数", "1万-1.5万人", "≥1万人"),
    ("因贫失学幼儿人数", "0人", "=0人"),  # had become ≥0人
    ("校园安全事故发生率", "零事故", "零事故"),  # zero, whatever the name counts: kept as written, no unit asked for
    ("营养餐供餐天数", "200天", "≥200天"),  # an output: had become ≤200天
])
def test_second_trial_targets_are_kept_in_their_own_form(fake_predictor, name, given, first):
    answer = fake_predictor.suggest_targets(Indicator(name), k=2, given_target=given)
    assert answer["suggestions"][0]["text"] == first, answer


@pytest.mark.parametrize(("name", "given", "year", "warning"), [
    ("验收合格率", "≥150%", None, "a share over 100%"),
    ("受益人数", "≥20亿人", None, "a figure no project reaches"),  # more people than China has
    ("项目资金", "≥999999亿元", None, "a figure no project reaches"),
    ("预算执行率", "≥100000%", None, "a figure no project reaches"),
    ("项目完成时间", "2019年12月底前", 2025, "a deadline before the budget year"),
    ("培训人数", "≥0.5人", None, "a count that is no whole number"),
])
def test_targets_that_cannot_be_meant_are_said_and_replaced(fake_predictor, name, given, year, warning):
    from service.review.texts import target_problem

    answer = fake_predictor.suggest_targets(Indicator(name), k=2, given_target=given, year=year)
    assert f"target {given!r}: {warning}" in answer["warnings"] and answer["suggestions"][0]["text"] != given
    assert target_problem(warning).code != "other"


def test_rates_that_may_pass_100_percent_are_not_capped(fake_predictor):
    answer = fake_predictor.suggest_targets(Indicator("预算执行率"), k=1, given_target="≥105%")
    assert answer["suggestions"][0]["text"] == "≥105%" and answer["warnings"] == []


@pytest.mark.parametrize(("name", "family", "unit"), [("文化场馆安全事故", "times", "起"), ("安全事故发生次数", "times", "次"),
                                                      ("交通违法行为查处数", "count", "起")])
def test_measure_words_of_accidents_and_cases(name, family, unit):
    from training.domain.units import load_units

    assert load_units().unit_choice(name, family).value == unit


def test_a_range_warning_is_chinese_for_the_reviewer(fake_predictor):
    """warnings_zh had read 其他：target '3-5万人': a range; write one bound with an operator."""
    from service.review.texts import with_warnings_zh

    answer = with_warnings_zh(fake_predictor.suggest_targets(Indicator("培训人数"), k=1, given_target="3-5万人"))
    assert answer["warnings_zh"] == ["指标值“3-5万人”：范围值：宜写成带运算符的一个数值（下限用 ≥，上限用 ≤）"]


def test_the_same_indicators_own_unit_and_values_come_first(fake_predictor):
    """火情处置响应时间 written ≤30分钟 before: 分钟, though 响应 asks for 小时; 森林覆盖率's own ≥65%, not the ≥90% of
    loosely similar coverage rates (a third trial's findings)."""
    from training.domain.records import IndicatorRow
    from training.model.suggest import Evidence

    suggester = fake_predictor.targets

    def evidence(name, target, similarity):
        row = IndicatorRow(source="s.csv", table=1, row=1, doc="s", level3=name, target_raw=target, target=parse_target(target))
        parsed = row.target
        family = suggester.lexicon.family_of_target(parsed)
        return Evidence(0, row, similarity, similarity, family, parsed.unit, parsed.operator, parsed.value)

    response = [evidence("火情处置响应时间", "≤30分钟", 1.0), evidence("故障维修响应时间", "≤2小时", 0.9)]
    unit, why = suggester._unit("duration", "火情处置响应时间", response)
    assert unit == "分钟" and "同名" in why
    assert suggester._unit("duration", "抢修响应时间", response)[0] == "小时"  # no row of its own: the noun decides
    coverage = [evidence("森林覆盖率", "≥65%", 1.0)] + [evidence(f"宣传覆盖率{i}", "≥90%", 0.8) for i in range(5)]
    best = suggester._suggestions_for("percent", "森林覆盖率", "效益指标", coverage, None, [])[0]
    assert best["text"] == "≥65%" and "同名历史指标" in best["why"]


def test_none_for_a_social_cost_is_said_to_be_qualitative_by_the_suggest_route_too(fake_predictor):
    answer = fake_predictor.suggest_targets(Indicator("对周边居民生活影响"), level2="社会成本指标", k=2, given_target="无")
    assert answer["suggestions"][0]["text"] == "无"
    assert answer["warnings"] == ["target '无': qualitative; a number with an operator and a unit is easier to check"]


def test_a_floor_of_zero_is_never_suggested(fake_predictor, monkeypatch):
    """新增粮食产能 had been given ≥0起 from one similar row: ≥0 bounds nothing (the weakness bulk warns about)."""
    from dataclasses import replace

    from training.model.suggest import Evidence

    suggester = fake_predictor.targets
    template = next(r for r in suggester.references.records if r.target.unit == "亩" and r.target.value)
    rows = [replace(template, publisher=p, target=parse_target("≥0亩")) for p in ("甲县", "乙县", "丙县")]
    monkeypatch.setattr(suggester, "evidence", lambda *a, **k: [Evidence(i, r, 0.9, 1.0, "area", "亩", "≥", 0.0) for i, r in enumerate(rows)])
    best = fake_predictor.suggest_targets(Indicator("新增高标准农田面积"), "数量指标", k=1)["suggestions"][0]
    assert best["text"] == "≥__亩" and best["placeholder"] and "不构成目标" in best["why"]


def test_a_family_without_units_says_so_without_empty_quotes(fake_predictor):
    best = fake_predictor.suggest_targets(Indicator("农田灌溉水有效利用系数"), "质量指标", k=1)["suggestions"][0]
    assert best["family"] == "coefficient" and "“”" not in best["why"]


@pytest.mark.parametrize(("given", "unit", "expected"), [("100万", "万元", "≤100万元"), ("3万", "人", "≥3万人"), ("≥2万", "亩", "≥2万亩"),
                                                          ("5万", "%", None)])
def test_a_scale_alone_takes_the_unit_of_the_suggestion(given, unit, expected):
    """项目资金支出 100万 had been completed as ≤100万, without 元."""
    from training.model.suggest import completed

    operator = "≤" if unit == "万元" else "≥"
    suggestion = {"kind": "quantitative", "operator": operator, "unit": unit, "value": 1.0}
    assert target_weakness(parse_target(given)) in ("no operator (≥, ≤, =) and no unit", "no unit")
    assert completed(parse_target(given), suggestion) == expected


@pytest.mark.parametrize(("name", "text"), [("孕产妇死亡率", "≤__/10万"), ("婴儿死亡率", "≤__‰")])
def test_a_rate_counted_per_ten_thousands_or_per_mille_gets_its_unit(fake_predictor, name, text):
    """A third trial: 孕产妇死亡率 had been ≤__%; it is counted per 100,000 live births (‰ for infants)."""
    best = fake_predictor.suggest_targets(Indicator(name), "社会效益指标", k=1)["suggestions"][0]
    assert best["text"] == text


@pytest.mark.parametrize(("given", "unit", "expected"), [("5亿", "万元", "≤5亿元"), ("100万", "人", "≥100万人"), ("3千", "人", "≥3千人")])
def test_a_scale_takes_the_suggestions_unit_once(given, unit, expected):
    """A fourth trial: 项目总投资 5亿 had become ≤5亿万元 (5万亿元); 3千 had lost its 千."""
    from training.model.suggest import completed

    operator = "≤" if unit == "万元" else "≥"
    assert completed(parse_target(given), {"kind": "quantitative", "operator": operator, "unit": unit, "value": 1.0}) == expected


def test_a_scale_alone_is_no_unit_of_money_for_a_head_count(fake_predictor):
    """A fourth trial: 受益人数 100万 had been warned about as money and replaced by ≥90人."""
    answer = fake_predictor.suggest_targets(Indicator("受益人数"), "社会效益指标", k=2, given_target="100万")
    assert answer["suggestions"][0]["text"] == "≥100万人"
    assert not any("does not fit" in w for w in answer["warnings"])


@pytest.mark.parametrize(("name", "given"), [("项目资金", "≥5000万元"), ("受益人数", "≥1.2万人"), ("预算执行率", "≥120%"),
                                             ("接待游客人次", "≥20亿人次"), ("税收增长", "较上年增长2000%")])
def test_large_figures_that_happen_are_not_called_impossible(name, given):
    """Visits may pass the population, completion may pass 100%, and a change is a difference, not a level."""
    from training.domain.targets import parse_target
    from training.domain.units import load_units
    from training.model.suggest import BEYOND_BELIEF, checked_target

    assert checked_target(name, parse_target(given), load_units())[1] != BEYOND_BELIEF


@pytest.mark.parametrize("name", ["二氧化硫排放减少量", "化学需氧量减排量", "污水处理量"])
def test_an_amount_is_never_suggested_as_a_share(fake_predictor, name):
    """二氧化硫排放减少量 had been given ≥90% from the rates of similar names, and -5吨 said not to fit it (a trial)."""
    assert fake_predictor.targets.lexicon.names_amount(name)
    answer = fake_predictor.suggest_targets(Indicator(name), k=3)
    assert answer["suggestions"] and all(s["unit"] != "%" for s in answer["suggestions"]), answer["suggestions"]


def test_water_in_cubic_metres_fits_a_weight_and_every_unit_warning_reads_alike(fake_predictor):
    """污水处理量 10m³ had been said to be in 体积 where the name measures 重量; tables write water in 吨 or 立方米."""
    from training.domain.units import UNIT_MISMATCH_WORDS

    assert fake_predictor.suggest_targets(Indicator("污水处理量"), k=2, given_target="≥10m³")["warnings"] == []
    for name, given in (("绿化面积", "95%"), ("项目完成时间", "100人"), ("培训人数", "30万元")):
        warnings = fake_predictor.suggest_targets(Indicator(name), k=2, given_target=given)["warnings"]
        assert any(UNIT_MISMATCH_WORDS in w for w in warnings), (name, warnings)
        assert not any("does not fit what the name measures" in w for w in warnings), warnings


@pytest.mark.parametrize(("name", "operator"), [("修复破损路面面积", "≥"), ("投诉处理率", "≥"), ("事故隐患排查次数", "≥"),
                                                ("维修费用", "≤"), ("故障维修成本", "≤"), ("安全事故发生次数", "≤"), ("投诉率", "≤")])
def test_work_done_on_a_harm_is_an_output_but_its_cost_stays_low(fake_predictor, name, operator):
    """修复破损路面面积 had been given ≤__平方米 from 破损 (a newcomer's trial, 2026-12-01)."""
    assert fake_predictor.targets.lexicon.operator_cue(name).value == operator


@pytest.mark.parametrize(("name", "family", "unit"), [("单位供水成本", "unit_cost", "元/吨"), ("每吨处理费用", "unit_cost", "元/吨"),
                                                      ("新建集中供水工程数量", "count", "处")])
def test_a_cost_per_unit_and_the_measure_word_of_works(fake_predictor, name, family, unit):
    """单位供水成本 had been given ≤85万元 from a total; 新建集中供水工程数量 ≥__辆 from one row of vehicles repaired."""
    lexicon = fake_predictor.targets.lexicon
    assert lexicon.head(name).value == family and lexicon.unit_choice(name, family).value == unit


def test_a_measure_word_from_one_publishers_rows_gives_way_to_the_default(fake_predictor, monkeypatch):
    stub_evidence(fake_predictor, monkeypatch, "count", "辆", [("某县城管执法局", "完成修理养护的设施数量", "≥90辆")] * 2)
    best = fake_predictor.suggest_targets(Indicator("新建配套设备数量"), "数量指标", k=1)["suggestions"][0]
    assert best["unit"] != "辆", best


@pytest.mark.parametrize(("name", "level2", "family"), [("冷库温度", "数量指标", "temperature"), ("项目完成时间", "时效指标", "deadline"),
                                                        ("免费体检人数", "数量指标", "people")])
def test_a_name_ending_in_its_measure_gets_no_alternative_in_another(fake_predictor, name, level2, family):
    """冷库温度 had got ≥__平方米 and 项目完成时间 ≤__% as second suggestions (a newcomer's trial)."""
    lexicon = fake_predictor.targets.lexicon
    for suggestion in fake_predictor.suggest_targets(Indicator(name), level2, k=3)["suggestions"]:
        assert suggestion["family"] == family or frozenset((suggestion["family"], family)) in lexicon.compatible_families, suggestion


def test_one_publishers_value_of_the_same_money_indicator_is_no_plan_for_another_project(fake_predictor, monkeypatch):
    """项目总成本 had been given ≤1125万元 from one publisher's row of the same name."""
    stub_evidence(fake_predictor, monkeypatch, "money", "万元", [("某单位", "项目总成本", "≤1125万元")] * 3)
    best = fake_predictor.suggest_targets(Indicator("项目总成本"), "经济成本指标", k=1)["suggestions"][0]
    assert best["text"] == "≤__万元" and best["placeholder"], best


@pytest.mark.parametrize(("name", "unit", "operator"), [
    ("城市低保补助标准", "元/人/月", "="), ("高龄津贴发放标准", "元/人/月", "="), ("户厕改造补助标准", "元/户", "="),
    ("道路单位造价", "万元/公里", "≤"), ("单位供水成本", "元/吨", "≤"),
])
def test_a_standard_of_aid_is_exact_and_per_person_and_month(fake_predictor, name, unit, operator):
    """A helper's trial (2026-12-01): 城市低保补助标准 had been =__元/平方米, 高龄津贴发放标准 ≤__万, 道路单位造价 ≤15万元."""
    best = fake_predictor.suggest_targets(Indicator(name), "经济成本指标", k=1)["suggestions"][0]
    assert (best["unit"], best["operator"]) == (unit, operator), best


def test_a_forest_fire_rate_is_per_mille(fake_predictor):
    """森林火灾受害率 is set in ‰ (≤0.9‰: 全国森林防火规划（2016—2025年）); it had been ≤__%."""
    assert fake_predictor.suggest_targets(Indicator("森林火灾受害率"), "生态效益指标", k=1)["suggestions"][0]["unit"] == "‰"


def test_a_share_that_cannot_pass_100_percent_is_written_equal_to_it():
    """工程验收合格率 100% had become ≥100% (a helper's trial, 2026-12-01); 13 of the corpus's 18 such rows write =."""
    from training.model.suggest import completed

    suggestion = {"kind": "quantitative", "operator": "≥", "value": 95.0, "unit": "%"}
    assert completed(parse_target("100%"), suggestion, capped=True) == "=100%"
    assert completed(parse_target("100%"), suggestion) == "≥100%"  # 预算执行率 may pass 100%
    assert completed(parse_target("98%"), suggestion, capped=True) == "≥98%"


def test_a_capped_share_suggested_at_100_percent_is_equal_to_it(fake_predictor, monkeypatch):
    stub_evidence(fake_predictor, monkeypatch, "percent", "%", [(f"县{i}", "覆盖率", "≥100%") for i in range(4)])
    texts = [s["text"] for s in fake_predictor.suggest_targets(Indicator("营养改善计划覆盖率"), "质量指标", k=3)["suggestions"]]
    assert texts[0] == "=100%" and "≥100%" not in texts


@pytest.mark.parametrize(("name", "level2", "family", "unit"), [
    ("二氧化硫排放减少量", "生态效益指标", "weight", "吨"), ("耕地保有量", "数量指标", "area", "亩"),
    ("应急响应时间", "时效指标", "duration", "小时"), ("培训场次", "数量指标", "times", "场"),
    ("信息平台建设访问人流量", "质量指标", "person_times", "人次"),
])
def test_the_measure_of_names_a_second_trial_found_misread(fake_predictor, name, level2, family, unit):
    """A helper's verification (2026-12-01): 二氧化硫排放减少量 had got ≥__天, 耕地保有量 ≥100%, 应急响应时间 also
    12月31日前 and ≤__%, 培训场次 ≥__次, 访问人流量 ≥100%."""
    suggestions = fake_predictor.suggest_targets(Indicator(name), level2, k=3)["suggestions"]
    assert suggestions[0]["family"] == family and suggestions[0]["unit"].endswith(unit), suggestions[0]  # 万人次 too
    alternatives = fake_predictor.targets.lexicon.alternatives.get(family, frozenset())
    assert all(s["family"] in alternatives | {family} for s in suggestions), [s["text"] for s in suggestions]


def test_a_breakdown_is_a_harm_never_to_happen(fake_predictor):
    """核心业务系统的瘫痪次数 had got ≥__次."""
    assert fake_predictor.suggest_targets(Indicator("核心业务系统的瘫痪次数"), "质量指标", k=1)["suggestions"][0]["text"] == "=0次"


def test_a_share_one_project_worked_out_is_no_target_for_another(fake_predictor, monkeypatch):
    """义务教育巩固率 had got ≥90.91% from one kindergarten subsidy's 补贴覆盖民办幼儿园率 (10 of 11)."""
    written = [("某区教育局", "补贴覆盖民办幼儿园率", "≥90.91%")] * 3 + [("县1", "覆盖率", "≥95%"), ("县2", "覆盖率", "≥95%")]
    stub_evidence(fake_predictor, monkeypatch, "percent", "%", written)
    assert fake_predictor.suggest_targets(Indicator("义务教育巩固率"), "质量指标", k=1)["suggestions"][0]["text"] == "≥95%"
    stub_evidence(fake_predictor, monkeypatch, "percent", "%", written[:3])
    best = fake_predictor.suggest_targets(Indicator("义务教育巩固率"), "质量指标", k=1)["suggestions"][0]
    assert best["text"] == "≥__%" and best["placeholder"]


def test_a_scale_alone_or_one_publishers_price_unit_is_no_unit_of_a_standard(fake_predictor, monkeypatch):
    """失业保险金发放标准 had got =__元/平方米 from one kindergarten's rent, 高龄津贴发放标准 =__万."""
    stub_evidence(fake_predictor, monkeypatch, "unit_cost", "元/平方米", [("某区教育局", "房租补贴标准", "≤71.86元/平方米")] * 3)
    best = fake_predictor.suggest_targets(Indicator("失业保险金发放标准"), "经济成本指标", k=1)["suggestions"][0]
    assert best["unit"] != "元/平方米", best
    stub_evidence(fake_predictor, monkeypatch, "money", "万", [(f"县{i}", "补贴", "≤100万") for i in range(3)])
    assert all(s["unit"] != "万" for s in fake_predictor.suggest_targets(Indicator("高龄津贴发放总额"), "经济成本指标", k=3)["suggestions"])


def test_a_rate_of_harm_takes_no_ceiling_from_one_publisher(fake_predictor, monkeypatch):
    """安全事故发生率 had been offered ≤10% from one row (a third trial, 2026-12-01)."""
    stub_evidence(fake_predictor, monkeypatch, "percent", "%", [("某县", "事故发生率", "≤10%")] * 2)
    best = fake_predictor.suggest_targets(Indicator("安全事故发生率"), "质量指标", k=1)["suggestions"][0]
    assert best["text"] == "≤__%" and best["placeholder"], best


@pytest.mark.parametrize(("name", "level2"), [("PM2.5年均浓度", "生态效益指标"), ("门诊患者平均等待时间", "质量指标")])
def test_a_level_kept_low_takes_no_equals_from_the_rest_of_the_table(fake_predictor, name, level2):
    """PM2.5年均浓度 had become =__微克/立方米 because a count in its table was written =50个."""
    table = table_forms([(parse_target("=50个"), "数量指标"), (parse_target("=100%"), "质量指标")], fake_predictor.targets.lexicon)
    best = fake_predictor.suggest_targets(Indicator(name), level2, k=1, table=table)["suggestions"][0]
    assert best["operator"] == "≤", best


@pytest.mark.parametrize(("name", "expected"), [("特困人员供养标准", "="), ("文物保护单位修缮数量", "处")])
def test_a_third_trials_units_and_operators(fake_predictor, name, expected):
    lexicon = fake_predictor.targets.lexicon
    assert (lexicon.operator_cue(name).value if expected == "=" else lexicon.unit_choice(name, "count").value) == expected
    assert lexicon.local_level("农村自来水普及率") == "自来水普及"


@pytest.mark.parametrize(("name", "given", "warned"), [("数据备份频率", "每日1次", False), ("巡查次数", "每季度不少于2次", False),
                                                       ("项目完成时间", "每月1次", True)])
def test_a_frequency_counts_times(name, given, warned):
    """数据备份频率 每日1次 had been said to be in 时限 where the name counts times (a third trial, 2026-12-01)."""
    from training.domain.units import load_units
    from training.model.suggest import checked_target

    warning = checked_target(name, parse_target(given), load_units())[1]
    assert (warning is not None and "unit does not fit" in warning) == warned, warning


def test_funding_per_pupil_is_a_floor_and_its_standard_exact(fake_predictor):
    """义务教育小学生均公用经费 had been ≤780元/生/年: the 基准定额 is a minimum (a third trial, 2026-12-01)."""
    lexicon = fake_predictor.targets.lexicon
    assert lexicon.operator_cue("义务教育小学生均公用经费").value == "≥"
    assert lexicon.operator_cue("生均公用经费标准").value == "="
    assert lexicon.operator_cue("公用经费支出").value == "≤"


@pytest.mark.parametrize(("given", "warning"), [("100000%", "a share over 100%"), ("1e5", "a share over 100%")])
def test_a_target_that_cannot_be_meant_is_not_kept_even_once_completed(fake_predictor, given, warning):
    """森林覆盖率 100000% had been kept as ≥100000%, and 1e5 completed to it without a word (a final trial, 2026-12-01)."""
    answer = fake_predictor.suggest_targets(Indicator("森林覆盖率"), "生态效益指标", k=2, given_target=given)
    assert all("100000" not in s["text"] for s in answer["suggestions"]), answer["suggestions"]
    assert f"target {given!r}: {warning}" in answer["warnings"]


def test_a_ceiling_elsewhere_in_the_category_does_not_reverse_a_rate_to_reach(fake_predictor):
    """居民健康素养水平 (提升) had been given ≤__% because 孕产妇死亡率 ≤15/10万 sat in its category (a final trial)."""
    table = table_forms([(parse_target("≤15/10万"), "社会效益指标"), (parse_target("≤5‰"), "社会效益指标")],
                        fake_predictor.targets.lexicon)
    best = fake_predictor.suggest_targets(Indicator("居民健康素养水平"), "社会效益指标", k=1, table=table)["suggestions"][0]
    assert best["operator"] == "≥", best


def test_noise_is_in_decibels_kept_low_and_near_sightedness_is_a_harm(fake_predictor):
    """区域环境噪声 ≤55dB had become ≤55次 and ≤55分贝 ≤55%; 学生近视率 had got ≥90% (a final trial, 2026-12-01)."""
    assert parse_target("≤55dB").text == "≤55分贝"
    answer = fake_predictor.suggest_targets(Indicator("区域环境噪声"), "生态效益指标", k=2, given_target="≤55dB")
    assert answer["suggestions"][0]["text"] == "≤55分贝" and answer["warnings"] == []
    assert fake_predictor.suggest_targets(Indicator("区域环境噪声"), "生态效益指标", k=1)["suggestions"][0]["text"].startswith("≤")
    assert fake_predictor.targets.lexicon.operator_cue("学生近视率").value == "≤"


def test_a_share_over_a_whole_becomes_all_of_it_and_money_per_head_keeps_its_head(fake_predictor):
    """A trial: 工程验收合格率 ≥150% had been replaced by ≥90% (the writer meant all: =100%); 人均生活补助经费 89元 had
    become ≤89元 (=89元/人)."""
    from service.bulk import annotate
    from training.domain.records import IndicatorRow
    from training.model.suggest import completed

    assert completed(parse_target("89元"), {"kind": "quantitative", "operator": "=", "unit": "元/人"}) == "=89元/人"
    assert completed(parse_target("89万元"), {"kind": "quantitative", "operator": "≤", "unit": "元/人"}) == "≤89万元"
    answer = fake_predictor.suggest_targets(Indicator("工程验收合格率"), "质量指标", k=2, given_target="≥150%")
    best = answer["suggestions"][0]
    assert best["text"] == "=100%" and "超过100%" in best["why"] and "target '≥150%': a share over 100%" in answer["warnings"]
    row = IndicatorRow(source="t.csv", table=0, row=1, doc="d", level3="工程验收合格率", level1_raw="产出指标",
                       level2_raw="质量指标", target_raw="≥150%", target=parse_target("≥150%"))
    record = annotate([row], fake_predictor)[0]
    assert record["suggested_target"] == "=100%" and record["target_warning"]
    paid = fake_predictor.suggest_targets(Indicator("人均生活补助经费"), "经济成本指标", k=1, given_target="89元")
    assert paid["suggestions"][0]["text"] == "=89元/人", paid


def test_a_unit_cost_without_its_unit_is_weak_and_completed(fake_predictor):
    """每立方米清淤单价 ≤35 had passed as measurable (a unit cost was taken for a family without units, as 系数)."""
    from training.model.suggest import checked_target

    lexicon = fake_predictor.targets.lexicon
    assert checked_target("每立方米清淤单价", parse_target("≤35"), lexicon)[1] is not None
    assert checked_target("农田灌溉水有效利用系数", parse_target("≥0.6"), lexicon)[1] is None
    answer = fake_predictor.suggest_targets(Indicator("每立方米清淤单价"), "经济成本指标", k=1, given_target="≤35")
    assert answer["suggestions"][0]["text"] == "≤35元/立方米", answer


def test_a_name_that_names_no_share_gets_no_borrowed_percentage(fake_predictor):
    """群众出行条件 逐步完善 had been given ≥90%, 解决老年人就餐难问题 ≥95%: a percentage of nothing (an expert's judgement)."""
    for name in ("群众出行条件", "解决老年人就餐难问题"):
        best = fake_predictor.suggest_targets(Indicator(name), "社会效益指标", k=1)["suggestions"][0]
        if best["family"] == "percent":
            assert best["placeholder"] and best["value"] is None and "没有说明按什么比例衡量" in best["why"], best
    rate = fake_predictor.suggest_targets(Indicator("社会公众知晓率"), "社会效益指标", k=1)["suggestions"][0]
    assert rate["value"] is not None  # a name that says its share keeps the value similar rates give


@pytest.mark.parametrize(("name", "given"), [("防火物资购置成本", "≥80万元"), ("生均维修成本", "≥500元"), ("培训费用", "≥2万元")])
def test_a_floor_for_a_cost_is_the_wrong_direction(fake_predictor, name, given):
    """A trial: a cost written with ≥ was kept unwarned (as 投诉次数 ≥5次 is warned about); funding per pupil is a floor."""
    from training.model.suggest import WRONG_DIRECTION, checked_target

    lexicon = fake_predictor.targets.lexicon
    assert checked_target(name, parse_target(given), lexicon)[1] == WRONG_DIRECTION
    assert checked_target("生均公用经费", parse_target("≥800元"), lexicon)[1] is None
    answer = fake_predictor.suggest_targets(Indicator(name), "经济成本指标", k=1, given_target=given)
    assert answer["suggestions"][0]["operator"] == "≤" and f"target {given!r}: {WRONG_DIRECTION}" in answer["warnings"]


def test_a_cost_of_nothing_and_units_per_lamp_and_minutes_for_fires(fake_predictor):
    """A trial: 项目总成本 ≤0万元 was kept unwarned, 单盏路灯年维护成本 got ≤__万元, 火情处置响应时间 ≤30 became ≤30小时."""
    from training.model.suggest import ZERO_COST, checked_target

    lexicon = fake_predictor.targets.lexicon
    assert checked_target("项目总成本", parse_target("≤0万元"), lexicon)[1] == ZERO_COST
    assert checked_target("安全事故发生次数", parse_target("=0次"), lexicon)[1] is None
    assert lexicon.unit_choice("单盏路灯年维护成本", "unit_cost").value == "元/盏"
    assert lexicon.unit_choice("火情处置响应时间", "duration").value == "分钟"
    answer = fake_predictor.suggest_targets(Indicator("项目总成本"), "经济成本指标", k=1, given_target="≤0万元")
    assert answer["suggestions"][0]["text"] != "≤0万元" and f"target '≤0万元': {ZERO_COST}" in answer["warnings"]


def test_a_social_cost_without_a_measure_is_stated_in_words(fake_predictor):
    """对周边居民生活影响程度 (社会成本指标) had got ≥90% (an expert's judgement: 无明显影响 expected); a benefit's 影响 is not
    a cost's condition."""
    best = fake_predictor.suggest_targets(Indicator("对周边居民生活影响程度"), "社会成本指标", k=1)["suggestions"][0]
    assert (best["text"], best["kind"]) == ("无明显不利影响", "qualitative") and "2021年指引" in best["why"]
    benefit = fake_predictor.suggest_targets(Indicator("对当地经济发展的影响"), "经济效益指标", k=1)["suggestions"][0]
    assert benefit["text"] != "无明显不利影响"


def test_a_name_ending_in_what_cannot_be_counted_gets_its_checkable_form_in_any_category(fake_predictor):
    """…应急管理体系 filed under 时效指标 had got ≥100% (a project suggestion, 2026-12-01): 建立并运行 whatever the category;
    a rate of it is still a rate."""
    name = "建立并及时完善进出境重大动物疫情应急管理体系"
    assert fake_predictor.suggest_targets(Indicator(name), "时效指标", k=1)["suggestions"][0]["text"] == "建立并运行"
    assert fake_predictor.suggest_targets(Indicator("管理制度执行率"), "质量指标", k=1)["suggestions"][0]["family"] == "percent"


def test_a_share_the_law_requires_whole_is_all_of_it(fake_predictor):
    """病死畜禽无害化处理率 had got ≥90% from similar rates (动物防疫法 requires the whole)."""
    best = fake_predictor.suggest_targets(Indicator("病死畜禽无害化处理率"), "质量指标", k=1)["suggestions"][0]
    assert best["text"] == "=100%" and "法律法规" in best["why"]
