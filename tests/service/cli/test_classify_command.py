"""``zhibiao classify -o``: the Chinese annotated workbook and CSV for several files, JSON Lines with English keys."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from service.cli import main
from tests.conftest import BAODING, YUTIAN


@pytest.fixture()
def fake_model(monkeypatch, fake_predictor):
    from service.cli import model

    monkeypatch.setattr(model, "_predictor", lambda encoder=None: fake_predictor)
    # no real encoder loading in the background (its native session outliving the test run aborts the interpreter)
    monkeypatch.setattr("service.preload.start", lambda encoder=None, tokenizer=True: fake_predictor.encoder)


def test_classify_two_files_into_one_workbook(fake_model, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert main(["classify", str(YUTIAN), str(BAODING), "-o", str(out)]) == 0
    assert "73 行 →" in capsys.readouterr().out
    book = load_workbook(out)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 1 + 4 + 7  # four Yutian tables, seven Baoding ones
    assert sum(sheet.max_row - 1 for sheet in book.worksheets[1:]) == 73
    overview = list(book["汇总"].iter_rows(values_only=True))
    total = next(row for row in overview if row and row[0] == "合计")
    assert total[1] == "2 个文件" and total[6] == 73
    assert "指标框架" in [row[0] for row in overview if row]


def test_classify_csv_and_jsonl(fake_model, tmp_path):
    assert main(["classify", str(YUTIAN), "-o", str(tmp_path / "out.csv")]) == 0
    header = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["来源文件", "表序号", "所属项目", "原一级指标", "原二级指标"] and "是否需复核" in header
    assert main(["classify", str(YUTIAN), "-o", str(tmp_path / "out.jsonl")]) == 0
    first = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"pred_level1", "pred_level2", "needs_review", "target_warning"} <= set(first)


def test_an_unreadable_file_does_not_lose_the_others(fake_model, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook at all")
    out = tmp_path / "out.xlsx"
    assert main(["classify", str(YUTIAN), str(broken), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "broken.xlsx" in captured.err and "1 个文件（共 2 个）无法读取" in captured.err and "无法读取（" in captured.err
    book = load_workbook(out)
    assert sum(sheet.max_row - 1 for sheet in book.worksheets[1:]) == 36  # every Yutian row
    overview = [row for row in book["汇总"].iter_rows(values_only=True) if row and row[0]]
    total = next(row for row in overview if row[0] == "合计")
    assert total[1] == "2 个文件（1 个无法读取）"
    listed = [row for row in overview if row[0] == "broken.xlsx"]  # under 无法读取的文件: the file, then why
    assert len(listed) == 1 and "broken.xlsx" not in str(listed[0][1]) and listed[0][1]
    assert any(row[0] == "无法读取的文件" for row in overview)
    assert main(["classify", str(YUTIAN), str(broken), "-o", str(tmp_path / "out.csv")]) == 2
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 36 + 1 and lines[-1].startswith("broken.xlsx,")  # every row, then the unreadable file


@pytest.mark.parametrize(("args", "says"), [(["missing.csv"], "文件不存在"), (["."], "是文件夹"),
                                             ([str(YUTIAN), "-o", "out.txt"], "输出文件须以 .csv、"),
                                             (["/dev/null"], "不是普通文件"),
                                             (["table.csv", "-o", "table.csv"], "是输入文件之一"),
                                             (["table.csv", "-o", "out.xlsx/"], "是文件夹路径")])  # had overwritten out.xlsx
def test_classify_checks_its_arguments_before_loading_a_model(monkeypatch, tmp_path, capsys, args, says):
    from service.cli import model

    monkeypatch.chdir(tmp_path)
    (tmp_path / "table.csv").write_text("三级指标,指标值\n培训人数,≥100人\n", encoding="utf-8")
    monkeypatch.setattr(model, "_predictor", lambda encoder=None: pytest.fail("loaded a model"))
    assert main(["classify", *args]) == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(("args", "says"), [(["   "], "NAME：为空"), (["培训人数", "-k", "0"], "-k：不能小于 1"),
                                             (["培训人数", "-k", "10000"], "-k：不能大于"),
                                             (["--project", "高标准农田建设", "-k", "10000"], "-k"), (["--project", "  "], "--project"),
                                             (["培训人数", "--year", "0"], "--year"), ([], "请给出三级指标名称"),
                                             (["培训人数", "--project", "某项目"], "不能同用"),
                                             (["培训人数", "--goal", "改善办学条件"], "--goal 是项目的绩效目标")])
def test_suggest_takes_what_the_api_takes(monkeypatch, capsys, args, says):
    from service.cli import model

    monkeypatch.setattr(model, "_predictor", lambda encoder=None: pytest.fail("loaded a model"))
    assert main(["suggest", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1


def test_suggest_for_a_name_without_words_suggests_nothing_and_says_why(fake_model, capsys):
    """A newcomer's trial: 。，！？ had got 12月31日前 with no warning."""
    assert main(["suggest", "。，！？"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["suggestions"] == [] and answer["warnings_zh"] == ["名称“。，！？”：只有数字或符号，没有文字"]
    assert main(["suggest", "率"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["suggestions"] and answer["warnings_zh"][0] == "名称“率”：太短：一个字不构成指标名称"


def test_suggest_with_an_unknown_category_says_so(fake_model, capsys):
    assert main(["suggest", "培训人数", "--level2", "胡说"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert any("unknown category" in w for w in answer["warnings"]) and answer["suggestions"]
    assert answer["warnings_zh"][0] == "类别“胡说”不在指标体系中，已按模型判断的类别建议"


def test_suggest_reads_the_tables_habit_from_table(fake_model, capsys, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("二级指标,三级指标,指标值\n数量指标,科普宣传活动数量,=30个\n数量指标,推送科普知识期数,=220期\n"
                     "质量指标,培训达标率,=100%\n", encoding="utf-8")
    assert main(["suggest", "举办培训班次数", "--level2", "数量指标", "--table", str(table)]) == 0
    in_table = json.loads(capsys.readouterr().out)["suggestions"][0]
    assert main(["suggest", "举办培训班次数", "--level2", "数量指标"]) == 0
    alone = json.loads(capsys.readouterr().out)["suggestions"][0]
    assert (alone["operator"], in_table["operator"]) == ("≥", "=")


@pytest.mark.parametrize(("args", "says"), [(["培训人数", "--table", "missing.csv"], "missing.csv：文件不存在"),
                                             (["--project", "高标准农田建设", "--table", "table.csv"], "--table")])
def test_suggest_refuses_a_bad_table_before_loading_a_model(monkeypatch, capsys, tmp_path, args, says):
    from service.cli import model

    monkeypatch.chdir(tmp_path)
    (tmp_path / "table.csv").write_text("三级指标,指标值\n培训人数,=100人\n", encoding="utf-8")
    monkeypatch.setattr(model, "_predictor", lambda encoder=None: pytest.fail("loaded a model"))
    assert main(["suggest", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1


def test_one_unreadable_file_is_one_chinese_line(fake_model, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook at all")
    assert main(["classify", str(broken), "-o", str(tmp_path / "out.xlsx")]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "无法读取" in lines[0] and "broken.xlsx" in lines[0]
    assert not (tmp_path / "out.xlsx").exists()


def test_a_table_with_no_indicator_rows_is_exit_2_and_says_nothing_was_written(fake_model, tmp_path, capsys):
    header_only = tmp_path / "header.csv"
    header_only.write_text("一级指标,二级指标,三级指标,指标值\n", encoding="utf-8")
    assert main(["classify", str(header_only), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "错误：无法读取（NO_ROWS）：header.csv：表头下没有指标行（可能是尚未填写的空表）"
    assert not (tmp_path / "out.xlsx").exists()
    # among other files it is named at once, in the 汇总 sheet too, and the others are written
    good = tmp_path / "good.csv"
    good.write_text("三级指标,指标值\n培训人数,≥100人\n", encoding="utf-8")
    assert main(["classify", str(header_only), str(good), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "无法读取（NO_ROWS）：header.csv" in capsys.readouterr().err and (tmp_path / "out.xlsx").exists()


def test_reviewer_lines_are_chinese_and_operator_lines_english(monkeypatch, capsys, tmp_path):
    import errno

    from service.cli import model
    from service.cli.common import os_reason_zh

    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    monkeypatch.setattr(model, "_predictor", lambda encoder=None: pytest.fail("loaded a model"))
    assert main(["suggest", "培训人数", "--table", "empty.csv"]) == 2
    assert capsys.readouterr().err.strip().startswith("错误：无法读取（")
    monkeypatch.setenv("ZHIBIAO_MODELS_DIR", str(tmp_path / "models"))
    from training.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["models", "promote", "不存在"]) == 2  # an operator's command: English, whatever name it quotes
        assert capsys.readouterr().err.strip().startswith("error: ")
    finally:
        get_settings.cache_clear()
    assert os_reason_zh(OSError(errno.ENOENT, "No such file or directory")) == "文件夹不存在"
    assert os_reason_zh(OSError(errno.EBADF, "Bad file descriptor")) == "Bad file descriptor"
    # a folder that exists but takes no new file (/proc): not "the folder does not exist"
    assert os_reason_zh(OSError(errno.ENOENT, "No such file or directory", "/proc/x.csv")) == "无法在该文件夹中创建文件"
    assert os_reason_zh(OSError(errno.ENOENT, "No such file or directory", "/no/such/folder/x.csv")) == "文件夹不存在"
    assert os_reason_zh(OSError(errno.EEXIST, "File exists", "afile/out.xlsx")) == "路径中有一段是已有的文件，不是文件夹"  # was English


def test_a_file_given_twice_or_copied_is_read_once(fake_model, tmp_path, capsys):
    table = tmp_path / "one.csv"
    table.write_text("三级指标,指标值\n培训人数,≥100人\n", encoding="utf-8")
    copy = tmp_path / "copy.csv"
    copy.write_bytes(table.read_bytes())
    out = tmp_path / "out.csv"
    assert main(["classify", str(table), str(table), str(copy), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"重复给出的文件只读一次：{table}" in err and f"与 one.csv 内容相同，已跳过：{copy}" in err
    assert len(out.read_text(encoding="utf-8-sig").strip().splitlines()) == 2  # the header and one row


def test_a_signed_target_is_a_value_not_an_option(fake_model, capsys):
    """A fourth trial: `suggest 办公经费压减 --target -5万元` had exited 2 (参数 --target 后面需要一个值)."""
    from service.cli import with_signed_values

    assert with_signed_values(["suggest", "x", "--target", "-5万元"]) == ["suggest", "x", "--target=-5万元"]
    assert with_signed_values(["suggest", "x", "--target", "-k"]) == ["suggest", "x", "--target", "-k"]
    assert main(["suggest", "办公经费压减", "--target", "-5万元"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestions"][0]["text"] == "-5万元"


def test_classify_year_dates_the_suggested_deadlines(fake_model, tmp_path):
    """``--year`` is the budget year of rows whose file names none: a missing deadline gets that year (a trial found no
    way to give it), and a deadline from an older year is said to be copied from an old table."""
    table = tmp_path / "t.csv"
    table.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,时效指标,资金拨付完成时间,\n"
                     "产出指标,时效指标,项目完成时间,2019年12月底前\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(table), "--year", "2026", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[0]["suggested_target"] == "2026年12月31日前"
    assert "2026" in records[1]["suggested_target"] and records[1]["target_warning"]
    assert main(["classify", str(table), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["suggested_target"] == "12月31日前"


@pytest.mark.parametrize("year", ["1800", "20x5", "3000"])
def test_classify_refuses_a_year_that_is_no_budget_year(monkeypatch, tmp_path, capsys, year):
    monkeypatch.setattr("service.cli.model._predictor", lambda encoder=None: pytest.fail("the model was loaded"))
    with pytest.raises(SystemExit) as stop:
        main(["classify", str(tmp_path / "t.csv"), "--year", year])
    assert stop.value.code == 2 and "不是预算年度" in capsys.readouterr().err


def test_suggest_with_an_empty_category_takes_none_given(fake_model, capsys):
    """A trial: level2 "" had been warned 类别“”不在指标体系中; it is no category given."""
    assert main(["suggest", "培训人数", "--level2", ""]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert not any("unknown category" in w for w in answer["warnings"]) and answer["suggestions"]


def test_suggest_reads_a_coded_target_with_its_description(fake_model, capsys):
    """A final trial: --target 1 with 1=及时；2=不及时 had got ≥1% as 保留填写的数值 (and the CLI had no --description)."""
    assert main(["suggest", "资金拨付及时率", "--level2", "时效指标", "--target", "1", "--description", "1=及时；2=不及时"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["suggestions"][0]["text"] not in ("≥1%", "1%") and any("代码值" in w for w in answer["warnings_zh"])
