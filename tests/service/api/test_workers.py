"""Worker lanes: bounded (503 with Retry-After past workers + queue), fair (per-client share, round-robin), off the event loop."""

from __future__ import annotations

import threading
import time

import pytest

from service.api.workers import Busy, FairPool


@pytest.fixture
def pool():
    pool = FairPool("test", workers=1, max_queued=3, per_client=2)
    yield pool
    pool.close()


def blocker(pool: FairPool, client: str = "blocker") -> threading.Event:
    release = threading.Event()
    started = threading.Event()

    def work():
        started.set()
        release.wait(10)

    pool.submit(client, work)
    assert started.wait(5)
    return release


def test_bounded_queue_refuses_instead_of_growing(pool):
    release = blocker(pool)
    futures = [pool.submit(f"client-{i}", lambda i=i: i) for i in range(3)]
    with pytest.raises(Busy) as busy:
        pool.submit("client-9", lambda: None)
    assert busy.value.code == "SERVER_BUSY" and busy.value.retry_after >= 1
    release.set()
    assert [f.result(5) for f in futures] == [0, 1, 2]
    assert pool.submit("client-9", lambda: "ok").result(5) == "ok"  # room again once the work is done


def test_one_client_gets_its_share_and_waits_round_robin(pool):
    release = blocker(pool, "greedy")
    order: list[str] = []
    pool.submit("greedy", lambda: order.append("greedy-1"))
    with pytest.raises(Busy) as busy:
        pool.submit("greedy", lambda: order.append("greedy-2"))
    assert busy.value.code == "CLIENT_BUSY"
    other = pool.submit("other", lambda: order.append("other-1"))
    release.set()
    other.result(5)
    pool.submit("greedy", lambda: None).result(5)
    assert order == ["greedy-1", "other-1"]  # queued in that order; with a share of 2 the greedy client could not queue more


def test_round_robin_across_clients():
    pool = FairPool("rr", workers=1, max_queued=10, per_client=5)
    try:
        release = blocker(pool, "x")
        order: list[str] = []
        futures = [pool.submit("a", lambda i=i: order.append(f"a{i}")) for i in range(3)]
        futures.append(pool.submit("b", lambda: order.append("b0")))
        release.set()
        for future in futures:
            future.result(5)
        assert order == ["a0", "b0", "a1", "a2"]  # b's one request does not wait behind all of a's
    finally:
        pool.close()


def test_exceptions_reach_the_caller(pool):
    def fail():
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        pool.submit("c", fail).result(5)
    assert pool.stats()["active"] == 0 and pool.stats()["queued"] == 0


def test_full_lane_answers_503_with_retry_after(make_client):
    with make_client(api_workers=1, api_queue=0) as client:
        release = blocker(client.app.state.pools["single"], "someone-else")
        try:
            response = client.post("/v1/classify", json={"items": [{"name": "培训人次"}]})
            assert response.status_code == 503 and int(response.headers["retry-after"]) >= 1
            assert response.json()["error"]["code"] == "SERVER_BUSY"
            assert client.get("/healthz").status_code == 200  # never behind model work
        finally:
            release.set()
        # the blocker's thread frees the lane a moment after it is released
        deadline = time.monotonic() + 5
        while (status := client.post("/v1/classify", json={"items": [{"name": "培训人次"}]}).status_code) == 503 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status == 200


def test_review_uploads_wait_in_the_table_lane_and_a_full_one_is_said_in_chinese(make_client):
    """POST /review had annotated outside the lanes: four 3,000-row uploads ran side by side (a final trial, 2026-12-01)."""
    table = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n".encode()
    with make_client(api_table_workers=1, api_table_queue=0) as client:
        release = blocker(client.app.state.pools["tables"], "someone-else")
        try:
            response = client.post("/review", files={"files": ("t.csv", table, "text/csv")}, follow_redirects=False)
            assert response.status_code == 503 and int(response.headers["retry-after"]) >= 1
            assert "服务器" in response.text or "繁忙" in response.text or "稍后" in response.text, response.text[:500]
        finally:
            release.set()
        deadline = time.monotonic() + 5
        while (response := client.post("/review", files={"files": ("t.csv", table, "text/csv")},
                                       follow_redirects=False)).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert response.status_code == 303
