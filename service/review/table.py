"""Annotated records grouped by the indicator table they came from, and the reviewer's decision on a row.

A file can hold many tables (a department's 绩效目标表 for each project); a
reviewer works per table, and the workbook gives each table its sheet. The
records are those of ``service.bulk.annotate`` (English keys), one per input
row, in the table's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from training.domain.records import IndicatorRow


@dataclass
class IndicatorTable:
    """One indicator table of an input file, annotated.

    ``file``: the input file's name; ``number``: the table's place in that file
    (0-based, ``IndicatorRow.table``); ``project``, ``unit`` (实施/预算单位, else
    the department) and ``year`` as the readers found them above the table;
    ``records``: one ``annotate()`` record per input row, in order;
    ``input_columns``: the headers of the input cells in those records, in
    first-seen order (a record's other keys are the ones ``annotate`` added).
    """

    file: str
    number: int
    project: str | None = None
    unit: str | None = None
    year: int | None = None
    records: list[dict] = field(default_factory=list)
    input_columns: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``项目 · 单位 · 2025年`` as far as known, else the file name and table number (for headings and sheet names)."""
        parts = [p for p in (self.project, self.unit, f"{self.year}年" if self.year else None) if p]
        return " · ".join(parts) or f"{self.file} 表{self.number + 1}"


def split_tables(rows: list[IndicatorRow], records: list[dict], file: str) -> list[IndicatorTable]:
    """Group ``records`` (one per row of ``rows``, same order) by the table each row came from, tables in file order.

    Project, unit and year of a table are the first ones its rows carry.
    Raises ``ValueError`` when the two lists differ in length.
    """
    if len(rows) != len(records):
        raise ValueError(f"{len(rows)} rows but {len(records)} records")
    tables: dict[int, IndicatorTable] = {}
    for row, record in zip(rows, records, strict=True):
        table = tables.get(row.table)
        if table is None:
            table = tables[row.table] = IndicatorTable(file=file, number=row.table)
        table.project = table.project or row.project
        table.unit = table.unit or row.unit_name or row.department
        table.year = table.year or row.year
        table.records.append(record)
        table.input_columns.extend(str(k) for k in (row.input or {}) if str(k) not in table.input_columns)
    return list(tables.values())


def is_unreadable(record: dict) -> bool:
    """A row with nothing to classify (no indicator name): kept, marked, never reviewed."""
    return record.get("pred_level2") is None


def is_flagged(record: dict) -> bool:
    """A row a reviewer should look at: unreadable, needs review, a suspect published label, or a weak target."""
    return is_unreadable(record) or bool(record.get("needs_review")) or bool(record.get("label_disagrees")) or bool(record.get("target_warning"))


@dataclass
class Decision:
    """What the reviewer decided for one row.

    ``level1``/``level2``: the category as chosen (in the view of the batch's
    framework); ``label_action``: ``accepted`` (the prediction), ``published``
    (the table's own label) or ``changed``; ``target``: the target kept (None:
    no decision on the target) with ``target_action`` ``accepted`` (the
    suggestion), ``kept`` (the given target) or ``edited``; ``decided_at``: ISO time (UTC).
    """

    level1: str
    level2: str
    label_action: str
    target: str | None = None
    target_action: str | None = None
    decided_at: str | None = None

    def as_dict(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "label_action": self.label_action, "target": self.target,
                "target_action": self.target_action, "decided_at": self.decided_at}


def current_label(record: dict, decision: Decision | None) -> tuple[str, str] | None:
    """The category a row counts under now: the reviewer's, else the prediction's; None for an unreadable row."""
    if decision is not None:
        return decision.level1, decision.level2
    if is_unreadable(record):
        return None
    return record["pred_level1"], record["pred_level2"]
