"""Pick a reader by what a file contains, not by its name; report unreadable files clearly.

Budget systems export "Excel" files that are HTML tables, and people rename
``.xls`` files to ``.xlsx``: the bytes decide. PDF by its ``%PDF-`` header, zip
archives by their members (``xl/workbook.xml``: xlsx, ``word/document.xml``:
docx), OLE2 compound files by their streams (``Workbook``/``Book``: Excel
97-2003 and WPS ``.et``; ``WordDocument``: Word 97-2003, which gets a clear
error), and text by its suffix and markup. The suffix is only asked for what
bytes cannot tell: which text layout a text file has.

Every failure is a ``ReadError`` with a code (``errors.py``); every reader works
within the ``ReadLimits`` passed here (``limits.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.readers import delimited, html_tables, legacy_excel, pdf, word, xlsx
from training.readers.archive import member_names
from training.readers.decoding import decode_text, html_charset
from training.readers.errors import LEGACY_WORD, NO_TABLE, NOT_FOUND, UNREADABLE_FILE, UNSUPPORTED_FORMAT, ReadError
from training.readers.limits import Budget, ReadLimits
from training.readers.sections import Section
from training.readers.seed_text import seed_text_sections
from training.readers.table_parser import FileContext, parse_section
from training.readers.text import dominant_year

SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".xlsx", ".xlsm", ".xls", ".et", ".docx", ".doc", ".html", ".htm", ".pdf", ".jsonl")
"""Suffixes ``read_file`` takes. A ``.doc`` is taken only to say how to convert it."""

_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<\s*(html|table|!doctype\s+html|tr|td)\b", re.IGNORECASE)


def _ole_stream(data: bytes, stream: str) -> bool:
    """True when an OLE2 compound file's directory names ``stream`` (names are UTF-16LE in the directory)."""
    return stream.encode("utf-16-le") + b"\x00\x00" in data


@dataclass
class ReadResult:
    """The rows of one file, in order, and the number of indicator tables they came from."""

    path: str
    rows: list[IndicatorRow] = field(default_factory=list)
    tables: int = 0


def detect_format(data: bytes, suffix: str) -> str:
    """``pdf``, ``xlsx``, ``docx``, ``xls``, ``html``, ``csv``, ``text`` or ``jsonl`` from the bytes (and, for text, the suffix).

    Raises ``ReadError`` for formats that cannot be read here: Word 97-2003
    (``LEGACY_WORD``), OpenDocument, RTF, Excel 2003 XML (``UNSUPPORTED_FORMAT``),
    a password-protected Office file and a zip that is no Office file (``UNREADABLE_FILE``).
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK"):
        names = member_names(data)
        if names is not None:
            if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
                return "xlsx"
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names or "content.xml" in names:
                raise ReadError("an OpenDocument file (.ods/.odt); save it as .xlsx or .docx", code=UNSUPPORTED_FORMAT,
                                message_zh="这是 OpenDocument 文件（.ods/.odt），请另存为 .xlsx 或 .docx")
            raise ReadError("a zip archive that is no Excel or Word file", code=UNREADABLE_FILE,
                            message_zh="这是压缩包，但不是 Excel 或 Word 文件")
        if suffix in (".xlsx", ".xlsm", ".docx"):
            return "xlsx" if suffix != ".docx" else "docx"  # a damaged archive: the reader says so
    if data.startswith(_OLE2):
        workbook = _ole_stream(data, "Workbook") or _ole_stream(data, "Book")
        word_document = _ole_stream(data, "WordDocument")  # both: one is embedded in the other; the suffix decides
        if workbook and not (word_document and suffix == ".doc"):
            return "xls"
        if word_document:
            raise ReadError("a Word 97-2003 document (.doc); open it in Word or WPS and save it as .docx", code=LEGACY_WORD)
        if _ole_stream(data, "EncryptedPackage"):
            raise ReadError("a password-protected Office file; save a copy without a password", code=UNREADABLE_FILE,
                            message_zh="Office 文件有密码保护，请另存一份不加密的文件")
        if suffix in _SPREADSHEET_SUFFIXES:
            return "xls"  # no stream names found: a damaged workbook, which the reader reports
        raise ReadError("an OLE2 compound file that holds no Excel workbook", code=UNSUPPORTED_FORMAT,
                        message_zh="这是 OLE2 复合文件，但其中没有 Excel 工作簿")
    if head.lstrip().startswith(b"{\\rtf"):
        raise ReadError("an RTF document; save it as .docx", code=UNSUPPORTED_FORMAT, message_zh="这是 RTF 文档，请另存为 .docx")
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096] and b"<Workbook" in data[:4096]:
        raise ReadError("an Excel 2003 XML spreadsheet; save it as .xlsx", code=UNSUPPORTED_FORMAT,
                        message_zh="这是 Excel 2003 XML 表格，请另存为 .xlsx")
    if suffix == ".jsonl":
        return "jsonl"
    if suffix in (".html", ".htm") or (suffix not in (".txt", ".tsv", ".csv") and _HTML.search(data[:65536])):
        return "html"
    if suffix in (".xlsx", ".xlsm", ".docx", ".pdf"):
        raise ReadError(f"not a valid {suffix[1:]} file (the bytes are no {suffix[1:]} archive, nor an HTML table)", code=UNREADABLE_FILE,
                        message_zh=f"不是有效的 {suffix[1:]} 文件")
    if suffix == ".csv" or suffix in _SPREADSHEET_SUFFIXES:
        return "csv"  # a text "Excel" export: comma or tab separated
    return "text"


def sections_for(data: bytes, name: str, kind: str, budget: Budget) -> list[Section]:
    """The sections of a file of a detected kind (not ``jsonl``)."""
    if kind == "pdf":
        return pdf.pdf_sections(data, name, budget)
    if kind == "xlsx":
        return xlsx.xlsx_sections(data, name, budget)
    if kind == "xls":
        return legacy_excel.xls_sections(data, name, budget)
    if kind == "docx":
        return word.docx_sections(data, name, budget)
    if kind == "html":
        return html_tables.html_sections(decode_text(data, name, html_charset(data)), name, budget)
    text = decode_text(data, name)
    if kind == "csv":
        return delimited.csv_sections(text, name, budget)
    return seed_text_sections(text, budget)


def _prefixed(error: ReadError, name: str) -> ReadError:
    """The error with the file name in front, when the reader did not name it."""
    if error.message.startswith(name):
        return error
    error.message = f"{name}: {error.message}"
    error.args = (error.message,)
    if not error.message_zh.startswith(name):
        error.message_zh = f"{name}：{error.message_zh}"
    return error


def read_file(path: str | Path, taxonomy: Taxonomy | None = None, data: bytes | None = None,
              name: str | None = None, limits: ReadLimits | None = None) -> ReadResult:
    """Read every indicator row of a file, in order.

    ``data`` lets the HTTP upload path read bytes it already holds; ``name``
    then supplies the file name used for the format and the ``source`` field.
    ``limits`` default to the configured ones (``ReadLimits.from_settings``).
    Raises ``ReadError`` (a ``ReadLimitError`` past a limit) and nothing else
    for a file that cannot be read; its ``code`` says why.
    """
    taxonomy = taxonomy or load_taxonomy()
    path = Path(name or path)
    suffix = path.suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:  # no suffix at all: the bytes alone decide
        raise ReadError(f"{path.name}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
                        code=UNSUPPORTED_FORMAT, message_zh=f"{path.name}：不支持的文件类型 {suffix or '（无扩展名）'}")
    if data is None:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise ReadError(f"{path}: no such file", code=NOT_FOUND, name=path.name) from None
        except OSError as error:
            raise ReadError(f"{path}: cannot open ({error.strerror})", code=NOT_FOUND, name=path.name) from None
    if not data.strip():
        raise ReadError(f"{path.name}: the file is empty", code=NO_TABLE, message_zh=f"{path.name}：是空文件")
    budget = Budget(limits or ReadLimits.from_settings(), path.name)
    try:
        kind = detect_format(data, suffix)
        if kind == "jsonl":
            from training.readers.jsonl import jsonl_rows

            text = decode_text(data, path.name)
            budget.lines(text.count("\n") + (0 if text.endswith("\n") else 1))  # one indicator a line: counted before parsing
            rows = jsonl_rows(text, path.name, taxonomy)
            return ReadResult(path=str(path), rows=rows, tables=len({r.doc for r in rows}))
        sections = sections_for(data, path.name, kind, budget)
    except ReadError as error:
        raise _prefixed(error, path.name) from None
    rows, context = _parse(sections, path.name, taxonomy, budget)
    if not rows and context.next_table == 0 and kind == "text":
        # a comma- or semicolon-separated table saved as .txt (or with no suffix) is no seed layout: read it as CSV
        budget = Budget(limits or ReadLimits.from_settings(), path.name)  # counted afresh: the same rows again
        try:
            sections = delimited.csv_sections(decode_text(data, path.name), path.name, budget)
        except ReadError as error:
            raise _prefixed(error, path.name) from None
        rows, context = _parse(sections, path.name, taxonomy, budget)
    if not rows and context.next_table == 0:
        raise ReadError(f"{path.name}: no indicator table found (need a header row with 三级指标/指标名称 and 指标值/一级指标)",
                        code=NO_TABLE, name=path.name)
    return ReadResult(path=str(path), rows=rows, tables=context.next_table)


def _parse(sections: list[Section], name: str, taxonomy: Taxonomy, budget: Budget) -> tuple[list[IndicatorRow], FileContext]:
    """The indicator rows of a file's sections, in order, and the file's context (tables found, year)."""
    full_text = "\n".join(c for s in sections for row in s.rows for c in row) + "\n".join(s.title or "" for s in sections)
    context = FileContext(source=name, doc=name, taxonomy=taxonomy, doc_year=dominant_year(full_text))
    rows: list[IndicatorRow] = []
    for section in sections:
        rows.extend(parse_section(section, context))
        budget.tick()
    return rows, context


def read_many(paths: list[str | Path], taxonomy: Taxonomy | None = None, limits: ReadLimits | None = None) -> list[ReadResult]:
    """``read_file`` for each path, in order."""
    return [read_file(p, taxonomy, limits=limits) for p in paths]
