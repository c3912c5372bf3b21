"""Find a table's header and the role of each column, by the role vocabulary of ``data/taxonomy.json``.

A header is a row whose cells name column roles (三级指标 → ``level3``, 指标值 →
``target``, 计量单位 → ``unit`` ...). The rules that make real forms work:

* When two columns name one role, the alias listed first wins: the merged
  left label column 绩效指标 of a 申报表/自评表 loses to 三级指标.
* A second header row under the first (指标值 spanning 中期目标 | 年度目标) is read
  with it: each sub-header completes the header cell it stands under (merged
  cells leave the cells to the right empty), and the row is no indicator.
* Of several target columns the annual one is the target (年度目标, 年度指标值),
  then one without a period, then a medium/long-term one; the header's
  ``period`` is the chosen column's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from training.domain.taxonomy import Taxonomy
from training.readers.text import clean_cell

_PERIOD_PREFERENCE = {"annual": 0, None: 1, "long_term": 2}

LEVEL_ROLES = ("level1", "level2", "level3")


@dataclass
class Header:
    """A header found at ``rows[index]``; body rows start at ``rows[end]`` (after a sub-header row).

    ``roles`` maps a role to its column, ``labels`` holds each column's header
    text (``指标值/年度目标`` under a sub-header), ``period`` the target column's.
    ``label_columns`` are columns left of the level columns that name no role
    of their own (the merged 绩效指标 label column of a form).
    """

    index: int
    end: int
    roles: dict[str, int]
    labels: list[str]
    period: str | None = None
    label_columns: list[int] = field(default_factory=list)

    def column(self, cells: list[str], role: str) -> str:
        """The cell of ``role`` in a row, or ``""``."""
        index = self.roles.get(role)
        return cells[index] if index is not None and index < len(cells) else ""


def _roles_of(cells: list[str], taxonomy: Taxonomy) -> dict[str, list[tuple[int, int]]]:
    """role → [(rank, column)] for the cells of one row."""
    found: dict[str, list[tuple[int, int]]] = {}
    for column, cell in enumerate(cells):
        role_rank = taxonomy.column_role_rank(cell)
        if role_rank:
            role, rank = role_rank
            found.setdefault(role, []).append((rank, column))
    return found


def looks_like_header(cells: list[str], taxonomy: Taxonomy) -> bool:
    """A header names the indicator column and at least one other role: a lone 绩效指标 label cell is none."""
    found = _roles_of(cells, taxonomy)
    return "level3" in found and len(found) >= 2


def _is_sub_header(cells: list[str], level3_column: int, taxonomy: Taxonomy) -> bool:
    filled = [(column, cell) for column, cell in enumerate(cells) if cell]
    if not filled:
        return False
    if level3_column < len(cells) and cells[level3_column] and taxonomy.column_role(cells[level3_column]) not in LEVEL_ROLES:
        return False  # under the name column only a level's name (绩效指标 over 一级/二级/三级指标) makes a sub-header
    return all(taxonomy.column_role(cell) or taxonomy.period_of(cell) for _, cell in filled)


def header_at(rows: list[list[str]], index: int, taxonomy: Taxonomy) -> Header | None:
    """The header starting at ``rows[index]``, with the sub-header row under it, or None when the row is no header."""
    upper = [clean_cell(c) for c in rows[index]]
    if not looks_like_header(upper, taxonomy):
        return None
    first_level3 = min(column for _, column in _roles_of(upper, taxonomy)["level3"])
    labels = list(upper)
    sub: list[str] = []
    end = index + 1
    if end < len(rows):
        candidate = [clean_cell(c) for c in rows[end]]
        if _is_sub_header(candidate, first_level3, taxonomy):
            sub = candidate
            end += 1
    width = max(len(upper), len(sub))
    labels += [""] * (width - len(labels))
    candidates: dict[str, list[tuple[int, int, int]]] = {}  # role → [(period preference, rank, column)]
    periods: dict[int, str | None] = {}
    owner = ""
    for column in range(width):
        top = labels[column]
        lower = sub[column] if column < len(sub) else ""
        if top:
            owner = top
        elif lower:
            top = owner  # under a header cell merged across columns
        labels[column] = f"{top}/{lower}" if top and lower else (top or lower)
        role_rank = taxonomy.column_role_rank(lower) if lower else None
        if not role_rank:
            role_rank = taxonomy.column_role_rank(top)
        if not role_rank:
            continue
        role, rank = role_rank
        period = taxonomy.period_of(lower) or taxonomy.period_of(top)
        periods[column] = period
        candidates.setdefault(role, []).append((_PERIOD_PREFERENCE[period] if role == "target" else 0, rank, column))
    roles = {role: min(options)[2] for role, options in candidates.items()}
    for column, role, label in _roles_above(rows, index, upper, sub, roles, taxonomy):
        roles[role] = column
        labels.extend([""] * (column + 1 - len(labels)))
        labels[column] = label
        periods[column] = taxonomy.period_of(label)
    level_columns = [roles[r] for r in ("level1", "level2", "level3") if r in roles]
    label_columns = [c for c in range(min(level_columns)) if c not in roles.values()]
    target = roles.get("target")
    return Header(index=index, end=end, roles=roles, labels=labels,
                  period=periods.get(target) if target is not None else None, label_columns=label_columns)


def _roles_above(rows: list[list[str]], index: int, upper: list[str], sub: list[str], roles: dict[str, int],
                 taxonomy: Taxonomy) -> list[tuple[int, str, str]]:
    """Roles the row above the header names over columns the header leaves empty: a two-row header whose level names
    are in its second row (指标 or 绩效指标 merged over 一级/二级/三级指标) and whose 指标值, 计量单位 … cells are merged
    down over both rows, so that their text sits in the first row only. ``[(column, role, label)]``; none unless
    every filled cell of that row is a role name or a short label over a level column."""
    if index == 0:
        return []
    above = [clean_cell(c) for c in rows[index - 1]]
    filled = [(column, cell) for column, cell in enumerate(above) if cell]
    levels = {roles[r] for r in LEVEL_ROLES if r in roles}
    def label(column: int, cell: str) -> bool:  # 指标, 绩效指标 over the levels; no 项目名称：… line
        return column in levels and len(cell) <= 8 and not any(ch in cell for ch in "：:0123456789")

    if not filled or not all(taxonomy.column_role(cell) or label(column, cell) for column, cell in filled):
        return []
    found = []
    for column, cell in filled:
        role = taxonomy.column_role(cell)
        below = (upper[column] if column < len(upper) else "") or (sub[column] if column < len(sub) else "")
        if role and role not in roles and role not in LEVEL_ROLES and not below:
            found.append((column, role, cell))
    return found


def find_header(rows: list[list[str]], taxonomy: Taxonomy, start: int = 0) -> Header | None:
    """The first header at or after ``rows[start]``."""
    for index in range(start, len(rows)):
        header = header_at(rows, index, taxonomy)
        if header:
            return header
    return None
