"""Excel and Word files, opened only after a zip-bomb check.

Both formats are zip archives; a small upload can expand to gigabytes, so the
archive directory is checked before any parser touches it.
"""

from __future__ import annotations

import io
import re
import zipfile

from training.readers.errors import ReadError
from training.readers.sections import Section, split_sections

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 10_000


def check_archive(data: bytes, name: str) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(f"{name}: not a valid Office file (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ReadError(f"{name}: corrupt Office file ({error})") from None
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"{name}: archive has {len(members)} members, more than {MAX_MEMBERS}")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ReadError(f"{name}: expands to {total // (1024 * 1024)} MB, more than the {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB limit")
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO and member.file_size > 10 * 1024 * 1024:
            raise ReadError(f"{name}: member {member.filename} is compressed {member.file_size // member.compress_size}:1, a likely zip bomb")


def xlsx_sections(data: bytes, name: str) -> list[Section]:
    from openpyxl import load_workbook

    check_archive(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise ReadError(f"{name}: cannot read as Excel workbook ({type(error).__name__}: {error})") from None
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if _has_formulas(data) else None
    sections: list[Section] = []
    try:
        for index, sheet in enumerate(workbook.worksheets):
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if formulas is not None:
                rows = _typed_targets(rows, formulas.worksheets[index])
            sections.extend(split_sections(rows))
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()
    return sections


_CONSTANT_FORMULA = re.compile(r"^=\s*[\d.]+\s*%?\s*[^\s\d()A-Za-z$:!]{0,4}$")


def _has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(b"<f" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _typed_targets(values: list[list[str]], formula_sheet) -> list[list[str]]:
    """Targets typed as ``=100%`` or ``=8座``: Excel stores them as formulas, and the
    cached value (``1``) or its absence would lose what the unit wrote."""
    for row, formula_row in zip(values, formula_sheet.iter_rows(values_only=True), strict=False):
        for column, formula in enumerate(formula_row):
            if column < len(row) and isinstance(formula, str) and _CONSTANT_FORMULA.match(formula.strip()):
                row[column] = formula.strip()
    return values


def docx_sections(data: bytes, name: str) -> list[Section]:
    import docx

    check_archive(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise ReadError(f"{name}: cannot read as Word document ({type(error).__name__}: {error})") from None
    sections: list[Section] = []
    body = document.element.body
    pending_title: list[str] = []
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")).strip()
            if text:
                pending_title = [text]
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            rows = [[cell.text for cell in _unique_cells(row)] for row in table.rows]
            sections.extend(split_sections([pending_title, *rows] if pending_title else rows))
            pending_title = []
    return sections


def _unique_cells(row) -> list:
    """Cells of a row with horizontally merged cells counted once."""
    seen: list = []
    for cell in row.cells:
        if seen and cell._tc is seen[-1]._tc:
            continue
        seen.append(cell)
    return seen
