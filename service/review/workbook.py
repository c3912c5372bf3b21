"""The annotated workbook and CSV a reviewer gets back: Chinese columns and values, flagged cells highlighted.

One sheet per input table plus a 汇总 sheet first (the summary per table and
overall, the unreadable rows with why, what the colours mean). Each table sheet
has the published 一级/二级 filled down from merged cells (原一级指标, 原二级指标),
the input's other columns as given, then 预测一级指标, 预测二级指标, 置信度,
备选类别, 是否需复核, 复核原因, 原标签疑似有误, 建议指标值, 指标值问题, 读取问题 and,
from the review page, the reviewer's decision. Header row frozen, auto-filter on,
column widths from the content. The CSV has the same columns for all tables
in one file (with 来源文件/表序号/所属项目 first), UTF-8 with BOM so Excel opens it.
English stays in the JSON API and the ``.jsonl`` output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.review.summary import TableSummary, combine, summarize_table
from service.review.table import Decision, IndicatorTable, is_unreadable
from service.review.texts import (
    LABEL_ACTION_ZH,
    TARGET_ACTION_ZH,
    beijing_time,
    read_error_zh,
    read_issue_zh,
    review_reason_zh,
    target_warning_zh,
    without_file_name,
    yes_no,
)
from training.domain.taxonomy import Taxonomy, load_taxonomy

PUBLISHED = ["原一级指标", "原二级指标"]
ADDED = ["预测一级指标", "预测二级指标", "置信度", "备选类别", "是否需复核", "复核原因", "原标签疑似有误", "建议指标值", "指标值问题", "读取问题"]
DECIDED = ["复核一级指标", "复核二级指标", "复核指标值", "复核方式", "复核时间（北京时间）"]
CSV_LEAD = ["来源文件", "表序号", "所属项目"]
SUMMARY_SHEET = "汇总"

# Chinese names of input columns whose header is not Chinese (JSON Lines input), by the role the taxonomy gives them.
ROLE_ZH = {"level3": "三级指标", "target": "指标值", "explanation": "指标值说明", "basis": "指标值确定依据", "project": "项目名称",
           "year": "年度", "unit": "计量单位", "operator": "指标方向", "actual": "实际完成值", "weight": "权重", "score": "得分",
           "seq": "序号", "sector": "项目类型", "doc": "文档"}

# Keys the readers add themselves: an unreadable JSON Lines line is kept as it was under ``_raw``.
OTHER_ZH = {"_raw": "原始内容（无法解析的行）"}

# Fills (RGB colours of solid fills): what is flagged, and how.
FILLS = {
    "review": ("FFE699", "需复核（置信度低、备选类别接近或名称不像指标）"),
    "disagree": ("F8CBAD", "原标签疑似有误（与把握较大的预测不一致）"),
    "target": ("FFF2CC", "指标值缺失、模糊、不可衡量或不完整"),
    "unreadable": ("D9D9D9", "无法读取的行（没有指标名称）"),
    "decided": ("C6EFCE", "已复核"),
}
HEADER_FILL = "DDEBF7"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH, MIN_WIDTH = 50, 6


@dataclass
class Cell:
    """One value and the fill (a key of ``FILLS``) it gets, if any."""

    value: object
    fill: str | None = None


def input_headers(columns: list[str], taxonomy: Taxonomy) -> dict[str, str]:
    """``{input column: display header}`` for the input columns kept; published 一级/二级 columns are left out (原一级/二级 replace them)."""
    shown: dict[str, str] = {}
    roles = [taxonomy.column_role(column) for column in columns]
    for column in columns:
        role = taxonomy.column_role(column)
        if role in ("level1", "level2"):
            continue
        header = column if _CJK.search(column) or role not in ROLE_ZH else ROLE_ZH[role]
        if "/" in column and role in ROLE_ZH and roles.count(role) == 1 and taxonomy.column_role(column.rpartition("/")[2]) == role:
            header = ROLE_ZH[role]  # 绩效指标/三级指标 (a two-row header) is the 三级指标 column; 指标值/中期目标值 beside
            # 指标值/年度目标值 keep their names
        header = OTHER_ZH.get(column, header)
        while header in shown.values() or header in PUBLISHED + ADDED + DECIDED + CSV_LEAD:
            header += "（原）"
        shown[column] = header
    return shown


_FORMULA_LEAD = ("=", "+", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"-[\d.,%‰\s]*")


def formula_like(value: object) -> bool:
    """True for text a spreadsheet would run as a formula: starting with ``=``, ``+``, ``@``, a tab or a carriage return,
    or ``-`` followed by anything but a number (OWASP, "CSV Injection"). Input cells come from other people's tables."""
    return isinstance(value, str) and (value.startswith(_FORMULA_LEAD) or (value.startswith("-") and not _SIGNED_NUMBER.fullmatch(value)))


# Control characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE): dropped from every written cell.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _put(sheet, row: int, column: int, value: object, style=None) -> None:
    """Write ``value`` at ``(row, column)`` (0-based) as what it is: text always as text (never a live formula, whatever
    it starts with), numbers and booleans as such, anything else as its text. Control characters are dropped."""
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, (int, float)) and _spreadsheet_number(value):
        sheet.write_number(row, column, value, style)
    else:  # text, and numbers a spreadsheet cannot hold (NaN, infinities, integers beyond a double) as their text
        sheet.write_string(row, column, fit_cell(_ILLEGAL.sub("", str(value))), style)


MAX_CELL_CHARS = 32_767  # Excel's limit for one cell ("Excel specifications and limits"); XlsxWriter cuts silently


def fit_cell(text: str) -> str:
    """``text`` as one xlsx cell holds it: longer text is cut, and the cut says so and how long the text was
    (``…（已截断，原文 40,000 字）``); the CSV output keeps the whole text."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    mark = f"…（已截断，原文 {len(text):,} 字）"
    return text[: MAX_CELL_CHARS - len(mark)] + mark


def _spreadsheet_number(value: int | float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a double (10**400 from a JSON Lines file)
        return False


NUMBER_ROLES = ("weight", "score")  # 分值, 权重, 得分: a reviewer sums them
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?")


def plain_number(value: object) -> object:
    """``"10"`` → 10 and ``"2.5"`` → 2.5 (a score read as text from any format), so that a spreadsheet can sum it;
    anything else (``"10分"``, ``"007"``, ``""``) unchanged."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def csv_text(value: object) -> object:
    """``value`` for a CSV cell, with an apostrophe before text a spreadsheet would run as a formula (``formula_like``)."""
    return "'" + value if formula_like(value) else value


def _plain(value: object) -> object:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def alternatives_zh(alternatives: list[dict] | None) -> str:
    """``效益指标/社会效益指标 12%；产出指标/质量指标 5%``."""
    return "；".join(f"{a['level1']}/{a['level2']} {a['confidence']:.0%}" for a in alternatives or [])


def display_row(record: dict, headers: dict[str, str], decision: Decision | None = None, with_decisions: bool = False) -> dict[str, Cell]:
    """The Chinese cells of one annotated record, by header, with the fills of its flags."""
    unreadable = is_unreadable(record)
    disagree = bool(record.get("label_disagrees"))
    cells = {"原一级指标": Cell(record.get("published_level1"), "disagree" if disagree else None),
             "原二级指标": Cell(record.get("published_level2"), "disagree" if disagree else None)}
    for column, header in headers.items():
        cells[header] = Cell(_plain(record.get(column)))
    warning = record.get("target_warning")
    cells.update({
        "预测一级指标": Cell(record.get("pred_level1")),
        "预测二级指标": Cell(record.get("pred_level2")),
        "置信度": Cell(record.get("confidence")),
        "备选类别": Cell(alternatives_zh(record.get("alternatives"))),
        "是否需复核": Cell("" if unreadable else yes_no(record.get("needs_review")), "review" if record.get("needs_review") else None),
        "复核原因": Cell("；".join(review_reason_zh(r) for r in record.get("review_reasons") or [])),
        "原标签疑似有误": Cell(yes_no(record.get("label_disagrees")), "disagree" if disagree else None),
        "建议指标值": Cell(record.get("suggested_target"), "target" if warning else None),
        "指标值问题": Cell(target_warning_zh(warning), "target" if warning else None),
        "读取问题": Cell(read_error_zh(record.get("error")), "unreadable" if unreadable else None),
    })
    if with_decisions:
        decided = "decided" if decision else None
        cells.update({
            "复核一级指标": Cell(decision.level1 if decision else None, decided),
            "复核二级指标": Cell(decision.level2 if decision else None, decided),
            "复核指标值": Cell(decision.target if decision else None, decided),
            "复核方式": Cell("；".join(filter(None, [LABEL_ACTION_ZH.get(decision.label_action),
                                                  TARGET_ACTION_ZH.get(decision.target_action or "")])) if decision else None, decided),
            "复核时间（北京时间）": Cell(beijing_time(decision.decided_at) if decision and decision.decided_at else None, decided),
        })
    if unreadable:
        for cell in cells.values():
            cell.fill = cell.fill or "unreadable"
    return cells


def _width(value: object) -> float:
    text = f"{value:.0%}" if isinstance(value, float) else str(value if value is not None else "")
    line = max(text.splitlines() or [""], key=len)
    return len(line) + len(_CJK.findall(line)) + 2


def _widths(headers: list[str], rows: list[dict[str, Cell]]) -> list[float]:
    widths = []
    for header in headers:
        longest = max([_width(header)] + [_width(row[header].value) for row in rows[:500] if header in row])
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest)))
    return widths


def sheet_name(index: int, table: IndicatorTable, taken: set[str]) -> str:
    """``3 科普宣传``: the table's number in the workbook and its project (or file), within Excel's 31 characters, unique."""
    # a file name may carry control characters (a\x01b.csv): XML cannot, and the workbook had not opened
    label = _ILLEGAL.sub("", _SHEET_FORBIDDEN.sub("", table.project or table.file)).strip("'").strip() or "表"
    name = f"{index + 1} {label}"[:31].strip().rstrip("'")  # Excel refuses a sheet name that ends in an apostrophe
    suffix = 2
    while name in taken or name == SUMMARY_SHEET:
        tail = f"_{suffix}"
        name = f"{index + 1} {label}"[: 31 - len(tail)].strip() + tail
        suffix += 1
    taken.add(name)
    return name


def _table_decisions(decisions: Mapping[tuple[int, int], Decision] | None, index: int) -> dict[int, Decision]:
    return {pos: d for (t, pos), d in (decisions or {}).items() if t == index}


def _category_order(taxonomy: Taxonomy, summaries: list[TableSummary]) -> list[str]:
    known = []
    for framework in ("2021", "2015"):
        for category in taxonomy.categories:
            key = "/".join(taxonomy.view(category.level2, framework))
            if key not in known:
                known.append(key)
    present = {key for s in summaries for key in s.per_category}
    return [k for k in known if k in present] + sorted(present - set(known))


class Styles:
    """The workbook's cell formats, one per combination used: a fill (a key of ``FILLS``, or the header's), a percent
    number format, wrapped text, bold. XlsxWriter formats belong to one workbook and are shared by its cells."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple, object] = {}

    def __call__(self, fill: str | None = None, percent: bool = False, wrap: bool = False, bold: bool = False):
        key = (fill, percent, wrap, bold)
        if key == (None, False, False, False):
            return None
        if key not in self.made:
            properties: dict[str, object] = {}
            if fill:
                properties.update(pattern=1, bg_color="#" + (HEADER_FILL if fill == "header" else FILLS[fill][0]))
            if percent:
                properties["num_format"] = "0%"
            if wrap:
                properties.update(text_wrap=True, valign="top")
            if bold:
                properties["bold"] = True
            self.made[key] = self.workbook.add_format(properties)
        return self.made[key]


def write_row(sheet, row: int, values: Sequence, style=None) -> int:
    """Write ``values`` into XlsxWriter ``sheet``'s ``row`` (0-based) from column A, all in ``style`` (one format, or a
    list per value), each as what it is (text never as a formula, control characters dropped); returns the next row."""
    for column, value in enumerate(values):
        _put(sheet, row, column, value, style[column] if isinstance(style, list) else style)
    return row + 1


def start_sheet(sheet, styles: Styles, headers: list[str], rows_count: int, widths: list[float]) -> int:
    """The header row (bold, filled), column widths, the header frozen and an auto-filter over the rows; the next row."""
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows_count, 1), len(headers) - 1)
    return write_row(sheet, 0, headers, styles("header", bold=True))


def annotated_workbook(tables: list[IndicatorTable], decisions: Mapping[tuple[int, int], Decision] | None = None,
                       about: Mapping[str, str] | None = None, taxonomy: Taxonomy | None = None,
                       unreadable: Sequence[tuple[str, str]] = ()) -> bytes:
    """The annotated workbook (xlsx bytes) of ``tables``.

    ``decisions`` by ``(table index in tables, row position in the table)`` adds
    the reviewer's columns (复核一级指标 …) when given (the review page's export);
    ``about`` lines (``{"模型版本": "…"}``) go to the 汇总 sheet; ``unreadable``
    files (``(file name, Chinese reason)``) are counted in its 合计 line and listed under 无法读取的文件.

    Written by XlsxWriter, cell by cell with explicit types, so a text that
    looks like a formula stays text. On the 3,000-row, 50-sheet benchmark
    workbook (``scripts/benchmark.py``) it took 0.5–0.8 s against 2.7–3.4 s for
    openpyxl's write-only mode (a side-by-side script on the 2-core machine).
    """
    import xlsxwriter

    taxonomy = taxonomy or load_taxonomy()
    with_decisions = decisions is not None
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = Styles(workbook)
    summary_sheet = workbook.add_worksheet(SUMMARY_SHEET)
    summaries = [summarize_table(t.records, _table_decisions(decisions, i), taxonomy) for i, t in enumerate(tables)]
    taken: set[str] = set()
    names = [sheet_name(i, t, taken) for i, t in enumerate(tables)]
    _write_summary(summary_sheet, styles, tables, names, summaries, with_decisions, about or {}, taxonomy, unreadable)

    for index, (table, name) in enumerate(zip(tables, names, strict=True)):
        sheet = workbook.add_worksheet(name)
        headers_map = input_headers(table.input_columns, taxonomy)
        headers = PUBLISHED + list(headers_map.values()) + ADDED + (DECIDED if with_decisions else [])
        table_decisions = _table_decisions(decisions, index)
        rows = [display_row(r, headers_map, table_decisions.get(p), with_decisions) for p, r in enumerate(table.records)]
        scores = {header for column, header in headers_map.items() if taxonomy.column_role(column) in NUMBER_ROLES}
        at = start_sheet(sheet, styles, headers, len(rows), _widths(headers, rows))
        for row in rows:
            for column, header in enumerate(headers):
                cell = row.get(header)
                if cell is None:
                    continue
                value = plain_number(cell.value) if header in scores else cell.value
                style = styles(cell.fill, percent=header == "置信度" and isinstance(value, float),
                               wrap=isinstance(value, str) and len(value) > MAX_WIDTH)
                _put(sheet, at, column, value, style)
            at += 1
    workbook.close()
    return buffer.getvalue()


SUMMARY_HEADERS = ["工作表", "文件", "表序号", "项目名称", "单位", "年度", "行数", "无法读取", "需复核", "原标签疑似有误", "指标值缺失",
                   "指标值模糊", "指标值不可衡量或不完整", "缺少的必备类别"]


def _summary_values(summary: TableSummary, with_decisions: bool, categories: list[str]) -> list:
    values = [summary.rows, len(summary.unreadable), summary.needs_review, summary.label_disagrees, summary.target_missing,
              summary.target_vague, summary.target_unmeasurable]
    if summary.tables == 1:
        values.append("、".join(summary.missing_groups) or "无")
    else:
        values.append(f"{summary.tables_missing_groups} 张表有缺" if summary.tables_missing_groups else "无")
    if with_decisions:
        values += [summary.reviewed, summary.open_flagged]
    return values + [summary.per_category.get(c, 0) for c in categories]


def _write_summary(sheet, styles: Styles, tables, names, summaries, with_decisions, about, taxonomy, unreadable_files=()) -> None:
    categories = _category_order(taxonomy, summaries)
    headers = SUMMARY_HEADERS + (["已复核", "待复核"] if with_decisions else []) + categories
    total = combine(summaries)
    described = [[n, t.file, t.number + 1, t.project, t.unit, t.year] for n, t in zip(names, tables, strict=True)]
    widths = [max(MIN_WIDTH, min(MAX_WIDTH, max([_width(h)] + [_width(row[i]) for row in described]))) if i < 6 else max(MIN_WIDTH, _width(h))
              for i, h in enumerate(headers)]
    at = start_sheet(sheet, styles, headers, len(tables), widths)
    for about_table, summary in zip(described, summaries, strict=True):
        at = write_row(sheet, at, [*about_table, *_summary_values(summary, with_decisions, categories)])
    files = f"{len({t.file for t in tables}) + len(unreadable_files)} 个文件" + (f"（{len(unreadable_files)} 个无法读取）" if unreadable_files else "")
    bold, header = styles(bold=True), styles("header", bold=True)
    at = write_row(sheet, at, ["合计", files, f"{len(tables)} 张表", None, None, None, *_summary_values(total, with_decisions, categories)], bold)
    at = write_row(sheet, at + 1, ["无法读取的行"], bold)
    unreadable = [(name, item) for name, summary in zip(names, summaries, strict=True) for item in summary.unreadable]
    if unreadable:
        at = write_row(sheet, at, ["工作表", "表内第几行", "原因"], header)
        for name, item in unreadable:
            at = write_row(sheet, at, [name, item["position"] + 1, read_error_zh(item["why"]) or read_issue_zh("no indicator name")])
    else:
        at = write_row(sheet, at, ["无"])
    if unreadable_files:
        at = write_row(sheet, at + 1, ["无法读取的文件"], bold)
        at = write_row(sheet, at, ["文件", "原因"], header)
        for file, message in unreadable_files:
            at = write_row(sheet, at, [file, without_file_name(file, message)])
    at = write_row(sheet, at + 1, ["填色说明"], bold)
    for key, (_, meaning) in FILLS.items():
        if key == "decided" and not with_decisions:
            continue
        at = write_row(sheet, at, [None, meaning], [styles(key), None])
    if about:
        at += 1
        for key, value in about.items():
            at = write_row(sheet, at, [key, value], [bold, None])


def annotated_csv(tables: list[IndicatorTable], decisions: Mapping[tuple[int, int], Decision] | None = None,
                  taxonomy: Taxonomy | None = None, unreadable: Sequence[tuple[str, str]] = ()) -> bytes:
    """All tables in one CSV with the workbook's Chinese columns (来源文件, 表序号, 所属项目 first), UTF-8 with BOM.

    Each ``unreadable`` file (``(file name, Chinese reason)``) is one more line: its name under 来源文件, why under 读取问题.
    """
    taxonomy = taxonomy or load_taxonomy()
    with_decisions = decisions is not None
    header_maps = [input_headers(t.input_columns, taxonomy) for t in tables]
    inputs: list[str] = []
    for mapping in header_maps:
        inputs.extend(h for h in mapping.values() if h not in inputs)
    headers = CSV_LEAD + PUBLISHED + inputs + ADDED + (DECIDED if with_decisions else [])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for index, (table, mapping) in enumerate(zip(tables, header_maps, strict=True)):
        table_decisions = _table_decisions(decisions, index)
        for position, record in enumerate(table.records):
            row = display_row(record, mapping, table_decisions.get(position), with_decisions)
            row.update(dict(zip(CSV_LEAD, [Cell(table.file), Cell(table.number + 1), Cell(table.project)], strict=True)))
            values = []
            for header in headers:
                value = row[header].value if header in row else None
                values.append(f"{value:.0%}" if header == "置信度" and isinstance(value, float) else ("" if value is None else csv_text(value)))
            writer.writerow(values)
    for file, message in unreadable:
        writer.writerow([csv_text(file) if h == "来源文件" else (csv_text(without_file_name(file, message)) if h == "读取问题" else "") for h in headers])
    return text.getvalue().encode("utf-8-sig")
