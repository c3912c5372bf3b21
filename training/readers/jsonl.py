"""JSON Lines in the layout of ``../shared/data/*.jsonl`` (one indicator per line).

Fields are found by the column aliases of ``data/taxonomy.json`` (``level3``,
``target``, ``unit``, ``meaning`` ...). A leading edit marker in a name
(``【新增】``, ``【修改】``, as a management system's seed data writes them) is
not part of the name: it is removed and the raw name kept in ``input``.
``origin``, ``publisher`` and a ``provenance`` object are taken as given (the
review page's labelled export writes them: ``origin`` = ``reviewed``).
"""

from __future__ import annotations

import json
import re

from training.domain.records import IndicatorRow
from training.domain.targets import parse_target
from training.domain.taxonomy import Taxonomy
from training.readers.errors import NO_TABLE, ReadError
from training.readers.text import clean_cell, find_year

_EDIT_MARKER = re.compile(r"^\s*[【\[](?:新增|修改|删除|调整|更新)[】\]]\s*")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _without_lone_surrogates(value):
    """``value`` (parsed JSON) with every lone UTF-16 surrogate (``"\\ud800"`` escapes, which no UTF-8 text can hold)
    replaced by U+FFFD, in keys and values; JSON decodes a valid pair into one character, so only lone ones remain."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def clean_name(name: str | None) -> str | None:
    """The indicator name without a leading edit marker (``【新增】教师培训人次`` → ``教师培训人次``)."""
    if not name:
        return name
    return _EDIT_MARKER.sub("", name) or name


def jsonl_rows(text: str, source: str, taxonomy: Taxonomy) -> list[IndicatorRow]:
    """One row per line (a line that is no JSON object is a row marked so). Raises ``ReadError`` (``NO_TABLE``) when
    no line has an indicator's field."""
    rows: list[IndicatorRow] = []
    tables: dict[str, int] = {}
    named = False  # whether any line has an indicator's field
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        issues: list[str] = []
        try:
            record = _without_lone_surrogates(json.loads(line))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            record = {"_raw": line[:500]}
            issues.append(f"line {line_number}: invalid JSON ({error})")
        fields: dict[str, str] = {}
        for key, value in record.items():
            role = taxonomy.column_role(key)
            if role and role not in fields and value not in (None, ""):
                # a list or object where text belongs is shown as JSON, not as Python's repr
                fields[role] = clean_cell(json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value)
        doc = fields.get("doc") or record.get("doc") or source
        doc = clean_cell(doc)
        table = tables.setdefault(doc, len(tables))
        target_raw = fields.get("target")
        target = parse_target(target_raw, fields.get("explanation"))
        mapping = taxonomy.map_labels(fields.get("level1"), fields.get("level2"))
        if not fields.get("level3"):
            issues.append("no indicator name (level3 is empty)")
        if target.kind == "unparsed" and target.note is None:  # ≥ alone and 2月30日 say what is wrong in the target's own check
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
                level3=clean_name(fields.get("level3")),
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
                publisher=clean_cell(record.get("publisher")) or None,
                origin=clean_cell(record.get("origin")) or "table",
                measure_unit=fields.get("unit"),
                sector=fields.get("sector"),
                label_known=mapping.known,
                label_approximate=mapping.approximate,
                label_process=mapping.process,
                input=record,
                provenance=record.get("provenance") if isinstance(record.get("provenance"), dict) else None,
                issues=issues,
            )
        )
        named = named or any(taxonomy.column_role(key) in ("level3", "target") for key in record)
    if rows and not named and any(not row.issues or not row.issues[0].startswith("line ") for row in rows):
        # JSON objects, none with an indicator's field (a backfill's manifest.jsonl, an export of something else)
        raise ReadError(f"{source}: JSON Lines with no indicator field (三级指标/name or 指标值/target) in any line",
                        code=NO_TABLE, message_zh=f"{source}：JSON Lines 中没有任何一行含指标字段（三级指标/name 或 指标值/target）")
    return rows
