"""Excel 97-2003 workbooks (BIFF8 ``.xls``, and WPS ``.et`` in the same format) through xlrd.

Budget systems still export ``.xls``; the dispatcher sends any OLE2 compound
file that holds a workbook stream here, whatever its suffix (an ``.xls`` renamed
``.xlsx`` included). Cells come out as Excel shows them: the cell's XF record
gives its number format (``formatting_info``), dates become ``2025年11月30日``,
formula cells show their cached result. Merged cells keep their text in the
top-left cell only, as in the xlsx reader.
"""

from __future__ import annotations

from training.readers.errors import UNREADABLE_FILE, ReadError
from training.readers.limits import Budget
from training.readers.number_format import date_text, format_value
from training.readers.sections import Section, split_sections

_ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}


def xls_sections(data: bytes, name: str, budget: Budget) -> list[Section]:
    """Sections of every worksheet of a BIFF workbook, in workbook order.

    Raises ``ReadError`` (``UNREADABLE_FILE``) for a damaged or encrypted
    workbook and ``ReadLimitError`` past a limit (rows and cells are counted as
    each sheet is read; xlrd itself holds the whole file, which the upload size bounds).
    """
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True)
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct.error, ...
        raise ReadError(f"{name}: cannot read as an Excel 97-2003 workbook ({type(error).__name__}: {error})", code=UNREADABLE_FILE,
                        message_zh=f"{name}：无法作为 Excel 97-2003 工作簿读取（文件已损坏、加密或不完整）") from None
    sections: list[Section] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [_row_text(book, sheet, r, budget) for r in range(sheet.nrows)]
            hidden = sheet.name if getattr(sheet, "visibility", 0) else None  # 1 hidden, 2 very hidden
            sections.extend(split_sections([row for row in rows if row], wrapped_names=False, hidden_sheet=hidden,
                                           sheet=sheet.name))
            book.unload_sheet(index)
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(f"{name}: a worksheet is damaged ({type(error).__name__}: {error})", code=UNREADABLE_FILE,
                        message_zh=f"{name}：工作表已损坏，无法读取") from None
    finally:
        book.release_resources()
    return sections


def _row_text(book, sheet, row_index: int, budget: Budget) -> list[str]:
    import xlrd

    width = sheet.row_len(row_index)
    if not width:  # a row the sheet does not store
        if row_index % 4096 == 0:
            budget.tick()
        return []
    values: list[str] = []
    for column in range(width):
        cell = sheet.cell(row_index, column)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            values.append("")
        elif cell.ctype == xlrd.XL_CELL_TEXT:
            values.append(cell.value)
        elif cell.ctype == xlrd.XL_CELL_DATE:
            try:
                values.append(date_text(xlrd.xldate_as_datetime(cell.value, book.datemode)))
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                values.append(format_value(cell.value))
        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
            values.append("TRUE" if cell.value else "FALSE")
        elif cell.ctype == xlrd.XL_CELL_ERROR:
            values.append(_ERROR_TEXT.get(cell.value, "#ERROR"))
        else:
            values.append(format_value(cell.value, _number_format(book, cell.xf_index), date1904=book.datemode == 1))
    budget.row(values)
    return values


def _number_format(book, xf_index: int | None) -> str | None:
    if xf_index is None or xf_index >= len(book.xf_list):
        return None
    format_record = book.format_map.get(book.xf_list[xf_index].format_key)
    return format_record.format_str if format_record is not None else None
