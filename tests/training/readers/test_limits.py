"""Issue #14: every reader bounds its work before doing it; the smallest hostile file of each kind, built here.

Each test asserts the error and its code (never a timing); ``scripts``-style
timings are printed by ``python -m tests.training.readers.test_limits``.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.training.readers.builders import HEADER, ROWS, rewrite_zip, xlsx_bytes
from training.readers import ReadError, ReadLimitError, ReadLimits, read_file
from training.settings import Settings


def spans_html() -> bytes:
    """40 cells of rowspan=500 colspan=500: 1.6 KB that once cost 1.3 GB and 7.5 s."""
    return ("<table>" + '<tr><td rowspan="500" colspan="500">x</td></tr>' * 40 + "</table>").encode()


def sparse_xlsx() -> bytes:
    """One cell at ZZ20000 under a dimension of A1:ZZ20000 (4.9 KB; once 18–22 s of padding)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["ZZ20000"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return rewrite_zip(buffer.getvalue(), "xl/worksheets/sheet1.xml",
                       lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:ZZ20000"/>', xml))


def long_csv(rows: int = 200_000) -> bytes:
    return ("一级指标,二级指标,三级指标,指标值\n" + "产出指标,数量指标,培训人次,≥300人次\n" * rows).encode()


def truncated_xlsx() -> bytes:
    """A workbook whose sheet XML is cut in half (once a 500 and a CLI traceback)."""
    data = xlsx_bytes([HEADER, *ROWS * 50])
    return rewrite_zip(data, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


def big_cell_csv() -> bytes:
    """A 200 KB cell: past Python's csv field limit of 128 KB (once a 500)."""
    return ("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,\"" + "长" * 200_000 + "\",≥1次\n").encode()


def read(name: str, data: bytes, limits: ReadLimits | None = None):
    return read_file(name, data=data, name=name, limits=limits or ReadLimits())


def test_html_spans_stop_at_the_cell_limit_before_they_are_expanded():
    with pytest.raises(ReadLimitError) as caught:
        read("spans.html", spans_html())
    error = caught.value
    assert (error.code, error.limit, error.allowed) == ("TOO_MANY_CELLS", "max_cells", 1_000_000)
    assert "spans.html" in error.message and "1,000,000" in error.message and "单元格" in error.message_zh


def test_a_sparse_xlsx_costs_only_its_cells():
    with pytest.raises(ReadError) as caught:
        read("sparse.xlsx", sparse_xlsx())
    assert caught.value.code == "NO_TABLE"  # read in milliseconds: the forged dimension pads nothing
    with pytest.raises(ReadLimitError) as limited:  # a row as wide as ZZ is still counted
        read("sparse.xlsx", sparse_xlsx(), ReadLimits(max_cells=500))
    assert limited.value.code == "TOO_MANY_CELLS"


def test_the_row_limit_is_checked_while_reading():
    with pytest.raises(ReadLimitError) as caught:
        read("rows.csv", long_csv())
    error = caught.value
    assert (error.code, error.limit, error.allowed, error.found) == ("TOO_MANY_ROWS", "max_rows", 50_000, 50_001)
    assert "50,000" in error.message_zh


def test_json_lines_are_counted_before_they_are_parsed():
    line = '{"level1": "产出指标", "level3": "培训人次", "target": "≥300人次"}\n'
    assert len(read("ok.jsonl", (line * 3).encode(), ReadLimits(max_rows=3)).rows) == 3
    with pytest.raises(ReadLimitError) as caught:
        read("many.jsonl", (line * 4).rstrip("\n").encode(), ReadLimits(max_rows=3))
    assert caught.value.code == "TOO_MANY_ROWS"


def test_a_truncated_sheet_is_one_clear_error():
    with pytest.raises(ReadError) as caught:
        read("cut.xlsx", truncated_xlsx())
    error = caught.value
    assert error.code == "UNREADABLE_FILE" and not isinstance(error, ReadLimitError)
    assert error.message.startswith("cut.xlsx: cannot read as an Excel workbook") and "\n" not in error.message
    assert "损坏" in error.message_zh


def test_a_csv_cell_past_the_csv_field_limit_is_a_cell_size_error():
    with pytest.raises(ReadLimitError) as caught:
        read("big.csv", big_cell_csv())
    assert (caught.value.code, caught.value.limit) == ("CELL_TOO_LARGE", "max_cell_chars")


def test_a_cell_past_the_cell_limit_in_any_format():
    data = ("<table><tr><td>三级指标</td><td>指标值</td></tr><tr><td>" + "长" * 40_000 + "</td><td>≥1次</td></tr></table>").encode()
    with pytest.raises(ReadLimitError) as caught:
        read("long.html", data)
    assert (caught.value.code, caught.value.allowed) == ("CELL_TOO_LARGE", 32_767)


def test_an_archive_that_expands_past_the_limit_is_refused_before_it_is_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (3 * 1024 * 1024))
    with pytest.raises(ReadLimitError) as caught:
        read("bomb.docx", buffer.getvalue(), ReadLimits(max_expanded_bytes=1024 * 1024))
    assert (caught.value.code, caught.value.limit) == ("EXPANDS_TOO_LARGE", "max_expanded_bytes")


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (12 * 1024 * 1024))
    with pytest.raises(ReadLimitError) as caught:
        read("bomb.xlsx", buffer.getvalue())
    assert caught.value.code == "EXPANDS_TOO_LARGE" and "zip bomb" in caught.value.message


def test_the_time_budget_stops_a_file():
    with pytest.raises(ReadLimitError) as caught:
        read("slow.csv", long_csv(5_000), ReadLimits(time_budget_seconds=1e-9))
    assert (caught.value.code, caught.value.limit) == ("TIME_BUDGET", "time_budget_seconds")
    assert "秒" in caught.value.message_zh


def test_limits_come_from_the_settings():
    settings = Settings(max_table_rows=10, read_max_cells=200, read_max_cell_chars=30, read_max_expanded_bytes=40,
                        read_max_pdf_pages=5, read_time_budget_seconds=6)
    assert ReadLimits.from_settings(settings) == ReadLimits(10, 200, 30, 40, 5, 6.0)
    with pytest.raises(ReadLimitError) as caught:
        read("rows.csv", long_csv(20), ReadLimits.from_settings(settings))
    assert caught.value.code == "TOO_MANY_ROWS"


def test_every_error_has_a_code_and_two_languages():
    error = ReadError("x.doc: a Word 97-2003 document", code="LEGACY_WORD", name="x.doc")
    assert error.as_dict() == {"code": "LEGACY_WORD", "message": "x.doc: a Word 97-2003 document",
                               "message_zh": "x.doc：这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再上传"}
    assert ReadError("multi\nline").message == "multi line"


if __name__ == "__main__":  # timings of the reproductions, for the README
    import time

    for label, name, data in [("40 cells rowspan=500 colspan=500", "spans.html", spans_html()), ("one cell at ZZ20000", "sparse.xlsx", sparse_xlsx()),
                              ("200,000-row CSV", "rows.csv", long_csv()), ("sheet XML cut in half", "cut.xlsx", truncated_xlsx()),
                              ("200 KB CSV cell", "big.csv", big_cell_csv())]:
        start = time.perf_counter()
        try:
            read(name, data)
            outcome = "read"
        except ReadError as error:
            outcome = error.code
        print(f"{label:36} {len(data):>10,} bytes  {outcome:16} {time.perf_counter() - start:.3f} s")
