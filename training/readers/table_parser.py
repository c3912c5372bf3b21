"""Turn one table section (rows of cells) into indicator rows.

Every layout ends here: the seed text formats, CSV, Excel, Word, HTML and PDF
all become sections of rows first. This module finds the header by its role
vocabulary (``header.py``), reads the metadata above it (``metadata.py``), then
reads the body row by row:

* a header again (a table continued on a new page, or a second block) is
  recognized by its role vocabulary: the same columns are skipped, new columns
  start a new block;
* rows that are not indicators (``row_rules.py``: notes, totals, page footers,
  unit and signature lines, block labels such as 年度绩效指标) are left out;
* cells are placed by the header's columns; only text layouts without a grid
  (the seeds) fall back to the vocabulary of level names (``shifted_rows.py``);
* a row holding nothing but the continuation of the name above it is joined to
  that name;
* merged level cells are carried down, split targets (指标性质 | 指标值 | 度量单位)
  are composed, and the target is parsed once.

Everything guessed (a shifted row, a joined line, an unknown label, a target
not understood) is written to the row's ``issues``.
"""

from __future__ import annotations

from dataclasses import dataclass

from training.domain.records import IndicatorRow
from training.domain.targets import NO_VALUE, SCALE_WORDS, is_change, operator_of, parse_target
from training.domain.taxonomy import Taxonomy, clean_label
from training.readers.header import Header, find_header, header_at, looks_like_header
from training.readers.metadata import metadata_row, read_metadata
from training.readers.row_rules import block_period, non_indicator
from training.readers.sections import Section
from training.readers.shifted_rows import TEXT_ROLES, assemble_rows, place_cells, positional
from training.readers.text import clean_cell, find_year, without_numbering

_PLACEHOLDER = {"", "　", "/", "-", "—", "无"}
_READ_ROLES = ("level1", "level2", "level3", "target", "operator", "unit")  # a problem in these cells keeps its row
NO_TARGET_COLUMN = "no target column in the header (指标值): the table's targets were not read"
UNCOMPUTED = "formula without a computed value in "  # training.readers.xlsx.uncomputed_issue
TARGET_UNCOMPUTED = "formula without a computed value in the target cell "
MAX_FRAGMENT = 8  # characters: a wrapped name's second line is a few characters (…里程, …合格率)


@dataclass
class FileContext:
    """What a reader knows about the file a section comes from; ``next_row``/``next_table`` number rows and tables across sections."""

    source: str
    doc: str
    taxonomy: Taxonomy
    doc_year: int | None = None
    next_row: int = 0
    next_table: int = 0
    last_table: _TableReader | None = None  # the reader of the last table read, which a next sheet may continue


def compose_target(value: str, operator: str, unit: str) -> str:
    """A target split over columns (指标方向/指标性质 | 指标值 | 计量单位/度量单位) as one text.

    The operator column completes a number without an operator (``大于等于`` +
    ``120``), the unit column a number without a unit (``≥120`` + ``公里``);
    a target with a note, a qualitative one (指标性质 定性) or a deadline stays as written.
    """
    if not value:
        return value
    parsed = parse_target(value)
    if parsed.kind == "unparsed" and parsed.note is None and unit and unit not in _PLACEHOLDER and operator_of(unit) is None:
        joined = value + unit  # ≤-18 with ℃ in the unit column: read together, a temperature below zero
        return joined if parse_target(joined).kind == "quantitative" else value
    if parsed.note == NO_VALUE and unit and unit not in _PLACEHOLDER and operator_of(unit) is None:
        return value + unit  # ≥ with 人 in the unit column: the value is what is missing, not the unit
    if parsed.kind != "quantitative" or (parsed.note and not is_change(parsed)):
        return value  # a change (-5 吨: 化学需氧量削减) takes its unit like any figure
    text = value
    spelled = operator_of(operator)
    if parsed.operator is None and spelled:
        text = spelled + text
    if (parsed.unit is None or parsed.unit in SCALE_WORDS) and unit and unit not in _PLACEHOLDER and operator_of(unit) is None:
        # 100万 with 元 in the unit column is 100万元 (万 is a scale, not the unit)
        text += unit[len(parsed.unit):] if parsed.unit and unit.startswith(parsed.unit) else unit
    return text


def parse_section(section: Section, context: FileContext) -> list[IndicatorRow]:
    """The indicator rows of one section, numbered on from ``context``; ``[]`` when it has no header.

    A worksheet that starts without a header or title (``第2页``) continues the table of the sheet before it when
    its rows read as that table's rows (a known level label in a level column, or measurable targets in the target
    column); each such row says the columns were taken from the sheet before. Its rows had been left out silently.
    """
    header = find_header(section.rows, context.taxonomy)
    if header is None:
        previous = context.last_table
        if previous is None or not _continues(section, previous):
            return []
        reader = _TableReader(section, Header(index=0, end=0, roles=previous.header.roles, labels=previous.header.labels,
                                              period=previous.header.period, label_columns=previous.header.label_columns),
                              context, continued=previous)
    else:
        reader = _TableReader(section, header, context)
    context.last_table = reader
    return reader.read()


CONTINUED = "no header on this worksheet: its columns are those of the table on the sheet before (guessed)"


def _continues(section: Section, previous: _TableReader) -> bool:
    """Whether a spreadsheet section that has no header of its own holds more rows of ``previous``'s table."""
    if section.sheet is None or section.title is not None or previous.section.sheet in (None, section.sheet):
        return False
    header, taxonomy = previous.header, previous.taxonomy
    rows = [[clean_cell(c) for c in row] for row in section.rows if any(clean_cell(c) for c in row)]
    if not rows or max(len(r) for r in rows) > len(header.labels) + 1:
        return False
    labelled = sum(1 for r in rows if any(taxonomy.is_level_label(header.column(r, role)) for role in ("level1", "level2")))
    measurable = sum(1 for r in rows if header.column(r, "level3") and parse_target(header.column(r, "target") or None).measurable)
    return labelled >= 1 or measurable * 2 >= len(rows)


class _TableReader:
    """Reading state of one table: its header, the level cells carried down, the block's period and metadata."""

    def __init__(self, section: Section, header: Header, context: FileContext, continued: _TableReader | None = None) -> None:
        """``continued``: the reader of the table this headerless section continues (its table, metadata, levels)."""
        self.section = section
        self.header = header
        self.context = context
        self.taxonomy = context.taxonomy
        self.continued = continued is not None
        if continued is not None:
            self.table, self.meta = continued.table, dict(continued.meta)
        else:
            self.table = context.next_table
            context.next_table += 1
        above = section.rows[: header.index]
        if continued is None:
            self.meta = read_metadata(above, section.title, self.taxonomy)
        self.period_label: str | None = continued.period_label if continued is not None else None
        for row in above:
            self.period_label = block_period([clean_cell(c) for c in row], self.taxonomy) or self.period_label
        self.levels = dict(continued.levels) if continued is not None else {"level1": "", "level2": ""}
        self.header_row = header.index
        self.offset = header.end  # body row i is section row offset + i (text layouts with joined rows aside)
        self.label_pending = False  # a block label (年度绩效指标) read since the last indicator
        self.rows: list[IndicatorRow] = []
        self.previous: IndicatorRow | None = None  # the indicator on the row just above, for a wrapped name
        self.unknown_levels: list[str] = []  # the current row's level cells with an uncomputed formula
        self.project_cell = ""  # the last 项目名称 cell of this table: another one starts the next project's table

    def read(self) -> list[IndicatorRow]:
        body = self.section.rows[self.header.end :]
        if self.section.merge_short_rows:
            body = assemble_rows(body, len(self.section.rows[self.header.index]))
        index = 0
        while index < len(body):
            target_column = self.header.roles.get("target")
            # 无 in the target column is what the unit wrote (a social cost's "none"), elsewhere a placeholder
            cells = ["" if c in _PLACEHOLDER and not (c == "无" and j == target_column) else c
                     for j, c in enumerate(clean_cell(c) for c in body[index])]
            found = self._reader_issues(self.header.end + index)
            self.unknown_levels = self._uncomputed_levels(self.header.end + index)
            index += 1
            if not any(cells) and not found:
                continue
            if looks_like_header(cells, self.taxonomy):
                index = self._new_header(body, index - 1)
                continue
            self._row(cells, found)
        return self.rows

    def _new_header(self, body: list[list[str]], index: int) -> int:
        """A header inside the body; returns the next body row.

        The same columns again without a new physical table in between (a PDF
        page break) continue the table, level cells carried across; new columns
        or a new Word/HTML table start a new table.
        """
        header = header_at(body, index, self.taxonomy)
        here = self.offset + index
        new_table = (header.roles, header.period) != (self.header.roles, self.header.period) or any(
            self.header_row < start <= here for start in self.section.table_starts
        )
        if new_table:
            self.table = self.context.next_table
            self.context.next_table += 1
            self.levels = {"level1": "", "level2": ""}
            if not self.label_pending:
                self.period_label = None
        self.header = header
        self.header_row = here
        self.previous = None
        return header.end

    def _row(self, cells: list[str], found: list[str]) -> None:
        """One body row; ``found`` are the reader's issues of it (a row with any is always emitted, never skipped)."""
        header, taxonomy = self.header, self.taxonomy
        if not found and non_indicator(cells, header.column(cells, "level3"), taxonomy):
            self.previous = None
            return
        period = block_period(cells, taxonomy) if not header.column(cells, "level3") else None
        if period:
            self.period_label, self.previous, self.label_pending = period, None, True
            return
        meta = metadata_row(cells, taxonomy) if not header.column(cells, "target") else None
        if meta:
            self.meta.update(meta)
            self.previous = None
            return
        for column in header.label_columns:
            label_period = taxonomy.period_of(cells[column]) if column < len(cells) else None
            self.period_label = label_period or self.period_label

        issues: list[str] = [self.section.guessed_columns] if self.section.guessed_columns else []
        if self.continued:
            issues.append(CONTINUED)
        if self.section.hidden_sheet is not None:
            issues.append(f"row of a hidden worksheet: {self.section.hidden_sheet!r}")
        issues += found
        if self.section.columns_fixed:
            placed = positional(cells, header.roles)
            if self._stray_text(cells, placed) and not found:
                return
        else:
            placed, shifted = place_cells(cells, header.roles, taxonomy)
            if shifted:
                issues.append("cells out of their columns: placed by the vocabulary of level names (guessed)")
        if self._continues_name(cells, placed):
            return
        if placed["level1"]:
            if clean_label(placed["level1"]) != clean_label(self.levels["level1"]):
                self.levels["level2"] = ""
            self.levels["level1"] = placed["level1"]
        if placed["level2"]:
            self.levels["level2"] = placed["level2"]
        for role in self.unknown_levels:  # a level cell holding a formula with no value: unknown, not the row above's
            self.levels[role] = ""
            if role == "level1" and not placed["level2"]:  # the row's own 二级指标 stays
                self.levels["level2"] = ""
        if not any(placed[r] for r in TEXT_ROLES) and not found:
            self.previous = None
            return  # a row that only names a level, e.g. 成本\t\t\t
        self._emit(cells, placed, issues)

    def _reader_issues(self, at: int) -> list[str]:
        """The reader's issues of section row ``at`` in the columns of the levels, the name and the target (an
        uncomputed 分值 formula in a 合计 row is no reason to keep that row); none for rows a text layout assembles."""
        if self.section.merge_short_rows:
            return []
        by_column = self.section.row_issues.get(at, {})
        columns = {self.header.roles[role] for role in _READ_ROLES if role in self.header.roles}
        target = self.header.roles.get("target")
        # the target's cell says so (bulk then calls the target not read, not missing)
        return [issue.replace(UNCOMPUTED, TARGET_UNCOMPUTED, 1) if column == target else issue
                for column, issue in sorted(by_column.items()) if column in columns]

    def _uncomputed_levels(self, at: int) -> list[str]:
        """``level1``/``level2`` when section row ``at``'s cell of that level holds a formula the file has no value for."""
        if self.section.merge_short_rows:
            return []
        by_column = self.section.row_issues.get(at, {})
        return [role for role in ("level1", "level2") if self.header.roles.get(role) in by_column]

    def _stray_text(self, cells: list[str], placed: dict[str, str]) -> bool:
        """A one-cell row that is no level label: a paragraph, caption (续表) or page line between the parts of a
        table (PDF, Word, HTML). In a table row, an unknown text in a level column stays a label (and is reported)."""
        return len(cells) == 1 and not placed["level3"] and not placed["target"] and not self.taxonomy.is_level_label(cells[0])

    def _continues_name(self, cells: list[str], placed: dict[str, str]) -> bool:
        """Join a row holding only a short name fragment to the name of the indicator right above it.

        Only where layouts wrap names over rows (``Section.wrapped_names``), only
        a fragment of at most ``MAX_FRAGMENT`` characters, and only below a row
        that has its target: the first line of a wrapped row carries the row's
        other cells. Anything else is an indicator of its own (perhaps without
        a target), never merged into another.
        """
        previous = self.previous
        fragment = placed["level3"]
        if not self.section.wrapped_names or previous is None or not previous.level3 or not fragment:
            return False
        if len(fragment) > MAX_FRAGMENT or not previous.target_raw:
            return False
        if any(c for c in cells if c != fragment) or any(placed[r] for r in placed if r != "level3"):
            return False
        previous.issues.append(f"name continued on the next row and joined: {previous.level3!r} + {fragment!r} (guessed)")
        previous.level3 += fragment
        return True

    def _emit(self, cells: list[str], placed: dict[str, str], issues: list[str]) -> None:
        header, taxonomy, context = self.header, self.taxonomy, self.context
        project_cell = header.column(cells, "project")
        if project_cell and self.project_cell and project_cell != self.project_cell:
            # a 项目名称 column naming another project: that project's own table (a trial's file of three projects was
            # one table, its missing categories and counts worked out over all three); the level cells carry on
            self.table = context.next_table
            context.next_table += 1
        self.project_cell = project_cell or self.project_cell
        target_raw = compose_target(placed["target"], header.column(cells, "operator"), header.column(cells, "unit"))
        target = parse_target(target_raw or None, placed["explanation"] or None)
        mapping = taxonomy.map_labels(self.levels["level1"], self.levels["level2"])
        if not placed["level3"]:
            issues.append("no indicator name (三级指标 is empty)")
        if "target" not in header.roles:
            issues.append(NO_TARGET_COLUMN)
        if target.kind == "unparsed" and target.note is None:  # ≥ alone and 2月30日 say what is wrong in the target's own check
            issues.append(f"target not understood: {target_raw!r}")
        if not mapping.known:
            issues.append(f"label not in taxonomy: {self.levels['level1']!r} / {self.levels['level2']!r}")
        year_cell = header.column(cells, "year")
        row = IndicatorRow(
            source=context.source,
            table=self.table,
            row=context.next_row,
            doc=header.column(cells, "doc") or context.doc,
            level3=without_numbering(placed["level3"]) or None,
            level1_raw=self.levels["level1"] or None,
            level2_raw=self.levels["level2"] or None,
            level1=mapping.level1,
            level2=mapping.level2,
            target_raw=target_raw or None,
            target=target,
            description=placed["explanation"] or None,
            basis=placed["basis"] or None,
            project=header.column(cells, "project") or self.meta.get("project"),
            department=self.meta.get("department"),
            unit_name=self.meta.get("unit_name"),
            year=find_year(year_cell + "年") if year_cell else (self.meta.get("year") or context.doc_year),
            label_known=mapping.known,
            label_approximate=mapping.approximate,
            label_process=mapping.process,
            input={name or f"column{i + 1}": cells[i] if i < len(cells) else "" for i, name in enumerate(header.labels)},
            issues=issues,
            period=self.period_label or header.period or self.meta.get("period"),
            actual=header.column(cells, "actual") or None,
        )
        context.next_row += 1
        self.rows.append(row)
        self.previous = row
        self.label_pending = False
