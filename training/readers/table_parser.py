"""Turn one table section (rows of cells) into indicator rows.

Every layout ends here: the seed text formats, CSV, Excel, Word and HTML all
become sections of rows first. This module finds the header by its aliases,
reads the metadata above it, places cells into levels (by column, or by the
vocabulary of level names when a row is shifted), carries merged level cells
down and parses the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from training.domain.records import IndicatorRow
from training.domain.targets import parse_target
from training.domain.taxonomy import Taxonomy, clean_label
from training.readers.sections import Section
from training.readers.text import clean_cell, find_year

_UNIT_CODE = re.compile(r"^\d{6}\s*(\S.*)$")
_YEAR_ROW = re.compile(r"^[（(]\s*(20\d{2})\s*年度?\s*[)）]$")
_TITLE_SUFFIX = re.compile(r"(20\d{2}年度?)?(省级部门|部门)?(预算)?(项目)?(支出)?(绩效目标表|绩效自评表)$")
_KEY_VALUE = re.compile(r"^([^:：]{2,8})[:：]\s*(\S.*)$")
_PLACEHOLDER = {"", "　", "/", "-", "—", "无"}
_LEVEL_ROLES = ("level1", "level2")
_TEXT_ROLES = ("level3", "target", "explanation", "basis")


@dataclass
class FileContext:
    """What a reader knows about the file a section comes from."""

    source: str
    doc: str
    taxonomy: Taxonomy
    doc_year: int | None = None
    next_row: int = 0
    next_table: int = 0


def find_header(rows: list[list[str]], taxonomy: Taxonomy) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows):
        roles: dict[str, int] = {}
        for column, cell in enumerate(row):
            role = taxonomy.column_role(cell)
            if role and role not in roles:
                roles[role] = column
        if "level3" in roles and (len(roles) >= 2 or index < 5):
            return index, roles
    return None, {}


def assemble_rows(rows: list[list[str]], width: int) -> list[list[str]]:
    """Join rows that an exporter split over blank lines (Baoding: basis after a blank line)."""
    assembled: list[list[str]] = []
    pending: list[str] | None = None
    for row in rows:
        if pending is not None and len(pending) + len(row) > width:
            assembled.append(pending + [""] * (width - len(pending)))
            pending = None
        if pending is None:
            if len(row) >= width:
                assembled.append(row)
            else:
                pending = list(row)
        else:
            pending.extend(row)
            if len(pending) == width:
                assembled.append(pending)
                pending = None
    if pending is not None:
        assembled.append(pending + [""] * (width - len(pending)))
    return assembled


def read_metadata(rows: list[list[str]], title: str | None, taxonomy: Taxonomy) -> dict[str, object]:
    cells = [clean_cell(c) for row in rows for c in row]
    cells = [c for c in cells if c]
    meta: dict[str, object] = {}
    for index, cell in enumerate(cells):
        role = taxonomy.metadata_role(cell)
        if role and role not in meta and index + 1 < len(cells) and not taxonomy.metadata_role(cells[index + 1]):
            meta[role] = cells[index + 1]
        key_value = _KEY_VALUE.match(cell)
        if key_value and taxonomy.metadata_role(key_value.group(1)) and taxonomy.metadata_role(key_value.group(1)) not in meta:
            meta[taxonomy.metadata_role(key_value.group(1))] = key_value.group(2).strip()
        year_match = _YEAR_ROW.match(cell)
        if year_match and "year" not in meta:
            meta["year"] = int(year_match.group(1))
        unit_match = _UNIT_CODE.match(cell)
        if unit_match and "unit_name" not in meta and not re.search(r"\d", unit_match.group(1)[:2]):
            meta["unit_name"] = unit_match.group(1)
    if title:
        meta.setdefault("year", find_year(title))
        owner = re.sub(r"^[\d.、\s]+", "", _TITLE_SUFFIX.sub("", title.strip()))
        if owner and "unit_name" not in meta and "project" in meta:
            meta["unit_name"] = owner
        elif owner and "project" not in meta:
            meta["project"] = owner
    return meta


def _target_like(text: str) -> bool:
    if not text:
        return False
    parsed = parse_target(text)
    return parsed.kind in ("quantitative", "deadline", "coded") or (parsed.kind == "qualitative" and len(text) <= 6)


def place_cells(cells: list[str], roles: dict[str, int], taxonomy: Taxonomy) -> dict[str, str]:
    """Assign a row's cells to level1/level2/level3/target/explanation/basis.

    Positions come from the header, unless the row is shifted: a non-level text
    in a level column (``\\t郑州市青少年机器人竞赛参赛获奖人数\\t\\t≥2000人``) or a
    level name in the indicator column with a name where the target should be.
    Shifted rows are read left to right by the vocabulary of level names.
    """
    def at(role: str) -> str:
        column = roles.get(role)
        return cells[column] if column is not None and column < len(cells) else ""

    positional = {role: at(role) for role in (*_LEVEL_ROLES, *_TEXT_ROLES)}
    name = positional["level3"]
    name_in_place = bool(name) and not taxonomy.is_level_label(name) and not _target_like(name)
    unknown_level_text = any(positional[r] and not taxonomy.is_level_label(positional[r]) for r in _LEVEL_ROLES)
    # With a name and a target where they belong, an unknown text in a level column is a
    # label the taxonomy lacks (kept and reported), not a sign of a shifted row.
    shifted = (unknown_level_text and not (name_in_place and positional["target"])) or (
        taxonomy.is_level_label(name) and not _target_like(positional["target"])
    )
    if not shifted:
        return positional

    placed: dict[str, str] = {}
    level1_column = roles.get("level1", 0)
    for column, cell in enumerate(cells):
        if not cell:
            continue
        if "level3" not in placed and taxonomy.is_level_label(cell):
            first_level = "level1" not in placed and "level2" not in placed
            as_level1 = taxonomy.is_level1_label(cell) and (
                column == level1_column or not taxonomy.is_level2_label(cell)
            )
            placed["level1" if first_level and as_level1 else "level2"] = cell
            continue
        for role in _TEXT_ROLES:
            if role not in placed:
                placed[role] = cell
                break
    return {role: placed.get(role, "") for role in (*_LEVEL_ROLES, *_TEXT_ROLES)}


def _compose_target(target: str, operator: str, unit: str) -> str:
    """Tables that split 指标方向 / 指标值 / 计量单位 into columns."""
    if not target or parse_target(target).kind != "quantitative" or re.search(r"[^\d.\s]", target):
        return target
    return f"{operator}{target}{unit}"


def parse_section(section: Section, context: FileContext) -> list[IndicatorRow]:
    taxonomy = context.taxonomy
    header_index, roles = find_header(section.rows, taxonomy)
    if header_index is None:
        return []
    table = context.next_table
    context.next_table += 1
    meta = read_metadata(section.rows[:header_index], section.title, taxonomy)
    header = [clean_cell(c) for c in section.rows[header_index]]
    body = section.rows[header_index + 1 :]
    if section.merge_short_rows:
        body = assemble_rows(body, len(section.rows[header_index]))

    rows: list[IndicatorRow] = []
    current: dict[str, str] = {"level1": "", "level2": ""}
    for raw_cells in body:
        cells = [clean_cell(c) for c in raw_cells]
        cells = ["" if c in _PLACEHOLDER else c for c in cells]
        if not any(cells):
            continue
        if clean_label(cells[roles.get("level3", 0)] if roles.get("level3", 0) < len(cells) else "") == "三级指标":
            continue  # a repeated header on a new page
        placed = place_cells(cells, roles, taxonomy)
        if placed["level1"]:
            if clean_label(placed["level1"]) != clean_label(current["level1"]):
                current["level2"] = ""
            current["level1"] = placed["level1"]
        if placed["level2"]:
            current["level2"] = placed["level2"]
        content = [placed[r] for r in _TEXT_ROLES]
        if not any(content):
            continue  # a row that only names a level, e.g. 成本\t\t\t

        def column(role: str, cells: list[str] = cells) -> str:
            index = roles.get(role)
            return cells[index] if index is not None and index < len(cells) else ""

        target_raw = _compose_target(placed["target"], column("operator"), column("unit"))
        target = parse_target(target_raw or None, placed["explanation"] or None)
        mapping = taxonomy.map_labels(current["level1"], current["level2"])
        issues: list[str] = []
        if not placed["level3"]:
            issues.append("no indicator name (三级指标 is empty)")
        if target.kind == "unparsed":
            issues.append(f"target not understood: {target_raw!r}")
        if not mapping.known:
            issues.append(f"label not in taxonomy: {current['level1']!r} / {current['level2']!r}")
        year_cell = column("year")
        row = IndicatorRow(
            source=context.source,
            table=table,
            row=context.next_row,
            doc=column("doc") or context.doc,
            level3=placed["level3"] or None,
            level1_raw=current["level1"] or None,
            level2_raw=current["level2"] or None,
            level1=mapping.level1,
            level2=mapping.level2,
            target_raw=target_raw or None,
            target=target,
            description=placed["explanation"] or None,
            basis=placed["basis"] or None,
            project=column("project") or meta.get("project"),
            department=meta.get("department"),
            unit_name=meta.get("unit_name"),
            year=find_year(year_cell + "年") if year_cell else (meta.get("year") or context.doc_year),
            label_known=mapping.known,
            label_approximate=mapping.approximate,
            label_process=mapping.process,
            input={name or f"column{i + 1}": cells[i] if i < len(cells) else "" for i, name in enumerate(header)},
            issues=issues,
        )
        context.next_row += 1
        rows.append(row)
    return rows
