"""Cell text clean-up shared by all readers."""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
# Control characters, zero-width and bidi formatting characters: invisible, and never part of a label or a value.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean_cell(value: object) -> str:
    """Cell text without HTML, padding or line breaks inside Chinese text.

    Cells wrap at arbitrary points in exported tables (``项目资金\\n（万元）``),
    so line breaks are removed rather than turned into spaces. Invisible
    characters (NUL, zero-width spaces, bidi marks) are dropped.
    """
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = _TAGS.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    joined = ""
    for line in lines:
        if not line:
            continue
        if joined and re.match(r"[A-Za-z0-9]", joined[-1]) and re.match(r"[A-Za-z0-9]", line[0]):
            joined += " "
        joined += line
    return joined.strip()


YEAR_IN_TITLE = re.compile(r"[（(]\s*(20\d{2})\s*年度?\s*[)）]|(20\d{2})\s*年度?")


def find_year(text: str | None) -> int | None:
    """First budget year written as 2020年 / （2020年度） in a title or heading."""
    if not text:
        return None
    for bracketed, plain in YEAR_IN_TITLE.findall(text):
        return int(bracketed or plain)
    return None


def dominant_year(text: str) -> int | None:
    """Most frequent year outside document numbers such as 冀财教【2024】130号, dates (a deadline 2025年6月底前 is
    when something is due, not the table's budget year: a table with no other year has none) and a guideline's year
    (2021 年指引, the reviewer's workbook's framework line: its tables had all read back as 2021)."""
    stripped = re.sub(r"[【\[〔(（]\s*20\d{2}\s*[】\]〕)）]", "", text)
    stripped = re.sub(r"20\d{2}\s*年\s*(?:指引|框架|版)", "", stripped)  # a guideline's year (2021 年指引) is no budget year
    counts: dict[int, int] = {}
    for match in re.finditer(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)", stripped):
        year = int(match.group(1))
        counts[year] = counts.get(year, 0) + 1
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


# 3.严重精神障碍患者规范管理率, （2）培训人次, 一、…: a list's numbering, no part of the indicator's name
_NUMBERING = re.compile(r"^\s*(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．](?!\d)|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）])\s*(?=\S)")


def without_numbering(name: str) -> str:
    """An indicator name without the numbering a list gave it (``3.严重精神障碍患者规范管理率`` → ``严重精神障碍患者规范管理率``,
    ``（2）培训人次`` → ``培训人次``); a figure that is part of the name stays (``1.5万亩高标准农田``, ``1+X证书``)."""
    return _NUMBERING.sub("", name, count=1) or name
