"""The seed text layouts, whose cells are not held in columns: rows split over blank lines, cells shifted left or right.

Only text layouts without a grid come here (``Section.columns_fixed`` is
False). In a spreadsheet, Word, HTML, PDF or CSV table the header says where
every column is, and a 三级指标 that happens to be a category word (社会成本,
满意度) stays where it is.
"""

from __future__ import annotations

from training.domain.targets import parse_target
from training.domain.taxonomy import Taxonomy

LEVEL_ROLES = ("level1", "level2")
TEXT_ROLES = ("level3", "target", "explanation", "basis")


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


def _target_like(text: str) -> bool:
    if not text:
        return False
    parsed = parse_target(text)
    return parsed.kind in ("quantitative", "deadline", "coded") or (parsed.kind == "qualitative" and len(text) <= 6)


def positional(cells: list[str], roles: dict[str, int]) -> dict[str, str]:
    """Each role's cell by the header's column."""
    def at(role: str) -> str:
        column = roles.get(role)
        return cells[column] if column is not None and column < len(cells) else ""

    return {role: at(role) for role in (*LEVEL_ROLES, *TEXT_ROLES)}


def place_cells(cells: list[str], roles: dict[str, int], taxonomy: Taxonomy) -> tuple[dict[str, str], bool]:
    """Assign a text-layout row's cells to level1/level2/level3/target/explanation/basis; True when the row was shifted.

    Positions come from the header, unless the row is shifted: a non-level text
    in a level column (``\\t郑州市青少年机器人竞赛参赛获奖人数\\t\\t≥2000人``) or a
    level name in the indicator column with a name where the target should be.
    Shifted rows are read left to right by the vocabulary of level names.
    """
    placed_by_column = positional(cells, roles)
    name = placed_by_column["level3"]
    name_in_place = bool(name) and not taxonomy.is_level_label(name) and not _target_like(name)
    unknown_level_text = any(placed_by_column[r] and not taxonomy.is_level_label(placed_by_column[r]) for r in LEVEL_ROLES)
    # With a name and a target where they belong, an unknown text in a level column is a
    # label the taxonomy lacks (kept and reported), not a sign of a shifted row.
    shifted = (unknown_level_text and not (name_in_place and placed_by_column["target"])) or (
        taxonomy.is_level_label(name) and not _target_like(placed_by_column["target"])
    )
    if not shifted:
        return placed_by_column, False

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
        for role in TEXT_ROLES:
            if role not in placed:
                placed[role] = cell
                break
    result = {role: placed.get(role, "") for role in (*LEVEL_ROLES, *TEXT_ROLES)}
    return result, result != placed_by_column
