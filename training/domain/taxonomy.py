"""The standard hierarchy as data, and the lookup of raw labels against it.

All knowledge about label variants lives in ``data/taxonomy.json``; this module
only cleans a label generically (white space, HTML, score suffixes, brackets)
and looks it up, so a new regional variant is a data change, not a code change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from training.settings import get_settings

_TAGS = re.compile(r"<[^>]*>")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_NUMBERING = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)\s*[、.．:：)）]\s*")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_SPACES = re.compile(r"\s+")


_YEAR_BEFORE = re.compile(r"^(?:19|20)\d{2}\s*(?:年度|年)?")
_UNIT_AFTER = re.compile(r"(?:及|和|与|/)?(?:计量|度量)?单位$")
_TARGET_ENDING = re.compile(r"(?:指标值|目标值)$")
_NOT_TARGET_WORDS = ("实际", "完成", "说明", "依据", "解释", "偏差")  # 实际完成指标值 is what was done, not the target


def clean_label(raw: str | None) -> str:
    """Reduce a level cell to the form the alias tables use.

    Tables decorate labels with scores ``产出指标(50分)``, qualifiers
    ``数量指标(或建筑规模指标)``, HTML ``<p>`` and spaces inside words ``产出 目标``;
    none of that changes which category is meant.
    """
    if not raw:
        return ""
    text = _BOOKMARK.sub("", _TAGS.sub("", str(raw)))
    text = _SPACES.sub("", text)
    text = _NUMBERING.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _BRACKETED.sub("", text)
    return text.strip("：:")


@dataclass(frozen=True)
class Category:
    """One canonical class: a standard level-1/level-2 pair."""

    level1: str
    level2: str
    meaning: str
    view_2015: tuple[str, str]
    view_2021: tuple[str, str]

    @property
    def key(self) -> str:
        return f"{self.level1}/{self.level2}"


@dataclass(frozen=True)
class LabelMapping:
    """Result of reading a raw level-1/level-2 pair."""

    level1: str | None
    level2: str | None
    known: bool
    approximate: bool = False
    process: bool = False


@dataclass
class Taxonomy:
    version: str
    digest: str
    level1_meanings: dict[str, str]
    categories: list[Category]
    level1_aliases: dict[str, str | None]
    level2_aliases: dict[str, str | None]
    approximate_labels: set[str]
    process_labels: set[str]
    columns: dict[str, list[str]]
    metadata_keys: dict[str, str]
    by_level2: dict[str, Category] = field(default_factory=dict)
    periods: dict[str, list[str]] = field(default_factory=dict)
    non_indicator_words: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        path = path or get_settings().taxonomy_path
        raw_bytes = Path(path).read_bytes()
        raw = json.loads(raw_bytes)
        categories = [
            Category(
                level1=c["level1"],
                level2=c["level2"],
                meaning=c["meaning"],
                view_2015=tuple(c["view_2015"]),
                view_2021=tuple(c["view_2021"]),
            )
            for c in raw["categories"]
        ]
        level1_aliases: dict[str, str | None] = {}
        level2_aliases: dict[str, str | None] = {}
        approximate: set[str] = set()
        process: set[str] = set()
        for table, entries in ((level1_aliases, raw["level1_aliases"]), (level2_aliases, raw["level2_aliases"])):
            for entry in entries:
                for label in entry["labels"]:
                    table[clean_label(label)] = entry["maps_to"]
                    if entry.get("approximate"):
                        approximate.add(clean_label(label))
                    if entry.get("process"):
                        process.add(clean_label(label))
        taxonomy = cls(
            version=raw["version"],
            digest=hashlib.sha256(raw_bytes).hexdigest()[:12],
            level1_meanings=raw["level1"],
            categories=categories,
            level1_aliases=level1_aliases,
            level2_aliases=level2_aliases,
            approximate_labels=approximate,
            process_labels=process,
            columns={k: [clean_label(v) for v in vs] for k, vs in raw["columns"].items()},
            metadata_keys={clean_label(v): k for k, vs in raw["metadata"].items() for v in vs},
            periods={k: list(v) for k, v in raw.get("periods", {}).items() if k != "about"},
            non_indicator_words={k: list(v) for k, v in raw.get("non_indicator_rows", {}).items() if k != "about"},
        )
        taxonomy.by_level2 = {c.level2: c for c in categories}
        return taxonomy

    # ----------------------------------------------------------------- lookups
    def is_level_label(self, raw: str | None) -> bool:
        label = clean_label(raw)
        return bool(label) and (label in self.level1_aliases or label in self.level2_aliases)

    def is_level1_label(self, raw: str | None) -> bool:
        return clean_label(raw) in self.level1_aliases

    def is_level2_label(self, raw: str | None) -> bool:
        return clean_label(raw) in self.level2_aliases

    def map_labels(self, level1_raw: str | None, level2_raw: str | None) -> LabelMapping:
        """Map a published pair to the canonical category.

        The level-2 label decides when it is known, because each canonical
        level 2 belongs to exactly one level 1 (a 2015 ``产出指标 > 成本指标`` is a
        2021 ``成本指标 > 经济成本指标``). A process label at either level means
        the row has no target-table category.
        """
        l1 = clean_label(level1_raw)
        l2 = clean_label(level2_raw)
        approximate = l1 in self.approximate_labels or l2 in self.approximate_labels
        l1_known, l2_known = l1 in self.level1_aliases, l2 in self.level2_aliases
        process = l1 in self.process_labels or l2 in self.process_labels
        if process and not (l2_known and self.level2_aliases[l2]):
            return LabelMapping(None, None, known=True, approximate=approximate, process=True)
        if l2_known and self.level2_aliases[l2]:
            category = self.by_level2[self.level2_aliases[l2]]
            return LabelMapping(category.level1, category.level2, known=True, approximate=approximate)
        if l1_known and self.level1_aliases[l1]:
            standard_l1 = self.level1_aliases[l1]
            children = [c for c in self.categories if c.level1 == standard_l1]
            only_child = children[0].level2 if len(children) == 1 else None
            return LabelMapping(standard_l1, only_child, known=l2_known or not l2, approximate=approximate)
        return LabelMapping(None, None, known=(l1_known or not l1) and (l2_known or not l2))

    def category(self, level2: str) -> Category:
        return self.by_level2[level2]

    def view(self, level2: str, framework: str = "2021") -> tuple[str, str]:
        category = self.by_level2[level2]
        return category.view_2015 if framework == "2015" else category.view_2021

    def column_role(self, header_cell: str | None) -> str | None:
        """The role (``level3``, ``target``, ``unit``, ...) a header cell names, or None.

        A two-row header's label (``绩效指标/三级指标``, ``指标值/年度目标``, as the readers join them) names the role
        of its lower part, else of its upper part."""
        found = self.column_role_rank(header_cell)
        if found is None and header_cell and "/" in header_cell:
            upper, _, lower = header_cell.rpartition("/")
            found = self.column_role_rank(lower) or self.column_role_rank(upper)
        return found[0] if found else None

    def column_role_rank(self, header_cell: str | None) -> tuple[str, int] | None:
        """``(role, rank)`` of a header cell; rank is the alias's place in its list in ``columns``.

        When two columns of one header name the same role, the lower rank wins:
        a form's left label column 绩效指标 loses to its 三级指标 column.
        """
        label = clean_label(header_cell)
        if not label:
            return None
        found = self._alias(label)
        if found:
            return found
        # 2024年度目标值, 指标值及单位: an alias with the budget year before it or the unit named after it
        bare = _UNIT_AFTER.sub("", _YEAR_BEFORE.sub("", label))
        found = self._alias(bare) if bare and bare != label else None
        if found:
            return found
        # 预期指标值, 绩效目标值 …: a name no list has that ends as a target column's does; listed aliases rank first
        if _TARGET_ENDING.search(bare) and not any(word in bare for word in _NOT_TARGET_WORDS):
            return "target", len(self.columns.get("target", []))
        return None

    def _alias(self, label: str) -> tuple[str, int] | None:
        for role, aliases in self.columns.items():
            if label in aliases:
                return role, aliases.index(label)
        return None

    def period_of(self, text: str | None) -> str | None:
        """``long_term``, ``annual`` or None for a header or block label (taxonomy ``periods``).

        A period word right after a year number is the budget year (2025年度), not a period.
        """
        compact = re.sub(r"\s+", "", text or "")
        compact = re.sub(r"(19|20)\d{2}(年度|年)", "", compact)
        for period in ("long_term", "annual"):
            if any(word in compact for word in self.periods.get(period, [])):
                return period
        return None

    def metadata_role(self, cell: str | None) -> str | None:
        return self.metadata_keys.get(clean_label(cell))

    def as_dict(self) -> dict:
        return {
            "version": self.version,
            "digest": self.digest,
            "level1": [
                {
                    "name": name,
                    "meaning": meaning,
                    "level2": [
                        {"name": c.level2, "meaning": c.meaning, "view_2015": list(c.view_2015)}
                        for c in self.categories
                        if c.level1 == name
                    ],
                }
                for name, meaning in self.level1_meanings.items()
            ],
            "variant_2015": {c.level2: list(c.view_2015) for c in self.categories},
            "aliases": {"level1": self.level1_aliases, "level2": self.level2_aliases},
        }


@lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> Taxonomy:
    return Taxonomy.load(Path(path) if path else None)
