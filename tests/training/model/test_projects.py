"""Project suggestions on the fake-encoder model: k in all, the six groups covered, targets, sources."""

from __future__ import annotations

import collections

import pytest

from training.model.projects import CLOSE_PROJECT, REQUIRED_GROUPS


@pytest.mark.parametrize("k", [6, 12, 20])
def test_k_is_the_total_and_every_group_is_covered(fake_predictor, k):
    """k at most: an unrelated indicator is no filler, and fewer than k are said to be fewer."""
    answer = fake_predictor.suggest_indicators("高标准农田建设项目", k=k, year=2025)
    indicators = [i for g in answer["groups"] for i in g["indicators"]]
    assert len(indicators) == k or (len(indicators) < k and answer["warnings"][0].startswith(f"only {len(indicators)} "))
    k = len(indicators)
    assert [g["group"] for g in answer["groups"]] == [name for name, _ in REQUIRED_GROUPS]
    assert all(g["indicators"] for g in answer["groups"])
    assert len({i["name"] for i in indicators}) == k


def test_each_indicator_has_a_target_a_source_and_a_reason(fake_predictor):
    answer = fake_predictor.suggest_indicators("青少年科技创新大赛", goal="组织全市中小学生参赛", year=2025)
    for group in answer["groups"]:
        for indicator in group["indicators"]:
            assert indicator["suggested_target"] and indicator["target"]["text"] == indicator["suggested_target"]
            assert indicator["source"] and indicator["why"]
    assert answer["similar_projects"] and answer["similar_projects"][0]["source"]


def test_a_project_like_a_library_sector_draws_on_it(fake_predictor):
    answer = fake_predictor.suggest_indicators("会议培训", k=12)
    assert answer["sectors"]
    names = {i["name"] for g in answer["groups"] for i in g["indicators"]}
    assert len(names) == 12


def test_different_projects_get_different_indicators(fake_predictor):
    first = {i["name"] for g in fake_predictor.suggest_indicators("科普活动专项经费")["groups"] for i in g["indicators"]}
    second = {i["name"] for g in fake_predictor.suggest_indicators("检验检疫专项业务费")["groups"] for i in g["indicators"]}
    assert len(first & second) < len(first) / 2


def test_no_sub_item_fragment_and_a_historical_cost_keeps_its_own_measure(fake_predictor, monkeypatch):
    from training.domain.targets import parse_target
    from training.model.projects import _suggestable

    rows = fake_predictor.references.records
    assert not _suggestable(rows[0].__class__(source="s", table=0, row=0, doc="d", level3="其中大棚蔬菜"))
    for template in ("推动**产业发展（如：外源污染物快检产品、疫苗）", "项目获得**奖励"):
        assert not _suggestable(rows[0].__class__(source="s", table=0, row=0, doc="d", level3=template))
    for project in ("高标准农田建设项目", "设施农业种植培训"):
        answer = fake_predictor.suggest_indicators(project, k=20, year=2025)
        indicators = [i for g in answer["groups"] for i in g["indicators"]]
        assert not any(i["name"].startswith(("其中", "含")) for i in indicators)
    # a row published as a cost in 元/人 is suggested in 元/人, whatever its name reads like
    suggester = fake_predictor.indicators
    j = next(j for j, r in enumerate(rows) if r.target.unit == "元/人" and r.target.operator)
    entry = {"row": rows[j], "index": j, "from": set(), "score": 1.0}
    indicator = suggester._indicator(entry, 2025)
    assert indicator["target"]["family"] == "unit_cost" and parse_target(indicator["suggested_target"]).unit == "元/人"


def test_a_row_the_expert_refiled_is_suggested_under_the_experts_category(fake_predictor, monkeypatch):
    """粮食安全事件发生数 was published as a 满意度 indicator and suggested under 满意度指标."""
    from training.domain.judgements import load_hard_cases
    from training.model.projects import ProjectIndex

    suggester = fake_predictor.indicators
    index = ProjectIndex.build(suggester.references, fake_predictor.encoder, load_hard_cases())
    rows = suggester.references.records
    j = next(j for j, r in enumerate(rows) if r.level3 == "因粮食市场波动引起的粮食安全事件发生数")
    assert rows[j].level2 == "服务对象满意度指标" and index.level2_of(j, rows[j]) == "社会效益指标"
    assert len(index.reviewed) >= 20
    assert all(index.level2_of(i, row) == row.level2 for i, row in enumerate(rows) if i not in index.reviewed)
    monkeypatch.setattr(suggester, "projects", index)
    entry = {"row": rows[j], "index": j, "from": set(), "score": 1.0}
    assert suggester._indicator(entry, 2025)["level2"] == "社会效益指标"


def test_a_yes_no_question_gets_yes(fake_predictor):
    from training.domain.records import Indicator

    for name in ("是否提高农村科普工作", "资金是否全部纳入医保统筹"):
        suggestions = fake_predictor.suggest_targets(Indicator(name), k=3)["suggestions"]
        assert [s["text"] for s in suggestions] == ["是"], suggestions  # answered, not also counted


def _indicators(answer: dict) -> list[dict]:
    return [i for g in answer["groups"] for i in g["indicators"]]


def test_a_project_unlike_any_gets_indicators_composed_from_its_own_name(fake_predictor):
    """No historical project is close: each group's first indicator names the project's object, the rest are historical."""
    answer = fake_predictor.suggest_indicators("远洋渔船北斗终端更新改造项目", k=12, year=2025)
    assert any("composed" in w for w in answer["warnings"])
    indicators = _indicators(answer)
    for group in answer["groups"]:
        first = group["indicators"][0]
        assert first["composed"] is True and first["name"].startswith("远洋渔船北斗终端更新改造")
        assert first["support"] == 0 and first["from_project"] is None and "按项目名称组成" in first["source"]
    by_name = {i["name"]: i for i in indicators}
    accepted = by_name["远洋渔船北斗终端更新改造验收合格率"]
    assert accepted["level2"] == "质量指标" and accepted["target"]["family"] == "percent" and accepted["target"]["value"] is not None
    cost = by_name["远洋渔船北斗终端更新改造总成本"]
    # the project's own scale: the unit and the operator, never another project's amount
    assert cost["level1"] == "成本指标" and cost["suggested_target"] == "≤__万元" and cost["target"]["placeholder"] is True
    people = by_name["远洋渔船北斗终端更新改造受益人数"]
    assert people["suggested_target"] == "≥__人" and "规模" in people["target"]["why"]


@pytest.mark.parametrize("k", [1, 3, 6, 7, 20])
def test_composed_indicators_keep_k_the_total(fake_predictor, k):
    answer = fake_predictor.suggest_indicators("远洋渔船北斗终端更新改造项目", k=k)
    indicators = _indicators(answer)
    assert len(indicators) <= k and len({i["name"] for i in indicators}) == len(indicators)
    assert len(indicators) == k or answer["warnings"][0].startswith(f"only {len(indicators)} ")
    from training.domain.templates import load_templates

    # the first of each group's composed names lead it; more of them fill places no related indicator takes
    first = load_templates().compose("远洋渔船北斗终端更新改造项目", per_group=(max(1, k // 6) + 1) // 2)[:k]
    assert [name for _, name in first] == [i["name"] for i in indicators if i.get("composed")][: len(first)] or k < 6


def test_a_project_with_close_history_or_no_object_gets_none_composed(fake_predictor):
    close = fake_predictor.suggest_indicators("科普活动专项经费", k=12)
    assert not close["warnings"] and not any(i.get("composed") for i in _indicators(close))
    nothing = fake_predictor.suggest_indicators("专项经费", k=12)  # what pays, not what is done: nothing relates to it
    assert not any(i.get("composed") for i in _indicators(nothing))
    assert nothing["warnings"][0].startswith(f"only {len(_indicators(nothing))} indicators relate")


def test_composing_can_be_switched_off(fake_predictor):
    from training.model.projects import IndicatorSuggester

    suggester = fake_predictor.indicators
    never = IndicatorSuggester(suggester.references, suggester.taxonomy, suggester.targets, suggester.projects, composed="never")
    encode = lambda names: fake_predictor.encoder.encode(names, "query")  # noqa: E731
    vector = encode(["远洋渔船北斗终端更新改造项目"])[0]
    assert not any(i.get("composed") for i in _indicators(never.suggest("远洋渔船北斗终端更新改造项目", vector, encode=encode)))
    assert not any(i.get("composed") for i in _indicators(suggester.suggest("远洋渔船北斗终端更新改造项目", vector)))  # no encoder


def test_a_year_a_place_or_fund_words_do_not_make_projects_alike(fake_predictor):
    """2025年高标准农田建设项目 had been closest to 同心县2025年设施农业技术培训项目 by the year alone, and got no warning;
    a second trial found the county (同心县…污水治理) and fund words (禁毒专项经费 ~ 科技专项经费) doing the same."""
    from training.model.projects import project_query

    # what the project works on: no year, place or fund words (a county and 专项经费 had made projects alike too)
    assert project_query("2025年高标准农田建设项目") == "高标准农田建设"
    assert project_query("同心县2025年设施农业技术培训项目") == "设施农业技术培训"
    assert project_query("同心县2025年农村生活污水治理项目") == "农村生活污水治理"
    assert project_query("禁毒专项经费") == "禁毒"
    assert project_query("2024-2025年度校舍维修", "改善办学条件") == "校舍维修：改善办学条件"
    assert project_query("2025年") == "2025年"  # nothing else to compare by
    with_year = fake_predictor.suggest_indicators("2025年远洋渔船北斗终端更新改造项目", k=12)
    without = fake_predictor.suggest_indicators("远洋渔船北斗终端更新改造项目", k=12)
    assert with_year["similar_projects"] == without["similar_projects"] and bool(with_year["warnings"]) == bool(without["warnings"])


@pytest.mark.parametrize("name", ["2020年全年。", "严控成本,严格按照项目资金落实各项工作,不扩大,不增债", "是否满意？",
                                  "完成开发区工委、管委下达的安置小区物业费清算任务,指导小区物业开展文明创建等工作"])
def test_a_sentence_is_not_suggested_as_an_indicator(fake_predictor, name):
    from training.model.projects import _suggestable

    row = fake_predictor.references.records[0].__class__(source="s", table=0, row=0, doc="d", level3=name)
    assert not _suggestable(row)
    assert _suggestable(row.__class__(source="s", table=0, row=0, doc="d", level3="培训人次、场次"))  # one comma: a pair


def test_a_sectors_common_indicators_lead_and_unrelated_ones_give_way(fake_predictor):
    """A helper's trial (2026-12-01): 困难群众救助 had got 核心业务系统的瘫痪次数 and 工伤预防宣传费, 农村公路养护 农村实用人才培养."""
    from training.domain.templates import load_templates

    templates = load_templates()
    for project in ("困难群众救助", "农村公路养护", "2025年森林防火专项经费"):
        answer = fake_predictor.suggest_indicators(project, k=12, year=2025)
        indicators = _indicators(answer)
        assert 7 <= len(indicators) <= 12 and len({i["name"] for i in indicators}) == len(indicators)
        assert all(g["indicators"][0]["source"].startswith("行业常用指标") for g in answer["groups"]), project
        background = fake_predictor.targets.background
        close = background["p95"] + CLOSE_PROJECT * (1.0 - background["p95"])
        assert all(s["similarity"] >= close for s in answer["sectors"])  # 培训类项目 had been listed for 农村公路养护
        words = templates.content_bigrams(project)
        for indicator in indicators:
            if not indicator.get("composed"):
                close = indicator["support"] > 0 and not any("no historical project is close" in w for w in answer["warnings"])
                assert close or len(set("".join(words & templates.content_bigrams(indicator["name"])))) >= 4, (project, indicator["name"])
    fire = {i["name"]: i for i in _indicators(fake_predictor.suggest_indicators("2025年森林防火专项经费", k=12, year=2025))}
    rate = fire["森林火灾受害率"]["target"]
    assert (rate["text"], rate["operator"], rate["value"], rate["unit"], rate["placeholder"]) == ("≤0.9‰", "≤", 0.9, "‰", False)
    area = fire["防火巡护面积"]["target"]
    assert area["text"] == "≥__亩" and area["placeholder"] and area["value"] is None


def test_a_close_project_of_another_sector_gives_way_and_composed_measures_agree(fake_predictor):
    """A trial (2026-12-01): 消防救援装备购置 had got the whole of a 科协's 设备购置 table (科技工作者满意度, 提升公民科学素质),
    and 任务完成率 / 工作达标率 composed from five projects' names had five figures (≥100%, ≥95%, =100%, ≥98%)."""
    answer = fake_predictor.suggest_indicators("消防救援装备购置", k=12, year=2026)
    names = {i["name"] for i in _indicators(answer)}
    assert all(g["indicators"][0]["source"] == "行业常用指标（消防救援）" for g in answer["groups"])
    assert not names & {"科技工作者满意度", "提升公民科学素质", "服务政府科学决策"}, names
    own = fake_predictor.suggest_indicators("科普活动专项经费", k=12)  # a close project of the same sector keeps its table
    assert not any(i.get("composed") for i in _indicators(own))
    from training.domain.templates import load_templates

    # 服务对象满意度 after 基层公共文化服务 is written 对象满意度 (not said twice)
    suffixes = sorted({t.suffix for t in load_templates().templates} | {"对象满意度"}, key=len, reverse=True)
    figures = collections.defaultdict(set)
    for project in ("远洋渔船北斗终端更新改造项目", "量子引力波望远镜阵列运维", "检疫犬经费"):
        for indicator in _indicators(fake_predictor.suggest_indicators(project, k=12, year=2026)):
            if indicator.get("composed") and indicator["source"] == "按项目名称组成":
                measure = next(m for m in suffixes if indicator["name"].endswith(m))
                figures[measure].add(indicator["suggested_target"])
    assert figures and all(len(texts) == 1 for texts in figures.values()), figures


def test_a_composed_head_count_does_not_repeat_the_sectors(fake_predictor):
    """老年人助餐服务受益人数 beside 服务老年人人数, 困难群众临时救助受益人数 beside 救助人数 (an expert's judgement)."""
    for project, sector_count in (("老年人助餐服务", "服务老年人人数"), ("困难群众临时救助", "救助人数")):
        names = [i["name"] for i in _indicators(fake_predictor.suggest_indicators(project, k=12, year=2026))]
        assert sector_count in names and not any(n.endswith("受益人数") for n in names), names


def test_no_name_built_filler_beside_a_sectors_own_indicators(fake_predictor):
    """A second judgement: X任务完成率 and X完成及时率 in every project, beside the sector's own count and deadline."""
    for project in ("老年人助餐服务", "消防救援装备购置", "城市道路照明维护"):
        answer = fake_predictor.suggest_indicators(project, k=12, year=2026)
        assert not any(i["source"] == "按项目名称组成" for i in _indicators(answer)), project
        assert all(g["indicators"] for g in answer["groups"])  # the sector still covers every group
    loose = fake_predictor.suggest_indicators("量子引力波望远镜阵列运维", k=12)  # no sector: its own name's measures
    assert any(i["source"] == "按项目名称组成" for i in _indicators(loose))
