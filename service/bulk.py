"""Bulk annotation of whole tables: every input row comes back, in order, classified and with a measurable target.

Each distinct name is encoded once; the same vectors serve the classifier's
cache, the similar-indicator search and the target suggestions.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from service.formats import MEDIA_TYPES, OUTPUT_FORMATS, check_output_path  # noqa: F401 (part of this module's interface)
from service.predictor import Predictor, Published
from service.review.summary import summarize_table
from service.review.table import Decision, IndicatorTable, split_tables
from service.review.workbook import annotated_csv, annotated_workbook
from training.domain.records import IndicatorRow
from training.domain.targets import QUALITATIVE_WEAKNESS
from training.model.review import names_nothing
from training.model.suggest import PLACEHOLDER, TableForm, checked_target, completed_checked, table_forms, target_category
from training.readers import ReadError, ReadLimits, read_file
from training.readers.errors import TOO_MANY_ROWS, no_rows_error
from training.readers.table_parser import NO_TARGET_COLUMN, TARGET_UNCOMPUTED

OUTPUT_COLUMNS = ["published_level1", "published_level2", "pred_level1", "pred_level2", "confidence", "alternatives", "needs_review",
                  "review_reasons", "label_disagrees", "target", "suggested_target", "target_warning", "error"]
BATCH = 512


def annotate(rows: list[IndicatorRow], predictor: Predictor, framework: str = "2021",
             progress: Callable[[int], None] | None = None, year: int | None = None) -> list[dict]:
    """One output record per input row, in order; rows without a name are kept and marked in ``error``.

    ``year``: the budget year of the rows whose file names none (``zhibiao classify --year``, ``?year=``), for
    suggested deadlines (``2025年12月31日前``) and for deadlines copied from an older table; a year the file states
    stays.

    Record keys: the row's own cells (``input``), ``source``, ``table``, ``row``,
    then ``OUTPUT_COLUMNS``. ``alternatives`` is a list of
    ``{level1, level2, confidence}``; ``suggested_target`` is given for every
    row whose target is missing, vague, coded or not measurable (with the
    reason in ``target_warning``), and is the target in canonical spelling when
    it is measurable already.
    """
    if year is not None:
        rows = [r if r.year else dataclasses.replace(r, year=year) for r in rows]
    readable = [r for r in rows if r.level3]
    distinct = sorted({r.level3 for r in readable})
    vectors = predictor.encoder.encode(distinct, "query") if distinct else np.zeros((0, 1), dtype=np.float32)
    position = {name: i for i, name in enumerate(distinct)}
    # Tables repeat whole rows (预算执行率 =100% under the same labels in every project): each distinct input is classified once.
    first: dict[tuple, IndicatorRow] = {}
    for row in readable:
        first.setdefault(_classify_key(row), row)
    unique = list(first.values())
    classified_by_key: dict[tuple, dict] = {}
    for start in range(0, len(unique), BATCH):
        chunk = unique[start : start + BATCH]
        published = [Published(r.level1_raw, r.level2_raw) for r in chunk]
        classified = predictor.classify([r.indicator for r in chunk], published, framework=framework, n_similar=0)
        classified_by_key.update(zip(map(_classify_key, chunk), classified, strict=True))
    results: dict[int, dict] = {}
    by_table: dict[tuple, list[tuple]] = collections.defaultdict(list)
    for row in readable:
        by_table[(row.source, row.table)].append((row.target, row.level2))
    forms = {key: table_forms(targets, predictor.targets.lexicon) for key, targets in by_table.items()}
    lexicon = predictor.targets.lexicon
    checks = {id(r): checked_target(r.level3, r.target, lexicon, r.year) for r in readable}
    weak_ids = {key for key, check in checks.items() if check[1]}
    weak_names = sorted({r.level3 for r in readable if id(r) in weak_ids})  # their similar rows, in one search
    searched = predictor.targets.neighbours(vectors[[position[n] for n in weak_names]]) if weak_names else None
    neighbours = {n: (searched[0][i], searched[1][i]) for i, n in enumerate(weak_names)}
    suggested: dict[tuple, dict | None] = {}  # one suggestion per (name, category, year, table)
    columns = {column for row in rows for column in (row.input or {})}
    roles = {column: predictor.taxonomy.column_role(column) for column in columns}
    unit_columns = frozenset(column for column, role in roles.items() if role == "unit")
    for start in range(0, len(readable), BATCH):
        chunk = readable[start : start + BATCH]
        results_chunk = [dict(classified_by_key[_classify_key(row)]) for row in chunk]
        weak = [(r.level3, target_category(r.level2, c["category"], c["label_disagrees"]))
                for r, c in zip(chunk, results_chunk, strict=True) if id(r) in weak_ids]
        if weak:
            predictor.targets.forms.prime([n for n, _ in weak], [c for _, c in weak])
        for row, result in zip(chunk, results_chunk, strict=True):
            table = (row.source, row.table)
            result["target_advice"] = _target_advice(row, result, vectors[position[row.level3]], predictor, forms[table],
                                                     suggested, table, neighbours.get(row.level3), checks[id(row)], unit_columns)
            results[id(row)] = result
        if progress:
            progress(len(chunk))
    return [_record(row, results.get(id(row)), roles) for row in rows]


def _classify_key(row: IndicatorRow) -> tuple:
    """What classification reads of a row: the model's columns (name, description, target; the pipeline reads no
    project, see ``training.model.pipeline.make_classifier``) and the published labels it is checked against."""
    # the parsed target's fields, all plain values: a shallow tuple (``dataclasses.astuple`` copies recursively: 0.36 s of 3.3 s for the realistic workbook, profiled)
    return (row.level3, row.description or "", row.target_raw or "", tuple(vars(row.target).values()), row.level1_raw, row.level2_raw)


def _target_advice(row: IndicatorRow, result: dict, vector: np.ndarray, predictor: Predictor, forms: list[TableForm],
                   suggested: dict[tuple, dict | None], table: tuple,
                   neighbours: tuple[np.ndarray, np.ndarray] | None = None,
                   check: tuple | None = None, unit_columns: frozenset[str] | None = None) -> tuple[str | None, str | None]:
    """(suggested target, warning): the canonical target when measurable, else the best suggestion and why.

    ``forms``: how the row's table writes its other targets (operators and rate conventions follow it). The category
    is the published one unless the classifier disagrees with it (``target_category``). The
    suggestion depends only on the name, the category, the year and the table, so it is looked up once per such key
    (``suggested`` holds them for the whole run); ``neighbours`` are the name's similar rows from the job's one search;
    ``check`` is ``checked_target`` of the row when the job has it already; ``unit_columns`` the headers that are 计量单位
    columns (found once per job; else per row).
    """
    lexicon = predictor.targets.lexicon
    target, weakness, mismatch = check or checked_target(row.level3, row.target, lexicon, row.year)
    if weakness is None:
        return row.target.text, None
    if weakness == "missing" and NO_TARGET_COLUMN in row.issues:
        weakness = "not read: no target column"  # the unit may have written one; the reader found no column for it
    elif weakness == "missing" and any(issue.startswith(TARGET_UNCOMPUTED) for issue in row.issues):
        weakness = "not read: a formula without its value"
    category = target_category(row.level2, result["category"], result["label_disagrees"])
    if lexicon.stated_condition(row.target, row.level2) or lexicon.stated_condition(row.target, category):
        # 生态环境成本: 符合环保部门要求 is what the guideline lets it say (filed there, or classified there; the model
        # rarely predicts these categories, which have one row each in the corpus)
        if row.target.kind == "empty":  # 无 for a social cost: kept as written, and said to be qualitative
            return row.target.raw.strip(), QUALITATIVE_WEAKNESS
        return row.target.text, weakness
    if names_nothing(row.level3):
        return None, weakness  # a name without words (。，！？) has nothing to measure: no target is made up for it
    key = (row.level3, category, row.year, table)
    if key not in suggested:
        suggestion = predictor.targets.suggest(row.indicator, vector, category, k=1, year=row.year, table=forms,
                                               neighbours=neighbours)["suggestions"]
        suggested[key] = suggestion[0] if suggestion else None
    best = suggested[key]
    kept, weakness = (None, weakness) if mismatch else completed_checked(row.level3, target, weakness, best, lexicon, row.year)
    stated = _stated_unit(row, predictor, unit_columns)
    if kept is None and stated and target.kind != "quantitative" and (best is None or best.get("unit") != stated):
        # the table's 计量单位 column says what the row counts: 改造提升泵站 (blank, 座) had been given ≥5% from an
        # exhibition hall's 展厅改造更新率, 培训基层水管员 (若干, 人次) ≥1次; the value is the unit's to fill
        family = lexicon.family_of_unit(stated)
        operator = best.get("operator") if best and best.get("family") == family else lexicon.families[family].operator
        return f"{operator or '≥'}{PLACEHOLDER}{stated}", weakness
    return (kept or (best["text"] if best else None)), weakness


def _stated_unit(row: IndicatorRow, predictor: Predictor, unit_columns: frozenset[str] | None = None) -> str | None:
    """The unit a row's 计量单位 column gives, when it is a unit of a known family (座, 人次, 万元), else None."""
    lexicon, taxonomy = predictor.targets.lexicon, predictor.taxonomy
    for header, cell in (row.input or {}).items():
        value = cell.strip() if isinstance(cell, str) else ""  # a JSON Lines row's cells may be lists or numbers
        is_unit = header in unit_columns if unit_columns is not None else taxonomy.column_role(header) == "unit"
        if value and is_unit and lexicon.family_of_unit(value):
            return value
    return None


def _as_read(row: IndicatorRow, roles: Mapping[str, str | None]) -> dict:
    """The row's input cells, except that the 三级指标 and 指标值 columns show the name and target as read.

    When cells sat out of their columns (the reader placed them by the vocabulary of level names) or a name was
    split over two lines, the raw 三级指标 cell is empty or partial while the name sits under 二级指标, a column the
    reviewer's workbook replaces with the published 原二级指标: the name would be shown nowhere.
    """
    record = {str(k): v for k, v in (row.input or {}).items()}

    def compact(value: object) -> str:
        return "".join(str(value or "").split())

    for role, value in (("level3", row.level3), ("target", row.target_raw)):
        columns = [column for column in record if roles.get(column) == role]
        if not value or not columns or any(compact(record[c]) == compact(value) for c in columns):
            continue  # one of the role's columns shows it as read: the others (中期目标值 beside 年度目标值) keep their own
        # the column holding part of it (a wrapped name's first line, 指标值 ≥120 of ≥120公里), else an empty one
        holder = next((c for c in columns if compact(record[c]) and compact(record[c]) in compact(value)), None)
        holder = holder or next((c for c in columns if not compact(record[c])), columns[0])
        record[holder] = value
    return record


def _record(row: IndicatorRow, result: dict | None, roles: Mapping[str, str | None] | None = None) -> dict:
    record = _as_read(row, roles or {})
    record.setdefault("source", row.source)
    record.setdefault("table", row.table)
    record.setdefault("row", row.row)
    # a level-1 label with one level 2 only (满意度指标 merged across both columns) names that level 2: a trial found
    # published_level2 empty for it, and no flag
    implied = row.level2 if row.level1_raw and not row.level2_raw else None
    record["published_level1"], record["published_level2"] = row.level1_raw, row.level2_raw or implied
    if result is None:
        record.update({c: None for c in OUTPUT_COLUMNS if c not in record})
        record["error"] = "; ".join(row.issues) or "no indicator name"
        return record
    suggested, warning = result["target_advice"]
    record.update({
        "pred_level1": result["level1"],
        "pred_level2": result["level2"],
        "confidence": result["confidence"],
        "alternatives": result["alternatives"],
        "needs_review": result["needs_review"],
        "review_reasons": result["review_reasons"],
        "label_disagrees": result["label_disagrees"],
        "target": row.target.text or row.target_raw,
        "suggested_target": suggested,
        "target_warning": warning,
        "error": "; ".join(row.issues) or None,
    })
    return record


def classify_file(path: Path, predictor: Predictor, framework: str = "2021", progress: Callable[[int], None] | None = None,
                  data: bytes | None = None, name: str | None = None) -> list[dict]:
    """Read a table file (any format the readers take) and annotate every row. Raises ``ReadError``."""
    result = read_file(path, data=data, name=name)
    return annotate(result.rows, predictor, framework, progress)


def classify_tables(path: Path, predictor: Predictor, framework: str = "2021", progress: Callable[[int], None] | None = None,
                    data: bytes | None = None, name: str | None = None) -> list[IndicatorTable]:
    """Read a table file and annotate every row, grouped by the indicator table each row came from. Raises ``ReadError``."""
    rows = read_file(path, data=data, name=name).rows
    return split_tables(rows, annotate(rows, predictor, framework, progress), name or Path(path).name)


def render(tables: list[IndicatorTable], format: str, decisions: Mapping[tuple[int, int], Decision] | None = None,
           about: Mapping[str, str] | None = None, unreadable: Sequence[tuple[str, str]] = ()) -> bytes:
    """The annotated tables as a file's bytes.

    ``jsonl``: one record per row with the English keys of ``annotate`` (for
    programs); ``xlsx``: the Chinese annotated workbook (one sheet per table and
    a 汇总 sheet, ``service.review.workbook``); ``csv``: the same Chinese columns,
    UTF-8 with BOM. ``decisions`` (review page) add the reviewer's columns;
    ``unreadable`` files (``(file name, Chinese reason)``) are listed in the
    workbook's 汇总 sheet and as lines of the CSV.
    Raises ``ValueError`` for another format.
    """
    if format == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for t in tables for r in t.records).encode("utf-8")
    if format == "csv":
        return annotated_csv(tables, decisions, unreadable=unreadable)
    if format == "xlsx":
        return annotated_workbook(tables, decisions, about, unreadable=unreadable)
    raise ValueError(f"unknown output format {format!r}; use jsonl, csv or xlsx")


def write_output(tables: list[IndicatorTable], path: Path, about: Mapping[str, str] | None = None,
                 unreadable: Sequence[tuple[str, str]] = ()) -> None:
    """Write the tables as JSON Lines, CSV or xlsx by the suffix (write-then-rename); ``unreadable`` as for ``render``.

    Raises ``ValueError`` for another suffix.
    """
    check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(render(tables, path.suffix.lower().lstrip("."), about=about, unreadable=unreadable))
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # a full disk had left .x.xlsx.tmp behind (a newcomer's trial, 2026-12-01)
        raise


@dataclass
class AnnotatedTable:
    """An uploaded file, annotated: one record per input row, a summary of them, the records per indicator table, the rows read."""

    records: list[dict]
    summary: dict
    tables: list[IndicatorTable] = field(default_factory=list)
    rows: list[IndicatorRow] = field(default_factory=list)


def summarize(records: list[dict]) -> dict:
    """Counts over annotated records (English keys, for the JSON API); see ``service.review.summary.TableSummary``.

    ``rows``, ``unreadable`` (count) with ``unreadable_rows`` (``[{position, why}]``),
    ``needs_review``, ``label_disagrees``, ``weak_targets`` with ``targets``
    (``{missing, vague, unmeasurable}``), ``flagged``, ``per_category``
    (predicted ``"一级/二级" → rows``) and ``missing_categories`` (of 数量, 质量,
    时效, 成本, 效益, 满意度).
    """
    summary = summarize_table(records).as_dict()
    summary["weak_targets"] = sum(1 for r in records if r.get("target_warning"))
    return summary


BATCH_FULL = "BATCH_FULL"


def annotate_upload(data: bytes, name: str, predictor: Predictor, framework: str = "2021", max_rows: int | None = None,
                    limits: ReadLimits | None = None, room: int | None = None, year: int | None = None) -> AnnotatedTable:
    """Read an uploaded file's bytes and annotate every row. Raises ``ReadError``: unreadable; code ``TOO_MANY_ROWS``
    for more than ``max_rows`` indicator rows; code ``BATCH_FULL`` for more than ``room`` (the rows a review batch has
    left), both before any row is annotated.

    ``limits`` bound the reading (default: the configured ``ReadLimits``); past one, a ``ReadLimitError``. ``year``
    as in :func:`annotate`.
    """
    rows = read_file(name, data=data, name=name, limits=limits).rows
    if not rows:
        raise no_rows_error(name)
    if max_rows is not None and len(rows) > max_rows:
        raise ReadError(f"{name}: {len(rows)} rows; at most {max_rows}", code=TOO_MANY_ROWS,
                        message_zh=f"{name}：有 {len(rows)} 行指标，超过每个文件 {max_rows} 行的上限")
    if room is not None and len(rows) > room:
        raise ReadError(f"{name}: {len(rows)} rows; the batch has room for {room}", code=BATCH_FULL,
                        message_zh=f"{name}：有 {len(rows)} 行指标，本批只剩 {room} 行的空间")
    records = annotate(rows, predictor, framework, year=year)
    return AnnotatedTable(records, summarize(records), split_tables(rows, records, name), rows)




def about_zh(model_version: str, framework: str) -> dict[str, str]:
    """The lines the 汇总 sheet ends with: model version, framework, when (北京时间, as the review page shows times; the
    machine's own zone had been shown unlabelled, UTC on a server)."""
    import datetime

    from service.review.texts import FRAMEWORK_ZH, beijing_time

    now = beijing_time(datetime.datetime.now(datetime.UTC).isoformat())[:16]
    about = {"模型版本": model_version, "指标框架": FRAMEWORK_ZH.get(framework, framework)}
    if framework == "2021":  # a judge found 可持续影响 rows shown as 社会效益 with no word of why
        about["框架说明"] = "本指标框架没有“可持续影响指标”：这类行的预测与复核类别写作社会效益指标，原二级指标列保留原表的写法"
    return {**about, "生成时间（北京时间）": now}
