"""Excel 2007+ workbooks (.xlsx, .xlsm) through openpyxl, cells as Excel shows them.

* The sheet's ``<dimension>`` is not trusted: WPS writes ``A1`` for a full
  sheet, and a forged ``A1:ZZ20000`` would pad out millions of empty cells. Rows
  are streamed as stored, absent rows cost nothing, and every stored row is
  counted against the ``Budget`` before it is formatted.
* Numbers are formatted with the cell's number format (``number_format``):
  ``1`` under ``0%`` is ``100%``, dates become ``2025年11月30日``.
* Targets typed as ``=100%`` or ``=8座`` are stored as formulas; the formula
  text is what the unit wrote, not its cached value (or its absence).
* Merged cells keep their text in the top-left cell only (as stored); the table
  parser carries level cells down.
"""

from __future__ import annotations

import io
import re
import zipfile

from training.readers.archive import open_archive
from training.readers.errors import UNREADABLE_FILE, ReadError
from training.readers.limits import Budget
from training.readers.number_format import format_value
from training.readers.sections import Section, split_sections

_CONSTANT_FORMULA = re.compile(r"^=\s*[\d.]+\s*%?\s*[^\s\d()A-Za-z$:!]{0,4}$")
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def xlsx_sections(data: bytes, name: str, budget: Budget) -> list[Section]:
    """Sections of every worksheet, in workbook order.

    Raises ``ReadError`` (``UNREADABLE_FILE``) for a damaged workbook or sheet
    (a sheet XML cut short included) and ``ReadLimitError`` past a limit.
    """
    from openpyxl import load_workbook

    archive = open_archive(data, name, budget)
    has_formulas = _has_formulas(archive)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise _damaged(name, error) from None
    formulas = None
    sections: list[Section] = []
    try:
        for index, sheet in enumerate(workbook.worksheets):
            rows = _sheet_rows(sheet, budget, workbook.epoch)
            uncomputed: dict[tuple[int, int], str] = {}
            if has_formulas:
                xml = _sheet_xml(archive, sheet)
                if xml is not None and not _FORMULA_ELEMENT.search(xml):
                    pass  # this sheet has none
                elif xml is None or not _typed_targets_from_xml(rows, xml, budget, uncomputed):
                    if formulas is None:  # a sheet whose cells carry no references: let openpyxl count them
                        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                    uncomputed.clear()
                    _typed_targets(rows, formulas.worksheets[index], budget, uncomputed)
            kept, issues = _stored_rows(rows, uncomputed)
            hidden = sheet.title if getattr(sheet, "sheet_state", "visible") != "visible" else None
            sections.extend(split_sections(kept, wrapped_names=False, row_issues=issues, hidden_sheet=hidden,
                                           sheet=sheet.title))
    except ReadError:
        raise
    except Exception as error:  # a sheet XML cut short, a bad shared-string index, ...
        raise _damaged(name, error) from None
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()
    return sections


def _damaged(name: str, error: Exception) -> ReadError:
    return ReadError(f"{name}: cannot read as an Excel workbook, it is damaged or incomplete ({type(error).__name__}: {error})",
                     code=UNREADABLE_FILE, message_zh=f"{name}：无法作为 Excel 工作簿读取，文件已损坏或不完整")


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    for member in archive.namelist():
        if member.startswith("xl/worksheets/") and member.endswith(".xml") and _FORMULA_ELEMENT.search(archive.read(member)):
            return True
    return False


def _sheet_rows(sheet, budget: Budget, epoch) -> list[list[str]]:
    """Every stored row as display text; rows the sheet does not store are empty lists (kept so row numbers stay aligned)."""
    import datetime as dt

    date1904 = epoch == dt.datetime(1904, 1, 1)
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    for cells in sheet.iter_rows():
        if not cells:
            rows.append([])
            if len(rows) % 4096 == 0:
                budget.tick()
            continue
        values = [format_value(cell.value, getattr(cell, "number_format", None), date1904) for cell in cells]
        budget.row(values)
        rows.append(values)
    return rows


def _stored_rows(rows: list[list[str]], uncomputed: dict[tuple[int, int], str]) -> tuple[list[list[str]], dict[int, dict[int, str]]]:
    """The rows the sheet stores (absent rows dropped), and the issues of their cells whose formula has no computed
    value, by index into the kept rows and column."""
    by_row: dict[int, dict[int, str]] = {}
    for (index, column), formula in uncomputed.items():
        if index < len(rows) and (column >= len(rows[index]) or not rows[index][column]):
            by_row.setdefault(index, {})[column] = uncomputed_issue(f"{_column_letters(column)}{index + 1}", formula)
    kept: list[list[str]] = []
    issues: dict[int, dict[int, str]] = {}
    for index, row in enumerate(rows):
        if row:
            if index in by_row:
                issues[len(kept)] = by_row[index]
            kept.append(row)
    return kept, issues


def uncomputed_issue(cell: str, formula: str) -> str:
    """A row issue for a formula cell saved without its value (``C3``, ``="培训"&"场次"``).

    Excel, WPS and LibreOffice store each formula's last result beside it; a workbook written by a program (openpyxl,
    a report generator) stores none, and the cell reads as empty. Translated by ``service/review/texts.py``.
    """
    return (f"formula without a computed value in {cell}: {formula} (the program that saved the file does not compute "
            "formulas; open the file in Excel or WPS and save it again)")


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_xml(archive: zipfile.ZipFile, sheet) -> bytes | None:
    """The worksheet's XML as stored (openpyxl's read-only sheet knows its member), or None when it cannot be found."""
    member = getattr(sheet, "_worksheet_path", None)
    try:
        return archive.read(member) if member else None
    except KeyError:
        return None


def _typed_targets_from_xml(values: list[list[str]], xml: bytes, budget: Budget, uncomputed: dict[tuple[int, int], str]) -> bool:
    """What :func:`_typed_targets` does, read straight from the sheet's ``<f>`` elements (a second openpyxl pass over
    every cell cost a quarter of reading a 50-sheet workbook). Shared formulas take their master's text, as openpyxl's
    translation does for a constant; array formulas are skipped, as there. Other formulas stored without a value
    (no ``<v>``, or an empty one that is not a text result) go to ``uncomputed`` as (row, column) → formula. Returns
    False, having changed nothing, when a formula cell has no ``r`` reference (the caller then falls back to openpyxl)."""
    from xml.etree.ElementTree import iterparse

    found: list[tuple[int, int, str]] = []
    pending: dict[tuple[int, int], str] = {}
    shared: dict[str, str] = {}
    for count, (_, element) in enumerate(iterparse(io.BytesIO(xml), events=("end",))):
        if count % 65536 == 0:
            budget.tick()
        if element.tag.rsplit("}", 1)[-1] != "c":
            continue
        formula = next((child for child in element if child.tag.rsplit("}", 1)[-1] == "f"), None)
        if formula is not None and formula.get("t") != "array":
            text = formula.text or ""
            if formula.get("t") == "shared":
                key = formula.get("si") or ""
                text = shared.setdefault(key, text) if text else shared.get(key, "")
            reference = _CELL_REFERENCE.match(element.get("r") or "")
            if reference is None:
                return False
            position = (int(reference.group(2)) - 1, _column_index(reference.group(1)))
            if _CONSTANT_FORMULA.match(("=" + text).strip()):
                found.append((*position, ("=" + text).strip()))
            elif text and not _has_value(element):
                pending[position] = ("=" + text).strip()
        element.clear()
    uncomputed.update(pending)
    for index, column, formula in found:
        if index < len(values):
            row = values[index]
            row.extend([""] * (column + 1 - len(row)))
            row[column] = formula
    return True


def _has_value(cell) -> bool:
    """Whether a formula cell stores its result: a non-empty ``<v>``, or an empty one typed as text (``=""``)."""
    value = next((child for child in cell if child.tag.rsplit("}", 1)[-1] == "v"), None)
    return value is not None and (bool(value.text) or cell.get("t") in ("str", "inlineStr"))


_CELL_REFERENCE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _typed_targets(values: list[list[str]], formula_sheet, budget: Budget, uncomputed: dict[tuple[int, int], str]) -> None:
    """Targets typed as ``=100%`` or ``=8座``: Excel stores them as formulas, and the
    cached value (``1``) or its absence would lose what the unit wrote. Other formulas whose cell read as empty go to
    ``uncomputed`` (openpyxl does not tell an empty result from none)."""
    formula_sheet.reset_dimensions()
    for index, formula_row in enumerate(formula_sheet.iter_rows(values_only=True)):
        if index >= len(values):
            break
        if index % 4096 == 0:
            budget.tick()
        row = values[index]
        for column, formula in enumerate(formula_row):
            if isinstance(formula, str) and _CONSTANT_FORMULA.match(formula.strip()):
                row.extend([""] * (column + 1 - len(row)))
                row[column] = formula.strip()
            elif isinstance(formula, str) and formula.startswith("=") and len(formula) > 1:
                uncomputed[(index, column)] = formula.strip()
