"""Measurable targets (指标值) for an indicator: unit family, operator and value, from the unit model and similar historical rows.

For one indicator (its name vector, and its category when known) the
suggester

1. scores the unit families (``data/units.json``): the unit model's
   probabilities (``training.model.units``) blended with the families of the
   most similar historical indicators (the reference index); a unit the name
   states in brackets (``人数(人)``) wins outright;
2. for each of the best families writes a target in that family: a deadline
   (``2025年12月31日前``), a checkable qualitative form (``建立并运行``) for what
   cannot be counted, or a quantity whose operator comes from the operator
   model and the similar rows' operators, whose unit comes from the similar
   rows and the lexicon's measure words (学校 → 所), and whose value is the
   most common (else the median) value of similar rows written in that same
   unit, with its spread. With no such row the value is a placeholder
   (``≥__亩``, ``placeholder: true``), never a value taken from another unit.

Similarity thresholds are relative to the reference index's own background
(percentiles of the similarity between random reference pairs), so the same
rules hold for any encoder.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import re
import statistics
from dataclasses import dataclass

import numpy as np

from training.domain.records import Indicator, IndicatorRow
from training.domain.targets import (
    NO_VALUE,
    QUALITATIVE_WEAKNESS,
    SCALE_WORDS,
    Target,
    format_number,
    format_quantity,
    is_change,
    parse_target,
    target_weakness,
)
from training.domain.taxonomy import Taxonomy
from training.domain.units import UnitLexicon, glued_unit, unit_mismatch_warning
from training.model.forms import TargetForms, direction
from training.model.reference import ReferenceIndex

PLACEHOLDER = "__"
# A value from fewer similar rows than this, or from one publisher's rows only, is said to be thin in its ``why``
# (新建高标准农田面积 → ≥3亩 came from one household-subsidy project's rows).
THIN_VALUE_ROWS = 3
SATISFACTION = "服务对象满意度指标"
# Shares of the family score: the unit model, the similar rows' vote, the name's head word, the category's usual family.
FAMILY_WEIGHTS = {"model": 0.3, "evidence": 0.2, "head": 0.3, "category": 0.2}
# A suggestion in a second unit family needs this score, and this share of the best family's score.
OTHER_FAMILY_FLOOR, OTHER_FAMILY_SHARE = 0.08, 0.2
# Shares of the operator score: the operator model, the similar rows' operators, the lexicon's operator cue, the family's usual
# one, and (in a bulk job) the operators the same table writes for the same family, which outweighs the rest.
OPERATOR_WEIGHTS = {"model": 0.15, "evidence": 0.15, "cue": 0.5, "family": 0.2, "table": 3.0}


@dataclass
class Evidence:
    """A similar historical row that says something about the form: its family, unit, direction and value."""

    index: int
    row: IndicatorRow
    similarity: float
    weight: float
    family: str
    unit: str | None
    direction: str | None
    value: float | None


def background(references: ReferenceIndex, sample: int = 600, seed: int = 0) -> dict[str, float]:
    """Percentiles (50, 90, 95) of the similarity of random reference pairs: what "similar" means for this encoder."""
    if len(references) < 3:
        return {"p50": 0.0, "p90": 0.5, "p95": 0.6}
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(references), size=min(sample, len(references)), replace=False)
    sims = references.vectors[pick] @ references.vectors[pick].T
    upper = sims[np.triu_indices(len(pick), 1)]
    return {f"p{q}": float(np.percentile(upper, q)) for q in (50, 90, 95)}


class TargetSuggester:
    """Targets for an indicator, best first; see the module docstring.

    ``forms`` are the fitted unit and operator models (a bundle's
    ``target_forms``); without them they are fitted on the references' rows
    (old bundles). ``weights`` are the shares of the family score (see
    ``FAMILY_WEIGHTS``; a part with nothing to say gives its share to the
    others), ``operator_weights`` those of the operator score;
    ``n_neighbors`` how many similar rows are read.
    """

    def __init__(self, references: ReferenceIndex, taxonomy: Taxonomy, forms: TargetForms | None = None, n_neighbors: int = 40,
                 weights: dict[str, float] | None = None, operator_weights: dict[str, float] | None = None) -> None:
        self.references = references
        self.taxonomy = taxonomy
        if forms is None:
            from training.model.units import fit_target_forms

            forms = fit_target_forms(list(references.records or []))
        self.forms = forms
        self.lexicon: UnitLexicon = self.forms.lexicon
        self.n_neighbors = n_neighbors
        self.weights = {**FAMILY_WEIGHTS, **(weights or {})}
        self.operator_weights = {**OPERATOR_WEIGHTS, **(operator_weights or {})}
        self.background = background(references)
        self._families = [self._family_of_row(row) for row in references.records or []]

    def _family_of_row(self, row: IndicatorRow) -> str | None:
        family = self.lexicon.family_of_target(row.target)
        if family is None and row.origin == "library":
            family = self.lexicon.family_of_unit(row.measure_unit)
        return family

    # ------------------------------------------------------------ evidence
    def neighbours(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The similar rows ``evidence`` looks at, for many names in one search: ``(indices, sims)``, each ``(n, n_neighbors)``.

        A bulk job searches once for all its distinct names and hands each row
        its line (``suggest(..., neighbours=(indices[i], sims[i]))``) instead of
        one search per row.
        """
        return self.references.search(np.atleast_2d(vectors), self.n_neighbors)

    def evidence(self, vector: np.ndarray, level2: str | None, exclude_group=None,
                 neighbours: tuple[np.ndarray, np.ndarray] | None = None) -> list[Evidence]:
        """Similar rows with a unit family above the background's 90th percentile.

        Weight: similarity above that floor (scaled to 0–1), halved for another
        category, and shared within a publisher (divided by the square root of
        its rows here) so that one publisher's house style does not outvote the rest.
        ``neighbours``: this name's line of :meth:`neighbours` (no search here; not with ``exclude_group``).
        """
        if neighbours is not None and exclude_group is None:
            row_indices, row_sims = neighbours
        else:
            exclude = None if exclude_group is None else [exclude_group]
            indices, sims = self.references.search(np.asarray(vector)[None, :], self.n_neighbors, exclude_groups=exclude)
            row_indices, row_sims = indices[0], sims[0]
        floor = self.background["p90"]
        out = []
        # plain Python numbers: per-element numpy scalars cost a third of a bulk job's suggestion time (profiled)
        for j, similarity in zip(np.asarray(row_indices).tolist(), np.asarray(row_sims, dtype=np.float64).tolist(), strict=True):
            family = self._families[j]
            if family is None or not math.isfinite(similarity) or similarity < floor:
                continue
            row: IndicatorRow = self.references.records[j]
            weight = (similarity - floor) / max(1.0 - floor, 1e-6) * (1.0 if (level2 is None or row.level2 == level2) else 0.5)
            quantitative = row.target.kind == "quantitative" and row.target.value is not None
            unit = row.target.unit if quantitative else (row.measure_unit if row.origin == "library" else None)
            out.append(Evidence(j, row, similarity, weight, family, unit,
                                direction(row.target.operator) if quantitative else None, row.target.value if quantitative else None))
        per_publisher = collections.Counter(e.row.publisher for e in out)
        for e in out:
            e.weight /= per_publisher[e.row.publisher] ** 0.5
        return out

    def family_scores(self, name: str, level2: str | None, evidence: list[Evidence]) -> dict[str, float]:
        """``{family: score}`` (sums to 1): a weighted blend of the unit model, the similar rows' vote, the name's head word
        and the category's usual family (``FAMILY_WEIGHTS``), limited to the families the category allows
        (``category_families`` in ``data/units.json``), never a share for a name that measures an amount
        (``UnitLexicon.names_amount``); a unit the name states in brackets wins, and so does the qualitative family for a
        yes/no question (是否…)."""
        parts: dict[str, dict[str, float]] = {"model": self.forms.family_probabilities([name], [level2])[0]}
        vote: dict[str, float] = collections.defaultdict(float)
        for item in evidence:
            vote[item.family] += item.weight
        total = sum(vote.values())
        if total > 0:
            parts["evidence"] = {f: w / total for f, w in vote.items()}
        head = self.lexicon.head(name)
        if head is not None:
            parts["head"] = {head.value: 1.0}
        usual = self.lexicon.category_families.get(level2 or "")
        if usual:
            parts["category"] = {usual: 1.0}
        scores = _blend(parts, self.weights)
        allowed = self.lexicon.category_allowed.get(level2 or "")
        if allowed and any(f in allowed for f in scores):
            # A 时效 indicator is a deadline, a rate or a duration, whatever its name's last word.
            kept = {f: s for f, s in scores.items() if f in allowed}
            scores = {f: s / (sum(kept.values()) or 1.0) for f, s in kept.items()}
        amounts = getattr(self.lexicon, "amount_families", frozenset())
        if self.lexicon.names_amount(name) and any(f in amounts for f in scores) and any(f not in amounts for f in scores):
            # an amount (二氧化硫排放减少量) is no share, time or price: ≥90%, then ≥__天, had been suggested for it
            kept = {f: s for f, s in scores.items() if f in amounts}
            scores = {f: s / (sum(kept.values()) or 1.0) for f, s in kept.items()}
        # a yes/no question, or a name whose only cue is a thing that cannot be counted (长效管理机制建立: 机制, with no
        # head word of a measure) is answered in a checkable qualitative form
        qualitative = self.lexicon.asks_yes_no(name) or (head is None and self.lexicon.uncountable(name))
        stated = self.lexicon.bracket_family(name) or ("qualitative" if qualitative else None)
        if stated:
            scores = {f: s / 2.0 for f, s in scores.items()}
            scores[stated] = scores.get(stated, 0.0) + 0.5
        return dict(sorted(scores.items(), key=lambda item: -item[1]))

    # ------------------------------------------------------------ suggest
    def suggest(self, indicator: Indicator, vector: np.ndarray, level2: str | None, k: int = 3, year: int | None = None,
                given_target: str | None = None, exclude_group=None, table: list[TableForm] | None = None,
                neighbours: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
        """``{"level2", "family", "suggestions": [...], "warnings": [...]}``, suggestions best first (at most ``k``).

        Each suggestion: ``text`` (parses back with ``parse_target``), ``kind``
        (quantitative, deadline, qualitative), ``operator``, ``value`` (None for
        a placeholder), ``unit``, ``family`` and ``family_label``, ``placeholder``,
        ``spread`` (``{n, min, median, max}`` of the values it comes from),
        ``support`` (similar rows behind it), ``examples`` (up to 3:
        ``{name, target, level2, source, similarity}``, source = publisher, year,
        project) and ``why`` (Chinese). ``exclude_group`` leaves a publisher's
        own rows out of the evidence (evaluation). ``table`` is how the rest of
        the indicator's table writes its targets (``table_forms``): a table that
        writes ``=50个`` for its counts gets ``=`` for its counts, and one that
        writes ``=100%`` for its rates gets ``=100%`` (the same category's rows first).
        ``neighbours``: the name's line of :meth:`neighbours`, when a bulk job searched for all its names at once.
        """
        name = indicator.name or ""
        evidence = self.evidence(vector, level2, exclude_group, neighbours)
        scores = self.family_scores(name, level2, evidence)
        head = self.lexicon.head(name)
        ends_qualitative = head is not None and head.value == "qualitative" and self.lexicon.clean(name).endswith(head.word)
        if self.lexicon.stated_in_words(name, level2) or ends_qualitative:
            # 对周边居民生活影响程度, a 社会成本指标: a condition in words (无明显不利影响), not a percentage of nothing;
            # a name ending in what cannot be counted (…应急管理体系 filed under 时效指标 had got ≥100%): 建立并运行
            scores = {"qualitative": 1.0, **{f: v for f, v in scores.items() if f != "qualitative"}}
        candidates: list[tuple[float, dict]] = []
        best = next(iter(scores.values()), 0.0)
        ruled = head if head is not None and head.value == next(iter(scores), None) and self.lexicon.clean(name).endswith(head.word) else None
        for rank, (family, score) in enumerate(scores.items()):
            # another unit family only when it is a plausible reading of the name (培训人数 is counted in 人, not %)
            if rank >= max(k, 1) or (rank > 0 and score < max(OTHER_FAMILY_FLOOR, OTHER_FAMILY_SHARE * best)):
                break
            if rank > 0 and self.lexicon.asks_yes_no(name):
                break  # a question is answered, not counted (是否超预算: 否, not also ≤20万元)
            if rank > 0 and ruled is not None and not self._alternative(ruled.value, family):
                continue  # a name ending in its measure is read in it or a kindred one (冷库温度: not also ≥__平方米)
            siblings = table.siblings(family, level2) if isinstance(table, TableForms) else _siblings(table or [], family, level2)
            for alternative, suggestion in enumerate(self._suggestions_for(family, name, level2, evidence, year, siblings)):
                candidates.append((score * (1.0 if alternative == 0 else 0.45 / alternative), suggestion))
        suggestions, seen = [], set()
        for _, suggestion in sorted(candidates, key=lambda c: -c[0]):
            if suggestion["text"] in seen:
                continue
            seen.add(suggestion["text"])
            suggestions.append(suggestion)
            if len(suggestions) == k:
                break
        warnings = self._warnings(indicator, given_target, scores, year, level2)
        return {"level2": level2, "family": next(iter(scores), None), "suggestions": suggestions, "warnings": warnings}

    def _alternative(self, head: str, family: str) -> bool:
        """Whether ``family`` may be offered beside a name whose own measure is ``head`` (``alternative_families`` in
        ``data/units.json``; lexicons pickled before it use the compatible pairs of ``unit_checks``)."""
        alternatives = getattr(self.lexicon, "alternatives", None)
        if alternatives and head in alternatives:
            return family in alternatives[head]
        return frozenset((family, head)) in self.lexicon.compatible_families

    def _suggestions_for(self, family: str, name: str, level2: str | None, evidence: list[Evidence], year: int | None,
                         table: list[TableForm]) -> list[dict]:
        spec = self.lexicon.families.get(family)
        if spec is None:
            return []
        mine = [e for e in evidence if e.family == family]
        reason = self._family_reason(family, name, mine)
        if spec.kind == "deadline":
            text = self.lexicon.deadline_text(year)
            why = f"{reason}；建议写明完成时限{text}" + ("（按表格年度）" if year else "（不知道年度，请补上年份）")
            return [self.entry(text, "deadline", "≤", None, None, family, mine, why)]
        if spec.kind == "qualitative":
            form = self.lexicon.qualitative_form(name, level2)
            if self.lexicon.stated_in_words(name, level2):
                reason = "名称没有可计数的量"  # the category's rule decided, not the unit model
            why = f"{reason}；{form.why or '无法计数，给出可核查的定性目标'}"
            return [self.entry(form.value, "qualitative", None, None, None, family, mine, why)]
        unit, unit_why = self._unit(family, name, mine)
        op, op_why = self._operator(family, name, level2, mine, table)
        harm = self.lexicon.zero_target(name, family)
        if harm is not None and op != "≥":
            why = f"{reason}；{unit_why}；“{harm.word}”类指标的目标是不发生，写作{format_quantity('=', 0.0, unit)}"
            return [self.entry(format_quantity("=", 0.0, unit), "quantitative", "=", 0.0, unit, family, mine, why)]
        if family == "percent" and unit == "%" and self.lexicon.full_share(name):
            # the law requires all of it (病死畜禽无害化处理率 had taken ≥90% from similar rates: an expert's judgement)
            why = f"{reason}；{unit_why}；法律法规要求全部处理（data/units.json 的 full_shares 注明依据），写作=100%"
            return [self.entry("=100%", "quantitative", "=", 100.0, unit, family, mine, why)]
        same_unit = [e for e in mine if e.unit == unit and e.value is not None]
        # A row without an operator, or with "=", means what its family usually means (100% a rate reached, 5万元 a
        # cost); its value serves only a suggestion of that direction: 群众投诉率 ≤ took ≤90% from satisfaction rates'
        # ≥90% and ≤100% from rates reached, and a complaint rate of at most 100% says nothing.
        usual = spec.operator
        values = [e for e in same_unit if e.direction == op] or [e for e in same_unit if e.direction is None and op in ("=", usual)]
        if self.lexicon.is_change_rate(name):
            # how much something should grow or fall comes only from rates of change (能耗降低率 took ≥90% from
            # completion rates); none among the similar rows: a placeholder below
            same_unit = [e for e in same_unit if self.lexicon.is_change_rate(e.row.level3)]
            values = [e for e in values if self.lexicon.is_change_rate(e.row.level3)]
        level = self.lexicon.local_level(name) if family == "percent" else None
        if level is not None:
            # a share that describes a place (森林覆盖率 took ≥90% from 智慧城市 覆盖率 rows): only rows naming the same
            # thing say what it may be; none among the similar rows: a placeholder below
            same_unit = [e for e in same_unit if level in self.lexicon.clean(e.row.level3)]
            values = [e for e in values if level in self.lexicon.clean(e.row.level3)]
        if len(values) < THIN_VALUE_ROWS and len(same_unit) > len(values):
            # an operator from the table's habit (=) that few similar rows wrote: the value comes from all of them
            # (绿化面积 in a "=" table: =400平方米 from the rows' usual value, not =10900平方米 from one publisher's row)
            values = [e for e in same_unit if op == "=" or e.direction == op or (e.direction in ("=", None) and op == usual)]
        out = []
        written = collections.Counter(f.value for f in table if f.family == family and f.unit == unit and f.direction == op
                                      and f.value is not None and f.level2 == level2)
        if family == "percent" and len(written) == 1 and sum(written.values()) >= 2:
            # A table whose rates of this category all read alike (=100%) has a convention; its own rows say it best.
            value, count = written.most_common(1)[0]
            why = f"{reason}；{op_why}；同一表格中同类指标有{count}条写作{format_quantity(op, value, unit)}"
            out.append(self.entry(format_quantity(op, value, unit), "quantitative", op, value, unit, family, values, why))
            return out
        if not values:
            text = f"{op}{PLACEHOLDER}{unit}"
            none_like = f"没有以“{unit}”计的目标值" if unit else f"没有{spec.label}的目标值"  # 系数 has no unit
            if level is not None:
                none_like = f"没有“{level}”类的数值（这类比例取决于当地现状，其他比例的数值不可借用）"
            why = f"{reason}；{unit_why}；{op_why}；相似历史指标中{none_like}，数值请按计划填写（{PLACEHOLDER}处）"
            out.append(self.entry(text, "quantitative", op, None, unit, family, mine, why, placeholder=True))
            return out
        same = self._same_name(name, values)
        if same:
            # the same indicator's own values (森林覆盖率 ≥65%), not those of loosely similar ones (≥90% of coverage rates)
            values = same
        elif family == "percent":
            # a share worked out for one project (90.91%: a kindergarten subsidy's 10 of 11) is no target for another
            # unless another publisher wrote it too (a helper's trial had 义务教育巩固率 given ≥90.91%)
            by_value = collections.defaultdict(set)
            for e in values:
                by_value[e.value].add(e.row.publisher)
            values = [e for e in values if abs(e.value * 2 - round(e.value * 2)) < 1e-9 or len(by_value[e.value]) > 1]
            if not values:
                text = f"{op}{PLACEHOLDER}{unit}"
                why = f"{reason}；{unit_why}；{op_why}；相似历史指标的数值只是各自项目算出的比例，请按计划填写（{PLACEHOLDER}处）"
                return [self.entry(text, "quantitative", op, None, unit, family, same_unit, why, placeholder=True)]
        if family == "percent" and not same and self.lexicon.head(name) is None:
            # a name that names no share (群众出行条件, 解决老年人就餐难问题) took ≥90% or ≥95% from loosely similar rates:
            # a percentage of nothing (an expert's judgement); what is counted is the writer's to say
            text = f"{op}{PLACEHOLDER}{unit}"
            why = (f"{reason}；名称没有说明按什么比例衡量，相似指标的比例不可借用：请把名称写成可计算的比例"
                   f"（如“…达标率”“…覆盖率”）再填写数值（{PLACEHOLDER}处），或改用可核查的定性目标")
            return [self.entry(text, "quantitative", op, None, unit, family, values, why, placeholder=True)]
        value, how, spread = _pick_value([e.value for e in values])
        if same:
            how = how.replace("同单位相似历史指标", "同名历史指标")
        publishers = {e.row.publisher for e in values}
        floor_of_nothing = op in ("≥", ">") and value == 0  # ≥0 bounds nothing (新增粮食产能 had been given ≥0起)
        # a project's own scale (家庭医生签约服务人数 ≥13人 from rows of 1 to 2,370人; 项目总成本 ≤1125万元 from one
        # publisher's row of the same name): only values that agree, from two publishers or more, say anything
        scales = (getattr(self.lexicon, "scale_families", frozenset()), getattr(self.lexicon, "scale_ratio", 0.0))
        of_scale = family in scales[0]
        scale_of_one = (not same or of_scale) and family != "percent" and len(publishers) < 2  # 高标准农田建设面积 ≥3亩
        low, high = min(e.value for e in values), max(e.value for e in values)
        scattered = (not scale_of_one and of_scale and scales[1] > 0 and high > 0
                     and (low <= 0 or high / low > scales[1]))  # 工程总投资 ≤3万元 from rows of 0 to 1,125万元
        # a rate of harm (安全事故发生率) takes its ceiling only from two publishers or more: one row's ≤10% had been offered
        thin_harm = family == "percent" and op in ("≤", "<") and not same and len(publishers) < 2 and self.lexicon.names_harm(name)
        if floor_of_nothing or scale_of_one or scattered or thin_harm:
            said = ("相似历史指标写作≥0，不构成目标" if floor_of_nothing else
                    f"相似历史指标只来自1个单位（{format_quantity(op, value, unit)}等），其规模与本项目不可比" if scale_of_one else
                    f"事故、投诉等的比率上限只有1个单位写过（{format_quantity(op, value, unit)}），不宜照搬" if thin_harm else
                    f"相似历史指标的数值从{format_number(low)}到{format_number(high)}{unit}不等，取决于各项目的规模")
            why = f"{reason}；{unit_why}；{op_why}；{said}，数值请按计划填写（{PLACEHOLDER}处）"
            return [self.entry(f"{op}{PLACEHOLDER}{unit}", "quantitative", op, None, unit, family, values, why, placeholder=True)]
        if op == "≤" and unit == "%" and value >= 100 and not any(word in name for word in BOUNDED_SHARES):
            # at most 100% bounds no rate (投诉率, 返工率 took it from 预算控制率 ≤100%): the ceiling is the user's to set
            text = f"{op}{PLACEHOLDER}{unit}"
            why = f"{reason}；{unit_why}；{op_why}；相似历史指标写作≤100%，对比例不构成约束，上限请按计划填写（{PLACEHOLDER}处）"
            return [self.entry(text, "quantitative", op, None, unit, family, values, why, placeholder=True)]
        if op in ("≥", ">") and unit == "%" and value == 100 and self.lexicon.capped_share(name):
            # a share that cannot pass 100% is at least 100% only by being it: =100% (13 of the corpus's 18 such rows
            # with an operator write =; a helper's trial had 营养改善计划覆盖率 and 工程验收合格率 given ≥100%)
            op, op_why = "=", "比例不能超过100%，100%写作“=”"
        why = f"{reason}；{unit_why}；{op_why}；{how}{_spread_text(spread, unit)}"
        if len(values) < THIN_VALUE_ROWS or len(publishers) < 2:
            why += f"；数值只来自{len(publishers)}个单位的{len(values)}条相似指标，请按本项目的计划核实"
        out.append(self.entry(format_quantity(op, value, unit), "quantitative", op, value, unit, family, values, why, spread=spread))
        # Other forms similar rows wrote in this family (another value or operator), as alternatives.
        forms = collections.Counter((e.direction, e.value) for e in same_unit if e.direction and (e.direction, e.value) != (op, value))
        # the opposite direction is no alternative (an accident rate of at least 95%)
        capped = unit == "%" and self.lexicon.capped_share(name)
        others = [(form, count) for form, count in forms.most_common()
                  if {op, form[0]} != {"≥", "≤"} and not (op == "≤" and form[0] == "=" and form[1] != 0)  # =100% for a 返工率
                  and not (capped and form[0] in ("≥", ">") and form[1] == 100) and (form[0], form[1]) != (op, value)]
        for (other_op, other_value), count in others[:2]:
            if count < 2:
                break
            rows = [e for e in same_unit if (e.direction, e.value) == (other_op, other_value)]
            why = f"{reason}；另有{count}条相似历史指标写作{format_quantity(other_op, other_value, unit)}"
            out.append(self.entry(format_quantity(other_op, other_value, unit), "quantitative", other_op, other_value, unit, family, rows, why))
        return out

    def entry(self, text: str, kind: str, operator: str | None, value: float | None, unit: str | None, family: str,
              rows: list[Evidence], why: str, placeholder: bool = False, spread: dict | None = None) -> dict:
        """One suggestion in the shape :meth:`suggest` documents; ``rows`` (the evidence behind it) give ``support``
        and up to three ``examples``."""
        rows = sorted(rows, key=lambda e: -e.similarity)
        examples, seen = [], set()
        for e in rows:
            key = (e.row.level3, e.row.target_raw)
            if key in seen:
                continue
            seen.add(key)
            examples.append({"name": e.row.level3, "target": e.row.target_raw or (e.row.measure_unit and f"（计量单位：{e.row.measure_unit}）"),
                             "level2": e.row.level2, "source": e.row.citation, "similarity": round(e.similarity, 4)})
            if len(examples) == 3:
                break
        spec = self.lexicon.families[family]
        return {"text": text, "kind": kind, "operator": operator, "value": value, "unit": unit, "family": family,
                "family_label": spec.label, "placeholder": placeholder, "spread": spread, "support": len(rows),
                "examples": examples, "why": why}

    # ------------------------------------------------------------ parts
    def _family_reason(self, family: str, name: str, mine: list[Evidence]) -> str:
        label = self.lexicon.families[family].label
        stated = self.lexicon.bracket_family(name)
        head = self.lexicon.head(name)
        if stated == family:
            return f"名称注明了计量单位，按{label}计"
        if head is not None and head.value == family:
            return f"名称中心词“{head.word}”表示{label}"
        contained = [c for c in self.lexicon.contained(name) if c.value == family]
        if contained:
            return f"名称含“{contained[0].word}”，按{label}计"
        if mine:
            return f"{len(mine)}条相似历史指标按{label}计"
        return f"按{label}计（单位模型判断）"

    def _same_name(self, name: str, rows: list[Evidence]) -> list[Evidence]:
        """The rows among ``rows`` of the same indicator, by name (brackets, numbers and spacing aside)."""
        own = self.lexicon.clean(name)
        return [e for e in rows if own and self.lexicon.clean(e.row.level3) == own]

    def _unit(self, family: str, name: str, mine: list[Evidence]) -> tuple[str, str]:
        """The unit the same indicator was written in before (火情处置响应时间 ≤30分钟: 分钟, though 响应 asks for 小时);
        else the name's own noun (学校 → 所, 人均 → 元/人); else the similar rows' most weighted unit; else the family's
        default."""
        same = collections.Counter(e.unit for e in self._same_name(name, mine) if e.unit)
        if same:
            unit, count = same.most_common(1)[0]
            return unit, f"{count}条同名历史指标用“{unit}”"
        choice = self.lexicon.unit_choice(name, family)
        if choice:
            return choice.value, f"“{choice.word}”用“{choice.value}”计"
        votes: dict[str, float] = collections.defaultdict(float)
        counts: collections.Counter = collections.Counter()
        total = sum(e.weight for e in mine if e.unit) or 1.0
        for e in mine:
            if e.unit and e.unit not in SCALE_WORDS:  # 万 alone says how many, not in what (高龄津贴 had got =__万)
                votes[e.unit] += e.weight / total
                counts[e.unit] += 1
        default = self.lexicon.default_unit(family)
        if default:
            votes[default] += 0.1
        if not votes:
            return "", "无单位"
        unit = max(votes, key=lambda u: votes[u])
        if family in ("count", "unit_cost") and default and unit != default and len({e.row.publisher for e in mine if e.unit == unit}) < 2:
            # a measure word is the counted noun's: one publisher's 辆 (of vehicles repaired) says nothing of 供水工程, and
            # one kindergarten's rent in 元/平方米 nothing of 失业保险金发放标准
            return default, f"{self.lexicon.families[family].label}默认用“{default}”（相似历史指标的“{unit}”只来自1个单位，计的是别的东西）"
        if counts[unit]:
            return unit, f"{counts[unit]}条相似历史指标用“{unit}”"
        return unit, f"{self.lexicon.families[family].label}默认用“{unit}”"

    def _operator(self, family: str, name: str, level2: str | None, mine: list[Evidence],
                  table: list[TableForm] | None = None) -> tuple[str, str]:
        parts: dict[str, dict[str, float]] = {"model": self.forms.operator_probabilities(name, level2).get(family, {})}
        # One vote per publisher (its own majority, weighted by its most similar row): whether a table writes "=" for
        # planned values is a publisher's habit, and a habit should count once.
        per_publisher: dict[str, dict[str, float]] = collections.defaultdict(lambda: collections.defaultdict(float))
        for e in mine:
            if e.direction:
                per_publisher[e.row.publisher][e.direction] += e.weight
        votes: dict[str, float] = collections.defaultdict(float)
        for directions in per_publisher.values():
            votes[max(directions, key=lambda d: directions[d])] += max(directions.values())
        total = sum(votes.values())
        if total > 0:
            parts["evidence"] = {op: w / total for op, w in votes.items()}
        cue = self.lexicon.operator_cue(name)
        if cue is not None:
            parts["cue"] = {cue.value: 1.0}
        usual = self.lexicon.families[family].operator
        if usual:
            parts["family"] = {usual: 1.0}
        # The table's habit decides between "=" and the direction the name's words give; it does not turn a cost into a ≥.
        # Another family's ≥ or ≤ says only that the table does not write "=" (a satisfaction rate's ≥90% does not make a
        # cost ≥12345.68元), and a harm takes no "=" from it (投诉率 5% is ≤5%, not =5%; a harm's zero is =0 anyway).
        own = cue.value if cue is not None else usual
        harm = self.lexicon.names_harm(name)
        # whether the table writes "=" is the habit; ≥ or ≤ is the name's own meaning, even in its own family's rows (居民健康
        # 素养水平 had become ≤ because 孕产妇死亡率 ≤15/10万 sat in the same category)
        directions = [(own or f.direction) if f.direction in ("≥", "≤") else f.direction for f in table or []]
        # a level kept low (a concentration, a waiting time, a temperature) takes "=" only from rows of its own family:
        # PM2.5年均浓度 had become =__微克/立方米 because a count elsewhere in its table was written =50个
        kept_low = family in self.lexicon.levels_kept_low and not any(f.family == family and f.direction == "=" for f in table or [])
        in_table = collections.Counter(d for d in directions if (cue is None or d in (cue.value, "=")) and not ((harm or kept_low) and d == "="))
        weights = self.operator_weights
        if in_table:
            parts["table"] = {op: n / sum(in_table.values()) for op, n in in_table.items()}
            if not any(f.family == family and f.level2 == level2 for f in table):
                weights = {**weights, "table": weights.get("table", 0.0) / 2}
        scores = _blend(parts, weights)
        op = max(scores, key=lambda o: scores[o]) if scores else (self.lexicon.families[family].operator or "≥")
        written = sum(1 for e in mine if e.direction == op)
        if in_table and op == in_table.most_common(1)[0][0]:
            kind = "同类指标" if any(f.family == family for f in table or []) else "其他指标"  # cross-family forms: say so
            why = f"同一表格中{kind}有{in_table[op]}条用“{op}”"
        elif cue is not None and cue.value == op:
            why = f"“{cue.word}”类指标用“{op}”"
        elif written:
            why = f"{written}条相似历史指标用“{op}”"
        else:
            why = f"{self.lexicon.families[family].label}通常用“{op}”"
        return op, why

    def _warnings(self, indicator: Indicator, given_target: str | None, scores: dict[str, float], year: int | None = None,
                  level2: str | None = None) -> list[str]:
        warnings = []
        if not given_target:
            return warnings
        parsed = parse_target(given_target, indicator.description)
        _, weakness, mismatch = checked_target(indicator.name, parsed, self.lexicon, year)
        if parsed.kind == "empty" and self.lexicon.stated_condition(parsed, level2):
            weakness = QUALITATIVE_WEAKNESS  # 无 for a social cost: kept, as bulk keeps it (not 未填写)
        if weakness and not mismatch:  # a unit that does not fit is said below, against the scores
            warnings.append(f"target {given_target!r}: {weakness}")
        given_family = None if parsed.unit in SCALE_WORDS else self.lexicon.family_of_target(parsed)  # 100万: of what, unsaid
        best = next(iter(scores), None)
        compatible = frozenset((given_family, best)) in self.lexicon.compatible_families  # 30个工作日内 for a 时限
        if (given_family and best and given_family != best and not compatible and scores.get(best, 0) >= 0.5
                and scores.get(given_family, 0) < 0.1):
            # worded as checked_target's head-word check, so that a reviewer reads one kind of sentence for one fault
            warnings.append(f"target {given_target!r}: "
                            + unit_mismatch_warning(self.lexicon.families[given_family].label, self.lexicon.families[best].label))
        return warnings


@dataclass(frozen=True)
class TableForm:
    """How one other row of the same table writes its target: unit family, direction, value, unit, category."""

    family: str
    direction: str
    value: float | None
    unit: str | None
    level2: str | None


def target_category(published: str | None, predicted: str, disagrees: bool | None) -> str:
    """The category a row's suggested target is written for: the published one (canonical level 2) unless the
    classifier confidently disagrees with it (``label_disagrees``), else the prediction. A table's own 时效指标 row
    gets a deadline even when its name alone reads like a count."""
    return published if published and not disagrees else predicted


FLOOR_OF_ZERO = "at least zero bounds nothing"
WRONG_DIRECTION = "a floor (≥) for what the name keeps low"
OVER_A_WHOLE = "a share over 100%"
BEFORE_THE_YEAR = "a deadline before the budget year"
PART_OF_ONE = "a count that is no whole number"
BEYOND_BELIEF = "a figure no project reaches"
ZERO_COST = "a cost of nothing"
CANNOT_BE_MEANT = (FLOOR_OF_ZERO, WRONG_DIRECTION, OVER_A_WHOLE, BEFORE_THE_YEAR, PART_OF_ONE, BEYOND_BELIEF, ZERO_COST)
# The largest figure a project's target can state, in the family's base unit (人, 户, 元, %): more people or households
# than China has (1.41 billion people, about 494 million households: 2020 census), more money than a year's whole
# national general public budget (about 27.5 trillion yuan in 2023: 10万亿 is a safe bound for one project), a level
# share or completion rate above 1,000%. Beyond these the figure is a typing error (a unit or a scale slipped).
_LARGEST = {"people": 1.5e9, "households": 6e8, "money": 1e13, "percent": 1000.0}
_SCALES = (("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2))
_COUNTED = ("people", "households", "times", "count", "person_times")


def checked_target(name: str | None, target: Target, lexicon: UnitLexicon, year: int | None = None) -> tuple[Target, str | None, bool]:
    """``(target as meant, warning or None, whether its unit measures something else than the name)``.

    A one-character unit glued to the words after it is no unit (``≥95生态总体效益增长`` is 95 and words: it lacks a
    unit, ``glued_unit``); a unit of another family than the name's head word (绿化面积 ``95%``) is warned about
    before a missing operator (``UnitLexicon.unit_mismatch``); a checkable qualitative target of an indicator that
    cannot be counted (``UnitLexicon.qualitative_form``: 建立并运行, 是) is no weakness; a floor of zero (``≥0次``) bounds
    nothing, and a floor for a harm the name keeps low (群众投诉次数 ``≥5次``: ``UnitLexicon.names_harm`` with a ≤ cue) is
    the wrong direction; a share over 100% (验收合格率 ``≥150%``: ``UnitLexicon.capped_share``), a deadline in a year
    before the table's ``year`` (``2019年12月底前`` in a 2025 table, copied from an old one) and a count of people or
    things that is no whole number (``≥0.5人``) and a figure no project reaches (``beyond_belief``: 受益人数 ≥20亿人) cannot
    be what was meant; else ``target_weakness``.
    Used by bulk jobs and by single suggestions alike.
    """
    if target.unit in lexicon.word_units and glued_unit(target):
        target = dataclasses.replace(target, unit=None)
    # a scale alone (100万) says how many, not of what: no mismatch (受益人数 100万 is 100万人, not money)
    mismatch = None if target.unit in SCALE_WORDS else lexicon.unit_mismatch(name, target)
    if mismatch:
        return target, unit_mismatch_warning(*(lexicon.families[f].label for f in mismatch)), True
    if (target.kind == "quantitative" and target.unit == "%" and target.value is not None and target.value > 100
            and not is_change(target) and lexicon.capped_share(name)):
        return target, OVER_A_WHOLE, False
    if beyond_belief(target, lexicon):
        return target, BEYOND_BELIEF, False
    if target.kind == "deadline" and year:
        written = [int(y) for y in re.findall(r"(20\d{2})\s*年", target.text or "")]
        if written and max(written) < year:
            return target, BEFORE_THE_YEAR, False
    if (target.kind == "quantitative" and target.value is not None and target.unit and not target.value.is_integer()
            and not target.unit.startswith(SCALE_WORDS) and lexicon.family_of_unit(target.unit) in _COUNTED):
        return target, PART_OF_ONE, False
    if (target.kind == "quantitative" and target.value == 0 and target.operator in ("≤", "<", "=") and target.upper is None
            and lexicon.family_of_unit(target.unit) in ("money", "unit_cost") and not lexicon.names_harm(name)):
        # 项目总成本 ≤0万元: a cost of nothing plans no work (a trial found it kept unwarned)
        return target, ZERO_COST, False
    if (target.kind == "quantitative" and target.value is not None and target.operator in ("≥", ">") and target.upper is None
            and not is_change(target)):  # 投诉量 较上年下降10%: at least a 10% fall, the right way
        if target.value == 0:
            return target, FLOOR_OF_ZERO, False  # 安全事故发生次数 ≥0次: every count is at least zero
        cue = lexicon.operator_cue(name)
        if cue is not None and cue.value == "≤" and (lexicon.names_harm(name) or lexicon.is_cost(cue.word)):
            # 群众投诉次数 ≥5次: a floor for what is kept low; 防火物资购置成本 ≥80万元: a floor for a cost (a trial found it
            # kept unwarned)
            return target, WRONG_DIRECTION, False
    head = lexicon.head(name)
    if (target.kind == "quantitative" and not target.unit and target.upper is None and head is not None
            and head.value in lexicon.families and lexicon.families[head.value].kind == "quantitative"
            and not lexicon.families[head.value].units and not lexicon.families[head.value].default_unit):
        # (a unit cost has no fixed list of units but a unit all the same: 每立方米清淤单价 ≤35 lacks 元/立方米)
        # 农田灌溉水有效利用系数 ≥0.6: a coefficient has no unit
        return target, (None if target.operator else "no operator (≥, ≤, =)"), False
    if target.kind == "qualitative" and not target.vague and lexicon.uncountable(name) and (
            target.text == lexicon.qualitative_form(name).value or not lexicon.asks_yes_no(name)):
        # 资金是否全部纳入医保统筹 是 (a question's answer: only the checkable one), 长效管护机制 建立并运行 or 建立
        return target, None, False
    return target, target_weakness(target), False


def beyond_belief(target: Target, lexicon: UnitLexicon) -> bool:
    """Whether a quantity exceeds what any project can state (``_LARGEST``: 受益人数 ≥20亿人, 项目资金 ≥999999亿元, 完成率
    ≥100000%): its value times the unit's scale (万, 亿, 千…) in the family's base unit. A change against a base is not
    checked (its figure is a difference)."""
    if target.kind != "quantitative" or target.value is None or not target.unit or is_change(target):
        return False
    family = lexicon.family_of_unit(target.unit)
    if family not in _LARGEST:
        return False
    scale = next((factor for word, factor in _SCALES if target.unit.startswith(word)), 1.0)
    return max(abs(target.value), abs(target.upper or 0.0)) * scale > _LARGEST[family]


def completed_checked(name: str | None, target: Target, weakness: str | None, suggestion: dict | None, lexicon: UnitLexicon,
                      year: int | None = None) -> tuple[str | None, str | None]:
    """``(completed text or None, weakness)``: ``completed`` for a target whose only fault is its form (no operator,
    unit or value), checked again once completed; none for a target that cannot be meant (``CANNOT_BE_MEANT``:
    森林覆盖率 ``100000%`` had been kept as ``≥100000%``, and ``1e5`` completed to it without a word). Bulk jobs and
    single suggestions alike. A share written over 100% with a floor or none (验收合格率 ``≥150%``) becomes
    ``=100%``: all of it was meant, and no share passes it."""
    if weakness == OVER_A_WHOLE and direction(target.operator) != "≤":
        return "=100%", weakness  # 工程验收合格率 ≥150%: the writer meant all of it, and a share is at most all (a trial)
    if weakness in CANNOT_BE_MEANT:
        return None, weakness
    text = completed(target, suggestion, lexicon.capped_share(name))
    if text is None or PLACEHOLDER in text:
        return text, weakness
    again = checked_target(name, parse_target(text), lexicon, year)[1]
    return (None, again) if again in CANNOT_BE_MEANT else (text, weakness)


def completed(target: Target, suggestion: dict | None, capped: bool = False) -> str | None:
    """The given target with only what it lacks taken from ``suggestion``: the operator (``100%`` → ``≥100%``), the
    unit (``=0`` → ``=0%``) or both (``100`` → ``≥100人``), so a writer's own value is never replaced by another; None
    when that does not apply. A fraction given for a share becomes a percentage (``0.95`` → ``≥95%``), unless the
    share is bounded above (``事故率 0.5`` stays ``≤0.5%``); a zero bounded above is written ``=0``.

    A target that states a value is the unit's plan: the guideline asks for the form to be complete, not for another
    number (a suggestion of ``≥90%`` for ``工程验收合格率 100%`` would lower it). ``capped``: the name is a share that
    cannot pass 100% (``UnitLexicon.capped_share``), so its ``100%`` is ``=100%``, not ``≥100%``.
    """
    if suggestion is not None and target.note == NO_VALUE and suggestion.get("kind") == "quantitative":
        # ≥ and 元/生 written, the figure left out: the writer's operator and unit stay, only the value is to be filled
        # (生均公用经费标准 had been given ≤__万元); the suggestion's value only when it is in the writer's unit
        operator, unit = target.operator or suggestion.get("operator"), target.unit or suggestion.get("unit") or ""
        value = suggestion.get("value") if suggestion.get("unit") == unit and direction(suggestion.get("operator")) == direction(operator) else None
        return format_quantity(operator, value, unit) if value is not None else f"{operator}{PLACEHOLDER}{unit}"
    if suggestion is None or target.kind != "quantitative" or target.value is None:
        return None
    if (suggestion.get("kind") == "deadline" and target.unit and target.unit.endswith(("天", "日", "小时", "分钟", "月", "周"))
            and not target.operator and target.upper is None):
        # a time limit given as a duration (体检结果反馈时限 15个工作日): within it, ≤15个工作日 (it had been replaced
        # by the deadline 12月31日前)
        return parse_target(format_quantity("≤", target.value, target.unit)).text
    if suggestion.get("kind") != "quantitative":
        return None
    operator = suggestion.get("operator")
    if operator in ("≤", "<") and target.value == 0:
        operator = "="  # 安全事故发生率 0 → =0%: nothing is below zero, and the tables write it so
    if operator in ("≥", ">") and target.value == 0 and not target.operator:
        operator = "="  # 因贫失学幼儿人数 0人: none at all, =0人 (≥0人 bounds nothing)
    if (capped and operator in ("≥", ">") and not target.operator and target.value == 100
            and (target.unit or suggestion.get("unit")) == "%"):
        operator = "="  # 工程验收合格率 100% → =100% (it had become ≥100%, more than a share can be)
    if operator == "=" and suggestion.get("value") == 0 and target.value > 0:
        operator = "≤"  # a harm suggested as =0 and given as 1: at most 1 (=1次 would plan an accident)
    if target.upper is not None:  # a range: the bound of the suggestion's direction (3-5万人 → ≥3万人, 10-15万元 → ≤15万元)
        bound = target.upper if direction(operator) == "≤" else target.value
        unit = target.unit or suggestion.get("unit")
        return parse_target(format_quantity(operator, bound, unit)).text if operator and unit else None
    suggested_unit = suggestion.get("unit") or ""
    if target.unit in SCALE_WORDS and suggested_unit not in ("", "%", "‰", target.unit) and (target.operator or operator):
        # 资金 100万 → ≤100万元, 培训人数 3万 → ≥3万人: 万 was the scale, the suggestion says of what
        # 万元 for 100万, 亿元 for 5亿 (not 亿万元), 万人 for 100万 of people
        unit = suggested_unit if suggested_unit.startswith(target.unit) else target.unit + suggested_unit.lstrip("".join(SCALE_WORDS))
        return parse_target(format_quantity(target.operator or operator, target.value, unit)).text
    if not target.operator and target.unit and target.unit not in SCALE_WORDS and operator:
        unit = target.unit
        if "/" in suggested_unit and "/" not in unit and suggested_unit.split("/", 1)[0] == unit:
            unit = suggested_unit  # 人均生活补助经费 89元 → =89元/人: the money is per head, as the name says
        return parse_target(format_quantity(operator, target.value, unit)).text
    unit, value = suggestion.get("unit"), target.value
    if unit == "%" and 0 < value < 1 and direction(target.operator or operator) != "≤":
        value = round(value * 100, 6)  # 资金拨付率 0.95 → ≥95%: a share written as a fraction (not so for a small ≤ rate)
    if target.operator and not target.unit and unit:
        return parse_target(format_quantity(target.operator, value, unit)).text
    if not target.operator and not target.unit and operator and unit:
        return parse_target(format_quantity(operator, value, unit)).text  # 100 → ≥100人
    if not target.operator and not target.unit and operator and unit == "":  # a family without units: 系数 0.6 → ≥0.6
        return parse_target(format_quantity(operator, value, None)).text
    return None


# Shares whose ceiling of 100% is a real target (预算控制率 ≤100%: spending no more than the budget)
BOUNDED_SHARES = ("控制", "执行", "预算", "支出", "完成")


class TableForms(list):
    """A table's forms (a list of :class:`TableForm`) that remembers :func:`_siblings` per (family, category).

    A bulk job asks once per weak row, and a legacy export can be one table of thousands of rows: without it each
    ask scanned (and copied) the whole table, 21% of classifying a 3,000-row single-table file (profiled).
    Do not change the list once it is asked about.
    """

    def siblings(self, family: str, level2: str | None) -> list[TableForm]:
        cache = self.__dict__.setdefault("_siblings", {})
        key = (family, level2)
        if key not in cache:
            cache[key] = _siblings(self, family, level2)
        return cache[key]


def table_forms(rows: list[tuple], lexicon: UnitLexicon) -> TableForms:
    """The forms of a table's measurable quantities with an operator; ``rows`` are ``(Target, level2)`` pairs."""
    out = TableForms()
    for target, level2 in rows:
        family = lexicon.family_of_target(target)
        written = direction(target.operator) if target is not None and target.kind == "quantitative" else None
        if target is not None and ":" in target.text:
            continue  # a ratio (1:1) reads as "=" without anyone writing one
        if family and written:
            out.append(TableForm(family, written, target.value, target.unit, level2))
    return out


def _siblings(table: list[TableForm], family: str, level2: str | None) -> list[TableForm]:
    """The table's forms of one family (only those of the same category when it has any).

    A table with none in this family still shows whether it writes ``=`` or ``≥``
    for what it plans: its other families' forms are returned, marked with family
    ``""``. Forms of another category never include a ``≤`` (costs and such have
    their own direction) or a satisfaction rate (its own convention), and a
    satisfaction rate takes forms only from its own category.
    """
    same_family = [f for f in table if f.family == family]
    same_category = [f for f in same_family if level2 and f.level2 == level2]
    if same_category:
        return same_category
    if level2 == SATISFACTION:
        return []  # satisfaction rates keep their own convention (≥90%) in tables that write =100% for what they plan
    # other categories' forms show the habit, but not satisfaction's (its own convention) nor a cost's ≤ (its own direction:
    # 预算控制率 ≤100% says nothing about how the table writes 完好率)
    habit = [f for f in table if f.level2 != SATISFACTION and f.direction != "≤"]
    same_family = [f for f in habit if f.family == family]
    return same_family or [TableForm("", f.direction, None, None, f.level2) for f in habit]


def _blend(parts: dict[str, dict[str, float]], weights: dict[str, float]) -> dict[str, float]:
    """Weighted sum of probability-like dicts; the weights of the parts present are renormalized to sum to 1."""
    present = {name: weights.get(name, 0.0) for name in parts if weights.get(name, 0.0) > 0}
    total = sum(present.values()) or 1.0
    scores: dict[str, float] = collections.defaultdict(float)
    for name, weight in present.items():
        for key, value in parts[name].items():
            scores[key] += weight / total * value
    return dict(scores)


def _pick_value(values: list[float]) -> tuple[float, str, dict]:
    """The most common value when it repeats (at least twice and a third of the rows), else the lower median (an observed value)."""
    counts = collections.Counter(values)
    value, count = counts.most_common(1)[0]
    spread = {"n": len(values), "min": min(values), "median": float(statistics.median(values)), "max": max(values)}
    if count >= 2 and count * 3 >= len(values):
        return value, f"取{len(values)}条同单位相似历史指标中最常见的值（{count}条）", spread
    low = float(statistics.median_low(values))
    if low != spread["median"]:  # an even count: the lower of the two middle values, a value someone actually wrote
        return low, f"取{len(values)}条同单位相似历史指标的中位数（条数为偶数，取中间两个值中较小的一个）", spread
    return low, f"取{len(values)}条同单位相似历史指标的中位数", spread


def _spread_text(spread: dict, unit: str) -> str:
    if spread["n"] < 2 or spread["min"] == spread["max"]:
        return ""
    low, high = format_quantity(None, spread["min"], None), format_quantity(None, spread["max"], None)
    return f"，范围{low}–{high}{unit}"
