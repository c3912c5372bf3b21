"""``--engine ray`` on a local Ray instance gives the local engine's rows, row for row (slow: starts Ray)."""

from __future__ import annotations

import pytest

from service.backfill import BackfillError, run_backfill
from service.backfill.encoding import EncoderSpec
from service.backfill.output import read_rows
from tests.service.backfill.helpers import FAKE_SPEC
from training.readers import read_file

pytestmark = pytest.mark.slow

pytest.importorskip("ray", reason='the distributed extra: pip install -e ".[distributed]"')


def comparable(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("runs", "created")}


def test_ray_matches_local_row_for_row(tmp_path, archive, fake_models_root):
    folder, files = archive
    local = run_backfill([folder], tmp_path / "local", models_root=fake_models_root, encoder=FAKE_SPEC)
    ray_run = run_backfill([folder], tmp_path / "ray", engine="ray", workers=2, batch_rows=20, models_root=fake_models_root, encoder=FAKE_SPEC)
    assert (ray_run.done, ray_run.unreadable, ray_run.duplicates, ray_run.rows) == (local.done, local.unreadable, local.duplicates, local.rows)
    assert (local.done, local.unreadable, local.duplicates) == (4, 2, 2)
    assert local.rows == sum(len(read_file(files[role]).rows) for role in ("xlsx", "csv", "docx", "pdf"))
    mine, theirs = read_rows(tmp_path / "ray"), read_rows(tmp_path / "local")
    assert list(mine.columns) == list(theirs.columns) and len(mine) == len(theirs) == local.rows
    assert mine.equals(theirs)
    assert comparable(ray_run.summary) == comparable(local.summary)
    assert {d["path"] for d in ray_run.summary["duplicate_files"]} == {str(files["copy_xlsx"]), str(files["copy_csv"])}


def test_actors_that_cannot_load_the_model_stop_the_job_with_one_line(tmp_path, archive, fake_models_root):
    other = EncoderSpec("tests.fakes:HashingEncoder", {"fingerprint": "another-encoder"})
    with pytest.raises(BackfillError) as raised:
        run_backfill([archive[0]], tmp_path / "out", engine="ray", workers=1, models_root=fake_models_root, encoder=other)
    message = str(raised.value)
    assert "\n" not in message and "cannot start the ray engine" in message and "another-encoder" in message
    assert not list((tmp_path / "out").glob("rows/*"))
