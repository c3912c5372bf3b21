"""Bulk annotation of whole tables: every input row comes back, in order, classified and with a measurable target.

Each distinct name is encoded once; the same vectors serve the classifier's
cache, the similar-indicator search and the target suggestions.
"""

from __future__ import annotations

import collections
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.predictor import Predictor, Published
from training.domain.records import IndicatorRow
from training.domain.targets import target_weakness
from training.model.suggest import TableForm, table_forms
from training.readers import ReadError, read_file

OUTPUT_COLUMNS = ["published_level1", "published_level2", "pred_level1", "pred_level2", "confidence", "alternatives", "needs_review",
                  "review_reasons", "label_disagrees", "target", "suggested_target", "target_warning", "error"]
OUTPUT_FORMATS = (".csv", ".xlsx", ".jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "jsonl": "application/x-ndjson"}
BATCH = 512


def annotate(rows: list[IndicatorRow], predictor: Predictor, framework: str = "2021",
             progress: Callable[[int], None] | None = None) -> list[dict]:
    """One output record per input row, in order; rows without a name are kept and marked in ``error``.

    Record keys: the row's own cells (``input``), ``source``, ``table``, ``row``,
    then ``OUTPUT_COLUMNS``. ``alternatives`` is a list of
    ``{level1, level2, confidence}``; ``suggested_target`` is given for every
    row whose target is missing, vague, coded or not measurable (with the
    reason in ``target_warning``), and is the target in canonical spelling when
    it is measurable already.
    """
    readable = [r for r in rows if r.level3]
    distinct = sorted({r.level3 for r in readable})
    vectors = predictor.encoder.encode(distinct, "query") if distinct else np.zeros((0, 1), dtype=np.float32)
    position = {name: i for i, name in enumerate(distinct)}
    results: dict[int, dict] = {}
    by_table: dict[tuple, list[tuple]] = collections.defaultdict(list)
    for row in readable:
        by_table[(row.source, row.table)].append((row.target, row.level2))
    forms = {key: table_forms(targets, predictor.targets.lexicon) for key, targets in by_table.items()}
    for start in range(0, len(readable), BATCH):
        chunk = readable[start : start + BATCH]
        published = [Published(r.level1_raw, r.level2_raw) for r in chunk]
        chunk_vectors = vectors[[position[r.level3] for r in chunk]]
        classified = predictor.classify([r.indicator for r in chunk], published, framework=framework, n_similar=0)
        weak = [(r.level3, c["category"]) for r, c in zip(chunk, classified, strict=True) if target_weakness(r.target)]
        if weak:
            predictor.targets.forms.prime([n for n, _ in weak], [c for _, c in weak])
        for row, result, vector in zip(chunk, classified, chunk_vectors, strict=True):
            result["target_advice"] = _target_advice(row, result, vector, predictor, forms[(row.source, row.table)])
            results[id(row)] = result
        if progress:
            progress(len(chunk))
    return [_record(row, results.get(id(row))) for row in rows]


def _target_advice(row: IndicatorRow, result: dict, vector: np.ndarray, predictor: Predictor,
                   table: list[TableForm] | None = None) -> tuple[str | None, str | None]:
    """(suggested target, warning): the canonical target when measurable, else the best suggestion and why.

    ``table``: how the row's table writes its other targets (operators and rate conventions follow it).
    """
    weakness = target_weakness(row.target)
    if weakness is None:
        return row.target.text, None
    suggestion = predictor.targets.suggest(row.indicator, vector, result["category"], k=1, year=row.year, table=table)["suggestions"]
    return (suggestion[0]["text"] if suggestion else None), weakness


def _record(row: IndicatorRow, result: dict | None) -> dict:
    record = {str(k): v for k, v in (row.input or {}).items()}
    record.setdefault("source", row.source)
    record.setdefault("table", row.table)
    record.setdefault("row", row.row)
    record["published_level1"], record["published_level2"] = row.level1_raw, row.level2_raw
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


def columns_of(records: list[dict]) -> list[str]:
    """The input columns in first-seen order, then ``OUTPUT_COLUMNS``."""
    columns: list[str] = []
    for record in records:
        for key in record:
            if key not in columns and key not in OUTPUT_COLUMNS:
                columns.append(key)
    return columns + OUTPUT_COLUMNS


def _cell(value) -> object:
    if isinstance(value, list) and value and isinstance(value[0], dict) and "level2" in value[0]:
        return "；".join(f"{a['level2']} {a['confidence']:.2f}" for a in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def check_output_path(path: Path) -> None:
    """Raise ``ValueError`` unless the suffix is one ``write_output`` writes (checked before any work)."""
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise ValueError(f"{path.name}: output must end in {', '.join(OUTPUT_FORMATS)}")


def render(records: list[dict], format: str) -> bytes:
    """The records as a file's bytes: ``jsonl``, ``csv`` (UTF-8 with BOM, so Excel opens it) or ``xlsx``."""
    columns = columns_of(records)
    if format == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records).encode("utf-8")
    if format == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _cell(record.get(k)) for k in columns})
        return text.getvalue().encode("utf-8-sig")
    if format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("classified")
        sheet.append(columns)
        for record in records:
            sheet.append([_cell(record.get(k)) for k in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown output format {format!r}; use jsonl, csv or xlsx")


def write_output(records: list[dict], path: Path) -> None:
    """Write records as JSON Lines, CSV or xlsx by the suffix (write-then-rename). Raises ``ValueError`` for another suffix."""
    check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(render(records, path.suffix.lower().lstrip(".")))
    tmp.replace(path)


@dataclass
class AnnotatedTable:
    """An uploaded table, annotated: one record per input row, and a summary of them."""

    records: list[dict]
    summary: dict


def summarize(records: list[dict]) -> dict:
    """Counts over annotated records: rows, unreadable rows, flags, weak targets, rows per predicted category."""
    return {
        "rows": len(records),
        "unreadable": sum(1 for r in records if r.get("pred_level2") is None),
        "needs_review": sum(1 for r in records if r.get("needs_review")),
        "label_disagrees": sum(1 for r in records if r.get("label_disagrees")),
        "weak_targets": sum(1 for r in records if r.get("target_warning")),
        "per_category": dict(collections.Counter(f"{r['pred_level1']}/{r['pred_level2']}" for r in records if r.get("pred_level2"))),
    }


def annotate_upload(data: bytes, name: str, predictor: Predictor, framework: str = "2021", max_rows: int | None = None) -> AnnotatedTable:
    """Read an uploaded file's bytes and annotate every row. Raises ``ReadError`` (unreadable, or more than ``max_rows`` rows)."""
    rows = read_file(name, data=data, name=name).rows
    if max_rows is not None and len(rows) > max_rows:
        raise ReadError(f"{name}: {len(rows)} rows; at most {max_rows}")
    records = annotate(rows, predictor, framework)
    return AnnotatedTable(records, summarize(records))
