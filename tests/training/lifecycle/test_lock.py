"""models/.lock: one writer at a time, the holder named, a lock left by a killed process taken over."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading

import pytest

from tests.conftest import ROOT
from training.lifecycle import bundle as bundles
from training.lifecycle.lock import LOCK_FILE, ModelsLocked, NotWritable, check_writable, models_lock

HOLD = """
import sys, time
from pathlib import Path
from training.lifecycle.lock import models_lock
with models_lock(Path(sys.argv[1]), "retrain"):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder_process(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    yield process
    process.kill()
    process.wait(10)


def test_a_second_writer_is_refused_naming_the_holder(tmp_path, holder_process):
    bundles.save_bundle({"n": 1}, {}, tmp_path, version="v1")
    with pytest.raises(ModelsLocked, match=rf"locked by pid {holder_process.pid} .*\(retrain since"):
        bundles.promote("v1", tmp_path)
    with pytest.raises(ModelsLocked):
        bundles.prune(1, tmp_path)
    assert bundles.current_version(tmp_path) is None


def test_a_killed_holder_leaves_a_stale_lock_that_is_taken_over(tmp_path, holder_process, caplog):
    holder_process.kill()
    holder_process.wait(10)
    assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == holder_process.pid  # the file is still there
    bundles.save_bundle({"n": 1}, {}, tmp_path, version="v1")
    with caplog.at_level(logging.WARNING, logger="zhibiao.lifecycle"):
        bundles.promote("v1", tmp_path)
    assert bundles.current_version(tmp_path) == "v1"
    assert f"stale lock of pid {holder_process.pid}" in caplog.text
    assert (tmp_path / LOCK_FILE).read_text() == ""  # released cleanly: nothing stale for the next one


def test_the_lock_is_reentrant_in_its_thread_only(tmp_path):
    seen = []
    with models_lock(tmp_path, "retrain"), models_lock(tmp_path, "promote"):
        thread = threading.Thread(target=lambda: seen.append(_try_lock(tmp_path)))
        thread.start()
        thread.join()
    assert seen == ["locked"]
    with models_lock(tmp_path, "train"):
        pass


def _try_lock(root) -> str:
    try:
        with models_lock(root, "other"):
            return "got it"
    except ModelsLocked:
        return "locked"


def test_unwritable_folder_is_found_before_any_work(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(NotWritable, match="not writable"):
        check_writable(blocker / "models")
    check_writable(tmp_path / "not" / "yet" / "there")
    assert not (tmp_path / "not").exists()
