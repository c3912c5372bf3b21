"""The model never leaves the service without an answer: a broken models/current falls back, says so once, and points at rollback."""

from __future__ import annotations

import json
import logging
import shutil

import pytest
from fastapi.testclient import TestClient

from service.api.main import create_app
from service.api.state import ModelHolder
from training.lifecycle import bundle as bundles


def copy_bundle(source_root, root, version: str) -> None:
    shutil.copytree(source_root / bundles.current_version(source_root), root / version)
    metadata = json.loads((root / version / bundles.METADATA).read_text(encoding="utf-8"))
    metadata["version"] = version
    (root / version / bundles.METADATA).write_text(json.dumps(metadata), encoding="utf-8")


def corrupt(root, version: str) -> None:
    with open(root / version / bundles.PAYLOAD, "ab") as handle:
        handle.write(b"damage")


@pytest.fixture
def two_versions(tmp_path, fake_models_root):
    """v1 was current, then v2 was promoted (history.jsonl and previous say so); v0 was never promoted."""
    for version in ("v0", "v1", "v2"):
        copy_bundle(fake_models_root, tmp_path, version)
    bundles.promote("v1", tmp_path)
    bundles.promote("v2", tmp_path)
    return tmp_path


def test_corrupt_current_at_start_falls_back_to_previous(two_versions, fake_encoder, test_settings, caplog):
    corrupt(two_versions, "v2")
    holder = ModelHolder(two_versions, fake_encoder, reload_interval=0)
    with caplog.at_level(logging.WARNING, logger="zhibiao.model"):
        answer = holder.reload()
        for _ in range(3):
            holder.reload(force=False)  # what the watcher does every interval
    assert answer["version"] == "v1" and "hash does not match" in answer["error"]
    assert holder.fallback["wanted"] == "v2" and holder.fallback["serving"] == "v1"
    assert "zhibiao models rollback" in holder.fallback["hint"]
    assert sum("cannot be loaded" in r.getMessage() and "models/current" in r.getMessage() for r in caplog.records) == 2  # error + hint, once

    settings = test_settings.model_copy(update={"models_dir": two_versions})
    with TestClient(create_app(settings, holder), client=("127.0.0.1", 1)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded" and ready.json()["fallback"]["serving"] == "v1"
        model = client.get("/v1/model").json()
        assert model["version"] == "v1" and "rollback" in model["fallback"]["hint"]
        assert client.post("/v1/classify", json={"items": [{"name": "培训人次"}]}).json()["model_version"] == "v1"

    bundles.promote("v1", two_versions, action="rollback")  # the operator follows the hint
    assert holder.reload(force=False)["version"] == "v1" and holder.fallback is None


def test_broken_new_current_keeps_the_served_model(two_versions, fake_encoder, fake_models_root):
    holder = ModelHolder(two_versions, fake_encoder, reload_interval=0)
    assert holder.reload()["version"] == "v2"
    copy_bundle(fake_models_root, two_versions, "v3")
    bundles.promote("v3", two_versions)
    corrupt(two_versions, "v3")
    answer = holder.reload(force=False)
    assert answer["version"] == "v2" and holder.fallback["wanted"] == "v3" and "models rollback" in holder.fallback["hint"]
    copy_bundle(fake_models_root, two_versions, "v4")
    bundles.promote("v4", two_versions)  # over the broken v3: previous is v2, the last version that loads
    assert bundles.previous_version(two_versions) == "v2"
    corrupt(two_versions, "v4")
    answer = holder.reload(force=False)
    assert answer["version"] == "v2" and "models rollback" in holder.fallback["hint"]
    bundles._point(two_versions, bundles.PREVIOUS, "v3")  # previous broken too (by hand): rolling back would not help
    answer = holder.reload(force=True)
    assert answer["version"] == "v2" and "`zhibiao models promote v2`" in holder.fallback["hint"]


def test_never_promoted_bundles_are_no_fallback(two_versions, fake_encoder):
    corrupt(two_versions, "v2")
    corrupt(two_versions, "v1")
    holder = ModelHolder(two_versions, fake_encoder, reload_interval=0)
    answer = holder.reload()
    assert holder.current is None and answer["version"] is None  # v0 loads, but was never in service
    assert bundles.fallback_versions(two_versions) == ["v1"]
