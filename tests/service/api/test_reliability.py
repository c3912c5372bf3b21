"""Issue #14's reproductions against the real server over loopback: one request never stops the others, bodies are refused
before they are read, malformed files never answer 500, a broken model falls back, browsers and operators are checked.

Slow: the real model (shared session fixture) behind ``zhibiao serve`` on a loopback port. Latency is judged by medians and
90th percentiles of a few dozen requests, so one scheduling hiccup on a busy CI machine does not decide the test.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import statistics
import threading
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.live_server import running_server
from tests.training.readers.builders import xlsx_cut_in_half
from training.lifecycle import bundle as bundles

pytestmark = pytest.mark.slow
TOKEN = "reliability-admin-token"
ONE_ITEM = {"items": [{"name": "资金拨付及时率"}]}


@pytest.fixture(scope="module")
def server(models_root):
    with running_server(models_root, admin_token=TOKEN, api_table_workers="1", api_table_queue="0") as base:
        yield base


def corpus_csv(rows: int) -> bytes:
    """A valid table of ``rows`` indicators with distinct names, built from the corpus (as a unit would upload it)."""
    from training.lifecycle.corpus import load_corpus

    labelled = load_corpus().labelled
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
    for i in range(rows):
        row = labelled[i % len(labelled)]
        suffix = "" if i < len(labelled) else f"（{i // len(labelled)}）"
        writer.writerow([row.level1_raw or row.level1, row.level2_raw or row.level2, f"{row.level3}{suffix}", row.target_raw or ""])
    return out.getvalue().encode("utf-8")


def timed(call) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000, response


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


NEW_NAME_STEMS = ("农村公路养护验收合格率", "培训人员满意度", "设备购置完成率", "补助资金发放及时率", "受益群众人数")


def new_names():
    """One-item bodies with names the server has never seen (a clerk typing): the encoder runs for each."""
    for i in range(10_000):
        yield {"items": [{"name": f"第{i}号{NEW_NAME_STEMS[i % len(NEW_NAME_STEMS)]}"}]}


def test_a_large_upload_does_not_stop_other_requests(server, capsys):
    """Issue #14: while a 3,000-row upload runs, /healthz answers in < 100 ms and a one-item classify stays within 3 × its
    idle p50. The one item is a new name each time, as a form plugin sends while a clerk types; a repeated name
    (vector cached, about 1 ms idle) is timed too and must stay under 20 ms, but not within 3 ×: a third of its
    millisecond is a share of a core, which another process on the machine can take."""
    table = corpus_csv(3000)
    fresh = new_names()
    with httpx.Client(base_url=server, timeout=60) as client:
        for _ in range(5):
            client.post("/v1/classify", json=ONE_ITEM)
            client.post("/v1/classify", json=next(fresh))
        idle_new = [timed(lambda: client.post("/v1/classify", json=next(fresh)))[0] for _ in range(30)]
        idle = [timed(lambda: client.post("/v1/classify", json=ONE_ITEM))[0] for _ in range(30)]
        result: dict = {}

        def upload() -> None:
            result["ms"], result["response"] = timed(lambda: httpx.post(server + "/v1/tables/classify", files={"file": ("3000.csv", table)},
                                                                        timeout=600))

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(0.3)
        busy = client.post("/v1/tables/classify", files={"file": ("second.csv", table)})  # the table lane holds one
        health, classify, classify_new = [], [], []
        while thread.is_alive():
            elapsed, response = timed(lambda: client.get("/healthz"))
            assert response.status_code == 200
            health.append(elapsed)
            elapsed, response = timed(lambda: client.post("/v1/classify", json=next(fresh)))
            assert response.status_code == 200
            classify_new.append(elapsed)
            elapsed, response = timed(lambda: client.post("/v1/classify", json=ONE_ITEM))
            assert response.status_code == 200
            classify.append(elapsed)
            time.sleep(0.05)
        thread.join()
    assert result["response"].status_code == 200 and result["response"].json()["summary"]["rows"] == 3000
    assert busy.status_code == 503 and busy.json()["error"]["code"] == "SERVER_BUSY" and int(busy.headers["retry-after"]) >= 1
    with capsys.disabled():
        print(f"\n3,000-row upload {result['ms'] / 1000:.1f} s; during it /healthz p50 {statistics.median(health):.1f} ms, "
              f"p90 {percentile(health, 0.9):.1f} ms, max {max(health):.1f} ms ({len(health)} requests); one-item /v1/classify "
              f"with a new name p50 {statistics.median(classify_new):.1f} ms against {statistics.median(idle_new):.1f} ms idle, "
              f"with a repeated name {statistics.median(classify):.1f} ms against {statistics.median(idle):.1f} ms idle")
    assert len(health) >= 5, "the upload finished before anything could be measured"
    assert percentile(health, 0.9) < 100
    assert statistics.median(classify_new) <= 3 * statistics.median(idle_new)
    assert statistics.median(classify) < 20


def raw_request(base: str, head: str, first_bytes: bytes, seconds: float = 10) -> tuple[int, dict, float]:
    """Send ``head`` and the first bytes of a body that is never finished; return the status, the error and the seconds to answer."""
    parts = urlparse(base)
    started = time.perf_counter()
    with socket.create_connection((parts.hostname, parts.port), timeout=seconds) as sock:
        sock.sendall(head.encode("latin-1") + first_bytes)
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    status = int(received.split(b" ", 2)[1])
    body = json.loads(received.split(b"\r\n\r\n", 1)[1].decode("utf-8"))
    return status, body["error"], time.perf_counter() - started


def stream_until_answered(base: str, head: str, first: bytes, limit: int) -> tuple[int, bytes]:
    """Send a chunked body of up to ``limit`` bytes, 64 KB a chunk, until the server answers; (bytes sent, the answer)."""
    import select

    parts = urlparse(base)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1") + f"{len(first):x}\r\n".encode() + first + b"\r\n")
        chunk = b"a" * 65536
        while sent < limit:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:  # the server closed the connection after answering
                break
            sent += len(chunk)
        answer = b""
        while True:  # the head, then as many body bytes as it announces
            data = sock.recv(65536)
            if not data:
                break
            answer += data
            head, _, body = answer.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(body) >= length:
                break
    return sent, answer


def test_oversized_bodies_are_refused_before_they_are_read(server):
    """With a Content-Length over the limit the answer comes after 64 KB of a 300 MB / 500 MB body: nothing more is read,
    so nothing is buffered or spooled. Without one, the stream is cut off at the limit (up to 10 MB may have been spooled)."""
    host = urlparse(server).netloc
    json_head = (f"POST /v1/classify HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {300 * 1024 * 1024}\r\n\r\n")
    status, error, seconds = raw_request(server, json_head, b'{"items": [' + b" " * 65536)
    assert (status, error["code"]) == (413, "BODY_TOO_LARGE") and seconds < 5

    upload_head = (f"POST /v1/tables/classify HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
                   f"Content-Length: {500 * 1024 * 1024}\r\n\r\n")
    status, error, seconds = raw_request(server, upload_head, b'--xyz\r\nContent-Disposition: form-data; name="file"; '
                                                              b'filename="big.csv"\r\n\r\n' + b"a," * 32768)
    assert (status, error["code"]) == (413, "UPLOAD_TOO_LARGE") and error["details"]["found"] == 500 * 1024 * 1024

    # No Content-Length (chunked): refused once the stream passes the limit, not at its end. Full duplex over a raw socket,
    # so the moment the answer arrives is seen while the body is still being sent.
    chunked_head = (f"POST /v1/tables/classify HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")
    sent, answer = stream_until_answered(server, chunked_head, b'--xyz\r\nContent-Disposition: form-data; name="file"; '
                                                                b'filename="big.csv"\r\n\r\n', limit=100 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413") and b"UPLOAD_TOO_LARGE" in answer
    assert sent < 2 * 10 * 1024 * 1024, f"{sent} bytes went in before the refusal"  # the 10 MB limit plus socket buffers
    assert httpx.get(server + "/healthz").status_code == 200


def html_span_bomb() -> bytes:
    cells = "".join('<td rowspan="500" colspan="500">x</td>' for _ in range(40))
    return f"<table><tr><th>三级指标</th><th>指标值</th></tr><tr>{cells}</tr></table>".encode()


def sparse_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "三级指标"
    workbook.active["ZZ20000"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "statuses", "codes"),
    [
        ("cut.xlsx", xlsx_cut_in_half, {422}, {"UNREADABLE_FILE"}),
        ("huge-cell.csv", lambda: ("三级指标,指标值\n" + "长" * 140_000 + ",1\n").encode(), {413}, {"CELL_TOO_LARGE"}),
        ("spans.html", html_span_bomb, {413}, {"TOO_MANY_CELLS"}),
        ("sparse.xlsx", sparse_xlsx, {200, 413, 422}, {None, "TOO_MANY_CELLS", "NO_TABLE"}),
        ("rows.csv", lambda: b"\xe4\xb8\x89\xe7\xba\xa7\xe6\x8c\x87\xe6\xa0\x87\n" + b"x1\n" * 200_000, {413}, {"TOO_MANY_ROWS"}),
        ("bomb.xlsx", zip_bomb, {413, 422}, {"EXPANDS_TOO_LARGE", "UNREADABLE_FILE"}),
        ("old.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, {415, 422}, {"LEGACY_WORD", "UNSUPPORTED_FORMAT", "UNREADABLE_FILE"}),
    ],
)
def test_malformed_files_get_a_code_quickly_never_a_500(server, name, make, statuses, codes):
    ms, response = timed(lambda: httpx.post(server + "/v1/tables/classify", files={"file": (name, make())}, timeout=120))
    assert response.status_code in statuses, response.text
    error = response.json().get("error") or {}
    assert error.get("code") in codes and (not error or error["message_zh"])
    assert ms < 10_000


def test_contract_details_over_http(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        wrong = client.get("/v1/classify")
        assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
        two = client.post("/v1/tables/classify", files=[("file", ("a.csv", b"x\n")), ("file", ("b.csv", b"y\n"))])
        assert two.status_code == 400 and two.json()["error"]["code"] == "MULTIPLE_FILES"
        empty = client.post("/v1/classify", json={"items": [{"name": "\u200b\u200f\u2066"}]})
        assert empty.status_code == 422 and empty.json()["error"]["details"]["errors"][0]["type"] == "empty_name"
        response = client.get("/healthz")
        assert response.headers["x-request-id"] and response.headers["server-timing"].startswith("app;dur=")


def test_web_pages_cannot_drive_the_local_instance(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        forged = client.post("/v1/tables/classify", files={"file": ("a.csv", b"x\n")}, headers={"Origin": "https://attacker.example"})
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "ORIGIN_NOT_ALLOWED"
        rebound = client.get("/v1/model", headers={"Host": f"attacker.example:{urlparse(server).port}"})
        assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "HOST_NOT_ALLOWED"
        assert client.post("/v1/classify", json=ONE_ITEM, headers={"Origin": server}).status_code == 200  # its own pages


def test_admin_needs_the_token(server):
    assert httpx.post(server + "/v1/admin/reload").status_code == 401
    answer = httpx.post(server + "/v1/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.json()["changed"] is False


def test_corrupt_current_bundle_falls_back_to_previous(models_root, tmp_path):
    root = tmp_path / "models"
    source = models_root / bundles.current_version(models_root)
    for version in ("v1", "v2"):
        shutil.copytree(source, root / version)
        metadata = json.loads((root / version / bundles.METADATA).read_text(encoding="utf-8"))
        (root / version / bundles.METADATA).write_text(json.dumps({**metadata, "version": version}), encoding="utf-8")
        bundles.promote(version, root)
    with open(root / "v2" / bundles.PAYLOAD, "r+b") as handle:  # damage in place, as a bad disk or a half copy would
        handle.seek(1000)
        handle.write(b"\0" * 64)
    with running_server(root) as base:
        ready = httpx.get(base + "/readyz").json()
        assert ready["status"] == "degraded" and ready["fallback"]["wanted"] == "v2" and ready["fallback"]["serving"] == "v1"
        assert "zhibiao models rollback" in httpx.get(base + "/v1/model").json()["fallback"]["hint"]
        assert httpx.post(base + "/v1/classify", json=ONE_ITEM).json()["model_version"] == "v1"
        bundles.promote("v1", root, action="rollback")  # the operator follows the hint; the watcher notices
        deadline = time.time() + 30
        while time.time() < deadline and httpx.get(base + "/readyz").json()["status"] != "ready":
            time.sleep(0.5)
        assert httpx.get(base + "/readyz").json() == {"status": "ready", "model_version": "v1", "fallback": None}
