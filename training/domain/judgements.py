"""An expert's judgements of published labels: the frozen list of hard cases.

``data/hard_cases.jsonl`` holds, for every corpus table row whose acceptable
set of categories is not exactly its published label, that set and whether the
published label is in it; ``data/hard_cases.md`` gives the rules it was written
by (from the category meanings in ``data/taxonomy.json`` and the 2021/2015
guidelines). Rows are keyed by ``<source>#<row>`` and checked against their
name. The evaluation scores predictions against the acceptable sets; training
may use the judgements of its own training rows as reviewed labels
(``training.model.dataset.training_data``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from training.domain.records import IndicatorRow
from training.settings import get_settings

HARD_CASES_FILE = "hard_cases.jsonl"


@dataclass(frozen=True)
class HardCase:
    """One judged row: its key, name, the published category, the acceptable categories (the expert's preferred
    first) and whether the published one is among them."""

    key: str
    name: str
    published: str
    acceptable: tuple[str, ...]
    published_acceptable: bool
    why: str


def row_key(row: IndicatorRow) -> str:
    return f"{row.source}#{row.row}"


def load_hard_cases(path: Path | None = None) -> dict[str, HardCase]:
    """The hard cases by row key; an empty dict when the file does not exist."""
    path = path or get_settings().data_dir / HARD_CASES_FILE
    if not path.exists():
        return {}
    cases = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            cases[record["id"]] = HardCase(record["id"], record["name"], record["published"], tuple(record["acceptable"]),
                                           bool(record["published_acceptable"]), record.get("why", ""))
    return cases


def acceptable_sets(rows: list[IndicatorRow], cases: dict[str, HardCase]) -> list[frozenset[str]]:
    """For each row, the categories an expert accepts: the hard case's set when the row is one (and its name matches), else the published label."""
    sets = []
    for row in rows:
        case = judgement_of(row, cases)
        sets.append(frozenset(case.acceptable) if case is not None else frozenset({row.level2}))
    return sets


def judgement_of(row: IndicatorRow, cases: dict[str, HardCase]) -> HardCase | None:
    """The expert's judgement of a row, when there is one for this row (same key and name)."""
    case = cases.get(row_key(row))
    return case if case is not None and case.name == row.level3 else None


def published_unacceptable(rows: list[IndicatorRow], cases: dict[str, HardCase]) -> list[bool]:
    """Whether the expert found each row's published label unacceptable."""
    flags = []
    for row in rows:
        case = cases.get(row_key(row))
        flags.append(case is not None and case.name == row.level3 and not case.published_acceptable)
    return flags
