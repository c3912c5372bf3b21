"""Bytes of a text file to text: byte-order marks, an HTML page's declared charset, then UTF-8 or GB18030.

Excel's "Unicode text" export is UTF-16LE with a BOM; Chinese Windows tools
write GBK (read as GB18030, its superset); CMS pages declare ``gb2312`` in a
``<meta>`` tag. Charset labels are resolved with the WHATWG encoding labels
(``webencodings``, which html5lib uses).
"""

from __future__ import annotations

import codecs
import re

from training.readers.errors import UNREADABLE_FILE, ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_GBK_FAMILY = {"gbk", "gb2312", "gb18030", "x-gbk", "chinese", "csgb2312", "iso-ir-58"}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a BOM: the byte order whose text reads as ASCII, Chinese and common punctuation.

    Only bytes with NULs are considered (UTF-8 and GB18030 text has none; UTF-16 has one in every ASCII
    character, the commas, digits and line ends of a table). Chinese-only UTF-16BE text has NULs on both sides
    (一 is ``4E 00``), so the byte order is chosen by how the sample reads, not by where the NULs are.
    """
    sample = data[: min(len(data), 4000) // 2 * 2]
    if len(sample) < 4 or sample.count(0) < max(2, len(sample) // 100):
        return None
    best, best_share = None, 0.9  # at least 90% plausible characters
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample.decode(codec, errors="replace")
        share = sum(1 for ch in text if _plausible(ch)) / len(text)
        if share > best_share:
            best, best_share = codec, share
    return best


def _plausible(ch: str) -> bool:
    """A character a table's text is made of: printable ASCII, line ends and tabs, CJK, full-width forms."""
    code = ord(ch)
    return (0x20 <= code < 0x7F or ch in "\r\n\t" or 0x3000 <= code <= 0x303F or 0x4E00 <= code <= 0x9FFF
            or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x2267 or 0x00A0 <= code <= 0x00FF)


def html_charset(data: bytes) -> str | None:
    """The Python codec of the charset an HTML page declares in its first 4 KB, or None."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    if label in _GBK_FAMILY:
        return "gb18030"
    try:
        import webencodings

        encoding = webencodings.lookup(label)
    except ImportError:  # pragma: no cover - html5lib brings webencodings
        encoding = None
    if encoding is None:
        return None
    return "gb18030" if encoding.name.lower() in _GBK_FAMILY else encoding.codec_info.name


def _line_by_line(data: bytes) -> str | None:
    """A file pasted together from two encodings (a UTF-8 table with one line saved as GBK: a trial lost the whole
    file): each line as UTF-8, else GB18030; None when most lines are neither (then it is no text of these), a line
    that is neither keeps its readable part with U+FFFD for the rest."""
    lines = data.split(b"\n")
    out, bad = [], 0
    for line in lines:
        for encoding in ("utf-8", "gb18030"):
            try:
                out.append(line.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            bad += 1
            out.append(line.decode("utf-8", errors="replace"))
    return "\n".join(out) if len(lines) > 1 and bad * 2 < len(lines) else None


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """Text of ``data``: a BOM decides, then ``declared`` (an HTML charset), then UTF-8, then GB18030, then each line
    in the first of the two that reads it (a file pasted together from both).

    Raises ``ReadError`` (``UNREADABLE_FILE``) for bytes that are none of these.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    candidates = [declared] if declared else []
    utf16 = _utf16_without_bom(data)
    if utf16:
        candidates.append(utf16)
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    mixed = _line_by_line(data)
    if mixed is not None:
        return mixed
    raise ReadError(f"{name}: not text in UTF-8, UTF-16 or GB18030", code=UNREADABLE_FILE,
                    message_zh=f"{name}：不是 UTF-8、UTF-16 或 GB18030 编码的文本")
