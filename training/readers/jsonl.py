"""JSON Lines in the layout of ``../shared/data/*.jsonl`` (one indicator per line)."""

from __future__ import annotations

import json

from training.readers.text import clean_cell, find_year
from training.domain.records import IndicatorRow
from training.domain.targets import parse_target
from training.domain.taxonomy import Taxonomy


def jsonl_rows(text: str, source: str, taxonomy: Taxonomy) -> list[IndicatorRow]:
    rows: list[IndicatorRow] = []
    tables: dict[str, int] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        issues: list[str] = []
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            record = {"_raw": line[:500]}
            issues.append(f"line {line_number}: invalid JSON ({error})")
        fields: dict[str, str] = {}
        for key, value in record.items():
            role = taxonomy.column_role(key)
            if role and role not in fields and value not in (None, ""):
                fields[role] = clean_cell(value)
        doc = fields.get("doc") or record.get("doc") or source
        doc = clean_cell(doc)
        table = tables.setdefault(doc, len(tables))
        target_raw = fields.get("target")
        target = parse_target(target_raw, fields.get("explanation"))
        mapping = taxonomy.map_labels(fields.get("level1"), fields.get("level2"))
        if not fields.get("level3"):
            issues.append("no indicator name (level3 is empty)")
        if target.kind == "unparsed":
            issues.append(f"target not understood: {target_raw!r}")
        if not mapping.known:
            issues.append(f"label not in taxonomy: {fields.get('level1')!r} / {fields.get('level2')!r}")
        year = fields.get("year")
        rows.append(
            IndicatorRow(
                source=source,
                table=table,
                row=len(rows),
                doc=doc,
                level3=fields.get("level3"),
                level1_raw=fields.get("level1"),
                level2_raw=fields.get("level2"),
                level1=mapping.level1,
                level2=mapping.level2,
                target_raw=target_raw,
                target=target,
                description=fields.get("explanation"),
                basis=fields.get("basis"),
                project=fields.get("project"),
                year=find_year(f"{year}年") if year else find_year(doc),
                label_known=mapping.known,
                label_approximate=mapping.approximate,
                label_process=mapping.process,
                input=record,
                issues=issues,
            )
        )
    return rows
