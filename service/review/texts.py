"""Chinese display texts for what the code says in English: review reasons, target problems, reading issues, yes/no.

The JSON API and ``.jsonl`` output keep the English texts (programs read them);
reviewers see these. Each English message is matched against the form its
source writes it in: ``training.model.review`` (``ReviewPolicy.reasons``,
``name_problems``), ``training.domain.targets.target_weakness`` and the readers'
row ``issues`` (``training.readers.table_parser``, ``jsonl``, ``pdf``). A message
with no translation here is shown as ``其他：<English>`` rather than hidden;
``tests/service/review/test_texts.py`` walks every branch of those sources so
that a changed English text fails a test instead of reaching a reviewer.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

UNTRANSLATED = "其他："


def _quoted(text: str) -> str:
    """A Python repr of a string (as f"{x!r}" writes it) back to the string; other text unchanged."""
    text = text.strip()
    if text == "None":
        return "（空）"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text[1:-1]
    return text


_Rule = tuple[re.Pattern, Callable[[re.Match], str]]


def _percent(share: str) -> str:
    """``"0.39"`` → ``"39%"`` (a 0–1 share written as the workbook's 置信度 column writes it)."""
    return f"{float(share):.0%}"


def _percents(low: str, high: str) -> tuple[str, str]:
    """Two shares as percentages, with as many decimals as it takes (up to three) for them not to read alike (0.598 <
    0.6 is 59.8% < 60.0%, not 60% < 60%)."""
    for places in range(4):
        first, second = f"{float(low):.{places}%}", f"{float(high):.{places}%}"
        if first != second:
            break
    return first, second


def _translate(text: str, rules: list[_Rule]) -> str:
    for pattern, render in rules:
        match = pattern.fullmatch(text.strip())
        if match:
            return render(match)
    return f"{UNTRANSLATED}{text}"


# training/model/review.py: ReviewPolicy.reasons and name_problems
_REVIEW_RULES: list[_Rule] = [
    # in percent, as the 置信度 column shows confidence
    (re.compile(r"low confidence \(([\d.]+) < ([\d.]+)\)"), lambda m: "置信度低（{} < {}）".format(*_percents(m[1], m[2]))),
    (re.compile(r"close runner-up \(margin ([\d.]+) < ([\d.]+)\)"),
     lambda m: "备选类别很接近（相差 {} < {}）".format(*_percents(m[1], m[2]))),
    (re.compile(r"empty name"), lambda m: "指标名称为空"),
    (re.compile(r"no Chinese: .*"), lambda m: "不含中文，不像中文绩效指标表中的指标名称"),
    (re.compile(r"no words: .*"), lambda m: "只有数字或符号，没有文字"),
    (re.compile(r"too short: .*"), lambda m: "太短：一个字不构成指标名称"),
    (re.compile(r"a whole sentence .*"), lambda m: "是一整句话（可能是绩效目标），不是指标名称"),
    (re.compile(r"published label not in the taxonomy"), lambda m: "原标签不在指标体系中，无法对照"),
]


def review_reason_zh(reason: str) -> str:
    """Chinese for one of ``review_reasons`` (``"low confidence (0.41 < 0.6)"`` → ``"置信度低（41% < 60%）"``)."""
    return _translate(reason, _REVIEW_RULES)


# training/model/suggest.py: TargetSuggester._warnings; service/predictor.py: suggest_targets; training/model/projects.py
_WARNING_RULES: list[_Rule] = [
    (re.compile(r"name ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"): (.+)"),
     lambda m: f"名称“{_quoted(m[1])}”：{review_reason_zh(m[2])}"),
    (re.compile(r"project ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"): (.+)"),
     lambda m: f"项目名称“{_quoted(m[1])}”：{review_reason_zh(m[2]).replace('指标名称', '项目名称')}"),
    (re.compile(r"target (.+): its unit \((.+)\) does not fit what the name measures \((.+)\)"),
     lambda m: f"指标值“{_quoted(m[1])}”的单位（{m[2]}）与名称所计量的（{m[3]}）不符"),
    # any weakness of a given target (training/domain/targets.py target_weakness, suggest.checked_target): a range, a
    # date that does not exist, a floor for a harm… (a fixed list had left 范围值 in English)
    (re.compile(r"target ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"): (.+)"),
     lambda m: f"指标值“{_quoted(m[1])}”：{target_warning_zh(m[2])}"),
    (re.compile(r"unknown category (.+): the classifier's category is used"), lambda m: f"类别“{_quoted(m[1])}”不在指标体系中，已按模型判断的类别建议"),
    (re.compile(r"only (\d+) indicators relate to this project .*, not (\d+): .*"),
     lambda m: f"与本项目相关的指标只找到 {m[1]} 个（来自相近的历史项目、所属行业或项目名称），不足 {m[2]} 个：其余指标请按项目实际填写"),
    (re.compile(r"no historical project is close to this one(?: \(the closest, (.+), at ([\d.]+)\))?: .*?"
                r"(; indicators composed.*|; the common indicators of its sector \((.+)\).*)?$"),
     lambda m: "没有相近的历史项目" + (f"（最接近的是“{m[1]}”，相似度 {m[2]}）" if m[1] else "")
     + "：以下指标来自关系较远的项目和指标库，请逐条核对是否适用"
     + (f"；每组第一条是“{m[4]}”类项目的常用指标，请按项目实际修改" if m[4] else
        "；每组第一条按本项目名称组成，请按项目实际修改" if m[3] else "")),
]


def with_warnings_zh(answer: dict) -> dict:
    """``answer`` (a target or project suggestion) with ``warnings_zh`` beside its ``warnings``: people read the
    Chinese, programs match the English."""
    return {**answer, "warnings_zh": [suggestion_warning_zh(w) for w in answer.get("warnings") or []]}


def record_zh(record: dict) -> dict:
    """A bulk record (``service.bulk``) with Chinese beside its English: ``review_reasons_zh``, ``target_warning_zh``
    and ``error_zh`` (None where the English is None), for a program that shows the rows to a reviewer."""
    reasons = record.get("review_reasons")
    return {**record, "review_reasons_zh": None if reasons is None else [review_reason_zh(r) for r in reasons],
            "target_warning_zh": target_warning_zh(record.get("target_warning")), "error_zh": read_error_zh(record.get("error"))}


def summary_zh(summary: dict) -> dict:
    """A table summary (``TableSummary.as_dict``) with ``why_zh`` beside the ``why`` of each unreadable row."""
    rows = summary.get("unreadable_rows")
    if not rows:
        return summary
    return {**summary, "unreadable_rows": [{**row, "why_zh": read_error_zh(row.get("why")) or read_issue_zh("no indicator name")}
                                           for row in rows]}


def suggestion_warning_zh(warning: str) -> str:
    """Chinese for one of the ``warnings`` of a target or project suggestion (``"unknown category '胡说': …"`` →
    ``"类别“胡说”不在指标体系中，已按模型判断的类别建议"``)."""
    return _translate(warning, _WARNING_RULES)


@dataclass(frozen=True)
class TargetProblem:
    """What is wrong with a given target: ``code``, the reviewer's group (缺失/模糊/不可衡量) and a Chinese text."""

    code: str
    group: str
    zh: str


MISSING, VAGUE, UNMEASURABLE = "missing", "vague", "unmeasurable"
GROUP_ZH = {MISSING: "缺失", VAGUE: "模糊", UNMEASURABLE: "不可衡量或不完整"}  # 缺少运算符 counts here: not wrong, but not yet checkable as written

# training/domain/targets.py: target_weakness; training/domain/units.py: unit_mismatch_warning
_TARGET_RULES: list[tuple[re.Pattern, str, str, Callable[[re.Match], str]]] = [
    (re.compile(r"missing"), "missing", MISSING, lambda m: "未填写指标值"),
    (re.compile(r"vague;.*"), "vague", VAGUE, lambda m: "表述模糊：宜写成带运算符和单位的数值，或完成时限"),
    (re.compile(r"qualitative;.*"), "qualitative", UNMEASURABLE, lambda m: "定性表述：带运算符和单位的数值更便于考核"),
    (re.compile(r"a code meaning (.+); write .*"), "coded", UNMEASURABLE,
     lambda m: f"代码值，含义为“{_quoted(m[1])}”：请写成可衡量的数值或完成时限"),
    (re.compile(r"not understood"), "unparsed", UNMEASURABLE, lambda m: "无法识别"),
    (re.compile(r"no value: only an operator( and a unit)?"), "no_value", UNMEASURABLE,
     lambda m: "缺少数值：只写了运算符" + ("和单位" if m[1] else "")),
    (re.compile(r"a date that does not exist"), "no_such_date", UNMEASURABLE, lambda m: "日期不存在（月份或日期超出范围）"),
    (re.compile(r"at least zero bounds nothing"), "floor_of_zero", UNMEASURABLE, lambda m: "“≥0”不构成目标：任何数量都满足"),
    (re.compile(r"a share over 100%"), "over_a_whole", UNMEASURABLE, lambda m: "比例超过100%：该比例不可能超过100%，请核实"),
    (re.compile(r"a deadline before the budget year"), "before_the_year", UNMEASURABLE, lambda m: "完成时限早于预算年度：可能沿用了往年的表格"),
    (re.compile(r"a figure no project reaches"), "beyond_belief", UNMEASURABLE,
     lambda m: "数值大得不可能：超过全国人口、户数或全年财政预算，或比例超过1000%，可能单位或数量级写错，请核实"),
    (re.compile(r"a count that is no whole number"), "part_of_one", UNMEASURABLE, lambda m: "人数或个数不是整数，请核实"),
    (re.compile(r"a cost of nothing"), "zero_cost", UNMEASURABLE, lambda m: "成本为0：不构成目标，请按预算填写上限"),
    (re.compile(r"a floor \(≥\) for what the name keeps low"), "wrong_direction", UNMEASURABLE,
     lambda m: "方向相反：名称计量的是应控制在上限以下的事项，指标值却写了下限（≥）"),
    (re.compile(r"a range; .*"), "range", UNMEASURABLE, lambda m: "范围值：宜写成带运算符的一个数值（下限用 ≥，上限用 ≤）"),
    (re.compile(r"no operator .* and no unit"), "no_operator_unit", UNMEASURABLE, lambda m: "缺少运算符（≥、≤、=）和计量单位"),
    (re.compile(r"no operator .*"), "no_operator", UNMEASURABLE, lambda m: "缺少运算符（≥、≤、=）"),
    (re.compile(r"no unit"), "no_unit", UNMEASURABLE, lambda m: "缺少计量单位"),
    (re.compile(r"not read: no target column"), "not_read", MISSING, lambda m: "未读取：表头中没有可识别的指标值列"),
    (re.compile(r"not read: a formula without its value"), "not_read", MISSING, lambda m: "未读取：指标值单元格是没有计算结果的公式"),
    (re.compile(r"unit does not fit the name: the target is in (.+), the name measures (.+)"), "unit_mismatch", UNMEASURABLE,
     lambda m: f"单位与名称不符：指标值按{m[1]}计，名称表示{m[2]}"),
]


def target_problem(warning: str | None) -> TargetProblem | None:
    """The problem a ``target_warning`` names, or None for no warning. An unknown text counts as 不可衡量."""
    if not warning:
        return None
    for pattern, code, group, render in _TARGET_RULES:
        match = pattern.fullmatch(warning.strip())
        if match:
            return TargetProblem(code, group, render(match))
    return TargetProblem("other", UNMEASURABLE, f"{UNTRANSLATED}{warning}")


def target_warning_zh(warning: str | None) -> str | None:
    """Chinese for a ``target_warning`` (``"missing"`` → ``"未填写指标值"``); None stays None."""
    problem = target_problem(warning)
    return problem.zh if problem else None


# training/readers: the row issues of table_parser.py, jsonl.py and pdf.py, and bulk's own "no indicator name"
_ISSUE_RULES: list[_Rule] = [
    (re.compile(r"line (\d+): invalid JSON \((.*)\)"), lambda m: f"第 {m[1]} 行不是有效的 JSON"),
    (re.compile(r"no indicator name(?: \(.*\))?"), lambda m: "没有指标名称（三级指标为空）"),
    (re.compile(r"target not understood: (.*)"), lambda m: f"指标值无法识别：{_quoted(m[1])}"),
    (re.compile(r"label not in taxonomy: (.*) / (.*)"), lambda m: f"标签不在标准指标体系中：{_quoted(m[1])} / {_quoted(m[2])}"),
    (re.compile(r"cells out of their columns: .*"), lambda m: "单元格错位：已按一级/二级指标名称推断所在列（推测）"),
    (re.compile(r"name continued on the next row and joined: (.*) \+ (.*) \(guessed\)"),
     lambda m: f"指标名称跨行，已合并：{_quoted(m[1])} + {_quoted(m[2])}（推测）"),
    (re.compile(r"columns read from the alignment of the text: .*"), lambda m: "PDF 表格没有框线，按文字对齐推断各列（推测）"),
    (re.compile(r"no header on this worksheet: .*"), lambda m: "本工作表没有表头：各列按前一工作表的表头读取（推测）"),
    (re.compile(r"row of a hidden worksheet: (.*)"), lambda m: f"来自隐藏的工作表“{_quoted(m[1])}”：请确认这些行属于绩效目标表"),
    (re.compile(r"no target column in the header \(指标值\): .*"), lambda m: "表头中没有可识别的指标值列，本表的指标值未读取"),
    (re.compile(r"formula without a computed value in (?:the target cell )?([A-Z]+\d+): (.*) \(the program that saved .*\)"),
     lambda m: f"{m[1]} 单元格是公式，文件中没有它的计算结果：{m[2]}（保存文件的程序不计算公式；请用 Excel 或 WPS 打开并保存后再读取）"),
]


# where one issue ends and the next begins in "; "-joined issues (a quoted cell may itself hold "; ")
_ISSUE_START = re.compile(r"; (?=line \d+:|no indicator name|target not understood:|label not in taxonomy:|cells out of|name continued|columns read|formula without|no target column|row of a hidden|no header on this)")


def read_issue_zh(issue: str) -> str:
    """Chinese for one reading issue of a row (``"target not understood: '见附件'"`` → ``"指标值无法识别：见附件"``)."""
    return _translate(issue, _ISSUE_RULES)


def read_error_zh(error: str | None) -> str | None:
    """Chinese for a record's ``error`` field (issues joined by ``"; "``), each issue translated; None stays None."""
    if not error:
        return None
    return "；".join(read_issue_zh(part) for part in _ISSUE_START.split(error) if part.strip())


def yes_no(value: bool | None) -> str:
    """``是`` / ``否``; an unknown value (None) is an empty cell."""
    if value is None:
        return ""
    return "是" if value else "否"


LABEL_ACTION_ZH = {"accepted": "采纳预测", "published": "采用原标签", "changed": "改为其他类别"}
TARGET_ACTION_ZH = {"accepted": "采纳建议", "kept": "保留原指标值", "edited": "修改"}
FRAMEWORK_ZH = {"2021": "2021 年指引（财预〔2021〕101号）", "2015": "2015 年框架（财预〔2015〕88号）"}


def without_file_name(file: str, message: str) -> str:
    """A reader's Chinese message without the file name it starts with (``a.csv：是空文件`` → ``是空文件``), where the file
    is shown beside it already."""
    return message[len(file) + 1 :] if message.startswith(file + "：") else message


def beijing_time(iso_utc: str) -> str:
    """An ISO time in UTC (``2026-11-30T08:30:00+00:00``) as 北京时间 ``2026-11-30 16:30:00`` (UTC+8, no daylight saving)."""
    import datetime

    try:
        moment = datetime.datetime.fromisoformat(iso_utc)
    except (TypeError, ValueError):
        return str(iso_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


# Why a value was refused, in Chinese, by pydantic's error type (https://docs.pydantic.dev/latest/errors/validation_errors/).
VALIDATION_ZH = {
    "missing": "缺少", "empty_name": "为空（去掉空格和不可见字符后什么也没有）", "extra_forbidden": "不是可接受的字段", "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空", "too_long": "项数过多（最多 {max_length} 项）", "too_short": "项数过少（至少 {min_length} 项）",
    "string_type": "应为文本", "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字", "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象", "literal_error": "只能取 {expected}",
    "enum": "只能取 {expected}", "greater_than_equal": "不能小于 {ge}", "less_than_equal": "不能大于 {le}",
    "greater_than": "应大于 {gt}", "less_than": "应小于 {lt}", "finite_number": "应为有限的数字", "value_error": "取值无效",
    "file_expected": "应为上传的文件（multipart 表单中带文件名的文件部分），而不是文本",
}


def validation_reason_zh(item: dict) -> str:
    """Why pydantic refused a value, in Chinese, from one of ``ValidationError.errors()`` (``{"type": "greater_than_equal",
    "ctx": {"ge": 1}}`` → ``不能小于 1``)."""
    template = VALIDATION_ZH.get(item.get("type", ""), "取值无效")
    ctx = {k: (str(v).replace(" or ", "、").replace(", ", "、") if k == "expected" else v) for k, v in (item.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("（")[0]
