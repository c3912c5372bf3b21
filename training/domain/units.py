"""What an indicator is measured in: unit families, name cues and measure words, as data (``data/units.json``).

A unit family groups the units that measure the same thing (亩, 平方米 and 公顷
are all ``area``); a suggestion must get the family right before its value
means anything. This module only reads the lexicon and matches it against
names and units; the unit model (``training.model.units``) learns from
historical targets and uses these matches as features. A new cue or measure
word is a data change, not a code change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from training.domain.targets import Target
from training.settings import get_settings

_PLACEHOLDER = re.compile(r"[*＊×xX_＿]{2,}|…+")
_BRACKETED = re.compile(r"[(（\[【<《]([^)）\]】>》]*)[)）\]】>》]")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")
_JOINERS = re.compile(r"\s*[/／.、·每]\s*")


_FREQUENCY = re.compile(r"^(?:每|按)[\u4e00-\u9fff]{1,2}\s*(?:不少于|至少|≥)?\s*\d+(?:\.\d+)?\s*[次场期]")  # 每月1次, 每季度不少于2次


@dataclass(frozen=True)
class Family:
    """One unit family: ``kind`` is ``quantitative``, ``deadline`` or ``qualitative``; ``operator`` the usual direction."""

    id: str
    label: str
    kind: str
    units: tuple[str, ...]
    default_unit: str | None
    operator: str | None
    form: str | None = None
    form_without_year: str | None = None


@dataclass(frozen=True)
class Cue:
    """A lexicon entry found in a name: the matched word and what it points to."""

    word: str
    value: str
    why: str | None = None


class UnitLexicon:
    """The lexicon of ``data/units.json``; all lookups are pure functions of the name or unit.

    Raises ``KeyError``/``ValueError`` on load when the file lacks a section or
    names an unknown family.
    """

    def __init__(self, raw: dict, digest: str = "") -> None:
        self.raw = raw
        self.version: str = raw["version"]
        self.digest = digest
        self.families: dict[str, Family] = {
            key: Family(key, f["label"], f["kind"], tuple(f.get("units", ())), f.get("default_unit"), f.get("operator"),
                        f.get("form"), f.get("form_without_year"))
            for key, f in raw["families"].items()
        }
        self.generic_heads: frozenset[str] = frozenset(raw.get("generic_heads", ()))
        self.name_cues: dict[str, tuple[str, ...]] = {}
        for family, words in raw["name_cues"].items():
            if family not in self.families:
                raise ValueError(f"units.json: name cues for unknown family {family!r}")
            self.name_cues[family] = tuple(sorted(set(words), key=len, reverse=True))
        self.qualitative_forms = [(tuple(e["cues"]), e["form"], e.get("why"), tuple(e.get("then", ())), tuple(e.get("categories", ())))
                                  for e in raw.get("qualitative_forms", ())]
        self.measure_words = [(e["unit"], tuple(e["nouns"])) for e in raw.get("measure_words", ())]
        self.unit_choices = {f: [(e["unit"], tuple(e["nouns"])) for e in entries] for f, entries in raw.get("unit_choices", {}).items()}
        self.per_units = [(tuple(e["cues"]), e["per"], e["money_unit"]) for e in raw.get("per_units", ())]
        self.operator_cues = {op: tuple(sorted(set(words), key=len, reverse=True)) for op, words in raw.get("operator_cues", {}).items()}
        self.question_words: tuple[str, ...] = tuple(raw.get("question_words", ()))
        self.change_endings: tuple[str, ...] = tuple(raw.get("change_rates", {}).get("endings", ()))
        scale = raw.get("scale_families", {})
        self.scale_families: frozenset[str] = frozenset(scale.get("families", ()))
        self.scale_ratio: float = float(scale.get("max_ratio", 0) or 0)
        counting = raw.get("count_heads", {})
        self.count_heads: frozenset[str] = frozenset(counting.get("words", ()))
        self.not_counted: frozenset[str] = frozenset(counting.get("not_families", ()))
        self.remedies: tuple[str, ...] = tuple(raw.get("remedies", {}).get("words", ()))
        self.spent_words: tuple[str, ...] = tuple(raw.get("spent_words", {}).get("words", ()))
        self.cost_words: frozenset[str] = frozenset(raw.get("cost_words", {}).get("words", ()))
        self.not_costs: frozenset[str] = frozenset(raw.get("cost_words", {}).get("not_costs", ()))
        self.levels_kept_low: frozenset[str] = frozenset(raw.get("levels_kept_low", {}).get(
            "families", ("concentration", "duration", "temperature", "noise")))
        paid = raw.get("paid_per_head", {})
        self.paid_per_head: tuple[tuple[str, ...], tuple[str, ...]] = (tuple(paid.get("per", ())), tuple(paid.get("paid", ())))
        self.per_prefixes: tuple[str, ...] = tuple(raw.get("per_prefixes", {}).get("words", ()))
        self.amount_endings: tuple[str, ...] = tuple(raw.get("amount_heads", {}).get("endings", ()))
        self.amount_families: frozenset[str] = frozenset(raw.get("amount_heads", {}).get("families", ()))
        self.alternatives: dict[str, frozenset[str]] = {
            family: frozenset(others) for family, others in raw.get("alternative_families", {}).get("pairs", {}).items()}
        self.local_levels: tuple[str, ...] = tuple(sorted(raw.get("local_levels", {}).get("words", ()), key=len, reverse=True))
        self.ceiling_words: tuple[str, ...] = tuple(raw.get("ceiling_words", {}).get("words", ()))
        self.capped_shares: tuple[str, ...] = tuple(raw.get("capped_shares", {}).get("words", ()))
        self.any_rate_capped: bool = bool(raw.get("capped_shares", {}).get("any_rate"))
        self.uncapped_shares: tuple[str, ...] = tuple(raw.get("capped_shares", {}).get("uncapped", ()))
        self.full_shares: tuple[str, ...] = tuple(raw.get("full_shares", {}).get("words", ()))
        self.word_units: frozenset[str] = frozenset(raw.get("word_units", {}).get("units", ()))
        stated = raw.get("qualitative_categories", {})
        self.qualitative_categories: frozenset[str] = frozenset(stated.get("categories", ()))
        self.change_words: tuple[str, ...] = tuple(stated.get("change_words", ()))
        checks = raw.get("unit_checks", {})
        self.checked_families: frozenset[str] = frozenset(checks.get("families", ()))
        self.compatible_families = frozenset(frozenset(pair) for pair in checks.get("compatible", ()))
        zero = raw.get("zero_targets", {})
        self.zero_cues = tuple(sorted(set(zero.get("cues", ())), key=len, reverse=True))
        self.zero_handling = tuple(zero.get("handling", ()))
        self.zero_families: frozenset[str] = frozenset(zero.get("families", ()))
        categories = {k: v for k, v in raw.get("category_families", {}).items() if isinstance(v, dict)}
        self.category_families: dict[str, str] = {k: v["usual"] for k, v in categories.items() if v.get("usual") in self.families}
        self.category_allowed: dict[str, frozenset[str]] = {k: frozenset(v["allowed"]) for k, v in categories.items() if v.get("allowed")}
        self._unit_family = {u: key for key, f in self.families.items() for u in f.units}
        self.money_units = frozenset(self.families["money"].units) if "money" in self.families else frozenset()

    def __reduce__(self):
        # Pickled as its data, so a bundle's lexicon is rebuilt by the code that loads it.
        return UnitLexicon, (self.raw, self.digest)

    @classmethod
    def load(cls, path: Path | None = None) -> UnitLexicon:
        """Read ``path`` (default ``<data_dir>/units.json``)."""
        path = Path(path) if path else get_settings().data_dir / "units.json"
        raw_bytes = path.read_bytes()
        return cls(json.loads(raw_bytes), hashlib.sha256(raw_bytes).hexdigest()[:12])

    # ------------------------------------------------------------ units
    def family_of_unit(self, unit: str | None) -> str | None:
        """The family of a unit as written in a target: ``亩`` → area, ``元/人`` → unit_cost, ``人/次`` → person_times; None when unknown."""
        if not unit:
            return None
        unit = unit.strip()
        if unit in self._unit_family:
            return self._unit_family[unit]
        parts = [p for p in _JOINERS.split(unit) if p]
        if not parts:
            return None
        if len(parts) > 1 and parts[0] in self.money_units:
            return "unit_cost"
        if parts[0] not in self._unit_family and parts[0][:1] in ("万", "亿", "千") and len(parts[0]) > 1:
            return self._unit_family.get(parts[0][1:])  # 万个, 万头, 千户: the family of what is counted in ten thousands
        return self._unit_family.get(parts[0])

    def family_of_target(self, target: Target | None) -> str | None:
        """``deadline`` for a deadline, the unit's family for a quantity with a unit, else None (no unit evidence).

        A one-character unit of ``word_units`` glued to the words after it
        (``≥95生态总体效益增长`` read as 95 生) is a misreading, not a unit, and gives None.
        """
        if target is None:
            return None
        if target.kind == "deadline":
            # a frequency kept as written (每日1次, 每季度2次) counts times, not a date: 数据备份频率 每日1次 had been said
            # to be in 时限 where the name measures 次数
            return "times" if _FREQUENCY.search(target.text or "") else "deadline"
        if target.kind == "quantitative" and target.unit and not (target.unit in self.word_units and glued_unit(target)):
            return self.family_of_unit(target.unit)
        return None

    # ------------------------------------------------------------ names
    @staticmethod
    def clean(name: str | None) -> str:
        """The name's Chinese text without brackets, numbers, units and ``**`` placeholders: ``培训人数(人)`` → ``培训人数``."""
        text = _PLACEHOLDER.sub("", name or "")
        text = _BRACKETED.sub("", text)
        return _NOT_CJK.sub("", text)

    def _bracket_family(self, name: str | None) -> str | None:
        """The family of a unit the name states in brackets (``保障人数(人)``, ``满意度（%）``), if any."""
        for inner in _BRACKETED.findall(name or ""):
            for piece in re.split(r"[或、,，]", inner.strip()):
                family = self.family_of_unit(piece.strip().replace("％", "%"))
                if family:
                    return family
        return None

    def _head(self, name: str | None) -> Cue | None:
        """The longest cue the cleaned name ends with, as ``Cue(word, family)``; a generic head (数量) defers to a contained noun."""
        text = self.clean(name)
        best: Cue | None = None
        for family, words in self.name_cues.items():
            for word in words:
                if text.endswith(word) and (best is None or len(word) > len(best.word)):
                    best = Cue(word, family)
                    break
        if best is not None and best.word in self.generic_heads:
            counted = self._counted(best.word, text)
            # the noun ending last before the generic head names what is counted: of the head's own family too
            # (培训合格证书发放数量 counts 证书, 张; it had deferred to 培训 and got ≥__次)
            inner = counted[:1] if counted and counted[0].value == best.value else [c for c in counted if c.value != best.value]
            if inner:
                return Cue(inner[0].word, inner[0].value)
        if best is None:
            for generic in sorted(self.generic_heads, key=len, reverse=True):
                if text.endswith(generic):
                    inner = self._counted(generic, text)
                    if inner:
                        return inner[0]
                    if generic in getattr(self, "count_heads", ()) and "count" in self.families:
                        return Cue(generic, "count")  # 补贴渔船数: a number of things, whatever else the name holds
        if best is not None and best.value == "money":
            # money per something (门诊次均费用, 农民人均增收, 单位面积造价) is a unit cost, whatever its last word
            per = next((w for w in self.name_cues.get("unit_cost", ()) if w in text[: -len(best.word)]), None)
            per = per or next((w for w in getattr(self, "per_prefixes", ()) if text.startswith(w) and len(text) > len(w) + len(best.word)), None)
            if per:
                return Cue(per, "unit_cost")
        return best

    def _counted(self, generic: str, text: str) -> list[Cue]:
        """The cues before a generic head, without those a count cannot be of (``count_heads``: 补贴渔船数 is no money).
        Lexicons pickled before the list existed keep every cue."""
        inner = self.contained(text[: -len(generic)])
        if generic in getattr(self, "count_heads", ()):
            inner = [c for c in inner if c.value not in getattr(self, "not_counted", ())]
        return inner

    def _contained(self, name: str | None) -> list[Cue]:
        """Cues found anywhere in the cleaned name, the one ending last first (the head noun of ``种植人员`` is 人员)."""
        text = self.clean(name)
        found: dict[str, tuple[int, int, str]] = {}
        for family, words in self.name_cues.items():
            for word in words:
                position = text.rfind(word)
                if position >= 0:
                    end = position + len(word)
                    if family not in found or (end, len(word)) > found[family][:2]:
                        found[family] = (end, len(word), word)
        ordered = sorted(found.items(), key=lambda item: (-item[1][0], -item[1][1]))
        return [Cue(word, family) for family, (_, _, word) in ordered]

    def _memo(self, kind: str, name: str | None, compute):
        cache = self.__dict__.setdefault("_cache", {})
        key = (kind, name or "")
        if key not in cache:
            if len(cache) >= 50_000:
                cache.clear()
            cache[key] = compute(name)
        return cache[key]

    def bracket_family(self, name: str | None) -> str | None:
        """The family of a unit the name states in brackets (``保障人数(人)``, ``满意度（%）``), if any."""
        return self._memo("bracket", name, self._bracket_family)

    def asks_yes_no(self, name: str | None) -> bool:
        """Whether the name is a yes/no question (``资金是否全部纳入医保统筹``; ``question_words`` in ``data/units.json``):
        its checkable target is ``是``, not a count or a rate. Lexicons pickled before the list existed have none."""
        return any(word in (name or "") for word in getattr(self, "question_words", ()))

    def is_change_rate(self, name: str | None) -> bool:
        """Whether the name is a rate of change (能耗降低率, 收入增长率; ``change_rates`` in ``data/units.json``)."""
        text = self.clean(name)
        return any(text.endswith(ending) for ending in getattr(self, "change_endings", ()))

    def names_amount(self, name: str | None) -> bool:
        """Whether the name measures an amount, never a share (二氧化硫排放减少量, 污水处理量; ``amount_heads`` in
        ``data/units.json``). Lexicons pickled before the list existed have none."""
        text = self.clean(name)
        return any(text.endswith(ending) for ending in getattr(self, "amount_endings", ()))

    def local_level(self, name: str | None) -> str | None:
        """The word that makes the name a share describing a place (森林覆盖率 → ``森林覆盖``; ``local_levels`` in
        ``data/units.json``), or ``None``: its value depends on where, so only rows naming the same thing are evidence.
        Lexicons pickled before the list existed have none."""
        text = self.clean(name)
        return next((word for word in getattr(self, "local_levels", ()) if word in text), None)

    def stated_in_words(self, name: str | None, level2: str | None) -> bool:
        """Whether a cost the guideline lets a unit state in words is asked (``qualitative_categories``) and the name
        has no measure of its own but one of a ``categories`` form's cues (对周边居民生活影响程度: 无明显不利影响; it had
        been given a percentage of nothing)."""
        if level2 not in self.qualitative_categories or self.head(name) is not None:
            return False
        return self.qualitative_form(name, level2).value != self.qualitative_form(name).value

    def uncountable(self, name: str | None) -> bool:
        """Whether the name asks for a qualitative target: a yes/no question, or a qualitative name cue (机制, 制度)."""
        return self.asks_yes_no(name) or any(cue.value == "qualitative" for cue in self.contained(name))

    def head(self, name: str | None) -> Cue | None:
        """The longest cue the cleaned name ends with, as ``Cue(word, family)``; a generic head (数量) defers to a contained noun."""
        return self._memo("head", name, self._head)

    def contained(self, name: str | None) -> list[Cue]:
        """Cues found anywhere in the cleaned name, the one ending last first (the head noun of ``种植人员`` is 人员). Do not modify."""
        return self._memo("contained", name, self._contained)

    def operator_cue(self, name: str | None) -> Cue | None:
        """The operator the name's words suggest (成本 → ≤, 收入 → ≥, 足额 → =): the cue ending last, the longest on ties."""
        return self._memo("operator", name, self._operator_cue)

    # ------------------------------------------------------------ what to write
    def _noun_choice(self, text: str, entries: list[tuple[str, tuple[str, ...]]]) -> Cue | None:
        best: tuple[int, int, Cue] | None = None
        for unit, nouns in entries:
            for noun in nouns:
                position = text.rfind(noun)
                if position >= 0:
                    key = (len(noun), position + len(noun))
                    if best is None or key > best[:2]:
                        best = (*key, Cue(noun, unit))
        return best[2] if best else None

    def unit_choice(self, name: str | None, family: str) -> Cue | None:
        """The unit the name's nouns ask for within ``family`` (学校 → 所, 农田 → 亩, 拨付 → 工作日), or None.

        For ``count`` the measure words decide; for ``unit_cost`` the per-unit
        cues (人均 → 元/人, 每公里 → 万元/公里); other families use ``unit_choices``.
        """
        text = self.clean(name)
        if family == "count":
            choice = self._noun_choice(text, self.measure_words)
            if choice and self.family_of_unit(choice.value) == "count":
                return choice
            return None
        if family == "unit_cost":
            for cues, per, money in self.per_units:
                for cue in cues:
                    if cue in (name or ""):
                        return Cue(cue, f"{money}/{per}")
            return None
        return self._noun_choice(text, self.unit_choices.get(family, []))

    def default_unit(self, family: str) -> str | None:
        """The unit a family is written in when nothing else says (面积 → 平方米, 金额 → 万元); None for deadline and qualitative."""
        return self.families[family].default_unit if family in self.families else None

    def _operator_cue(self, name: str | None) -> Cue | None:
        """The operator the name's words suggest (成本 → ≤, 收入 → ≥, 计划 → =): the cue ending last, the longest on ties."""
        text = self.clean(name)
        best: tuple[int, int, Cue] | None = None
        for operator, words in self.operator_cues.items():
            for word in words:
                position = text.rfind(word)
                if position >= 0:
                    key = (position + len(word), len(word))
                    if best is None or key > best[:2]:
                        best = (*key, Cue(word, operator))
        if (best is None or best[2].value == "≤") and self.pays_per_head(text):
            # 人均生活补助经费: a standard paid to each beneficiary, exact (=89元/人), not a cost kept under (≤89元)
            return Cue(next(w for w in self.paid_per_head[1] if w in text), "=")
        if best is not None and best[2].value == "≤" and not self._costs(best[2].word):
            # 修复破损路面面积, 投诉处理率: what was put right, an output; a cost of the work stays ≤ (维修费用)
            # (``remedies``; lexicons pickled before the list existed have none)
            remedy = next((w for w in getattr(self, "remedies", ()) if w in text and w != best[2].word), None)
            head = self.head(name) if remedy is not None else None
            if remedy is not None and (head is None or head.value not in self.levels_kept_low):
                return Cue(remedy, "≥")
        return best[2] if best else None

    def pays_per_head(self, name: str | None) -> bool:
        """Whether the name is money paid to each beneficiary at a set standard (``paid_per_head`` in ``data/units.json``:
        a per-head word and a payment word, 人均生活补助经费, 生均资助金额)."""
        text = self.clean(name)
        per, paid = self.paid_per_head
        return any(w in text for w in per) and any(w in text for w in paid)

    def is_cost(self, word: str) -> bool:
        """Whether an operator cue (``Cue.word``) names money spent, not time (``cost_words`` in ``data/units.json``: 成本,
        费用, 造价, 支出, and the money cues but ``not_costs``): a floor for it is the wrong direction. Money paid to
        beneficiaries (补助, 补贴) and funding per pupil are no cost (their cues are = or ≥)."""
        money = self.name_cues.get("money", ()) + self.name_cues.get("unit_cost", ())
        return word in self.cost_words or (word in money and word not in self.not_costs)

    def _costs(self, word: str) -> bool:
        """Whether an operator cue names money or time spent (成本, 费用, 支出, 时长): kept low whatever the work."""
        spent = self.name_cues.get("money", ()) + self.name_cues.get("unit_cost", ()) + self.name_cues.get("duration", ())
        return any(w in word or word in w for w in spent if len(w) > 1) or word in self.spent_words

    def operator_cues_in(self, name: str | None) -> dict[str, bool]:
        """For each operator, whether any of its cues appears in the cleaned name."""
        text = self.clean(name)
        return {op: any(w in text for w in words) for op, words in self.operator_cues.items()}

    def unit_mismatch(self, name: str | None, target) -> tuple[str, str] | None:
        """``(target's family, name's family)`` when a measurable target's unit measures something else than the name.

        From ``unit_checks`` in ``data/units.json``: the cleaned name must end with its head word, of a checked family,
        and the two families must not be a compatible pair (人 and 人次). None when they fit or either is unknown.
        """
        given = self.family_of_target(target)
        head = self.head(name)
        if given is None or head is None or head.value == given or head.value not in self.checked_families:
            return None
        text = self.clean(name)
        # a name ends with its head word, or with a generic head that counts it (受益学校数量 ≥25%: 学校 counted by 数量)
        ends = text.endswith(head.word) or (head.value == "count" and text.endswith(tuple(self.count_heads) or ("\0",)))
        if frozenset((head.value, given)) in self.compatible_families or not ends:
            return None
        return given, head.value

    def stated_condition(self, target, category: str | None) -> bool:
        """Whether ``target`` is a qualitative condition that ``category`` may state in words (``qualitative_categories``
        in ``data/units.json``: 生态环境成本 ``符合环保部门要求``), not a promise of change (``有所改善``)."""
        if target is not None and target.kind == "empty" and (target.raw or "").strip() == "无":
            return category in self.qualitative_categories  # 对周边居民生活影响 无: no impact, what a social cost may say
        return (target is not None and target.kind == "qualitative" and category in self.qualitative_categories
                and not any(word in (target.text or "") for word in self.change_words))

    def zero_target(self, name: str | None, family: str) -> Cue | None:
        """``Cue(word, "0")`` when the name counts a harm whose target is zero (安全事故发生次数 in 次), else None.

        From ``zero_targets`` in ``data/units.json``: a harm word, no word of handling (投诉处理件数 counts work done),
        and a counted ``family`` (rates keep their evidence). A bundle made before that section existed has none.
        """
        if family not in self.zero_families:
            return None
        text = self.clean(name)
        if any(word in text for word in self.zero_handling):
            return None
        word = next((w for w in self.zero_cues if w in text), None)
        return Cue(word, "0") if word else None

    def capped_share(self, name: str | None) -> bool:
        """Whether the name is a share that cannot pass 100% (``capped_shares``: 满意度, 合格率, 覆盖率 at its end; with
        ``any_rate``, any name ending in 率 but the ``uncapped`` ones: 完成率, 增长率, 回报率 may pass 100%)."""
        text = self.clean(name)
        if text.endswith(self.capped_shares or ("\0",)):
            return True
        return self.any_rate_capped and text.endswith("率") and not text.endswith(self.uncapped_shares or ("\0",))

    def full_share(self, name: str | None) -> bool:
        """Whether the law requires the share to be all (``full_shares``: 病死畜禽无害化处理率): =100%."""
        return self.clean(name).endswith(self.full_shares or ("\0",))

    def names_harm(self, name: str | None) -> bool:
        """Whether the name measures something kept under a ceiling (事故, 伤亡 …: ``zero_targets`` cues; 投诉, 故障 …:
        ``ceiling_words``), with no word of handling (投诉处理件数 counts work done), in any family."""
        text = self.clean(name)
        words = (*self.zero_cues, *getattr(self, "ceiling_words", ()))
        return not any(word in text for word in self.zero_handling) and any(w in text for w in words)

    def qualitative_form(self, name: str | None, level2: str | None = None) -> Cue:
        """The checkable qualitative form for an indicator that cannot be counted: ``是否…`` → 是, 机制 → 建立并运行;
        an entry's ``then`` words must follow its cue (``是否对生态环境造成影响`` → 否); an entry with ``categories``
        applies only to them (对周边居民生活影响程度, a 社会成本指标 → 无明显不利影响; not a benefit's 影响)."""
        text = name or ""
        for cues, form, why, *rest in self.qualitative_forms:  # lexicons pickled before ``then`` have three fields
            then = rest[:1]
            categories = rest[1] if len(rest) > 1 else ()
            if categories and level2 not in categories:
                continue
            cue = next((c for c in cues if c in text), None)
            if cue is None:
                continue
            after = text[text.index(cue) + len(cue):]
            if then and then[0] and not any(word in after for word in then[0]):
                continue
            return Cue(cue, form, why)
        family = self.families.get("qualitative")
        return Cue("", family.form if family and family.form else "是", None)

    def deadline_text(self, year: int | None) -> str:
        """The deadline form: ``2025年12月31日前`` with the year, ``12月31日前`` without."""
        family = self.families["deadline"]
        if year:
            return (family.form or "{year}年12月31日前").format(year=year)
        return family.form_without_year or "12月31日前"


UNIT_MISMATCH_WORDS = "unit does not fit the name"


def unit_mismatch_warning(given: str, measured: str) -> str:
    """The ``target_warning`` of a target whose unit measures ``given`` (a family label) where the name measures ``measured``."""
    return f"{UNIT_MISMATCH_WORDS}: the target is in {given}, the name measures {measured}"


def glued_unit(target: Target) -> bool:
    """Whether a quantity's one-character unit is directly followed by more Chinese (``≥90乡村科普e站…``, but also ``20个村``)."""
    if not target.unit or len(target.unit) != 1 or not target.raw:
        return False
    raw = re.sub(r"\s+", "", target.raw)
    position = raw.find(target.unit, max(0, raw.find(next((c for c in raw if c.isdigit()), target.unit))))
    following = raw[position + 1 : position + 2] if position >= 0 else ""
    return bool(following) and "\u4e00" <= following <= "\u9fff"


@lru_cache
def _cached(path: str) -> UnitLexicon:
    return UnitLexicon.load(Path(path))


def load_units(path: str | Path | None = None) -> UnitLexicon:
    """The lexicon at ``path`` (default ``<data_dir>/units.json``), read once per path."""
    return _cached(str(Path(path) if path else get_settings().data_dir / "units.json"))
