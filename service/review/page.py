"""What the review page does, apart from HTTP: annotate an upload into a batch, decide a row, list rows to review.

The routes (``service.api.routes.review``) call these and render the templates;
everything here is plain data, so it is tested without a browser.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from service.bulk import BATCH_FULL, annotate_upload
from service.predictor import Predictor
from service.review.store import FileError, ReviewStore
from service.review.summary import TableSummary, combine, summarize_table
from service.review.table import Decision, IndicatorTable, current_label, is_flagged, is_unreadable
from service.review.texts import read_error_zh, review_reason_zh, target_problem, target_warning_zh, without_file_name
from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.readers import ReadError

SORTS = {"order": "原表顺序", "confidence": "置信度从低到高", "confidence_desc": "置信度从高到低"}
FLAGS = {"": "全部行", "any": "所有标记行", "review": "需复核", "disagree": "原标签疑似有误", "target": "指标值有问题", "unreadable": "无法读取"}
"""The row filters a reviewer can pick (query value → Chinese label)."""


def has_flag(record: dict, flag: str) -> bool:
    """Whether a record passes the filter ``flag`` (a key of ``FLAGS``; ``""`` passes every row)."""
    if flag == "any":
        return is_flagged(record)
    if flag == "review":
        return bool(record.get("needs_review"))
    if flag == "disagree":
        return bool(record.get("label_disagrees"))
    if flag == "target":
        return bool(record.get("target_warning"))
    if flag == "unreadable":
        return is_unreadable(record)
    return True
PER_PAGE = 100
MAX_TARGET_CHARS = 500  # as the API's target field (service/api/schemas.py)


class DecisionError(ValueError):
    """A decision the page cannot keep (a category not in the framework, an unreadable row); ``str()`` is Chinese,
    ``english`` the same for programs (the API's ``message``)."""

    def __init__(self, message_zh: str, english: str) -> None:
        super().__init__(message_zh)
        self.english = english


@dataclass
class Upload:
    """One uploaded file: its name and bytes."""

    name: str
    data: bytes


@dataclass
class UploadResult:
    """The stored batch (None when no file could be read) and the files that could not be read."""

    batch: str | None
    errors: list[FileError] = field(default_factory=list)


def annotate_batch(uploads: list[Upload], predictor: Predictor, store: ReviewStore, framework: str = "2021",
                   max_rows: int | None = None, max_batch_rows: int | None = None) -> UploadResult:
    """Read and annotate every file, store the readable ones as one batch; unreadable files are listed with the reader's Chinese message.

    ``max_rows``: rows one file may have (``Settings.max_table_rows``); ``max_batch_rows``: indicator rows the whole
    batch may hold (``Settings.review_max_rows``). A file that would pass the batch's limit is not annotated and is
    listed with code ``BATCH_FULL`` (upload it in another batch); the files before it are kept, so no file's rows are
    ever cut short.
    """
    tables: list[IndicatorTable] = []
    rows: list[list[dict]] = []
    errors: list[FileError] = []
    seen: dict[str, str] = {}
    held = 0
    for upload in uploads:
        digest = hashlib.sha256(upload.data).hexdigest()
        if digest in seen:  # the same file chosen twice (or a copy): its rows would be reviewed twice
            errors.append(FileError(upload.name, "DUPLICATE", f"与 {seen[digest]} 内容相同，已跳过"))
            continue
        seen[digest] = upload.name
        full = FileError(upload.name, BATCH_FULL, f"本批最多 {max_batch_rows} 行指标，加上此文件会超过上限，此文件未处理：请另建一批上传")
        if max_batch_rows is not None and held >= max_batch_rows:
            errors.append(full)
            continue
        room = None if max_batch_rows is None else max_batch_rows - held
        try:  # a file over the room left is stopped once read, before its rows are annotated
            annotated = annotate_upload(upload.data, upload.name, predictor, framework=framework, max_rows=max_rows, room=room)
        except ReadError as error:
            errors.append(full if error.code == BATCH_FULL else
                          FileError(upload.name, error.code, without_file_name(upload.name, error.message_zh or str(error))))
            continue
        held += len(annotated.rows)
        by_table: dict[int, list[dict]] = {}
        for row in annotated.rows:
            by_table.setdefault(row.table, []).append(row.as_dict())
        tables.extend(annotated.tables)
        rows.extend(by_table.values())
    if not tables:
        return UploadResult(None, errors)
    batch = store.add_batch(tables, rows, framework, predictor.version, [u.name for u in uploads], errors)
    return UploadResult(batch, errors)


def categories(taxonomy: Taxonomy, framework: str) -> list[tuple[str, str]]:
    """The (一级, 二级) pairs a reviewer can pick, in the framework's view, in the taxonomy's order, each once."""
    shown: list[tuple[str, str]] = []
    for category in taxonomy.categories:
        pair = taxonomy.view(category.level2, framework)
        if pair not in shown:
            shown.append(pair)
    return shown


def published_choice(record: dict, taxonomy: Taxonomy, framework: str) -> tuple[str, str] | None:
    """The table's own label as a pickable category (the framework's view of what it maps to), or None when it maps to none."""
    mapping = taxonomy.map_labels(record.get("published_level1"), record.get("published_level2"))
    return taxonomy.view(mapping.level2, framework) if mapping.level2 else None


def make_decision(record: dict, indicator_row: dict, choice: str, target: str | None, framework: str,
                  taxonomy: Taxonomy | None = None) -> Decision:
    """The decision for a row from what the reviewer sent: ``choice`` = ``"一级/二级"``, ``target`` = the target kept (blank: none).

    Raises ``DecisionError`` for an unreadable row, a category outside the framework, or a target with control
    characters or longer than ``MAX_TARGET_CHARS`` (the API's limit for a target).
    """
    taxonomy = taxonomy or load_taxonomy()
    if is_unreadable(record):
        raise DecisionError("这一行没有指标名称，无法复核", "this row has no indicator name and cannot be reviewed")
    level1, _, level2 = (choice or "").partition("/")
    if (level1, level2) not in categories(taxonomy, framework):
        raise DecisionError(f"“{choice}”不是{framework}年框架中的类别", f"{choice!r} is no category of the {framework} framework")
    if (level1, level2) == (record.get("pred_level1"), record.get("pred_level2")):
        label_action = "accepted"
    elif (level1, level2) == published_choice(record, taxonomy, framework):
        label_action = "published"
    else:
        label_action = "changed"
    target = (target or "").strip() or None
    if target is not None and any(unicodedata.category(c) in ("Cc", "Cs") for c in target):
        raise DecisionError("指标值含有控制字符，请删去后再保存", "the target holds control characters")
    if target is not None and len(target) > MAX_TARGET_CHARS:
        raise DecisionError(f"指标值过长（{len(target)} 个字符，上限 {MAX_TARGET_CHARS} 个）",
                            f"the target is {len(target)} characters long, more than {MAX_TARGET_CHARS}")
    if target is None:
        target_action = None
    elif target == (record.get("suggested_target") or "").strip():
        target_action = "accepted"
    elif target == (indicator_row.get("target_raw") or "").strip():
        target_action = "kept"
    else:
        target_action = "edited"
    return Decision(level1, level2, label_action, target, target_action)


def kept_target_warning_zh(target: str | None, name: str | None = None) -> str | None:
    """What is still wrong with the target a reviewer kept (``有所提高`` → ``复核的指标值仍不可衡量：表述模糊…``), in
    Chinese; None for a measurable one or none kept. The decision stands: the reviewer may mean it.

    With the row's ``name`` the target is checked as a bulk job checks it (``checked_target``: 投诉次数 ``≥5次`` is the
    wrong direction, a unit that does not fit the name is said); a suggestion's placeholder kept unfilled (``≥__公里``)
    is said as such (a trial had read 无法识别)."""
    if not target:
        return None
    from training.domain.targets import parse_target, target_weakness
    from training.domain.units import load_units
    from training.model.suggest import PLACEHOLDER, checked_target

    if PLACEHOLDER in target:
        return f"复核的指标值仍不可衡量：数值未填写（{PLACEHOLDER}处），请按计划填写"
    parsed = parse_target(target)
    weakness = checked_target(name, parsed, load_units())[1] if name else target_weakness(parsed)
    return None if weakness is None or weakness.startswith("qualitative;") else f"复核的指标值仍不可衡量：{target_warning_zh(weakness)}"


def summaries(tables: list[IndicatorTable], decisions: dict[tuple[int, int], Decision],
              taxonomy: Taxonomy | None = None) -> tuple[list[TableSummary], TableSummary]:
    """Per-table summaries (decisions counted) and the overall one."""
    taxonomy = taxonomy or load_taxonomy()
    per_table = [summarize_table(t.records, {p: d for (n, p), d in decisions.items() if n == i}, taxonomy) for i, t in enumerate(tables)]
    return per_table, combine(per_table)


@dataclass
class RowView:
    """One row as the page shows it (Chinese texts ready)."""

    table: int
    position: int
    record: dict
    name: str | None
    given_target: str | None
    description: str | None
    decision: Decision | None
    flagged: bool
    unreadable: bool
    reasons: list[str]
    target_problem: str | None
    read_problem: str | None
    current: tuple[str, str] | None
    published_choice: tuple[str, str] | None

    @property
    def anchor(self) -> str:
        return f"r{self.table}-{self.position}"


def row_views(tables: list[IndicatorTable], decisions: dict[tuple[int, int], Decision], framework: str, table: int | None = None,
              flag: str = "", open_only: bool = False, sort: str = "order", indicator_rows: dict[tuple[int, int], dict] | None = None,
              taxonomy: Taxonomy | None = None) -> list[RowView]:
    """The rows to show: of one table (``table``) or all, with a flag (``FLAGS``), undecided only, in table order or by confidence.

    ``indicator_rows`` (``ReviewStore.indicator_rows``) give the target as
    written and the description; without them the record's target is shown.

    By confidence, unreadable rows (no confidence) come last; ties keep table order.
    """
    taxonomy = taxonomy or load_taxonomy()
    views = []
    for number, indicator_table in enumerate(tables):
        if table is not None and number != table:
            continue
        for position, record in enumerate(indicator_table.records):
            decision = decisions.get((number, position))
            if not has_flag(record, flag) or (open_only and decision is not None):
                continue
            flagged = is_flagged(record)
            problem = target_problem(record.get("target_warning"))
            read = (indicator_rows or {}).get((number, position)) or {}
            given = read.get("target_raw") if read else record.get("target")
            views.append(RowView(number, position, record, read.get("level3"), given, read.get("description"), decision, flagged, is_unreadable(record),
                                 [review_reason_zh(r) for r in record.get("review_reasons") or []],
                                 problem.zh if problem else None, read_error_zh(record.get("error")),
                                 current_label(record, decision), published_choice(record, taxonomy, framework)))
    if sort in ("confidence", "confidence_desc"):
        sign = 1 if sort == "confidence" else -1
        views.sort(key=lambda v: (v.unreadable, sign * (v.record.get("confidence") or 0.0)))
    return views


def similar_indicators(predictor: Predictor, indicator_row: dict, k: int = 5) -> list[dict]:
    """Historical indicators most like this row's: ``[{name, level2, target, source, similarity}]``."""
    row = IndicatorRow.from_dict(indicator_row)
    if not row.level3:
        return []
    return predictor.classify([row.indicator], n_similar=k)[0]["similar"]
