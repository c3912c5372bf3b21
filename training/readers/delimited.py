"""CSV files as reviewers export them from spreadsheets (comma, tab or semicolon separated).

Rows are counted while they are read, so a 200,000-row file stops at the row
limit instead of being read whole first. A field longer than Python's csv
field limit (128 KB) is reported as a cell over the size limit, not as a crash.
"""

from __future__ import annotations

import csv
import io

from training.readers.errors import CELL_TOO_LARGE, UNREADABLE_FILE, ReadError, ReadLimitError
from training.readers.limits import Budget
from training.readers.sections import Section, split_sections


def csv_sections(text: str, name: str, budget: Budget) -> list[Section]:
    """Sections of a delimited text; the delimiter is sniffed from the first 4 KB (default: comma), quoting is RFC 4180's.

    Raises ``ReadLimitError`` past a limit and ``ReadError`` for text the csv
    module cannot split (a NUL byte, for one).
    """
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is taken from the sniffer: its guesses of quoting (doubled quotes, escape characters) are
    # unreliable on a few rows, and a cell with a comma, doubled quotes and a line break lost its target or became
    # two rows. Spreadsheet programs write RFC 4180 quoting, which is csv.excel's.
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    try:
        for row in reader:
            budget.row(row)
            rows.append([_unprotected(cell) for cell in row])
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            limit = csv.field_size_limit()
            raise ReadLimitError(
                CELL_TOO_LARGE,
                f"{name}: line {reader.line_num} has a cell over {limit:,} characters, more than a table cell can be",
                f"{name}：第 {reader.line_num} 行有单元格超过 {limit:,} 个字符",
                limit="max_cell_chars", allowed=min(limit, budget.limits.max_cell_chars), found=limit + 1,
            ) from None
        raise ReadError(f"{name}: cannot read as CSV at line {reader.line_num} ({error})", code=UNREADABLE_FILE,
                        message_zh=f"{name}：第 {reader.line_num} 行无法按 CSV 读取") from None
    return split_sections(rows, wrapped_names=False)


def _unprotected(cell: str) -> str:
    """A cell without the apostrophe a CSV writer puts before text a spreadsheet would run as a formula (``'=100%``,
    OWASP "CSV Injection"; ``service.review.workbook.csv_cell`` writes it): the reviewer's exported CSV reads back as
    what it says. Spreadsheet programs never export such an apostrophe themselves (it is a display prefix)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell
