"""``zhibiao backfill``: a run end to end, its progress and last lines, and one-line errors with exit code 2."""

from __future__ import annotations

import importlib.util

import pytest

from service.backfill.encoding import EncoderSpec
from service.cli import main
from tests.service.backfill.archive import make_archive
from tests.service.backfill.helpers import FAKE_SPEC, copy_models
from training.settings import get_settings


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    return folder, make_archive(folder)


@pytest.fixture
def fake_settings(monkeypatch, tmp_path, fake_models_root):
    """Settings pointing at a copy of the fake-encoder models, and the hashing encoder as the configured one."""
    models_root = copy_models(fake_models_root, tmp_path / "models")
    monkeypatch.setenv("ZHIBIAO_MODELS_DIR", str(models_root))
    monkeypatch.setattr(EncoderSpec, "configured", classmethod(lambda cls, threads=None: FAKE_SPEC))
    get_settings.cache_clear()
    yield models_root
    get_settings.cache_clear()


def test_backfill_command_runs_and_reports(tmp_path, archive, fake_settings, capsys):
    folder, _ = archive
    assert main(["backfill", str(folder), "-o", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "8 files" in captured.out and "4 done" in captured.out and "2 unreadable" in captured.out and "2 duplicates" in captured.out
    assert "summary.xlsx" in captured.out
    assert "files 8/8, rows " in captured.err and "ETA 0:00:00" in captured.err  # progress: files, rows, rate, ETA
    assert main(["backfill", str(folder), "-o", str(tmp_path / "out")]) == 0
    assert "8 already done" in capsys.readouterr().out


def test_without_ray_the_command_says_how_to_install_it(tmp_path, archive, monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "ray" else real(name, *args))
    assert main(["backfill", str(archive[0]), "-o", str(tmp_path / "out"), "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and 'pip install -e ".[distributed]"' in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["--workers", "3"], "options of --engine ray"),
    (["--address", "127.0.0.1:6379"], "options of --engine ray"),
    (["--engine", "ray", "--workers", "0"], "at least 1"),
])
def test_ray_options_with_the_local_engine_are_an_error(tmp_path, archive, args, words, capsys):
    assert main(["backfill", str(archive[0]), "-o", str(tmp_path / "out"), *args]) == 2
    assert words in capsys.readouterr().err


def test_bad_inputs_and_foreign_folders_are_one_line_errors(tmp_path, archive, fake_settings, capsys):
    assert main(["backfill", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "out")]) == 2
    assert "nothing-here: no such file or folder" in capsys.readouterr().err
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["backfill", str(archive[0]), "-o", str(tmp_path / "taken")]) == 2
    assert "holds no backfill job" in capsys.readouterr().err


def test_ray_address_comes_from_the_settings(monkeypatch):
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:6379")
    get_settings.cache_clear()
    try:
        assert get_settings().ray_address == "127.0.0.1:6379"
    finally:
        monkeypatch.delenv("RAY_ADDRESS")
        get_settings.cache_clear()
    assert get_settings().ray_address is None
