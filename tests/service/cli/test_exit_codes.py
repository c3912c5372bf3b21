"""The CLI exits as documented: one line and exit 2 for what a user can fix, 1 for a bug (still one line), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from service.cli import main
from tests.conftest import ROOT, ZHENGZHOU
from tests.training.readers.builders import xlsx_cut_in_half
from training.lifecycle import bundle as bundles
from training.settings import get_settings


@pytest.fixture
def env(monkeypatch, tmp_path):
    """Set ZHIBIAO_* variables for in-process runs; the settings are read again."""

    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"ZHIBIAO_{key.upper()}", value)
        get_settings.cache_clear()

    set_env(models_dir=str(tmp_path / "models"))
    yield set_env
    monkeypatch.undo()
    get_settings.cache_clear()


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def test_promote_of_a_version_that_does_not_exist_lists_those_that_do(env, tmp_path, capsys):
    bundles.save_bundle({"n": 1}, {}, tmp_path / "models", version="20260101-000000-aaaaaa")
    assert main(["models", "promote", "nosuch"]) == 2
    assert one_line(capsys.readouterr().err) == (f"error: no model version 'nosuch' in {tmp_path / 'models'}; "
                                                 "versions: 20260101-000000-aaaaaa")


def test_malformed_cors_origins_is_a_configuration_error(env, capsys):
    env(cors_origins='["https://a.example"')
    assert main(["models", "list"]) == 2
    assert one_line(capsys.readouterr().err).startswith("configuration error: ZHIBIAO_CORS_ORIGINS: not a JSON list")
    env(cors_origins="https://a.example/path")
    assert main(["serve", "--port", str(free_port())]) == 2
    assert "scheme://host[:port]" in one_line(capsys.readouterr().err)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_a_port_out_of_range_is_refused(env, capsys, port):
    assert main(["serve", "--port", port]) == 2
    assert "1–65535" in one_line(capsys.readouterr().err)


def test_a_port_in_use_is_refused_before_the_model_loads(env, capsys, monkeypatch):
    import socket

    from service.api import state

    monkeypatch.setattr(state.ModelHolder, "reload", lambda self, **_: pytest.fail("loaded a model"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", "--port", str(busy.getsockname()[1])]) == 2
    assert "cannot listen on 127.0.0.1:" in one_line(capsys.readouterr().err)


def test_an_unknown_host_is_named(env, capsys):
    assert main(["serve", "--host", "[::1]", "--port", str(free_port())]) == 2
    assert "--host [::1]: not an address" in one_line(capsys.readouterr().err)


def test_serving_beyond_loopback_needs_an_admin_token(env, capsys):
    assert main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    assert "ZHIBIAO_ADMIN_TOKEN" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("cut.xlsx", xlsx_cut_in_half),
        ("huge-cell.csv", lambda: ("三级指标,指标值\n" + "长" * 200_000 + ",1\n").encode("utf-8")),
        ("nothing.csv", lambda: b""),
    ],
)
def test_unreadable_input_is_exit_2_with_one_line(name, make, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(make())
    assert main(["ingest", str(path)]) == 2
    assert name in one_line(capsys.readouterr().err)


def test_a_bug_is_exit_1_with_one_line(env, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nthat spans lines")

    monkeypatch.setattr(bundles, "list_versions", broken)
    assert main(["models", "list"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: unexpected RuntimeError: something that spans lines") and "ZHIBIAO_LOG_LEVEL=debug" in line


def test_models_locked_by_another_process_is_exit_4(env, tmp_path, capsys):
    bundles.save_bundle({"n": 1}, {}, tmp_path / "models", version="v1")
    code = ("import sys, time\nfrom pathlib import Path\nfrom training.lifecycle.lock import models_lock\n"
            "with models_lock(Path(sys.argv[1]), 'train'):\n    print('locked', flush=True)\n    time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "models")], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["models", "promote", "v1"]) == 4
        assert f"locked by pid {holder.pid}" in one_line(capsys.readouterr().err)
    finally:
        holder.kill()
        holder.wait(10)


def test_output_closed_early_is_no_traceback():
    """`zhibiao ingest FILE... | head`: the reader goes away; the command stops quietly with 141."""
    read, write = os.pipe()
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "ingest", *[str(ZHENGZHOU)] * 3], cwd=ROOT, stdout=write,
                               stderr=subprocess.PIPE, text=True)
    os.close(write)
    os.close(read)  # like `head` exiting before the first line is written
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141 and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_a_lone_unreadable_file_exits_2_while_the_encoder_is_still_loading(tmp_path):
    # the preload thread builds the ONNX session in native code; exiting under it aborted the interpreter (exit 134)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "service.cli", "classify", str(empty), "-o", str(tmp_path / "x.csv")], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert [line for line in done.stderr.splitlines() if line.strip()] == ["错误：无法读取（NO_TABLE）：empty.csv：是空文件"]


def test_a_server_that_does_not_start_is_exit_2_not_the_gates_3(env, capsys, monkeypatch):
    import uvicorn

    from service import preload
    from service.api import state
    from tests.fakes import HashingEncoder

    def fail_to_start(*args, **kwargs):
        raise SystemExit(3)  # uvicorn's STARTUP_FAILURE (a port taken between the check and the bind)

    monkeypatch.setattr(preload, "start", lambda *a, **k: HashingEncoder())
    monkeypatch.setattr(preload, "freeze_heap", lambda: None)
    monkeypatch.setattr(state.ModelHolder, "reload", lambda self, **_: None)
    monkeypatch.setattr(uvicorn, "run", fail_to_start)
    assert main(["serve", "--port", str(free_port())]) == 2
    assert "the server did not start (uvicorn exit 3" in one_line(capsys.readouterr().err)


def test_promoting_a_bundle_of_another_encoder_is_refused_unless_forced(env, capsys, monkeypatch, tmp_path):
    from training.model import encoder

    class Local:
        identity = {"fingerprint": "local-encoder"}

    monkeypatch.setattr(encoder, "local_encoder", lambda *a, **k: Local())
    for version, fingerprint in (("v1", "local-encoder"), ("v2", "another-encoder")):
        bundles.save_bundle({"n": 1}, {"encoder": {"fingerprint": fingerprint}}, tmp_path / "models", version=version)
    assert main(["models", "promote", "v1"]) == 0
    assert main(["models", "promote", "v2"]) == 2
    assert "v2 was trained with encoder another-encoder, the local encoder is local-encoder" in one_line(capsys.readouterr().err)
    assert bundles.current_version(tmp_path / "models") == "v1"
    assert main(["models", "promote", "v2", "--force"]) == 0 and bundles.current_version(tmp_path / "models") == "v2"
    capsys.readouterr()
    assert main(["models", "rollback"]) == 0  # back to v1, this machine's encoder
    said = capsys.readouterr().out  # a trial rolled back twice and was back where it started, unwarned
    assert "current -> v1" in said and "previous is now v2: a second rollback returns to it" in said
    assert "the corpus is unchanged" in said  # the rolled-back run's tables stay for the next retrain, and it says so


@pytest.mark.parametrize(("argv", "said"), [
    (["classify"], "zhibiao classify: 错误：缺少参数：FILE"),
    (["classify", "a.csv", "--framework", "2019"], "zhibiao classify: 错误：参数 --framework 的取值 '2019' 无效，可选：'2021', '2015'"),
    (["suggest", "培训人数", "-k", "abc"], "zhibiao suggest: 错误：参数 -k 需要整数，收到 'abc'"),
    (["classify", "a.csv", "--bogus"], "zhibiao: 错误：无法识别的参数：--bogus"),
    (["classfy", "a.csv"], "zhibiao: 错误：没有命令 'classfy'，可用的命令："),
    (["models", "prune", "--keep", "-1"], "zhibiao models: 错误：参数 --keep 需要正整数，收到 '-1'"),  # had pruned with exit 0
])
def test_usage_errors_are_said_in_chinese_after_the_usage(argv, said, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("usage: zhibiao") and lines[-1].startswith(said), lines


def test_models_list_shows_previous_and_a_damaged_bundle(env, tmp_path, capsys):
    """A damaged current bundle showed as plain `current`, while classify and suggest failed on it."""
    root = tmp_path / "models"
    for version in ("20260101-000000-aaaaaa", "20260102-000000-bbbbbb"):
        bundles.save_bundle({"n": 1}, {}, root, version=version)
        bundles.promote(version, root)
    payload = root / "20260102-000000-bbbbbb" / bundles.PAYLOAD
    payload.write_bytes(payload.read_bytes()[:-10] + b"0123456789")
    assert main(["models", "list"]) == 0
    lines = {line.split()[1 if line.startswith("*") else 0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["20260101-000000-aaaaaa"].rstrip().endswith("previous")
    assert "current, DAMAGED: " in lines["20260102-000000-bbbbbb"]


@pytest.mark.parametrize("year", ["1800", "3000"])
def test_retrain_refuses_a_year_that_is_no_budget_year(env, tmp_path, capsys, year):
    """--year 1800 had been taken and its rows trained on (a newcomer's trial, 2026-12-01); nothing is changed."""
    table = tmp_path / "t.csv"
    table.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n", encoding="utf-8")
    assert main(["retrain", str(table), "--year", year]) == 2
    assert "no budget year" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


@pytest.mark.parametrize("argv", [["models", "rollback", "v1"], ["models", "prune", "5"], ["models", "list", "extra"]])
def test_models_actions_take_no_stray_version(env, capsys, argv):
    """A final trial: `models rollback VERSION` moved away from VERSION, `models prune 5` pruned with the default keep."""
    assert main(argv) == 2
    assert "takes no VERSION" in one_line(capsys.readouterr().err)


def test_retrain_refuses_a_single_fold(env, capsys):
    """With one fold the candidate and the current model score alike: a shuffled-label candidate passed the gate."""
    with pytest.raises(SystemExit) as stop:
        main(["retrain", "t.csv", "--folds", "1"])
    assert stop.value.code == 2 and "不小于 2" in capsys.readouterr().err


def test_rollback_with_nothing_else_to_go_back_to_says_so(env, capsys, tmp_path):
    """A damaged current had left previous = current: a second rollback said `rolled back` and changed nothing."""
    bundles.save_bundle({"n": 1}, {"encoder": {"fingerprint": "x"}}, tmp_path / "models", version="v1")
    bundles.promote("v1", tmp_path / "models")
    (tmp_path / "models" / bundles.PREVIOUS).symlink_to("v1")  # previous = current, as a damaged current can leave it
    assert bundles.previous_version(tmp_path / "models") == bundles.current_version(tmp_path / "models") == "v1"
    assert main(["models", "rollback"]) == 2
    assert "no previous model to roll back to (v1 is current already)" in one_line(capsys.readouterr().err)


def test_evaluate_checks_its_report_folder_before_any_work(env, capsys, tmp_path, monkeypatch):
    """A final trial: `evaluate -o` under a file ran the whole evaluation, then stopped as an unexpected bug."""
    import training.evaluation.targets_report as targets_report

    monkeypatch.setattr(targets_report, "run_targets_evaluation", lambda *a, **k: pytest.fail("the evaluation ran"))
    (tmp_path / "afile").write_text("x")
    assert main(["evaluate", "--targets", "-o", str(tmp_path / "afile" / "sub")]) == 2
    assert "cannot write the reports to" in one_line(capsys.readouterr().err)
