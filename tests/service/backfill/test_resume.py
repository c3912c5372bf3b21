"""Kill a running ``zhibiao backfill`` (its whole process group), run it again: every row exactly once (slow: processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.backfill import run_backfill
from service.backfill.inputs import content_hash
from service.backfill.output import read_rows
from tests.service.backfill.archive import make_archive
from tests.service.backfill.helpers import FAKE_SPEC, copy_models
from training.readers import ReadError, read_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


def command(folder: Path, out: Path, models: Path) -> subprocess.Popen:
    env = {**os.environ, "ZHIBIAO_MODELS_DIR": str(models)}
    return subprocess.Popen([sys.executable, "-m", "tests.service.backfill.fake_cli", "backfill", str(folder), "-o", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_killed_midway_and_rerun_gives_each_row_exactly_once(tmp_path, fake_models_root):
    folder = tmp_path / "archive"
    make_archive(folder, copies=25)
    models = copy_models(fake_models_root, tmp_path / "models")
    out = tmp_path / "out"
    job = command(folder, out, models)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and job.poll() is None:
        if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= 5:
            break
        time.sleep(0.02)
    assert job.poll() is None, f"the job ended before it could be killed: {job.communicate()}"
    os.killpg(job.pid, signal.SIGKILL)
    assert job.wait(timeout=30) == -signal.SIGKILL
    recorded = manifest.read_text(encoding="utf-8").count("\n")

    rerun = command(folder, out, models)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert f"{recorded} already done" in stdout or "already done" in stdout

    frame = read_rows(out)
    assert not frame.duplicated(["file_hash", "position"]).any()
    expected_rows = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                expected_rows[content_hash(path.read_bytes())] = len(read_file(path).rows)
            except ReadError:
                continue
    assert frame.groupby("file_hash").size().to_dict() == expected_rows
    # and the same rows as a run that was never interrupted
    whole = run_backfill([folder], tmp_path / "whole", models_root=models, encoder=FAKE_SPEC)
    assert whole.rows == len(frame)
    part, entire = frame.drop(columns=["file_hash"]), read_rows(tmp_path / "whole").drop(columns=["file_hash"])
    differing = {c: (part[c][part[c] != entire[c]].head(3).tolist(), entire[c][part[c] != entire[c]].head(3).tolist())
                 for c in part.columns if not part[c].equals(entire[c])}
    assert part.equals(entire), differing  # which columns differ, and how, if ever they do
