"""The review page under TestClient with the fake model: upload, summary, filters, decisions, exports, errors — all in Chinese."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.service.review.seed_workbook import seed_xlsx_bytes


@pytest.fixture(scope="module")
def batch(client):
    response = client.post("/review", files=[("files", ("yutian_seed.xlsx", seed_xlsx_bytes())), ("files", ("坏文件.xlsx", b"PK broken"))],
                           data={"framework": "2021"}, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"].rsplit("/", 1)[-1]


def test_home_is_chinese_and_offline(client):
    page = client.get("/review")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "上传绩效目标表" in page.text and "上传并分类" in page.text and 'lang="zh-CN"' in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text)  # nothing from the internet
    assert client.get("/static/review.js").status_code == 200 and client.get("/static/review.css").status_code == 200


def test_batch_page_summary_and_rows(client, batch):
    page = client.get(f"/review/{batch}").text
    assert "残疾人保障金" in page and "玉田县科学技术协会本级" in page and "2025" in page
    assert "无法读取的文件" in page and "坏文件.xlsx" in page
    assert "缺少的必备类别" in page and "无法读取的行" in page and "没有指标名称（三级指标为空）" in page
    assert page.count('class="row') == 38
    assert "群众科学素质" in page and "表述模糊" in page
    assert 'data-count="open"' in page
    assert client.get("/review").text.count(batch) >= 1  # listed for coming back


def test_filter_sort_and_one_table(client, batch):
    flagged = client.get(f"/review/{batch}?flag=any").text
    everything = client.get(f"/review/{batch}").text
    # the Yutian seed writes every target without a unit (≥90, ≥95生态总体效益增长) and has a nameless row: all are flagged
    assert 0 < flagged.count('class="row') == everything.count('class="row')
    assert flagged.count('class="row') == flagged.count('class="row flagged')
    review = client.get(f"/review/{batch}?flag=review").text.count('class="row')
    assert 0 < review < flagged.count('class="row')
    table = client.get(f"/review/{batch}?table=2&flag=&open=").text
    assert set(re.findall(r'data-table="(\d+)" data-position', table)) == {"2"}
    by_confidence = client.get(f"/review/{batch}?sort=confidence&table=").text
    confidences = [float(c) for c in re.findall(r'data-confidence="([\d.]+)"', by_confidence)]
    assert confidences == sorted(confidences) and len(confidences) == 37
    assert client.get(f"/review/{batch}?table=99").status_code == 404
    assert client.get(f"/review/{batch}?sort=whatever").status_code == 422
    assert client.get(f"/review/{batch}?flag=whatever").status_code == 422


def test_decide_json_counts_down_and_undo(client, batch):
    before = client.get(f"/review/{batch}").text
    open_before = int(re.search(r'data-count="open">(\d+)<', before)[1])
    flagged_row = re.search(r'id="r(\d+)-(\d+)" class="row flagged"', client.get(f"/review/{batch}?flag=any").text)
    url = f"/review/{batch}/rows/{flagged_row[1]}/{flagged_row[2]}"
    answer = client.post(url, data={"category": "产出指标/时效指标", "target": "12月底前"}, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["decision"]["level2"] == "时效指标" and body["decision"]["target"] == "12月底前"
    assert body["label_action_zh"] in ("采纳预测", "采用原标签", "改为其他类别") and body["target_action_zh"] == "修改"
    assert body["counts"]["open_flagged"] == open_before - 1
    assert f'data-count="open">{open_before - 1}<' in body["summary_html"]
    page = client.get(f"/review/{batch}").text
    assert f'data-count="open">{open_before - 1}<' in page and "已复核：" in page
    undone = client.post(f"{url}/undo", headers={"Accept": "application/json"}).json()
    assert undone["decision"] is None and undone["counts"]["open_flagged"] == open_before


def test_a_kept_target_still_not_measurable_is_said(client, batch):
    """A third trial: 有所提高 kept as the reviewer's target was saved without a word. It is saved (the reviewer may mean
    it) and said, in the JSON answer and on the page."""
    url = f"/review/{batch}/rows/0/1"
    body = client.post(url, data={"category": "产出指标/数量指标", "target": "有所提高"}, headers={"Accept": "application/json"}).json()
    assert body["decision"]["target"] == "有所提高" and body["target_warning_zh"].startswith("复核的指标值仍不可衡量：表述模糊")
    assert "复核的指标值仍不可衡量" in client.get(f"/review/{batch}").text
    measurable = client.post(url, data={"category": "产出指标/数量指标", "target": "≥95%"}, headers={"Accept": "application/json"})
    assert measurable.json()["target_warning_zh"] is None
    # checked against the row's name as a bulk job checks it: this row's name is a rate
    other_unit = client.post(url, data={"category": "产出指标/数量指标", "target": "≥100人"}, headers={"Accept": "application/json"})
    assert "单位与名称不符" in other_unit.json()["target_warning_zh"]
    client.post(f"{url}/undo", headers={"Accept": "application/json"})


def test_plain_form_post_redirects_back_to_the_row(client, batch):
    response = client.post(f"/review/{batch}/rows/1/0", data={"category": "产出指标/数量指标", "target": ""},
                           headers={"Referer": f"http://testserver/review/{batch}?flag=any"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith(f"/review/{batch}?flag=any#r1-0")
    client.post(f"/review/{batch}/rows/1/0/undo", headers={"Accept": "application/json"})


def test_bad_decisions(client, batch):
    json_headers = {"Accept": "application/json"}
    wrong = client.post(f"/review/{batch}/rows/0/0", data={"category": "效益指标/可持续影响指标"}, headers=json_headers)
    assert wrong.status_code == 422 and "不是2021年框架中的类别" in wrong.json()["error"]["message_zh"]
    assert wrong.json()["error"]["code"] == "INVALID_DECISION"
    # the API's error shape: English for programs, Chinese beside it, details (none here)
    assert wrong.json()["error"]["message"] == "'效益指标/可持续影响指标' is no category of the 2021 framework"
    assert "details" in wrong.json()["error"] and wrong.json()["error"]["details"] is None
    nameless = client.post(f"/review/{batch}/rows/0/10", data={"category": "产出指标/数量指标"}, headers=json_headers)
    assert nameless.status_code == 422 and "没有指标名称" in nameless.json()["error"]["message_zh"]
    no_category = client.post(f"/review/{batch}/rows/0/0", data={}, headers=json_headers)  # had been an HTML page
    assert no_category.status_code == 422 and no_category.headers["content-type"].startswith("application/json")
    assert no_category.json()["error"]["code"] == "VALIDATION_ERROR" and no_category.json()["error"]["message_zh"]
    missing = client.post(f"/review/{batch}/rows/0/999", data={"category": "产出指标/数量指标"}, headers=json_headers)
    assert missing.status_code == 404
    as_page = client.post(f"/review/{batch}/rows/0/999", data={"category": "产出指标/数量指标"})
    assert as_page.status_code == 404 and "找不到这一行" in as_page.text


def test_a_decision_sent_as_raw_utf8_is_read_as_utf8(client):
    uploaded = client.post("/review", files=[("files", ("yutian_seed.xlsx", seed_xlsx_bytes()))], follow_redirects=False)
    batch = uploaded.headers["location"].rsplit("/", 1)[-1]
    body = "category=产出指标/质量指标&target=≥95%".encode()  # what `curl -d` sends: no percent-escapes
    response = client.post(f"/review/{batch}/rows/0/1", content=body,
                           headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200, response.text
    escaped = client.post(f"/review/{batch}/rows/0/2", data={"category": "产出指标/质量指标", "target": "≥95%"},
                          headers={"Accept": "application/json"})
    assert escaped.status_code == 200


def test_row_numbers_sqlite_cannot_hold_are_not_found(client, batch):
    huge = "99999999999999999999999"
    json_headers = {"Accept": "application/json"}
    assert client.post(f"/review/{batch}/rows/0/{huge}", data={"category": "产出指标/数量指标"}, headers=json_headers).status_code == 404
    assert client.post(f"/review/{batch}/rows/{huge}/0/undo", headers=json_headers).status_code == 404
    assert client.get(f"/review/{batch}/rows/0/{huge}/similar").status_code == 404


def test_similar_on_demand(client, batch):
    fragment = client.get(f"/review/{batch}/rows/0/0/similar")
    assert fragment.status_code == 200 and "相似历史指标" in fragment.text and "<tr>" in fragment.text
    assert client.get(f"/review/{batch}/rows/0/999/similar").status_code == 404


def test_exports(client, batch):
    client.post(f"/review/{batch}/rows/0/1", data={"category": "产出指标/质量指标", "target": "≥95%"}, headers={"Accept": "application/json"})
    workbook = client.get(f"/review/{batch}/export.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["content-disposition"]
    assert "yutian_seed" in workbook.headers["content-disposition"]
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 5
    header = [c.value for c in book.worksheets[1][1]]
    assert "复核二级指标" in header
    second = [c.value for c in book.worksheets[1][3]]
    assert second[header.index("复核二级指标")] == "质量指标" and second[header.index("复核指标值")] == "≥95%"
    text = [str(c) for row in book["汇总"].iter_rows(values_only=True) for c in row if c]
    assert batch in text
    assert "无法读取的文件" in text and "坏文件.xlsx" in text and "2 个文件（1 个无法读取）" in text  # the batch's broken upload
    csv_file = client.get(f"/review/{batch}/export.csv")
    assert csv_file.content.startswith(b"\xef\xbb\xbf") and "复核二级指标" in csv_file.content.decode("utf-8-sig").splitlines()[0]
    assert csv_file.content.decode("utf-8-sig").splitlines()[-1].startswith("坏文件.xlsx,")
    labelled = client.get(f"/review/{batch}/reviewed.jsonl")
    lines = [json.loads(line) for line in labelled.text.splitlines()]
    assert len(lines) == 1 and lines[0]["level2"] == "质量指标" and lines[0]["origin"] == "reviewed" and lines[0]["target"] == "≥95%"
    assert client.get(f"/review/{batch}/export.pdf").status_code == 404


@pytest.mark.parametrize(("files", "status", "text"), [
    ([], 400, "请选择至少一个表格文件"),
    ([("files", ("empty.csv", b""))], 422, "没有能读取的文件"),
    ([("files", ("big.csv", b"a" * (3 * 1024 * 1024)))], 413, "的上限"),
    ([("files", ("scan.xlsx", b"not a workbook at all"))], 422, "没有能读取的文件"),
])
def test_bad_uploads_get_a_chinese_page(client, files, status, text):
    response = client.post("/review", files=files or None, data={"framework": "2021"})
    assert response.status_code == status and text in response.text and "<html" in response.text


def test_an_empty_file_does_not_stop_the_others(client):
    table = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n".encode()
    response = client.post("/review", files=[("files", ("empty.csv", b"")), ("files", ("one.csv", table))], data={"framework": "2021"},
                           follow_redirects=True)
    assert response.status_code == 200 and "培训人数" in response.text
    assert "无法读取的文件" in response.text and "empty.csv" in response.text and "是空文件" in response.text
    export = client.get(f"{response.url.path.rstrip('/')}/export.xlsx")
    assert export.status_code == 200
    nothing = client.get(f"{response.url.path.rstrip('/')}/reviewed.jsonl")  # no row decided yet: said, not a 0-byte file
    assert nothing.status_code == 409 and "还没有复核结果" in nothing.text and "attachment" not in nothing.headers.get("content-disposition", "")
    assert "filename*=UTF-8''" + quote("one等2个文件_标注.xlsx") in export.headers["content-disposition"]  # named after a file it holds


def test_unknown_batch_is_a_chinese_404(client):
    response = client.get("/review/doesnotexist")
    assert response.status_code == 404 and "找不到这批表格" in response.text
    assert client.get("/review/doesnotexist/export.xlsx").status_code == 404


def test_review_pages_stay_out_of_the_openapi_schema(client):
    assert not [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/review")]


def test_cells_are_escaped_in_the_page(client):
    table = '一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人次<img src=x onerror=alert(1) & "引号",≥300人次\n'.encode()
    response = client.post("/review", files=[("files", ("x.csv", table))], follow_redirects=True)
    assert response.status_code == 200
    assert "<img" not in response.text and "培训人次&lt;img src=x onerror=alert(1) &amp; &#34;引号&#34;" in response.text


def test_table_route_csv_is_the_chinese_table(client):
    from tests.conftest import YUTIAN

    response = client.post("/v1/tables/classify?format=csv", files={"file": ("yutian.txt", YUTIAN.read_bytes())})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("来源文件,表序号,所属项目,原一级指标,原二级指标") and len(lines) == 37


def test_a_2015_batch_offers_and_keeps_2015_categories(client):
    response = client.post("/review", files=[("files", ("yutian_seed.xlsx", seed_xlsx_bytes()))], data={"framework": "2015"})
    assert response.status_code == 200 and "2015 年框架" in response.text
    assert 'value="产出指标/成本指标"' in response.text and 'value="成本指标/经济成本指标"' not in response.text
    batch = str(response.url).rsplit("/", 1)[-1]
    answer = client.post(f"/review/{batch}/rows/0/3", data={"category": "产出指标/成本指标"}, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["decision"]["level2"] == "成本指标"
    line = json.loads(client.get(f"/review/{batch}/reviewed.jsonl").text.splitlines()[0])
    assert (line["level1"], line["level2"], line["provenance"]["framework"]) == ("产出指标", "成本指标", "2015")


def test_a_header_only_upload_is_named_with_why(client):
    response = client.post("/review", files=[("files", ("blank.csv", "三级指标,指标值\n".encode()))], data={"framework": "2021"})
    assert response.status_code == 422 and "blank.csv" in response.text and "表头下没有指标行" in response.text


def test_the_same_file_chosen_twice_is_reviewed_once(client):
    table = "三级指标,指标值\n培训人数,≥100人\n".encode()
    response = client.post("/review", files=[("files", ("one.csv", table)), ("files", ("again.csv", table))],
                           data={"framework": "2021"}, follow_redirects=True)
    assert response.status_code == 200 and response.text.count("培训人数") >= 1
    assert "again.csv" in response.text and "与 one.csv 内容相同，已跳过" in response.text
    assert "已跳过的重复文件" in response.text
    # the export says it apart: skipped, not unreadable (a third trial found 5 个文件（1 个无法读取）)
    export = client.get(f"{response.url.path.rstrip('/')}/export.xlsx")
    summary = [[c for c in row if c is not None] for row in load_workbook(io.BytesIO(export.content))["汇总"].iter_rows(values_only=True)]
    total = next(row for row in summary if row and row[0] == "合计")
    assert total[1] == "1 个文件" and not any(row == ["无法读取的文件"] for row in summary)
    assert ["跳过的重复文件", "again.csv（与 one.csv 内容相同，已跳过）"] in summary


def test_a_batch_holds_at_most_review_max_rows(make_client):
    """Twenty files of 50,000 rows each were one batch (a million rows in the table lane): the batch has a limit, and a
    file that would pass it is listed as not processed, never cut short."""
    def table(*names: str) -> bytes:
        return ("一级指标,二级指标,三级指标,指标值\n" + "".join(f"产出指标,数量指标,{n},≥100人\n" for n in names)).encode()

    files = [("files", ("a.csv", table("培训人数", "受益人数"))), ("files", ("b.csv", table("参训人次", "走访户数"))),
             ("files", ("c.csv", table("慰问人数")))]
    with make_client(review_max_rows=3) as client:
        response = client.post("/review", files=files, data={"framework": "2021"}, follow_redirects=True)
    assert response.status_code == 200
    assert "培训人数" in response.text and "受益人数" in response.text and "慰问人数" in response.text
    assert "参训人次" not in response.text and "b.csv" in response.text and "最多 3 行指标" in response.text


def test_a_kept_placeholder_or_reversed_target_is_said_as_such(client):
    """A trial: confirming ≥__公里 was said to be 无法识别, and keeping 投诉次数 ≥5次 (a floor for a harm) said nothing."""
    table = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,道路改造里程,\n产出指标,质量指标,群众投诉次数,≥5次\n".encode()
    page = client.post("/review", files=[("files", ("t.csv", table))], data={"framework": "2021"}, follow_redirects=False)
    batch = page.headers["location"].rsplit("/", 1)[-1]
    ask = {"Accept": "application/json"}
    placeholder = client.post(f"/review/{batch}/rows/0/0", data={"category": "产出指标/数量指标", "target": "≥__公里"}, headers=ask)
    assert "数值未填写" in placeholder.json()["target_warning_zh"]
    reversed_ = client.post(f"/review/{batch}/rows/0/1", data={"category": "产出指标/质量指标", "target": "≥5次"}, headers=ask)
    assert "方向相反" in reversed_.json()["target_warning_zh"]
    assert "方向相反" in client.get(f"/review/{batch}").text


def test_a_nul_in_a_kept_target_is_refused_not_cut(client, batch):
    """A final trial saw ≥5\\x00人 saved as ≥5; its shell (bash $'…') had cut the text at the NUL before sending. Sent
    as %00 the NUL reaches the page and is refused like any control character."""
    answer = client.post(f"/review/{batch}/rows/0/3", data={"category": "产出指标/数量指标", "target": "≥5\x00人"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "INVALID_DECISION"
