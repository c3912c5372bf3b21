"""The trained model and the real HTTP server, on a model trained from the project's corpus.

Slow: trains once per session (about half a minute) and starts uvicorn on a loopback port.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import YUTIAN
from tests.live_server import running_server
from training.lifecycle import bundle as bundles
from training.model.features import Item

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def models_root(tmp_path_factory) -> Path:
    from training.lifecycle.train import train

    root = tmp_path_factory.mktemp("models")
    train(models_root=root, progress=False)
    return root


@pytest.fixture(scope="session")
def predictor(models_root):
    from training.lifecycle.train import load_predictor

    loaded, _ = load_predictor(models_root=models_root)
    return loaded


def test_bundle_is_complete_and_current(models_root):
    version = bundles.current_version(models_root)
    metadata = bundles.verify_bundle(models_root / version)
    assert metadata["encoder"]["dim"] == 384
    assert metadata["training_data"]["rows"] > 700
    assert metadata["metrics"]["level2_accuracy"] > 0.6  # held-out documents, noisy labels
    assert metadata["metrics"]["level1_accuracy"] > 0.75


def test_tampered_bundle_is_refused(models_root, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(models_root / bundles.current_version(models_root), copy)
    with open(copy / bundles.PAYLOAD, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(bundles.BundleError, match="hash does not match"):
        bundles.load_bundle(copy)


def test_classify_clear_cases(predictor):
    results = predictor.classify([Item("资金拨付及时率"), Item("社会公众满意度"), Item("培训人次", target="≥300人次")])
    assert [r["level2"] for r in results] == ["时效指标", "服务对象满意度指标", "数量指标"]
    assert all(r["confidence"] > 0.5 and len(r["alternatives"]) == 3 for r in results)
    assert results[0]["similar"][0]["name"]


def test_framework_2015_view(predictor):
    result = predictor.classify([Item("办公设备购置成本", target="≤90万元")], framework="2015")[0]
    assert (result["level1"], result["level2"]) == ("产出指标", "成本指标")


def test_published_label_disagreement(predictor):
    result = predictor.classify([Item("社会公众满意度", target="≥95%")], published=[("产出指标", "数量指标")])[0]
    assert result["published_level2"] == "数量指标"
    assert result["label_disagrees"] is True


def test_target_suggestions_are_measurable_and_warn_on_codes(predictor):
    result = predictor.suggest_targets("资金拨付及时率", given_target="1", explanation=None, k=3)
    assert result["suggestions"]
    assert all(s["kind"] in ("quantitative", "deadline") and s["support"] >= 1 and s["examples"] for s in result["suggestions"])
    coded = predictor.suggest_targets("项目完成及时性", given_target="1", explanation="1=及时；2=不及时")
    assert "code" in coded["warnings"][0]


def test_indicator_suggestions_cover_every_group(predictor):
    result = predictor.suggest_indicators("青少年科技创新大赛", k=12)
    groups = {g["group"]: g["indicators"] for g in result["groups"]}
    assert set(groups) == {"数量指标", "质量指标", "时效指标", "成本指标", "效益指标", "满意度指标"}
    assert all(indicators for indicators in groups.values())


def test_bulk_classify_keeps_every_row_in_order(predictor, tmp_path):
    from service.bulk import classify_file, write_output

    path = tmp_path / "legacy.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
        writer.writerow(["产出指标", "数量指标", "培训人次", "≥300人次"])
        writer.writerow(["", "", "", "≥5次"])
        writer.writerow(["满意度指标", "服务对象满意度指标", "学员满意度", "≥95%"])
    records = classify_file(path, predictor)
    assert [r["三级指标"] for r in records] == ["培训人次", "", "学员满意度"]
    assert records[1]["pred_level2"] is None and "no indicator name" in records[1]["error"]
    assert records[2]["pred_level2"] == "服务对象满意度指标"
    for suffix in (".csv", ".xlsx", ".jsonl"):
        write_output(records, tmp_path / f"out{suffix}")
        assert (tmp_path / f"out{suffix}").stat().st_size > 100


# ------------------------------------------------------------------ real HTTP server
@pytest.fixture(scope="session")
def server(models_root):
    with running_server(models_root, max_upload_bytes=str(2 * 1024 * 1024), max_items="50") as base:
        yield base


def test_health_model_taxonomy(server):
    assert httpx.get(server + "/healthz").json() == {"status": "ok"}
    model = httpx.get(server + "/v1/model").json()
    assert model["encoder"]["dim"] == 384 and model["metrics"]["level2_accuracy"] > 0.6
    taxonomy = httpx.get(server + "/v1/taxonomy").json()
    assert [l1["name"] for l1 in taxonomy["level1"]] == ["产出指标", "成本指标", "效益指标", "满意度指标"]
    assert taxonomy["variant_2015"]["经济成本指标"] == ["产出指标", "成本指标"]


def test_classify_over_http(server):
    response = httpx.post(server + "/v1/classify", json={"items": [{"name": "资金拨付及时率"}, {"name": "群众满意度", "level1": "产出指标", "level2": "数量指标"}]})
    assert response.status_code == 200
    body = response.json()
    assert [r["level2"] for r in body["results"]] == ["时效指标", "服务对象满意度指标"]
    assert body["results"][1]["label_disagrees"] is True
    assert response.headers["X-Request-ID"]


def test_suggest_over_http(server):
    targets = httpx.post(server + "/v1/targets/suggest", json={"name": "培训人员合格率", "k": 2}).json()
    assert 1 <= len(targets["suggestions"]) <= 2
    indicators = httpx.post(server + "/v1/indicators/suggest", json={"project": "农村实用人才培训", "k": 6}).json()
    assert len(indicators["groups"]) == 6


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (b'{"items": [{"name": "x"', 422, "JSON"),
        ({"items": [{"description": "no name"}]}, 422, "name"),
        ({"items": [{"name": "   "}]}, 422, "name"),
        ({"items": [{"name": 12}]}, 422, "name"),
        ({"items": [{"name": "长" * 100_000}]}, 422, "name"),
        ({"items": [{"name": "a"}] * 51}, 413, "at most 50"),
        ({"items": []}, 422, "items"),
        ({"items": [{"name": "a", "unknown": 1}]}, 422, "unknown"),
    ],
)
def test_bad_json_gets_4xx_with_message(server, payload, status, message):
    if isinstance(payload, bytes):
        response = httpx.post(server + "/v1/classify", content=payload, headers={"content-type": "application/json"})
    else:
        response = httpx.post(server + "/v1/classify", json=payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert httpx.get(server + "/healthz").status_code == 200


def test_upload_seed_table_as_json_and_xlsx(server):
    data = YUTIAN.read_bytes()
    response = httpx.post(server + "/v1/tables/classify", files={"file": ("yutian.txt", data)}, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["rows"] == 36 and len(body["rows"]) == 36
    assert body["rows"][0]["三级指标"] == "完成率" and body["rows"][0]["pred_level2"]
    download = httpx.post(server + "/v1/tables/classify?format=xlsx", files={"file": ("yutian.txt", data)}, timeout=60)
    assert download.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet.max_row == 37 and "pred_level2" in [c.value for c in sheet[1]]


def test_upload_xlsx_made_from_seed_rows(server, tmp_path):
    from openpyxl import Workbook

    from training.readers import read_file

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    for row in read_file(YUTIAN).rows:
        sheet.append([row.level1_raw, row.level2_raw, row.level3, row.target_raw])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = httpx.post(server + "/v1/tables/classify", files={"file": ("yutian.xlsx", buffer.getvalue())}, timeout=60)
    assert response.status_code == 200 and response.json()["summary"]["rows"] == 36


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("table.pdf", b"%PDF-1.4", 415, "unsupported"),
        ("table.xlsx", b"not a zip at all", 422, "not a valid Office file"),
        ("empty.csv", b"", 400, "empty"),
        ("big.csv", b"a" * (3 * 1024 * 1024), 413, "upload limit"),
    ],
)
def test_bad_uploads(server, name, content, status, message):
    response = httpx.post(server + "/v1/tables/classify", files={"file": (name, content)})
    assert response.status_code == status
    assert message in response.json()["error"]


def test_zip_bomb_upload_is_refused(server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    response = httpx.post(server + "/v1/tables/classify", files={"file": ("bomb.xlsx", buffer.getvalue())})
    assert response.status_code == 422 and "expands to" in response.json()["error"]
    assert httpx.get(server + "/healthz").status_code == 200


def test_openapi_documents_every_endpoint(server):
    schema = httpx.get(server + "/openapi.json").json()
    for path in ("/healthz", "/readyz", "/v1/model", "/v1/taxonomy", "/v1/classify", "/v1/targets/suggest",
                 "/v1/indicators/suggest", "/v1/tables/classify", "/v1/admin/reload"):
        assert path in schema["paths"]
    assert schema["components"]["schemas"]["ClassifyRequest"].get("examples")


def test_new_model_is_picked_up_and_broken_one_is_not(server, models_root):
    from training.lifecycle.train import train

    before = httpx.get(server + "/v1/model").json()["version"]
    broken = bundles.save_bundle({"classifier": None}, {"data_digest": "broken", "encoder": {"fingerprint": "nope"}}, models_root, version="zz-broken")
    bundles._point(models_root, bundles.CURRENT, broken.name)
    assert "error" in httpx.post(server + "/v1/admin/reload").json()
    assert httpx.get(server + "/v1/model").json()["version"] == before
    assert httpx.post(server + "/v1/classify", json={"items": [{"name": "预算执行率"}]}).status_code == 200
    bundles._point(models_root, bundles.CURRENT, before)
    newer = train(models_root=models_root, evaluate=False, progress=False, version="zz-newer")
    deadline = time.time() + 60
    while time.time() < deadline and httpx.get(server + "/v1/model").json()["version"] != newer.name:
        assert httpx.post(server + "/v1/classify", json={"items": [{"name": "预算执行率"}]}).status_code == 200
        time.sleep(0.5)
    assert httpx.get(server + "/v1/model").json()["version"] == newer.name
