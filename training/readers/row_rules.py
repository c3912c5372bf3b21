"""Rows inside a table body that are not indicators, and rows that only label a block.

Published tables carry footnotes (注：…), totals (合计, 总分), page footers
(第 1 页 共 2 页), amount-unit lines (单位：万元) and signature lines (填表人：…)
between or after their indicator rows. The words are data (``non_indicator_rows``
in ``data/taxonomy.json``); the shapes are here.
"""

from __future__ import annotations

import re

from training.domain.taxonomy import Taxonomy

_FOOTERS = (
    re.compile(r"^(第\s*\d+\s*页\s*[,，、/／]?\s*(共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，、/／]?\s*第\s*\d+\s*页|共\s*\d+\s*页)$"),
    re.compile(r"^[-—–]\s*\d+\s*[-—–]$"),
    re.compile(r"^\d+\s*/\s*\d+$"),
    re.compile(r"^page\s*\d+(\s*(of|/)\s*\d+)?$", re.IGNORECASE),
)
_UNIT_LINE = re.compile(r"^(金额|资金|计量)?单位\s*[:：]\s*(元|万元|亿元|千元|百万元|万|%|人|个)$")
_BLOCK_WORDS = re.compile(r"指标|目标")


_CACHE: dict[str, tuple[re.Pattern, re.Pattern, frozenset[str]]] = {}


def _patterns(taxonomy: Taxonomy) -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    if taxonomy.digest in _CACHE:
        return _CACHE[taxonomy.digest]
    words = taxonomy.non_indicator_words
    notes = "|".join(sorted(map(re.escape, words.get("notes", [])), key=len, reverse=True)) or "(?!)"
    signers = "|".join(sorted(map(re.escape, words.get("signatures", [])), key=len, reverse=True)) or "(?!)"
    note = re.compile(rf"^(?:(?:{notes})\s*\d*\s*[:：]|注\s*\d+\s*[.、．)）])")
    signature = re.compile(rf"^(?:{signers})\s*(?:[:：]|$)")
    _CACHE[taxonomy.digest] = note, signature, frozenset(words.get("totals", []))
    return _CACHE[taxonomy.digest]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def non_indicator(cells: list[str], level3: str, taxonomy: Taxonomy) -> str | None:
    """Why a body row is not an indicator (``note``, ``page footer``, ``unit line``, ``signature``, ``total``), or None.

    ``cells`` are cleaned, ``level3`` is the row's cell in the indicator column.
    A note, footer or unit line is the only text of its row (a merged cell may
    repeat it); a total is a total word alone in a cell while the indicator
    column holds nothing else.
    """
    distinct = list(dict.fromkeys(c for c in cells if c))
    if not distinct:
        return None
    note, signature, totals = _patterns(taxonomy)
    if len(distinct) == 1 and note.match(distinct[0]):
        return "note"
    if all(any(p.match(_compact(c)) for p in _FOOTERS) for c in distinct):
        return "page footer"
    if len(distinct) == 1 and _UNIT_LINE.match(_compact(distinct[0])):
        return "unit line"
    if signature.match(distinct[0]):
        return "signature"
    total_cells = {_compact(c) for c in distinct} & totals
    if total_cells and (not level3 or _compact(level3) in total_cells):
        return "total"
    return None


def block_period(cells: list[str], taxonomy: Taxonomy) -> str | None:
    """The period of a row that only labels a block (年度绩效指标, 二、中长期目标), or None."""
    distinct = list(dict.fromkeys(c for c in cells if c))
    if len(distinct) != 1 or len(distinct[0]) > 20 or not _BLOCK_WORDS.search(distinct[0]):
        return None
    return taxonomy.period_of(distinct[0])
