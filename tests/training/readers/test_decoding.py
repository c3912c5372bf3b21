"""Text files in the encodings Chinese tools write."""

import codecs

import pytest

from training.readers import ReadError
from training.readers.decoding import decode_text, html_charset

TEXT = "一级指标\t三级指标\t指标值\r\n产出指标\t培训人次\t≥300人次\r\n"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),  # Excel's "Unicode text"
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        ("项目\t" * 3 + "abc\t" * 40).encode("utf-16-le"),  # UTF-16 without a BOM
    ],
)
def test_text_encodings(data):
    text = decode_text(data, "t.txt")
    assert "\t" in text and ("指标" in text or "项目" in text)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_chinese_utf16_without_a_bom_in_either_byte_order(codec):
    """一 is 4E 00 in UTF-16BE: NULs on both sides of the pairs, so the byte order is told by how the text reads (it
    was NO_TABLE in big-endian order)."""
    text = "一级指标,二级指标,三级指标,指标值\r\n产出指标,数量指标,培训人数,≥100人\r\n效益指标,社会效益指标,群众知晓率,≥90%\r\n"
    assert decode_text(text.encode(codec), "t.csv") == text


def test_declared_html_charsets():
    assert html_charset(b'<meta charset="gb2312">') == "gb18030"
    assert html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">') == "gb18030"
    assert html_charset(b'<meta charset="utf-8">') == "utf-8"
    assert html_charset(b"<p>no charset</p>") is None


def test_bytes_that_are_no_text_are_one_error():
    with pytest.raises(ReadError) as caught:
        decode_text(b"\x81\x30\xff\xfe\xfd" * 3, "bin.txt")
    assert caught.value.code == "UNREADABLE_FILE"


def test_a_utf8_table_with_one_gbk_line_keeps_every_row():
    """A trial's UTF-8 csv with one line saved as GBK was unreadable as a whole (no row at all)."""
    from training.readers import read_file

    data = ("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训人数,≥100人\n".encode()
            + "产出指标,质量指标,培训合格率,≥95%\n".encode("gbk")
            + "效益指标,社会效益指标,群众知晓率,≥90%\n".encode())
    rows = read_file("mixed.csv", data=data, name="mixed.csv").rows
    assert [r.level3 for r in rows] == ["培训人数", "培训合格率", "群众知晓率"]
