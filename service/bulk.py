"""Bulk classification of a whole table file: every input row comes back, in order, annotated."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tqdm import tqdm

from training.model.features import Item
from service.predictor import Predictor
from training.readers import read_file
from training.domain.records import IndicatorRow
from training.domain.targets import Target, target_weakness

OUTPUT_COLUMNS = ["pred_level1", "pred_level2", "confidence", "alternatives", "needs_review", "label_disagrees",
                  "suggested_target", "target_warning", "error"]
BATCH = 256


def annotate(rows: list[IndicatorRow], predictor: Predictor, framework: str = "2021", progress: bool = False) -> list[dict]:
    """One output record per input row; rows without a name are kept and marked."""
    records: list[dict] = []
    readable = [r for r in rows if r.level3]
    bar = tqdm(total=len(readable), desc="classifying", unit="row", disable=not progress)
    results: dict[int, dict] = {}
    for start in range(0, len(readable), BATCH):
        chunk = readable[start : start + BATCH]
        items = [Item(name=r.level3, description=r.description, target=r.target_raw, project=r.project) for r in chunk]
        published = [(r.level1_raw, r.level2_raw) for r in chunk]
        for row, result in zip(chunk, predictor.classify(items, published, framework=framework, n_similar=0), strict=True):
            results[id(row)] = result
        bar.update(len(chunk))
    bar.close()
    for row in rows:
        record = {**{str(k): v for k, v in (row.input or {}).items()}}
        record.setdefault("source", row.source)
        record.setdefault("table", row.table)
        result = results.get(id(row))
        if result is None:
            record.update({c: None for c in OUTPUT_COLUMNS})
            record["error"] = "; ".join(row.issues) or "no indicator name"
        else:
            suggestion = _suggested_target(row)
            record.update({
                "pred_level1": result["level1"],
                "pred_level2": result["level2"],
                "confidence": result["confidence"],
                "alternatives": "; ".join(f"{a['level2']} {a['confidence']:.2f}" for a in result["alternatives"]),
                "needs_review": result["needs_review"],
                "label_disagrees": result["label_disagrees"],
                "suggested_target": suggestion,
                "target_warning": _warning(row),
                "error": "; ".join(row.issues) or None,
            })
        records.append(record)
    return records


def _suggested_target(row: IndicatorRow) -> str | None:
    """The target in canonical spelling when it is measurable; otherwise left for ``suggest``."""
    target = row.target or {}
    if target.get("measurable"):
        return target.get("text")
    return None


def _warning(row: IndicatorRow) -> str | None:
    return target_weakness(Target.from_dict(row.target)) if row.target else "missing"


def classify_file(path: Path, predictor: Predictor, framework: str = "2021", progress: bool = False,
                  data: bytes | None = None, name: str | None = None) -> list[dict]:
    result = read_file(path, data=data, name=name)
    return annotate(result.rows, predictor, framework, progress)


def columns_of(records: list[dict]) -> list[str]:
    columns: list[str] = []
    for record in records:
        for key in record:
            if key not in columns and key not in OUTPUT_COLUMNS:
                columns.append(key)
    return columns + OUTPUT_COLUMNS


def _cell(value) -> object:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_output(records: list[dict], path: Path) -> None:
    suffix = path.suffix.lower()
    columns = columns_of(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".jsonl":
        with open(path, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    elif suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for record in records:
                writer.writerow({k: _cell(record.get(k)) for k in columns})
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("classified")
        sheet.append(columns)
        for record in records:
            sheet.append([_cell(record.get(k)) for k in columns])
        workbook.save(path)
    else:
        raise ValueError(f"{path.name}: output must end in .csv, .xlsx or .jsonl")
