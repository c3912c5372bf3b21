"""What a reviewer needs to know about a table before reading its rows.

Rows, rows per category, the required categories the table lacks, the rows
flagged (suspect published label, needs review, target missing / vague / not
measurable), the unreadable rows with why, and how many flagged rows are still
open. The required categories are the six groups of the 2021 guideline
(财预〔2021〕101号): 数量, 质量, 时效, 成本, 效益, 满意度 (``training.model.projects.REQUIRED_GROUPS``).
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.review.table import Decision, current_label, is_flagged, is_unreadable
from service.review.texts import MISSING, UNMEASURABLE, VAGUE, target_problem
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.model.projects import REQUIRED_GROUPS

GROUP_NAMES = [name.removesuffix("指标") for name, _ in REQUIRED_GROUPS]
"""The short names reviewers use: 数量, 质量, 时效, 成本, 效益, 满意度."""


def group_of(level1: str | None, level2: str | None, taxonomy: Taxonomy) -> str | None:
    """The required group (数量 … 满意度) a category belongs to, in either framework's view; None for none."""
    mapping = taxonomy.map_labels(level1, level2)
    for (_name, members), short in zip(REQUIRED_GROUPS, GROUP_NAMES, strict=True):
        if mapping.level2 in members:
            return short
    return None


@dataclass
class TableSummary:
    """Counts over one table's records (or over many, see ``combine``).

    ``per_category``: ``"一级/二级" → rows`` by the current label (the
    reviewer's decision, else the prediction); ``missing_groups``: the required
    groups no row falls in, by the reviewer's decision, else by the prediction or the published label (a table
    whose unit filed two rows under 效益 has 效益, though the model reads them as 产出) (for a combined summary: empty, see
    ``tables_missing_groups``); ``unreadable``: ``[{"position", "why"}]`` (position
    0-based in the table, ``why`` in English as the readers wrote it);
    ``open_flagged``: flagged readable rows without a decision.
    """

    rows: int = 0
    unreadable: list[dict] = field(default_factory=list)
    needs_review: int = 0
    label_disagrees: int = 0
    target_missing: int = 0
    target_vague: int = 0
    target_unmeasurable: int = 0
    flagged: int = 0
    reviewed: int = 0
    open_flagged: int = 0
    per_category: dict[str, int] = field(default_factory=dict)
    missing_groups: list[str] = field(default_factory=list)
    tables: int = 1
    tables_missing_groups: int = 0

    def as_dict(self) -> dict:
        """English keys for the JSON API."""
        return {
            "rows": self.rows, "unreadable": len(self.unreadable), "unreadable_rows": self.unreadable,
            "needs_review": self.needs_review, "label_disagrees": self.label_disagrees,
            "targets": {"missing": self.target_missing, "vague": self.target_vague, "unmeasurable": self.target_unmeasurable},
            "flagged": self.flagged, "reviewed": self.reviewed, "open_flagged": self.open_flagged,
            "per_category": self.per_category, "missing_categories": self.missing_groups,
        }


def summarize_table(records: list[dict], decisions: Mapping[int, Decision] | None = None,
                    taxonomy: Taxonomy | None = None) -> TableSummary:
    """The summary of one table's records; ``decisions`` by the record's position in the table."""
    taxonomy = taxonomy or load_taxonomy()
    decisions = decisions or {}
    summary = TableSummary(rows=len(records))
    per_category: collections.Counter[str] = collections.Counter()
    groups: set[str] = set()
    for position, record in enumerate(records):
        decision = decisions.get(position)
        if is_unreadable(record):
            summary.unreadable.append({"position": position, "why": record.get("error") or "no indicator name"})
        summary.needs_review += bool(record.get("needs_review"))
        summary.label_disagrees += bool(record.get("label_disagrees"))
        problem = target_problem(record.get("target_warning"))
        if problem is not None:
            summary.target_missing += problem.group == MISSING
            summary.target_vague += problem.group == VAGUE
            summary.target_unmeasurable += problem.group == UNMEASURABLE
        flagged = is_flagged(record)
        summary.flagged += flagged
        summary.reviewed += decision is not None
        summary.open_flagged += flagged and decision is None and not is_unreadable(record)
        label = current_label(record, decision)
        if label is not None:
            per_category[f"{label[0]}/{label[1]}"] += 1
            group = group_of(label[0], label[1], taxonomy)
            if group:
                groups.add(group)
        if decision is None and not is_unreadable(record) and (record.get("published_level1") or record.get("published_level2")):
            # the unit filed the row there: the table has that group, even where the model reads the row otherwise
            # (then the row is flagged as a suspect label; a reviewer's decision replaces both)
            published = group_of(record.get("published_level1"), record.get("published_level2"), taxonomy)
            if published:
                groups.add(published)
    summary.per_category = dict(sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0])))
    summary.missing_groups = [g for g in GROUP_NAMES if g not in groups] if summary.rows > len(summary.unreadable) else list(GROUP_NAMES)
    summary.tables_missing_groups = int(bool(summary.missing_groups))
    return summary


def combine(summaries: list[TableSummary]) -> TableSummary:
    """The overall summary of many tables: counts added, ``tables_missing_groups`` = tables lacking a required group."""
    total = TableSummary(tables=len(summaries))
    per_category: collections.Counter[str] = collections.Counter()
    for s in summaries:
        for name in ("rows", "needs_review", "label_disagrees", "target_missing", "target_vague", "target_unmeasurable", "flagged",
                     "reviewed", "open_flagged", "tables_missing_groups"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
        total.unreadable.extend(s.unreadable)
        per_category.update(s.per_category)
    total.per_category = dict(sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0])))
    if len(summaries) == 1:  # one table: its own missing groups are the total's (the 汇总 sheet's 合计 line shows them)
        total.missing_groups = list(summaries[0].missing_groups)
    return total
