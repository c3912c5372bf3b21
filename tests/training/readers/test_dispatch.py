"""The bytes decide the reader: renamed files, "Excel" exports that are HTML or text, and formats that get a clear error."""

import io
import zipfile

import pytest

from tests.training.readers.builders import HEADER, NAMES, ROWS, xlsx_bytes
from training.readers import ReadError, read_file
from training.readers.dispatch import detect_format

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole2(*streams: str) -> bytes:
    """Enough of an OLE2 compound file for sniffing: the magic and directory entry names (UTF-16LE)."""
    return OLE2 + b"\0" * 504 + b"".join(s.encode("utf-16-le") + b"\0\0" + b"\0" * 20 for s in streams)


def test_an_xlsx_under_another_name_is_an_xlsx():
    rows = read_file("table.xls", data=xlsx_bytes([HEADER, *ROWS]), name="table.xls").rows
    assert [r.level3 for r in rows] == NAMES


def test_a_tab_separated_excel_export_is_read_as_text():
    text = "\n".join("\t".join(row) for row in [HEADER, *ROWS])
    assert [r.level3 for r in read_file("export.xls", data=text.encode("gb18030"), name="export.xls").rows] == NAMES


@pytest.mark.parametrize(
    ("data", "suffix", "kind"),
    [
        (b"%PDF-1.7\n", ".pdf", "pdf"),
        (ole2("Root Entry", "Workbook"), ".xlsx", "xls"),
        (ole2("Root Entry", "Book"), ".et", "xls"),
        (b"<html><table><tr><td>x</td></tr></table>", ".xls", "html"),
        (b"a,b\n1,2\n", ".csv", "csv"),
        (b"\ta\n\tb\n", ".txt", "text"),
        (b"<p>\t</p>\n", ".txt", "text"),  # the Zhengzhou seed has HTML fragments in a text layout
        (b'{"level3": "x"}\n', ".jsonl", "jsonl"),
    ],
)
def test_formats_by_content(data, suffix, kind):
    assert detect_format(data, suffix) == kind


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        (ole2("Root Entry", "WordDocument"), "old.doc", "LEGACY_WORD", "save it as .docx"),
        (ole2("Root Entry", "WordDocument"), "renamed.docx", "LEGACY_WORD", "save it as .docx"),
        (ole2("Root Entry", "EncryptedPackage"), "locked.xlsx", "UNREADABLE_FILE", "password"),
        (b"{\\rtf1\\ansi hello}", "t.doc", "UNSUPPORTED_FORMAT", "RTF"),
        (b"not an archive at all", "t.docx", "UNREADABLE_FILE", "not a valid docx file"),
    ],
)
def test_formats_that_cannot_be_read_say_why(data, name, code, words):
    with pytest.raises(ReadError) as caught:
        read_file(name, data=data, name=name)
    assert caught.value.code == code
    assert words in str(caught.value) and str(caught.value).startswith(name)
    assert caught.value.message_zh.startswith(name)


def test_a_zip_that_is_no_office_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ReadError) as caught:
        read_file("t.xlsx", data=buffer.getvalue(), name="t.xlsx")
    assert caught.value.code == "UNSUPPORTED_FORMAT" and "OpenDocument" in str(caught.value)
