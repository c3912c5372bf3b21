"""One error shape for every error: codes, both messages, the headers that go with them, and the OpenAPI document saying so."""

from __future__ import annotations

import io

import pytest
from fastapi import APIRouter, HTTPException

from service.api.errors import CODES

ERROR_KEYS = {"code", "message", "message_zh", "details"}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    assert body["error"]["message"] and body["error"]["message_zh"]
    assert response.headers["content-type"].startswith("application/json")
    return body["error"]


def test_unknown_path_and_wrong_method(client):
    assert error_of(client.get("/v1/nothing-here"))["code"] == "NOT_FOUND"
    response = client.get("/v1/classify")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert error_of(response)["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("name", ["\u200b\u200e\u202e", "\ufeff \u2066\u2069", "\u200d\t\u200c"])
def test_name_of_invisible_characters_is_empty_not_classified(client, name):
    response = client.post("/v1/classify", json={"items": [{"name": name}]})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["errors"][0] == {
        "field": "items.0.name", "type": "empty_name", "message": error["details"]["errors"][0]["message"]}
    assert error["message_zh"] == "请求内容不符合要求：items.0.name 为空（去掉空格和不可见字符后什么也没有）"
    assert client.post("/v1/targets/suggest", json={"name": name}).status_code == 422


def test_invisible_characters_inside_a_name_are_dropped(client):
    plain = client.post("/v1/classify", json={"items": [{"name": "资金拨付及时率"}]}).json()["results"][0]
    marked = client.post("/v1/classify", json={"items": [{"name": "资金\u200b拨付\u202e及时率"}]}).json()["results"][0]
    assert marked["category"] == plain["category"] and marked["confidence"] == plain["confidence"]


def test_malformed_json_and_too_many_items(client):
    response = client.post("/v1/classify", content=b'{"items": [', headers={"content-type": "application/json"})
    assert response.status_code == 422 and error_of(response)["code"] == "INVALID_JSON"
    for body in (b'{"items": [{"name": "\xff\xfe"}]}', b"[" * 100_000 + b"]" * 100_000):  # not UTF-8; nested too deep
        response = client.post("/v1/classify", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422 and error_of(response)["code"] == "INVALID_JSON", response.text
    response = client.post("/v1/classify", json={"items": [{"name": "a"}] * 51})
    error = error_of(response)
    assert response.status_code == 413 and error["code"] == "TOO_MANY_ITEMS"
    assert error["details"] == {"limit": "max_items", "allowed": 50, "found": 51}


def test_body_over_the_limit_is_refused_by_length_and_while_streaming(make_client):
    with make_client(max_json_bytes=10_000) as client:
        response = client.post("/v1/classify", content=b" " * 20_000, headers={"content-type": "application/json"})
        assert response.status_code == 413 and error_of(response)["details"]["found"] == 20_000

        def chunks():  # no Content-Length: counted as it arrives (over a real socket: test_reliability)
            for _ in range(100):
                yield b" " * 1000

        response = client.post("/v1/classify", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413 and error_of(response)["code"] == "BODY_TOO_LARGE"
        assert client.post("/v1/classify", json={"items": [{"name": "培训人次"}]}).status_code == 200


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ([("file", ("a.csv", b"\xe4\xb8\x89\xe7\xba\xa7\xe6\x8c\x87\xe6\xa0\x87\n1\n")), ("file", ("b.csv", b"x\n"))], 400, "MULTIPLE_FILES"),
        ({"file": ("empty.csv", b"")}, 400, "EMPTY_UPLOAD"),
        ({"file": ("big.csv", b"a" * (2 * 1024 * 1024 + 10))}, 413, "UPLOAD_TOO_LARGE"),
        ({"file": ("notes.pages", b"abc")}, 415, "UNSUPPORTED_FORMAT"),
        ({"file": ("table.xlsx", b"not a zip at all")}, 422, "UNREADABLE_FILE"),
    ],
)
def test_bad_uploads_have_codes(client, files, status, code):
    response = client.post("/v1/tables/classify", files=files)
    assert response.status_code == status and error_of(response)["code"] == code


def test_truncated_xlsx_is_unreadable_not_a_500(client):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    for row in [("一级指标", "二级指标", "三级指标", "指标值"), *[("产出指标", "数量指标", f"培训人次{i}", "≥10人次") for i in range(200)]]:
        workbook.active.append(row)
    workbook.save(buffer)
    data = buffer.getvalue()
    response = client.post("/v1/tables/classify", files={"file": ("cut.xlsx", data[: len(data) // 2])})
    assert response.status_code == 422 and error_of(response)["code"] == "UNREADABLE_FILE"


def test_reading_limits_answer_413_with_the_limit(make_client):
    rows = "一级指标,二级指标,三级指标,指标值\n" + "".join(f"产出指标,数量指标,培训人次{i},≥10人次\n" for i in range(300))
    with make_client(max_table_rows=100) as client:
        response = client.post("/v1/tables/classify", files={"file": ("many.csv", rows.encode("utf-8"))})
    error = error_of(response)
    assert response.status_code == 413 and error["code"] == "TOO_MANY_ROWS"
    assert error["details"]["limit"] == "max_rows" and error["details"]["allowed"] == 100
    assert "100" in error["message_zh"]


def test_download_name_with_separators_is_a_correct_content_disposition(client):
    from tests.conftest import YUTIAN

    response = client.post("/v1/tables/classify?format=csv", files={"file": ("绩效;表 (1).txt", YUTIAN.read_bytes())})
    disposition = response.headers["content-disposition"]
    from urllib.parse import quote

    assert disposition.endswith("filename*=UTF-8''%E7%BB%A9%E6%95%88%3B%E8%A1%A8%20%281%29." + quote("分类结果") + ".csv")
    assert disposition.startswith('attachment; filename="______1_.____.csv"; ')  # a plain ASCII fallback for old clients


def test_host_and_origin_are_checked(make_client):
    with make_client(cors_origins=["https://review.example"]) as client:
        item = {"items": [{"name": "培训人次"}]}
        assert error_of(client.get("/healthz", headers={"host": "attacker.example"}))["code"] == "HOST_NOT_ALLOWED"
        response = client.post("/v1/classify", json=item, headers={"origin": "http://attacker.example"})
        assert response.status_code == 403 and error_of(response)["code"] == "ORIGIN_NOT_ALLOWED"
        upload = client.post("/v1/tables/classify", files={"file": ("a.csv", b"x")}, headers={"origin": "null"})
        assert upload.status_code == 403
        assert client.post("/v1/classify", json=item, headers={"origin": "http://testserver"}).status_code == 200  # its own pages
        allowed = client.post("/v1/classify", json=item, headers={"origin": "https://review.example"})
        assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://review.example"
        assert client.post("/v1/classify", json=item).status_code == 200  # scripts send no Origin


def test_admin_needs_the_token_or_loopback(make_client):
    with make_client(peer="192.0.2.10") as client:
        response = client.post("/v1/admin/reload")
        assert response.status_code == 403 and error_of(response)["code"] == "ADMIN_LOOPBACK_ONLY"
    with make_client(peer="192.0.2.10", admin_token="s3cret-token") as client:
        response = client.post("/v1/admin/reload")
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert client.post("/v1/admin/reload", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.post("/v1/admin/reload", headers={"authorization": "Bearer s3cret-token"}).json()["version"]


def test_routers_added_later_answer_in_the_same_shape(make_client):
    """The reviewer's pages and any later router: a bug is a logged 500 in the error shape, an HTTPException keeps its status."""
    with make_client() as client:
        extra = APIRouter()

        @extra.get("/later/boom")
        def boom():
            raise RuntimeError("a bug")

        @extra.get("/later/gone")
        def gone():
            raise HTTPException(status_code=410, detail="this page moved")

        client.app.include_router(extra)
        response = client.get("/later/boom", headers={"X-Request-ID": "req-42"})
        error = error_of(response)
        assert response.status_code == 500 and error["code"] == "INTERNAL_ERROR" and "req-42" in error["message"]
        assert response.headers["x-request-id"] == "req-42"
        response = client.get("/later/gone")
        assert response.status_code == 410 and error_of(response) == {"code": "HTTP_410", "message": "this page moved",
                                                                       "message_zh": "Gone", "details": None}
        assert client.get("/healthz").status_code == 200


def test_no_model_is_503_with_retry_after(tmp_path, test_settings):
    from fastapi.testclient import TestClient

    from service.api.main import create_app
    from service.api.state import ModelHolder

    app = create_app(test_settings.model_copy(update={"models_dir": tmp_path}), ModelHolder(tmp_path, None, reload_interval=0))
    with TestClient(app, client=("127.0.0.1", 1)) as client:
        for response in (client.get("/readyz"), client.post("/v1/classify", json={"items": [{"name": "培训人次"}]})):
            assert response.status_code == 503 and int(response.headers["retry-after"]) >= 1
            assert error_of(response)["code"] == "MODEL_NOT_READY"
        assert client.get("/healthz").status_code == 200


def test_openapi_declares_the_error_shape_on_every_operation(client):
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "403", "500"} <= set(responses), (path, method)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
    classify = schema["paths"]["/v1/classify"]["post"]["responses"]
    assert {"413", "422", "429", "503"} <= set(classify) and "Retry-After" in classify["503"]["headers"]
    assert "TOO_MANY_ROWS" in schema["paths"]["/v1/tables/classify"]["post"]["responses"]["413"]["description"]
    assert schema["components"]["schemas"]["ClassifyRequest"]["properties"]["items"]["maxItems"] == 50
    assert all(status in (400, 401, 403, 404, 405, 406, 413, 415, 422, 429, 500, 503) for status, _ in CODES.values())


@pytest.mark.parametrize(("body", "says"), [
    ({"items": [{"name": "x" * 600}]}, "items.0.name 过长（最多 500 个字符）"),
    ({"items": [{"name": "培训人数", "bogus": 1}]}, "items.0.bogus 不是可接受的字段"),
    ({"items": []}, "items 项数过少（至少 1 项）"),
    ({"items": [{"name": "培训人数"}], "framework": "1999"}, "framework 只能取 '2021'、'2015'"),
])
def test_validation_errors_say_why_in_chinese(client, body, says):
    response = client.post("/v1/classify", json=body)
    assert response.status_code == 422 and error_of(response)["message_zh"] == f"请求内容不符合要求：{says}"


@pytest.mark.parametrize("headers", [{"content-type": "text/plain"}, {}])
def test_json_sent_without_its_content_type_is_told_so(client, headers):
    response = client.post("/v1/classify", content='{"items": [{"name": "培训人数"}]}'.encode(), headers=headers)
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE" and "application/json" in error["message_zh"]
