"""Every English message a reviewer could meet has Chinese: each branch of its source is walked, so a changed text fails here."""

from __future__ import annotations

import re

import pytest

from service.review.texts import (
    UNTRANSLATED,
    read_error_zh,
    read_issue_zh,
    review_reason_zh,
    target_problem,
    target_warning_zh,
    yes_no,
)
from training.domain.targets import Target, parse_target, target_weakness
from training.model.review import UNKNOWN_LABEL, ReviewPolicy, name_problems
from training.readers.table_parser import NO_TARGET_COLUMN
from training.readers.xlsx import uncomputed_issue

_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def assert_chinese(text: str) -> None:
    assert text and not text.startswith(UNTRANSLATED), text
    assert not _LATIN_WORD.search(text), text


@pytest.mark.parametrize("name", ["", "rate", "123", "率", "为进一步提高全民科学素质，组织开展各类科普活动并覆盖全县城乡居民群众"])
def test_every_name_problem_has_chinese(name):
    problems = name_problems(name)
    assert problems
    for problem in problems:
        assert_chinese(review_reason_zh(problem))


def test_the_unknown_label_reason_has_chinese():
    assert_chinese(review_reason_zh(UNKNOWN_LABEL))


def test_policy_reasons_have_chinese_with_their_figures():
    reasons = ReviewPolicy().reasons(confidence=0.41, margin=0.05)
    assert [review_reason_zh(r) for r in reasons] == ["置信度低（41% < 60%）", "备选类别很接近（相差 5% < 20%）"]


@pytest.mark.parametrize(("target", "code", "group"), [
    (Target(kind="empty"), "missing", "missing"),
    (parse_target("有所提高"), "vague", "vague"),
    (parse_target("合规"), "qualitative", "unmeasurable"),
    (parse_target("1", "1=及时；2=不及时"), "coded", "unmeasurable"),
    (parse_target("见附件说明"), "unparsed", "unmeasurable"),
    (parse_target("≥"), "no_value", "unmeasurable"),
    (parse_target("≥人"), "no_value", "unmeasurable"),
    (Target(kind="quantitative", value=95.0, unit="%", text="95%"), "no_operator", "unmeasurable"),
    (Target(kind="quantitative", operator="≥", value=90.0, text="≥90"), "no_unit", "unmeasurable"),
])
def test_every_target_weakness_has_chinese(target, code, group):
    warning = target_weakness(target)
    assert warning, target
    problem = target_problem(warning)
    assert (problem.code, problem.group) == (code, group)
    assert_chinese(target_warning_zh(warning))


def test_a_unit_that_does_not_fit_the_name_is_said_in_chinese():
    from training.domain.units import unit_mismatch_warning

    problem = target_problem(unit_mismatch_warning("比例", "面积"))
    assert (problem.code, problem.group, problem.zh) == ("unit_mismatch", "unmeasurable", "单位与名称不符：指标值按比例计，名称表示面积")


def test_coded_target_names_its_meaning():
    warning = target_weakness(parse_target("1", "1=及时；2=不及时"))
    assert "“及时”" in target_warning_zh(warning)


def test_measurable_target_has_no_problem():
    assert target_weakness(parse_target("≥95%")) is None and target_problem(None) is None and target_warning_zh(None) is None


@pytest.mark.parametrize(("issue", "expected"), [
    ("no indicator name (三级指标 is empty)", "没有指标名称（三级指标为空）"),
    ("no indicator name (level3 is empty)", "没有指标名称（三级指标为空）"),
    ("target not understood: '见附件'", "指标值无法识别：见附件"),
    ("label not in taxonomy: '影响力目标' / None", "标签不在标准指标体系中：影响力目标 / （空）"),
    ("line 3: invalid JSON (Expecting value: line 1 column 1 (char 0))", "第 3 行不是有效的 JSON"),
    ("name continued on the next row and joined: '科普' + '活动次数' (guessed)", "指标名称跨行，已合并：科普 + 活动次数（推测）"),
    (NO_TARGET_COLUMN, "表头中没有可识别的指标值列，本表的指标值未读取"),
    (uncomputed_issue("C3", "=D2"),
     "C3 单元格是公式，文件中没有它的计算结果：=D2（保存文件的程序不计算公式；请用 Excel 或 WPS 打开并保存后再读取）"),
])
def test_read_issues_have_chinese(issue, expected):
    assert read_issue_zh(issue) == expected


def test_every_reader_issue_text_in_the_code_is_translated():
    """The readers' literal issue texts, as the source writes them, all translate (no 其他： fallback)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "training" / "readers"
    literals = []
    for path in root.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        literals += re.findall(r'issues\.append\(f?"([^"]+)"\)', source)
        literals += re.findall(r'guessed_columns = "([^"]+)"', source)
        literals += re.findall(r'previous\.issues\.append\(f"([^"]+)"\)', source)
    assert len(literals) >= 7
    for literal in literals:
        sample = re.sub(r"\{[^}]*!r\}", "'x'", literal)
        sample = re.sub(r"\{[^}]*\}", "1", sample)
        assert not read_issue_zh(sample).startswith(UNTRANSLATED), literal


def test_a_formula_issue_is_split_from_the_next_issue():
    joined = uncomputed_issue("C3", '=A1&"; "') + "; no indicator name (三级指标 is empty)"
    assert read_error_zh(joined).endswith("；没有指标名称（三级指标为空）")


def test_joined_issues_split_where_issues_start_not_inside_a_quoted_cell():
    joined = "target not understood: '按月; 按季' ; no indicator name (三级指标 is empty)".replace("' ;", "';")
    assert read_error_zh(joined) == "指标值无法识别：按月; 按季；没有指标名称（三级指标为空）"
    assert read_error_zh(None) is None


def test_unknown_text_is_shown_not_hidden():
    assert read_issue_zh("something new") == f"{UNTRANSLATED}something new"


def test_yes_no():
    assert (yes_no(True), yes_no(False), yes_no(None)) == ("是", "否", "")


@pytest.mark.parametrize(("warning", "expected"), [
    ("target '95%': its unit (比例) does not fit what the name measures (面积)", "指标值“95%”的单位（比例）与名称所计量的（面积）不符"),
    ("target '1': a code meaning '及时'; write a measurable value or a deadline instead", "指标值“1”：代码值，含义为“及时”：请写成可衡量的数值或完成时限"),
    ("target '≥90': no unit", "指标值“≥90”：缺少计量单位"),
    ("unknown category '胡说': the classifier's category is used", "类别“胡说”不在指标体系中，已按模型判断的类别建议"),
    ("no historical project is close to this one (the closest, 科普活动, at 0.81): the indicators come from projects and "
     "libraries only loosely related; check that each fits", "没有相近的历史项目（最接近的是“科普活动”，相似度 0.81）：以下指标来自关系较远的项目和指标库，请逐条核对是否适用"),
    ("no historical project is close to this one (the closest, 科普活动, at 0.31): the indicators come from projects and "
     "libraries only loosely related; check that each fits; indicators composed from the project's own name come first in each group",
     "没有相近的历史项目（最接近的是“科普活动”，相似度 0.31）：以下指标来自关系较远的项目和指标库，请逐条核对是否适用；每组第一条按本项目名称组成，请按项目实际修改"),
])
def test_suggestion_warnings_in_chinese(warning, expected):
    from service.review.texts import suggestion_warning_zh

    assert suggestion_warning_zh(warning) == expected


def test_times_are_shown_in_beijing_time_and_file_names_once():
    from service.review.texts import beijing_time, without_file_name

    assert beijing_time("2026-11-30T16:30:05+00:00") == "2026-12-01 00:30:05"
    assert beijing_time("not a time") == "not a time"
    assert without_file_name("a.csv", "a.csv：是空文件") == "是空文件" and without_file_name("a.csv", "是空文件") == "是空文件"


def test_a_threshold_just_missed_does_not_read_as_equal():
    """A third trial: 率 was 置信度低（60% < 60%）."""
    assert review_reason_zh("low confidence (0.598 < 0.6)") == "置信度低（59.8% < 60.0%）"
    assert review_reason_zh("close runner-up (margin 0.1996 < 0.2)") == "备选类别很接近（相差 19.96% < 20.00%）"
    assert review_reason_zh("low confidence (0.41 < 0.6)") == "置信度低（41% < 60%）"
