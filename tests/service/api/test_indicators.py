"""/v1/classify, /v1/targets/suggest, /v1/indicators/suggest: answers and 4xx for bad input."""

from __future__ import annotations

import re

import pytest


def test_classify(client):
    response = client.post("/v1/classify", json={"items": [{"name": "资金拨付及时率"}, {"name": "群众满意度", "level1": "产出指标", "level2": "数量指标"}]})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] and len(body["results"]) == 2
    assert body["results"][1]["published_level2"] == "数量指标"
    assert response.headers["X-Request-ID"]


def test_classify_with_targets_in_one_call(client):
    body = client.post("/v1/classify", json={"items": [{"name": "培训人次", "year": 2026}], "with_targets": True, "k_targets": 2}).json()
    targets = body["results"][0]["targets"]
    assert 1 <= len(targets["suggestions"]) <= 2 and targets["suggestions"][0]["text"]


def test_target_and_indicator_suggestions(client):
    targets = client.post("/v1/targets/suggest", json={"name": "培训人员合格率", "k": 2}).json()
    assert 1 <= len(targets["suggestions"]) <= 2
    indicators = client.post("/v1/indicators/suggest", json={"project": "农村实用人才培训", "k": 6}).json()
    assert len(indicators["groups"]) == 6


def test_a_target_suggestion_says_its_unit_family_value_spread_and_sources(client):
    body = client.post("/v1/targets/suggest", json={"name": "新建高标准农田面积", "year": 2025, "k": 3}).json()
    best = body["suggestions"][0]
    assert body["family"] == "area" and best["family"] == "area" and best["family_label"] == "面积" and best["unit"] == "亩"
    assert best["placeholder"] == (best["value"] is None)
    assert best["why"] and all(e["source"] for e in best["examples"])
    deadline = client.post("/v1/targets/suggest", json={"name": "项目完工时间", "year": 2025}).json()["suggestions"][0]
    assert (deadline["kind"], deadline["text"]) == ("deadline", "2025年12月31日前")


def test_classify_with_targets_uses_the_year_for_deadlines(client):
    body = client.post("/v1/classify", json={"items": [{"name": "项目完成时限", "year": 2026}], "with_targets": True}).json()
    assert body["results"][0]["targets"]["suggestions"][0]["text"] == "2026年12月31日前"


# A table that writes "=" for what it plans (郑州市's tables: =30个, =100%) gives its other rows "=" too.
PLANNED_TABLE = [{"target": "=30个", "level2": "数量指标"}, {"target": "=220期", "level2": "数量指标"},
                 {"target": "=100%", "level2": "质量指标"}, {"target": "=100%", "level2": "质量指标"}]


def test_the_tables_other_rows_set_the_operator_of_a_suggestion(client):
    alone = client.post("/v1/targets/suggest", json={"name": "培训计划完成率", "level2": "质量指标"}).json()["suggestions"][0]
    body = client.post("/v1/targets/suggest", json={"name": "培训计划完成率", "level2": "质量指标", "table": PLANNED_TABLE}).json()
    in_table = body["suggestions"][0]
    assert alone["operator"] == "≥"
    assert (in_table["operator"], in_table["text"]) == ("=", "=100%") and "同一表格" in in_table["why"]


def test_classify_with_targets_takes_the_table_and_the_filed_category(client):
    item = {"name": "举办培训班次数", "level2": "数量指标"}
    body = client.post("/v1/classify", json={"items": [item], "with_targets": True, "table": PLANNED_TABLE}).json()
    targets = body["results"][0]["targets"]
    assert targets["level2"] == "数量指标" and targets["suggestions"][0]["operator"] == "="
    plain = client.post("/v1/classify", json={"items": [item], "with_targets": True}).json()["results"][0]["targets"]
    assert plain["suggestions"][0]["operator"] == "≥"


def test_unfilled_table_rows_are_skipped(client):
    table = [{"target": None, "level2": "数量指标"}, {"level2": "质量指标"}, {"target": ""}, *PLANNED_TABLE]
    body = client.post("/v1/targets/suggest", json={"name": "培训达标率", "level2": "质量指标", "table": table})
    assert body.status_code == 200 and body.json()["suggestions"][0]["text"] == "=100%"


@pytest.mark.parametrize("table", [[{"target": 5}], [{"target": "=1个", "extra": 1}], "=1个",
                                   [{"target": "=1个"}] * 501])
def test_a_bad_table_gets_422(client, table):
    response = client.post("/v1/targets/suggest", json={"name": "培训人数", "table": table})
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_project_suggestions_count_k_in_all_with_targets(client):
    body = client.post("/v1/indicators/suggest", json={"project": "高标准农田建设", "k": 12, "year": 2025}).json()
    indicators = [i for g in body["groups"] for i in g["indicators"]]
    assert all(g["indicators"] for g in body["groups"])
    # k is the most: fewer come back when fewer relate to the project, and the answer says so
    assert len(indicators) == 12 or (len(indicators) < 12 and body["warnings"][0].startswith(f"only {len(indicators)} indicators"))
    assert all(i["suggested_target"] and i["target"]["text"] == i["suggested_target"] and i["why"] for i in indicators)
    assert body["similar_projects"]


@pytest.mark.parametrize(
    ("payload", "status", "code", "message"),
    [
        (b'{"items": [{"name": "x"', 422, "INVALID_JSON", "JSON"),
        ({"items": [{"description": "no name"}]}, 422, "VALIDATION_ERROR", "name"),
        ({"items": [{"name": "   "}]}, 422, "VALIDATION_ERROR", "name"),
        ({"items": [{"name": 12}]}, 422, "VALIDATION_ERROR", "name"),
        ({"items": [{"name": "长" * 100_000}]}, 422, "VALIDATION_ERROR", "name"),
        ({"items": [{"name": "a"}] * 51}, 413, "TOO_MANY_ITEMS", "at most 50"),
        ({"items": []}, 422, "VALIDATION_ERROR", "items"),
        ({"items": [{"name": "a", "unknown": 1}]}, 422, "VALIDATION_ERROR", "unknown"),
        ({"items": [{"name": "a", "year": "2025"}]}, 422, "VALIDATION_ERROR", "year"),
        ({"items": [{"name": "a"}], "with_targets": 1}, 422, "VALIDATION_ERROR", "with_targets"),
    ],
)
def test_bad_json_gets_4xx_with_code_and_message(client, payload, status, code, message):
    if isinstance(payload, bytes):
        response = client.post("/v1/classify", content=payload, headers={"content-type": "application/json"})
    else:
        response = client.post("/v1/classify", json=payload)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and message in error["message"] and error["message_zh"]


def test_a_published_label_no_framework_has_is_flagged_for_review(client):
    body = {"items": [{"name": "资金拨付及时率", "level2": "胡说指标"}, {"name": "资金拨付及时率", "level2": "时效指标"}]}
    unknown, known = client.post("/v1/classify", json=body).json()["results"]
    assert unknown["needs_review"] and "published label not in the taxonomy" in unknown["review_reasons"]
    assert "published label not in the taxonomy" not in known["review_reasons"]


def test_a_project_unlike_any_historical_one_is_said_to_be_a_loose_fit(client):
    known = client.post("/v1/indicators/suggest", json={"project": "乡村道路建设养护项目"}).json()
    assert known["similar_projects"][0]["project"] == "乡村道路建设养护项目"
    # close: no loose-fit warning (fewer than k may relate: then it says only that)
    assert all(w.startswith("only ") for w in known["warnings"]), known["warnings"]
    unknown = client.post("/v1/indicators/suggest", json={"project": "量子引力波望远镜阵列运维"}).json()
    assert any("no historical project is close" in w for w in unknown["warnings"])
    composed = [i for g in unknown["groups"] for i in g["indicators"] if i["composed"]]
    assert len(composed) == 6 and all(i["name"].startswith("量子引力波望远镜阵列运维") for i in composed)
    # the close project has three rows: its own come after the sector's common indicators (道路), which lead each group
    assert "乡村道路建设养护里程" in {i["name"] for g in known["groups"] for i in g["indicators"]}
    assert all(g["indicators"][0]["source"] == "行业常用指标（公路养护与建设）" for g in known["groups"])


def test_a_given_value_without_operator_and_unit_is_kept(client):
    body = client.post("/v1/targets/suggest", json={"name": "参赛学生数量", "target": "2500", "k": 2}).json()
    best = body["suggestions"][0]
    assert best["value"] == 2500 and best["text"][1:] == "2500人" and best["text"][0] in "≥≤=" and "保留填写的数值" in best["why"]
    assert len(body["suggestions"]) <= 2 and any("no operator" in w for w in body["warnings"])


def test_a_large_classify_request_runs_in_the_tables_lane(client, monkeypatch):
    used = []
    for lane, pool in client.app.state.pools.items():
        async def run(key, call, lane=lane, original=pool.run):
            used.append(lane)
            return await original(key, call)

        monkeypatch.setattr(pool, "run", run)
    many = client.app.state.settings.api_single_max_items + 1
    assert client.post("/v1/classify", json={"items": [{"name": f"培训人数{i}"} for i in range(many)]}).status_code == 200
    assert client.post("/v1/classify", json={"items": [{"name": "培训人数"}]}).status_code == 200
    assert used == ["tables", "single"]


def test_targets_name_their_category_in_the_requested_framework(client):
    body = client.post("/v1/classify", json={"items": [{"name": "道路维修成本"}], "framework": "2015", "with_targets": True}).json()
    result = body["results"][0]
    assert result["targets"]["level2"] == result["level2"]


def test_reasons_and_warnings_come_in_chinese_too(client):
    classified = client.post("/v1/classify", json={"items": [{"name": "率"}]}).json()["results"][0]
    assert classified["review_reasons"] and len(classified["review_reasons_zh"]) == len(classified["review_reasons"])
    assert all(not r.startswith("其他：") and re.search("[\u4e00-\u9fff]", r) for r in classified["review_reasons_zh"])
    body = client.post("/v1/targets/suggest", json={"name": "绿化面积", "level2": "胡说", "target": "有所提高"}).json()
    assert len(body["warnings_zh"]) == len(body["warnings"]) >= 2
    assert all(not w.startswith("其他：") for w in body["warnings_zh"]), body["warnings_zh"]
    assert "类别“胡说”不在指标体系中" in body["warnings_zh"][0] and "指标值“有所提高”：表述模糊" in body["warnings_zh"][1]
    project = client.post("/v1/indicators/suggest", json={"project": "月球基地氦三开采", "k": 6}).json()
    assert len(project["warnings_zh"]) == len(project["warnings"])
    assert all(w.startswith("没有相近的历史项目") for w in project["warnings_zh"])


def test_a_given_target_is_checked_as_a_bulk_job_checks_it(client):
    area = client.post("/v1/targets/suggest", json={"name": "绿化面积", "target": "95%"}).json()
    assert not area["suggestions"][0]["text"].endswith("%") and "does not fit" in area["warnings"][0]
    assert area["warnings_zh"][0] == "指标值“95%”：单位与名称不符：指标值按比例计，名称表示面积"
    assert sum("does not fit" in w for w in area["warnings"]) == 1
    cost = client.post("/v1/targets/suggest", json={"name": "施工扬尘和噪声", "level2": "生态环境成本指标",
                                                    "target": "符合环保部门要求"}).json()
    assert cost["suggestions"][0]["text"] == "符合环保部门要求" and cost["suggestions"][0]["kind"] == "qualitative"


def test_a_measurable_given_target_is_kept_first(client):
    """It was dropped without a word: ≥800人次 came back as =25人次, 11月底前 as 2024年12月31日前."""
    for name, target, kept in [("培训人次", "≥ 800 人次", "≥800人次"), ("资金拨付时间", "11月底前", "11月底前"),
                               ("投诉办结时限", "30个工作日内", "≤30个工作日")]:
        body = client.post("/v1/targets/suggest", json={"name": name, "target": target, "year": 2024, "k": 2}).json()
        best = body["suggestions"][0]
        assert best["text"] == kept and best["why"].startswith("保留填写的指标值") and body["warnings"] == [], body
        assert len(body["suggestions"]) == 2 and body["suggestions"][1]["text"] != kept


def test_a_target_for_a_name_without_words_is_not_suggested(client):
    """A newcomer's trial: 。，！？ had got 12月31日前 with no warning."""
    response = client.post("/v1/targets/suggest", json={"name": "。，！？"})
    assert response.status_code == 200
    body = response.json()
    assert body["suggestions"] == [] and body["warnings_zh"] == ["名称“。，！？”：只有数字或符号，没有文字"]


def test_a_project_without_words_gets_no_indicators(client):
    """A second trial: 。，！？ and 😀😀 as a project had got twelve indicators of an arbitrary project."""
    for project in ("。，！？", "😀😀"):
        body = client.post("/v1/indicators/suggest", json={"project": project}).json()
        assert all(g["indicators"] == [] for g in body["groups"]) and len(body["groups"]) == 6
        assert body["warnings_zh"] == [f"项目名称“{project}”：只有数字或符号，没有文字"]


def test_the_target_route_names_the_category_as_classify_shows_it(client):
    """长效管理机制建立 had come back as 可持续影响指标, a 2015-only category (a newcomer's trial, 2026-12-01)."""
    body = client.post("/v1/targets/suggest", json={"name": "长效管理机制建立", "level2": "可持续影响指标"}).json()
    assert body["level2"] == "社会效益指标"
    assert all(e["level2"] != "可持续影响指标" for s in body["suggestions"] for e in s["examples"])


@pytest.mark.parametrize(("project", "said"), [("路", "太短"), ("Road maintenance project", "不含中文")])
def test_a_project_name_that_is_no_name_is_said_to_be_so(client, project, said):
    """路 and an English name had got twelve indicators without a word (a newcomer's trial, 2026-12-01)."""
    body = client.post("/v1/indicators/suggest", json={"project": project}).json()
    assert any(w.startswith(f"project {project!r}") for w in body["warnings"])
    assert any(said in w and "项目名称" in w and "指标名称" not in w for w in body["warnings_zh"]), body["warnings_zh"]


def test_project_suggestions_name_the_sector_that_leads(client):
    """A final trial: `sectors` (library sectors) was [] while a sector's indicators led every group; `sector` names it."""
    body = client.post("/v1/indicators/suggest", json={"project": "老年人助餐服务", "year": 2026}).json()
    assert body["sector"] == "养老服务" and all(g["indicators"][0]["source"] == "行业常用指标（养老服务）" for g in body["groups"])
    assert client.post("/v1/indicators/suggest", json={"project": "量子引力波望远镜阵列运维"}).json()["sector"] is None
