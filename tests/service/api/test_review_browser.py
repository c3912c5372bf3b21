"""The review page in a real headless Chromium against the real ``zhibiao serve``: upload, summary, flagged rows, a correction, exports.

Slow: builds a tiny static character encoder (``tests/char_encoder.py``, a real
sentence-transformers folder, no download), trains a model on it into a
test-only models folder, starts the server on it over loopback and drives
Debian's chromium through chromedriver with Selenium. Chromium runs with no
network beyond loopback in use, so the page and /docs must work offline. A
screenshot of each step goes to ``build/review_browser/`` (look at them: the
Chinese must render, which needs the CJK font ``make system`` installs).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT
from tests.live_server import running_server
from tests.service.review.seed_workbook import seed_xlsx_bytes

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OUTPUT = ROOT / "build" / "review_browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--window-size=1500,1000"]


@pytest.fixture(scope="module")
def char_models(tmp_path_factory, corpus):
    from tests.char_encoder import build_char_encoder
    from training.lifecycle.train import train
    from training.model.encoder import SentenceEncoder

    root = tmp_path_factory.mktemp("char-model")
    texts = [text for row in corpus.rows for text in (row.level3, row.description, row.project) if text]
    encoder = build_char_encoder(root / "encoder", texts)
    train(corpus=corpus, models_root=root / "models", encoder=SentenceEncoder(encoder, precision="fp32"), evaluate=False)
    return root / "encoder", root / "models"


@pytest.fixture(scope="module")
def server(char_models, tmp_path_factory):
    encoder, models = char_models
    with running_server(models, encoder=str(encoder), encoder_precision="fp32", review_dir=str(tmp_path_factory.mktemp("review"))) as base:
        yield base


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are missing: run `make system`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="zhibiao-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str) -> Path:
    """A full-page screenshot (window grown to the page's height, within 6000 px) into OUTPUT."""
    height = min(6000, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(1500, max(1000, height))
    path = OUTPUT / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1500, 1000)
    return path


def wait_for(condition, timeout: float = 30, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def open_count(driver) -> int:
    from selenium.webdriver.common.by import By

    return int(driver.find_element(By.CSS_SELECTOR, '#summary [data-count="open"]').text)


def test_reviewer_works_through_a_table(server, browser, downloads, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    upload = tmp_path / "玉田县2025年项目绩效目标表.xlsx"
    upload.write_bytes(seed_xlsx_bytes())

    # 1. upload
    driver.get(server + "/review")
    assert "上传绩效目标表" in driver.page_source
    driver.find_element(By.ID, "files").send_keys(str(upload))
    Select(driver.find_element(By.NAME, "framework")).select_by_value("2021")
    assert driver.find_element(By.ID, "file-names").text == f"已选择 1 个文件：{upload.name}"
    shot(driver, "01_upload")
    driver.find_element(By.ID, "upload-button").click()
    wait_for(lambda: "/review/" in driver.current_url and driver.find_elements(By.ID, "table-summary"), 90, "the batch page")

    # 2. the summary: four tables with project, unit and year; flags; the unreadable row and why
    summary = driver.find_element(By.ID, "table-summary").text
    for expected in ("残疾人保障金", "科普宣传", "老科协运行经费", "玉田县科学技术协会本级", "2025"):
        assert expected in summary
    assert len(driver.find_elements(By.CSS_SELECTOR, "#table-summary tbody tr")) == 4
    assert "表1 第 11 行：没有指标名称（三级指标为空）" in driver.find_element(By.CSS_SELECTOR, "details.unreadable").text
    open_before = open_count(driver)
    assert open_before > 0
    assert len(driver.find_elements(By.CSS_SELECTOR, "#rows tr.row")) == 38
    shot(driver, "02_summary")

    # 3. filter to the rows that need review (the filter submits itself on change); "any" flag would keep all 38, since
    # this seed writes every target without a unit
    Select(driver.find_element(By.ID, "filter-flag")).select_by_value("review")
    wait_for(lambda: "flag=review" in driver.current_url, what="the needs-review filter")
    rows = driver.find_elements(By.CSS_SELECTOR, "#rows tr.row")
    assert 0 < len(rows) < 38 and all("flagged" in r.get_attribute("class") for r in rows)
    shot(driver, "03_flagged")

    # 4. correct one row: another category and an edited target; the countdown drops without a reload
    row = next(r for r in rows if "unreadable" not in r.get_attribute("class"))
    anchor = row.get_attribute("id")
    name = row.find_element(By.CSS_SELECTOR, "td.name b").text
    choice = Select(row.find_element(By.NAME, "category"))
    current = choice.first_selected_option.get_attribute("value")
    corrected = "满意度指标/服务对象满意度指标" if current != "满意度指标/服务对象满意度指标" else "产出指标/数量指标"
    choice.select_by_value(corrected)
    target = row.find_element(By.NAME, "target")
    target.clear()
    target.send_keys("≥98%")
    row.find_element(By.CSS_SELECTOR, "form.decision button").click()
    wait_for(lambda: driver.find_element(By.ID, anchor).find_element(By.CLASS_NAME, "status").text.startswith("已复核"), what="the saved decision")
    status = driver.find_element(By.ID, anchor).find_element(By.CLASS_NAME, "status").text
    assert "改为其他类别" in status and "修改" in status
    assert open_count(driver) == open_before - 1
    driver.find_element(By.ID, anchor).find_element(By.CLASS_NAME, "similar-button").click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "tr.similar-row table.similar"), what="similar indicators")
    shot(driver, "04_corrected")

    # 5. close the page and come back: the decision is kept on the server
    driver.get(driver.current_url.split("#")[0])
    saved = driver.find_element(By.ID, anchor)
    assert "decided" in saved.get_attribute("class")
    assert Select(saved.find_element(By.NAME, "category")).first_selected_option.get_attribute("value") == corrected
    assert saved.find_element(By.NAME, "target").get_attribute("value") == "≥98%"
    assert open_count(driver) == open_before - 1

    # 6. export both files and check what they hold
    driver.find_element(By.ID, "export-xlsx").click()
    workbook_path = wait_for(lambda: next(iter(downloads.glob("*_标注.xlsx")), None), what="the workbook download")
    driver.find_element(By.ID, "export-reviewed").click()
    labelled_path = wait_for(lambda: next(iter(downloads.glob("*_复核标注.jsonl")), None), what="the labelled download")
    shot(driver, "05_exported")

    book = load_workbook(workbook_path)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 5
    total_rows = 0
    found = None
    for sheet in book.worksheets[1:]:
        header = [c.value for c in sheet[1]]
        assert header[:2] == ["原一级指标", "原二级指标"] and "复核二级指标" in header and sheet.freeze_panes == "A2"
        for values in sheet.iter_rows(min_row=2, values_only=True):
            total_rows += 1
            record = dict(zip(header, values, strict=True))
            if record["复核二级指标"]:
                found = record
    assert total_rows == 38
    assert found["三级指标"] == name and f"{found['复核一级指标']}/{found['复核二级指标']}" == corrected and found["复核指标值"] == "≥98%"
    overview = [dict(zip([c.value for c in book["汇总"][1]], row, strict=False)) for row in book["汇总"].iter_rows(min_row=2, max_row=6, values_only=True)]
    assert overview[4]["工作表"] == "合计" and overview[4]["行数"] == 38 and overview[4]["已复核"] == 1

    lines = [json.loads(line) for line in labelled_path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and lines[0]["level3"] == name and f"{lines[0]['level1']}/{lines[0]['level2']}" == corrected
    assert lines[0]["origin"] == "reviewed" and lines[0]["target"] == "≥98%"
    from training.lifecycle.ingest import read_new_file

    ingested = read_new_file(labelled_path, root=tmp_path / "data")  # what `zhibiao retrain` reads first
    assert [(r.origin, r.level2) for r in ingested.rows] == [("reviewed", corrected.split("/")[1])]


def test_openapi_page_renders_offline(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/docs")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".swagger-ui .info .title"), 60, "Swagger UI")
    assert "Zhibiao" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    assert browser.find_elements(By.CSS_SELECTOR, ".opblock")  # the operations rendered from /openapi.json
    shot(browser, "06_docs")
