"""The reviewed rows as a labelled table for ``zhibiao retrain``: JSON Lines the readers take, ``origin`` = ``reviewed``.

One line per row with a decision: the reviewer's category as the label
(``level1``/``level2``, read back through ``Taxonomy.map_labels`` like any
published label), the indicator's name, description and target (the target
the reviewer kept, else the one given), project and year, the table as its
document (``doc``, so evaluation holds the table out whole) and its unit as the
publisher. ``provenance`` says where the row came from and what was decided:
the batch, file, table and row, the published and predicted labels, the model
version, the decision and its time. Keys are the column names the JSON Lines
reader knows (``training/readers/jsonl.py``, ``columns`` in ``data/taxonomy.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from service.review.store import Batch
from service.review.table import Decision
from training.model.suggest import PLACEHOLDER

ORIGIN = "reviewed"


def reviewed_lines(batch: Batch, decisions: Mapping[tuple[int, int], Decision], indicator_rows: Mapping[tuple[int, int], dict]) -> list[dict]:
    """One labelled record per decided row of ``batch``, in table and row order."""
    lines = []
    for number, table in enumerate(batch.tables):
        for position, record in enumerate(table.records):
            decision = decisions.get((number, position))
            row = indicator_rows.get((number, position))
            if decision is None or row is None or not row.get("level3"):
                continue
            lines.append({
                "level1": decision.level1,
                "level2": decision.level2,
                "level3": row["level3"],
                # a suggestion's placeholder kept unfilled (≥__公里) is no target to learn from: the row's own instead
                # (a final trial found it in the corpus as a target not understood)
                "target": (decision.target if decision.target and PLACEHOLDER not in decision.target else None) or row.get("target_raw"),
                "description": row.get("description"),
                "basis": row.get("basis"),
                "project": row.get("project") or table.project,
                "year": row.get("year") or table.year,
                "doc": f"{table.file} 表{table.number + 1}" + (f" {table.project}" if table.project else ""),
                "publisher": row.get("unit_name") or row.get("department") or table.unit or table.file,
                "origin": ORIGIN,
                "provenance": {
                    "review_batch": batch.id, "file": table.file, "table": table.number, "row": row.get("row"),
                    "published_level1": record.get("published_level1"), "published_level2": record.get("published_level2"),
                    "predicted_level1": record.get("pred_level1"), "predicted_level2": record.get("pred_level2"),
                    "confidence": record.get("confidence"), "model_version": batch.model_version, "framework": batch.framework,
                    "label_action": decision.label_action, "target_as_given": row.get("target_raw"),
                    "target_action": decision.target_action, "decided_at": decision.decided_at,
                },
            })
    return lines


def reviewed_jsonl(batch: Batch, decisions: Mapping[tuple[int, int], Decision], indicator_rows: Mapping[tuple[int, int], dict]) -> bytes:
    """``reviewed_lines`` as UTF-8 JSON Lines (``zhibiao retrain FILE.jsonl`` reads it)."""
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in reviewed_lines(batch, decisions, indicator_rows)).encode("utf-8")
