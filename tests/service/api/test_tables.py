"""/v1/tables/classify: an uploaded table comes back annotated, as JSON or as a file; bad uploads get 4xx."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.conftest import YUTIAN


def test_upload_seed_table_as_json_and_xlsx(client):
    data = YUTIAN.read_bytes()
    body = client.post("/v1/tables/classify", files={"file": ("yutian.txt", data)}).json()
    assert body["summary"]["rows"] == 36 and len(body["rows"]) == 36
    assert body["rows"][0]["三级指标"] == "完成率" and body["rows"][0]["pred_level2"]
    assert body["rows"][1]["published_level1"]  # filled down from the merged cell above
    flagged = [r for r in body["rows"] if r["review_reasons"]]
    assert flagged and all(len(r["review_reasons_zh"]) == len(r["review_reasons"]) for r in flagged)
    assert all(zh != en and re.search(r"[\u4e00-\u9fff]", zh) for r in flagged for zh, en in zip(r["review_reasons_zh"], r["review_reasons"], strict=True))
    warned = [r for r in body["rows"] if r["target_warning"]]
    assert warned and all(r["target_warning_zh"] and r["target_warning_zh"] != r["target_warning"] for r in warned)
    assert all(r["error_zh"] is None for r in body["rows"] if r["error"] is None)
    table = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n产出指标,数量指标,,≥5次\n".encode()
    body = client.post("/v1/tables/classify", files={"file": ("gap.csv", table)}).json()
    unreadable = body["summary"]["unreadable_rows"]
    assert unreadable and all(re.search(r"[\u4e00-\u9fff]", row["why_zh"]) for row in unreadable)
    nameless = body["rows"][1]
    assert nameless["review_reasons"] is None and nameless["review_reasons_zh"] is None and nameless["error_zh"]
    download = client.post("/v1/tables/classify?format=xlsx", files={"file": ("yutian.txt", data)})
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames[0] == "汇总" and len(workbook.sheetnames) == 5  # the seed holds four tables
    assert sum(sheet.max_row - 1 for sheet in workbook.worksheets[1:]) == 36
    assert [c.value for c in workbook.worksheets[1][1]][:2] == ["原一级指标", "原二级指标"]
    from urllib.parse import quote

    assert f"filename*=UTF-8''{quote('yutian.分类结果.xlsx')}" in download.headers["content-disposition"]


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("table.xlsx", b"not a zip at all", 422),
        ("empty.csv", b"", 400),
        ("big.csv", b"a" * (3 * 1024 * 1024), 413),
    ],
)
def test_bad_uploads(client, name, content, status):
    response = client.post("/v1/tables/classify", files={"file": (name, content)})
    assert response.status_code == status
    assert response.json()["error"]


def test_zip_bomb_upload_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    response = client.post("/v1/tables/classify", files={"file": ("bomb.xlsx", buffer.getvalue())})
    assert response.status_code in (413, 422)
    assert response.json()["error"]["code"] in ("EXPANDS_TOO_LARGE", "UNREADABLE_FILE")
    assert client.get("/healthz").status_code == 200


def test_a_header_with_no_rows_is_422_no_rows(client):
    """It answered 200 with no rows, where the CLI exits 2."""
    response = client.post("/v1/tables/classify", files={"file": ("blank.csv", "一级指标,二级指标,三级指标,指标值\n".encode())})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "NO_ROWS" and "表头下没有指标行" in error["message_zh"]


def test_a_file_field_sent_as_text_is_said_so(client):
    error = client.post("/v1/tables/classify", data={"file": "hello"}).json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and "<class" not in error["message"]
    assert error["message"] == "file: send a file here (a multipart part with a filename), not text"
    assert error["message_zh"] == "请求内容不符合要求：file 应为上传的文件（multipart 表单中带文件名的文件部分），而不是文本"


def test_year_dates_the_suggested_deadlines(client):
    """``?year=`` is the budget year of rows whose file names none (as ``zhibiao classify --year``); outside 1990–2100, 422."""
    table = "一级指标,二级指标,三级指标,指标值\n产出指标,时效指标,资金拨付完成时间,\n".encode()
    dated = client.post("/v1/tables/classify?year=2026", files={"file": ("t.csv", table)}).json()
    assert dated["rows"][0]["suggested_target"] == "2026年12月31日前"
    plain = client.post("/v1/tables/classify", files={"file": ("t.csv", table)}).json()
    assert plain["rows"][0]["suggested_target"] == "12月31日前"
    refused = client.post("/v1/tables/classify?year=3000", files={"file": ("t.csv", table)})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "VALIDATION_ERROR"
