"""The real model (e5 encoder, trained on the project's corpus) behind the real server over loopback.

Slow: trains once per session (a minute or two) and starts uvicorn on a loopback port.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conftest import YUTIAN
from tests.live_server import running_server
from training.lifecycle import bundle as bundles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def predictor(models_root):
    from service.predictor import load_predictor

    return load_predictor(models_root=models_root)


def test_real_model_card(models_root):
    metadata = bundles.verify_bundle(models_root / bundles.current_version(models_root))
    assert metadata["encoder"]["dim"] == 384
    assert metadata["training_data"]["rows"] > 1200 and metadata["training_data"]["relabelled_by_expert"] > 10


def test_clear_cases(predictor):
    from training.domain.records import Indicator

    results = predictor.classify([Indicator("资金拨付及时率"), Indicator("社会公众满意度"), Indicator.from_text("培训人次", target="≥300人次")])
    assert [r["level2"] for r in results] == ["时效指标", "服务对象满意度指标", "数量指标"]
    assert all(r["confidence"] > 0.4 for r in results)


@pytest.fixture(scope="session")
def server(models_root):
    with running_server(models_root, max_upload_bytes=str(2 * 1024 * 1024), max_items="50") as base:
        yield base


def test_classify_and_upload_over_http(server):
    response = httpx.post(server + "/v1/classify", json={"items": [{"name": "资金拨付及时率"}]})
    assert response.status_code == 200 and response.json()["results"][0]["level2"] == "时效指标"
    upload = httpx.post(server + "/v1/tables/classify", files={"file": ("yutian.txt", YUTIAN.read_bytes())}, timeout=60)
    assert upload.status_code == 200 and upload.json()["summary"]["rows"] == 36


def test_new_model_is_picked_up_and_broken_one_is_not(server, models_root):
    from training.lifecycle.train import train

    before = httpx.get(server + "/v1/model").json()["version"]
    broken = bundles.save_bundle({"model": None}, {"data_digest": "broken", "encoder": {"fingerprint": "nope"}}, models_root, version="zz-broken")
    bundles._point(models_root, bundles.CURRENT, broken.name)
    assert "error" in httpx.post(server + "/v1/admin/reload").json()
    assert httpx.get(server + "/v1/model").json()["version"] == before
    assert httpx.post(server + "/v1/classify", json={"items": [{"name": "预算执行率"}]}).status_code == 200
    bundles._point(models_root, bundles.CURRENT, before)
    newer = train(models_root=models_root, evaluate=False, version="zz-newer")
    deadline = time.time() + 60
    while time.time() < deadline and httpx.get(server + "/v1/model").json()["version"] != newer.name:
        assert httpx.post(server + "/v1/classify", json={"items": [{"name": "预算执行率"}]}).status_code == 200
        time.sleep(0.5)
    assert httpx.get(server + "/v1/model").json()["version"] == newer.name


@pytest.mark.parametrize(("name", "family"), [("新建高标准农田面积", "area"), ("农村公路新改建里程", "length"), ("项目完工时间", "deadline"),
                                              ("人均补助标准", "unit_cost"), ("办案数量", "count"), ("培训人数", "people")])
def test_the_issue_form_plugin_examples_with_the_real_model(predictor, name, family):
    from training.domain.records import Indicator

    answer = predictor.suggest_targets(Indicator(name), k=3, year=2025)
    best = answer["suggestions"][0]
    assert best["family"] == family, answer
    assert best["kind"] == ("deadline" if family == "deadline" else "quantitative")
    if family != "deadline":
        assert predictor.targets.lexicon.family_of_unit(best["unit"]) == family and best["unit"] != "%"
