"""Indicators composed from a project's own name (``data/project_templates.json``): its object plus a standard measure.

For a project that no historical project resembles, the corpus has nothing specific to offer, and indicators of
unrelated projects (麻风村休养员 for a road project) mislead. About one table row in eleven in the corpus names its
project's object followed by a standard measure (乡村道路建设养护里程, 实验室大型修缮竣工项目验收合格率), so the
suggester composes such rows: ``project_object`` strips the fund words, ``ProjectTemplates.compose`` adds the measures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from training.settings import get_settings

_QUOTES = re.compile(r"[“”\"「」『』‘’]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Template:
    """One composed indicator: ``group`` (of ``projects.REQUIRED_GROUPS``), its ``level2`` (canonical 二级指标) and the
    ``suffix`` added to the project's object; or, for a sector's indicator (``Sector``), its whole ``suffix`` (the name),
    the ``sector`` and the ``target`` form the file gives (``None``: the target suggester's)."""

    group: str
    level2: str
    suffix: str
    when: tuple[str, ...] = ()
    sector: str | None = None
    target: str | None = None
    unless_sector: bool = False  # not for a project of a sector (工作达标率 beside the sector's own quality measures)

    def fits(self, found: str) -> bool:
        """Whether the template applies to the object ``found``: always without ``when``, else when it holds one of its words."""
        return not self.when or any(word in found for word in self.when)


@dataclass(frozen=True)
class Sector:
    """A sector's common indicators (``sectors`` in ``data/project_templates.json``): ``name``, the ``cues`` one of
    which a project's name holds, its indicators as ``Template`` s, and ``not_cues`` that rule it out."""

    name: str
    cues: tuple[str, ...]
    templates: tuple[Template, ...]
    not_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectTemplates:
    """The templates, in order of preference within each group, and the rules that find a project's object."""

    version: str
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    strip_trailing: tuple[str, ...]
    generic_objects: frozenset[str]
    min_object_chars: int
    templates: tuple[Template, ...]
    place_pattern: str = ""
    place_exceptions: tuple[str, ...] = ()
    max_object_chars: int = 24
    sectors: tuple[Sector, ...] = ()
    generic_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path) -> ProjectTemplates:
        """Read ``path``. Raises ``OSError``, ``json.JSONDecodeError`` or ``KeyError`` for a missing, broken or incomplete file."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["version"], tuple(raw["strip_prefixes"]), tuple(raw["strip_suffixes"]), tuple(raw["strip_trailing"]),
                   frozenset(raw["generic_objects"]), int(raw["min_object_chars"]),
                   tuple(Template(t["group"], t["level2"], t["suffix"], tuple(t.get("when", ())),
                                  unless_sector=bool(t.get("unless_sector"))) for t in raw["templates"]),
                   raw.get("place_pattern", ""), tuple(raw.get("place_exceptions", ())), int(raw.get("max_object_chars", 24)),
                   tuple(Sector(e["sector"], tuple(e["cues"]),
                                tuple(Template(t["group"], t["level2"], t["name"], sector=e["sector"], target=t.get("target"))
                                      for t in e["indicators"]), tuple(e.get("not_cues", ())))
                         for e in raw.get("sectors", ())),
                   frozenset(raw.get("generic_words", ())))

    def project_object(self, project: str) -> str | None:
        """What the project works on: ``2020年乡村道路建设养护项目`` → ``乡村道路建设养护``; ``检疫犬经费`` → ``检疫犬``;
        ``银川市西夏区2025年老旧小区改造项目`` → ``老旧小区改造``.

        Removes spaces and quotes, then repeatedly: leading years, places (``place_pattern``, unless its last
        character belongs to a common noun: ``place_exceptions``, 老旧小区, 智慧城市, 农贸市场) and brackets, trailing
        brackets and years, and the fund words at the end (``strip_suffixes``), while ``min_object_chars`` Chinese
        characters are left. Returns ``None`` when fewer are left, for a word that names no object
        (``generic_objects``: ``专项经费`` → ``专项``, ``工作经费`` → ``工作``; or only a fund word: ``项目``), for a year
        or places alone (``2025年度``, ``银川市兴庆区``), and for an object longer than ``max_object_chars`` (a sentence,
        not a name). Batches (``第二批``) and the financing level (``中央财政``) are no part of the object."""
        text = re.sub(r"\s+", "", _QUOTES.sub("", project or ""))
        changed = True
        while changed:
            before = text
            for pattern in self.strip_prefixes:
                text = self._shorter(text, re.sub(pattern, "", text))
            text = self._shorter(text, self._without_place(text))
            for suffix in self.strip_suffixes:
                if text.endswith(suffix):
                    text = self._shorter(text, text[: -len(suffix)])
            for pattern in self.strip_trailing:
                text = self._shorter(text, re.sub(pattern, "", text))
            changed = text != before
        if (len(_CJK.findall(text)) < self.min_object_chars or text in self.generic_objects or text in self.strip_suffixes
                or len(text) > self.max_object_chars or self._names_no_object(text)):
            return None
        return text

    def _names_no_object(self, text: str) -> bool:
        """A year (2025年度), a place alone (银川市, 银川市兴庆区) or a level of government (市级): no object to measure."""
        if any(re.fullmatch(pattern.lstrip("^"), text) for pattern in self.strip_prefixes):
            return True
        rest = text
        while self.place_pattern and (match := re.match(self.place_pattern, rest)):
            rest = rest[match.end():]
            if not rest:
                return True
        return False

    def _shorter(self, text: str, shorter: str) -> str:
        """``shorter`` when it keeps at least ``min_object_chars`` Chinese characters, else ``text``."""
        return shorter if len(_CJK.findall(shorter)) >= self.min_object_chars else text

    def _without_place(self, text: str) -> str:
        """``text`` without a leading place name (同心县, 银川市, XX县), unless what matched ends inside a common noun."""
        match = re.match(self.place_pattern, text) if self.place_pattern else None
        if match is None or len(_CJK.findall(text[match.end():])) < 4:
            return text
        last = match.end() - 1
        for word in self.place_exceptions:
            start = text.find(word, max(0, last - len(word) + 1))
            if start != -1 and start <= last < start + len(word):
                return text
        return text[match.end():]

    def content_bigrams(self, text: str) -> frozenset[str]:
        """The pairs of adjacent Chinese characters in ``text`` that say what it is about: the words every project uses
        (``generic_words``: 农村, 项目, 群众, 建设, 工程…) are cut out first. ``农村公路养护`` → {公路, 路养, 养护}."""
        return _content_bigrams(text or "", _longest_first(self.generic_words))

    def sector_of(self, project: str) -> tuple[Sector, str] | None:
        """The first sector (in the file's order) one of whose cues the project's name holds, and none of whose
        ``not_cues``, with that cue; else None. (``农村公路养护`` → 公路养护与建设, 公路; ``2025年森林防火专项经费`` → 森林防火;
        ``城市流浪猫狗收容救助`` → none: 救助 of animals is no social aid.)"""
        text = re.sub(r"\s+", "", _QUOTES.sub("", project or ""))
        for sector in self.sectors:
            cue = next((c for c in sector.cues if c in text), None)
            if cue is not None and not any(word in text for word in sector.not_cues):
                return sector, cue
        return None

    def compose(self, project: str, per_group: int = 1, sector_per_group: int = 0) -> list[tuple[Template, str]]:
        """Composed indicators, in the file's order: ``[(template, name), ...]``. First up to ``sector_per_group`` per
        group of the project's sector (``sector_of``), then names of the project's object plus a measure until each
        group has ``per_group``; none of those without an object, and no ``unless_sector`` template for a project of a
        sector. An object ending as the measure begins is not said twice (基层公共文化服务 + 服务对象满意度 →
        基层公共文化服务对象满意度)."""
        taken: dict[str, int] = {}
        out = []
        match = self.sector_of(project)
        if match is not None and sector_per_group > 0:
            for template in match[0].templates:
                if taken.get(template.group, 0) < sector_per_group:
                    out.append((template, template.suffix))
                    taken[template.group] = taken.get(template.group, 0) + 1
        found = self.project_object(project)
        if found is None:
            return out
        for template in self.templates:
            if template.unless_sector and match is not None:
                continue
            if taken.get(template.group, 0) < per_group and template.fits(found) and not found.endswith(template.suffix):
                out.append((template, _joined(found, template.suffix)))
                taken[template.group] = taken.get(template.group, 0) + 1
        return out


@lru_cache(maxsize=8)
def _longest_first(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=20_000)
def _content_bigrams(text: str, generic: tuple[str, ...]) -> frozenset[str]:
    """``ProjectTemplates.content_bigrams``, once per text: a project request compares its name with hundreds of the
    corpus's indicator names, the same ones every time (a third of a project suggestion's time, profiled)."""
    # the common words are cut out first, so that no pair spans one (巩固提升工程 gives 升工 otherwise)
    rest = "".join(ch if _CJK.match(ch) else " " for ch in text)
    for word in generic:
        rest = rest.replace(word, " ")
    return frozenset(part[i:i + 2] for part in rest.split() for i in range(len(part) - 1))


def _joined(found: str, suffix: str) -> str:
    """``found + suffix`` without repeating the longest end of ``found`` that ``suffix`` starts with."""
    for size in range(min(len(found), len(suffix)) - 1, 0, -1):
        if found.endswith(suffix[:size]):
            return found + suffix[size:]
    return found + suffix


@lru_cache
def _cached(path: str) -> ProjectTemplates:
    return ProjectTemplates.load(Path(path))


def load_templates(path: str | Path | None = None) -> ProjectTemplates:
    """The templates at ``path`` (default ``<data_dir>/project_templates.json``), read once per path."""
    return _cached(str(Path(path) if path else get_settings().data_dir / "project_templates.json"))
