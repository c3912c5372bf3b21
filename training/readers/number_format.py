"""Spreadsheet cell values as Excel shows them, from the stored value and its number format.

A workbook stores ``1`` for a cell that shows ``100%`` (format ``0%``), ``1200``
for ``1,200`` (``#,##0``), ``800`` for ``800人次`` (``0"人次"``) and a serial day
for a date; a reader that takes the stored value reads a target the unit did
not write. The format grammar is ECMA-376 Part 1, 18.8.31 (numFmt), the same
for BIFF ``.xls``: up to four ``;``-separated sections (positive; negative;
zero; text), ``"literal"`` and ``\\x`` text, ``[colour]``/``[condition]``/``[$-locale]``
tags, ``0 # ?`` digits, ``.`` decimals, ``,`` grouping, ``%`` times 100.

Dates are written as Chinese date text (``2025年11月30日``) whatever their
display format: in a 指标值 cell a date is a deadline, and the target grammar
reads that spelling. Scientific and fraction formats fall back to General.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_TAG = re.compile(r"\[[^\]]*\]")
_CURRENCY_TAG = re.compile(r"\[\$([^\-\]]*)(?:-[0-9A-Fa-f]+)?\]")
_DIGIT = "0#?"


def date_text(value: dt.date | dt.datetime) -> str:
    """``2025年11月30日``, with ``HH:MM`` when a datetime has a time of day."""
    text = f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def general_number(value: float) -> str:
    """Excel's General format: integers without ``.0``, others to ten significant digits."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{value:.10g}"


def format_value(value: object, number_format: str | None = None, date1904: bool = False) -> str:
    """The text a spreadsheet shows for ``value`` under ``number_format`` (``None`` or ``General``: as General).

    A plain number under a date format is a serial day (from 1899-12-30, or
    1904-01-01 in workbooks with ``date1904``) and comes out as a date.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        return date_text(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    if not isinstance(value, int | float):
        return str(value)
    if not number_format or number_format.strip().lower() in ("general", "@"):
        return general_number(value)
    if is_date_format(number_format) and 0 <= value < 2_958_466:  # 9999-12-31
        epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        return date_text(epoch + dt.timedelta(days=float(value)))
    return _format_number(float(value), number_format) or general_number(value)


def is_date_format(number_format: str) -> bool:
    """True when the first section shows a date or time (y, m, d, h, s outside quotes and tags)."""
    section = _sections(number_format)[0]
    bare = _TAG.sub("", re.sub(r'"[^"]*"|\\.', "", section))
    return bool(re.search(r"[yYdDhHsS]|[mM]", bare)) and not re.search(r"[0#?]", bare.replace("ss.0", ""))


def _sections(number_format: str) -> list[str]:
    sections, current, quoted, escaped = [], [], False, False
    for ch in number_format:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
    sections.append("".join(current))
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pieces: ``lit`` for text shown as is, ``num`` for digit/decimal/grouping characters."""
    section = _CURRENCY_TAG.sub(lambda m: '"' + m.group(1).replace('"', "") + '"', section)
    section = _TAG.sub("", section)
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(("lit", section[i + 1 : end]))
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            tokens.append(("lit", section[i + 1]))
            i += 2
            continue
        if ch in "_*" and i + 1 < len(section):  # padding to the width of a character, fill: nothing to show
            i += 2
            continue
        if ch in _DIGIT or ch in ".,":
            tokens.append(("num", ch))
        elif ch == "%":
            tokens.append(("pct", ch))
        else:
            tokens.append(("lit", ch))
        i += 1
    return tokens


def _format_number(value: float, number_format: str) -> str | None:
    sections = _sections(number_format)
    section = sections[0]
    sign = ""
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, value = sections[1], -value
    elif value < 0:
        sign, value = "-", -value
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    if re.search(r"[EeyYmMdDhHsS/]", _TAG.sub("", re.sub(r'"[^"]*"|\\.', "", section))):
        return None  # scientific, fraction or a date/time format on a plain number
    tokens = _tokens(section)
    numeric = [i for i, (kind, text) in enumerate(tokens) if kind == "num" and text in _DIGIT]
    percent = sum(1 for kind, _ in tokens if kind == "pct")
    if not numeric:
        return sign + "".join(t for k, t in tokens if k != "num")
    first, last = numeric[0], numeric[-1]
    pattern = "".join(t for k, t in tokens[first : last + 1] if k == "num")
    trailing = tokens[last + 1 :]
    scale_commas = 0
    while trailing and trailing[0] == ("num", ","):
        scale_commas += 1
        trailing = trailing[1:]
    integer_part, _, decimal_part = pattern.partition(".")
    decimals = sum(1 for ch in decimal_part if ch in _DIGIT)
    grouping = "," in integer_part
    try:
        number = Decimal(repr(value)) * (Decimal(100) ** percent) / (Decimal(1000) ** scale_commas)
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    digits = f"{rounded:,.{decimals}f}" if grouping else f"{rounded:.{decimals}f}"
    if rounded == 0:
        sign = ""
    before = "".join(t for k, t in tokens[:first] if k != "num")
    after = "".join(t for k, t in trailing if k != "num")
    return f"{sign}{before}{digits}{after}"
