"""Pick a reader by file type and content; report unreadable files clearly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.readers import delimited, html_tables, office
from training.readers.errors import ReadError
from training.readers.sections import Section
from training.readers.seed_text import seed_text_sections
from training.readers.table_parser import FileContext, parse_section
from training.readers.text import dominant_year

SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".xlsx", ".xlsm", ".docx", ".html", ".htm", ".jsonl")


@dataclass
class ReadResult:
    path: str
    rows: list[IndicatorRow] = field(default_factory=list)
    tables: int = 0


def decode_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{name}: not UTF-8 or GB18030 text")


def sections_for(path: Path, data: bytes) -> list[Section]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return office.xlsx_sections(data, path.name)
    if suffix == ".docx":
        return office.docx_sections(data, path.name)
    text = decode_text(data, path.name)
    if suffix in (".html", ".htm"):
        return html_tables.html_sections(text)
    if suffix == ".csv":
        return delimited.csv_sections(text)
    return seed_text_sections(text)


def read_file(path: str | Path, taxonomy: Taxonomy | None = None, data: bytes | None = None,
              name: str | None = None) -> ReadResult:
    """Read every indicator row of a file, in order.

    ``data`` lets the HTTP upload path read bytes it already holds; ``name``
    then supplies the file name used for the format and the ``source`` field.
    """
    taxonomy = taxonomy or load_taxonomy()
    path = Path(name or path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"{path.name}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    if data is None:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise ReadError(f"{path}: no such file") from None
        except OSError as error:
            raise ReadError(f"{path}: cannot open ({error.strerror})") from None
    if suffix == ".jsonl":
        from training.readers.jsonl import jsonl_rows

        rows = jsonl_rows(decode_text(data, path.name), path.name, taxonomy)
        return ReadResult(path=str(path), rows=rows, tables=len({r.doc for r in rows}))
    sections = sections_for(path, data)
    full_text = "\n".join(c for s in sections for row in s.rows for c in row) + "\n".join(s.title or "" for s in sections)
    context = FileContext(source=path.name, doc=path.name, taxonomy=taxonomy, doc_year=dominant_year(full_text))
    rows: list[IndicatorRow] = []
    for section in sections:
        rows.extend(parse_section(section, context))
    if not rows and context.next_table == 0:
        raise ReadError(f"{path.name}: no indicator table found (need a header row with 三级指标/指标名称 and 指标值/一级指标)")
    return ReadResult(path=str(path), rows=rows, tables=context.next_table)


def read_many(paths: list[str | Path], taxonomy: Taxonomy | None = None) -> list[ReadResult]:
    return [read_file(p, taxonomy) for p in paths]
