"""Indicators for a project: from the most similar historical projects and from the indicator libraries of its sector.

``ProjectIndex`` holds one vector per distinct historical project name (table
rows) and per library sector (``IndicatorRow.sector``: 会议培训类, 购置类项目 …),
with the reference rows behind each. ``IndicatorSuggester`` scores every
indicator of the similar projects and sectors by how similar its project (or
sector) is to the asked one, counts a name used by several of them more, and
picks ``k`` in all so that the table covers 数量/质量/时效/成本/效益/满意度, each
with a suggested target (``TargetSuggester``).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from training.domain.records import Indicator, IndicatorRow
from training.domain.targets import parse_target, target_weakness
from training.domain.taxonomy import Taxonomy
from training.domain.templates import ProjectTemplates, Template, load_templates
from training.model.forms import direction
from training.model.reference import ReferenceIndex
from training.model.suggest import PLACEHOLDER, Evidence, TargetSuggester

SUB_ITEM_PREFIXES = ("其中", "含")

REQUIRED_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("数量指标", ("数量指标",)),
    ("质量指标", ("质量指标",)),
    ("时效指标", ("时效指标",)),
    ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标")),
    ("效益指标", ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
]
# A historical project counts as close when its name's similarity is this far from the 95th percentile of random
# indicator pairs towards 1 (e5-small: about 0.93; 乡村道路建设养护 vs 高标准农田建设 is 0.91, 义务教育公用经费 vs
# 小学教育公用经费 0.96).
CLOSE_PROJECT = 0.35
GROUP_OF = {member: group for group, members in REQUIRED_GROUPS for member in members}


@dataclass
class ProjectIndex:
    """Historical projects and library sectors: ``names`` (n,), ``kinds`` (``project``/``sector``), ``vectors`` (n, dim), ``rows`` (n lists of reference indices)."""

    names: list[str]
    kinds: list[str]
    vectors: np.ndarray
    rows: list[list[int]]
    citations: list[str] = field(default_factory=list)
    reviewed: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, references: ReferenceIndex, encoder, judgements: dict | None = None) -> ProjectIndex:
        """One entry per distinct (project name) of table rows and per library sector; their names are encoded once.

        ``judgements`` (``training.domain.judgements.load_hard_cases``): a reference row whose published category
        the expert found unacceptable is suggested under the expert's (``reviewed``, by reference index), not under
        the publisher's mistake (粮食安全事件发生数 as a 满意度 indicator)."""
        members: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
        for j, row in enumerate(references.records or []):
            if row.origin == "library" and row.sector_name:
                members[("sector", row.sector_name)].append(j)
            elif row.origin != "library" and row.project:
                members[("project", row.project)].append(j)
        keys = sorted(members)
        names = [name for _, name in keys]
        vectors = encoder.encode([project_query(n) for n in names], "query") if names else np.zeros((0, references.vectors.shape[1]), dtype=np.float32)
        citations = []
        for key in keys:
            first: IndicatorRow = references.records[members[key][0]]
            citations.append(first.citation)
        reviewed = {}
        if judgements:
            from training.model.dataset import reviewed_label

            for j, row in enumerate(references.records or []):
                label = reviewed_label(row, judgements)
                if label != row.level2:
                    reviewed[j] = label
        return cls(names, [kind for kind, _ in keys], np.asarray(vectors, dtype=np.float32), [members[k] for k in keys], citations,
                   reviewed)

    def level2_of(self, index: int, row: IndicatorRow) -> str | None:
        """The category reference row ``index`` is suggested under: the expert's where the publisher's was judged wrong."""
        return getattr(self, "reviewed", {}).get(index, row.level2)  # bundles from before ``reviewed`` have none

    def __len__(self) -> int:
        return len(self.names)


class IndicatorSuggester:
    """Indicators for a project, ``k`` in all, covering the six groups a target table needs; see the module docstring.

    ``n_projects``: how many similar projects are read; ``margin``: a project
    (or sector) within this similarity of the best one still counts;
    ``name_weight``: the weight of an indicator name's own closeness to the project;
    ``project_floor`` / ``name_floor``: the background percentile (``p50``, ``p90``, ``p95`` of random reference
    pairs, ``suggest.background``) above which a project's or a name's similarity starts to count;
    ``composed``: when indicators composed from the project's own name (``training.domain.templates``) take up to half
    of each group's places (as many as the group has templates: one or two): ``loose`` (when no historical project is
    close, the default), ``always`` or ``never``;
    ``templates``: the ``ProjectTemplates`` (default ``data/project_templates.json``);
    ``sectors``: whether a project whose name holds a sector's cue (公路, 救助, 森林防火; ``sectors`` in that file) gets
    the sector's common indicators first, up to half of each group's places, unless a close historical project has at
    least ``k`` indicators of its own; historical indicators beside them must then share a word with the project's name
    or come from a close project, and places left go to the sector's further indicators, then to the project's object
    with a measure, and only then to unrelated ones.
    """

    def __init__(self, references: ReferenceIndex, taxonomy: Taxonomy, targets: TargetSuggester, projects: ProjectIndex | None = None,
                 n_projects: int = 8, margin: float = 0.04, name_weight: float = 3.0, project_floor: str = "p50",
                 name_floor: str = "p50", sector_weight: float = 0.8, composed: str = "loose",
                 templates: ProjectTemplates | None = None, sectors: bool = True) -> None:
        self.references = references
        self.taxonomy = taxonomy
        self.targets = targets
        self.projects = projects
        self.n_projects = n_projects
        self.margin = margin
        self.name_weight = name_weight
        self.project_floor = project_floor
        self.name_floor = name_floor
        self.sector_weight = sector_weight
        self.composed = composed
        self.templates = templates
        self.sectors = sectors

    def suggest(self, project: str, vector: np.ndarray, k: int = 12, year: int | None = None,
                encode: Callable[[list[str]], np.ndarray] | None = None) -> dict:
        """``{"project", "groups": [{"group", "indicators": [...]}], "similar_projects": [...], "sectors": [...], "sector",
        "warnings": [...]}``; ``sector`` names the common sector whose indicators lead each group (None when none did: a
        trial could tell it only from the indicators' ``source``).

        ``warnings`` says when no historical project is close (``CLOSE_PROJECT``): then the indicators are a loose fit;
        ``sectors`` lists only the indicator libraries' sectors that are close (培训类项目 had been listed for 农村公路养护).

        Each indicator: ``name``, ``level1``/``level2`` (2021 view),
        ``suggested_target`` (text) with ``target`` (the full suggestion),
        ``support`` (similar projects or sectors using the name), ``from_project``,
        ``source`` (publisher, year, project, or the library), ``why`` (Chinese); a composed indicator has
        ``composed: true``, ``support`` 0 and no ``from_project``.
        ``encode`` (names → their query vectors, ``(n, dim)``) is needed for composed indicators' targets; without it
        none are composed. Raises ``ValueError`` when the project index is missing.
        """
        if self.projects is None:
            raise ValueError("no project index: build one with ProjectIndex.build(references, encoder)")
        vector = np.asarray(vector, dtype=np.float32)
        sims = self.projects.vectors @ vector if len(self.projects) else np.zeros(0)
        chosen = self._similar(sims, "project") + self._similar(sims, "sector")
        projects = [i for i in chosen if self.projects.kinds[i] == "project"]
        close = self.targets.background["p95"] + CLOSE_PROJECT * (1.0 - self.targets.background["p95"])
        loose = not projects or sims[projects[0]] < close
        share = max(1, k // len(REQUIRED_GROUPS))
        composed, spare = [], []
        templates = self.templates or load_templates()
        match = templates.sector_of(project) if self.sectors else None
        # the closest project is of another sector than this one (科协's 设备购置 for 消防救援装备购置), or of none
        other_sector = match is not None and not loose and (
            templates.sector_of(self.projects.names[projects[0]]) or (None,))[0] != match[0]
        if encode is not None and self.composed != "never":
            generic = self.composed == "always" or loose
            half = (share + 1) // 2
            # a close historical project with a whole table of its own (科普活动专项经费, 47 rows) says more than the
            # sector's common indicators, unless it is not of the project's sector (a trial: 消防救援装备购置 had got
            # the whole of a 科协's 设备购置 table, 科技工作者满意度 and 提升公民科学素质); one with three rows
            # (乡村道路建设养护项目 for 农村公路养护) does not
            sector = self.sectors and (loose or other_sector or len(self.projects.rows[projects[0]]) < k)
            composed = templates.compose(project, per_group=half if generic else 0, sector_per_group=half if sector else 0)[:k]
            # the sector's further indicators, for places no related historical indicator takes
            spare = [item for item in templates.compose(project, per_group=0, sector_per_group=share if sector else 0)
                     if item not in composed]
        reserved = collections.Counter(template.group for template, _ in composed)
        candidates = self._candidates(chosen, sims, vector)
        # A historical indicator must be about the project: from a close project, or sharing pairs of characters with
        # its name that span four characters, once the words every project uses are cut out (农村实用人才培养 had filled
        # a 农村公路养护 table, 发布国家标准 a 高标准农田建设 one by 标准 alone, 数字化培训包 古籍数字化保护修复 by 数字化:
        # the encoder finds short names alike that share one word). Places left go to the sector's further indicators,
        # then to the project's object with a measure; an unrelated indicator is never a filler, so fewer than k may
        # come back, with a warning.
        words = templates.content_bigrams(project)
        sector_names = {name for _, name in composed + spare}
        # a project of another sector (or of none) is no evidence for this one: its rows must share words as any other
        vouching = [i for i in range(len(sims)) if sims[i] >= close and not (
            other_sector and self.projects.kinds[i] == "project"
            and (templates.sector_of(self.projects.names[i]) or (None,))[0] != match[0])]
        vouching = set(vouching)

        def related(c: dict) -> bool:
            shared = words & templates.content_bigrams(c["name"])
            return any(i in vouching for i in c["from"]) or len(set("".join(shared))) >= 4

        candidates = [c for c in candidates if c["name"] not in sector_names and related(c)]
        picked = self._allocate(candidates, k - len(composed), reserved)
        composed += spare[: max(0, k - len(composed) - len(picked))]
        if encode is not None and self.composed != "never":
            names = {name for _, name in composed} | {c["name"] for c in picked}
            # not a measure a sector's indicator of the group already names (工程总成本: not also 河道清淤整治总成本), nor
            # a head count or an amount a sector's indicator of any group counts (老年人助餐服务受益人数 beside 服务老年人人数:
            # an expert's judgement found such pairs repeated)
            said = {(template.group, name[-2:]) for template, name in composed if template.sector}
            lexicon = self.targets.lexicon
            counted = {cue.value for template, name in composed if template.sector and (cue := lexicon.head(name))} - {"percent"}
            # nor any group a sector's indicator already covers: X任务完成率, X完成及时率 beside a sector's own count and
            # deadline were filler (an expert's judgement: in all 14 projects, duplicating 完成时间)
            covered = {template.group for template, _ in composed + spare if template.sector}
            own = [item for item in templates.compose(project, per_group=share)
                   if item[1] not in names and (item[0].group, item[0].suffix[-2:]) not in said
                   and item[0].group not in covered
                   and not ((cue := lexicon.head(item[0].suffix)) and cue.value in counted)]
            composed += own[: max(0, k - len(composed) - len(picked))]
        made = self._composed(composed, encode, year) if composed else {}
        groups = []
        for group, _ in REQUIRED_GROUPS:
            indicators = made.get(group, []) + [self._indicator(c, year) for c in picked if c["group"] == group]
            groups.append({"group": group, "indicators": indicators})
        similar = [{"project": self.projects.names[i], "kind": self.projects.kinds[i], "source": self.projects.citations[i],
                    "similarity": round(float(sims[i]), 4)} for i in chosen]
        warnings = []
        found = len(composed) + len(picked)
        if found < k:
            warnings.append(f"only {found} indicators relate to this project (from close projects, its sector or its own "
                            f"name), not {k}: the rest of the table is the unit's to write")
        if loose and found:  # with none to show, "the indicators come from…" would speak of nothing
            best = f" (the closest, {self.projects.names[projects[0]]}, at {sims[projects[0]]:.2f})" if projects else ""
            sector = next((template.sector for template, _ in composed if template.sector), None)
            what = (f"; the common indicators of its sector ({sector}) come first in each group" if sector else
                    "; indicators composed from the project's own name come first in each group" if composed else "")
            warnings.append(f"no historical project is close to this one{best}: the indicators come from projects and "
                            f"libraries only loosely related; check that each fits{what}")
        used = next((template.sector for template, _ in composed if template.sector), None)
        return {"project": project, "groups": groups, "similar_projects": [s for s in similar if s["kind"] == "project"],
                "sectors": [s for s in similar if s["kind"] == "sector" and s["similarity"] >= close],
                "sector": used, "warnings": warnings}

    def _similar(self, sims: np.ndarray, kind: str) -> list[int]:
        positions = [i for i, k in enumerate(self.projects.kinds) if k == kind]
        if not positions:
            return []
        order = sorted(positions, key=lambda i: -sims[i])
        best = sims[order[0]]
        limit = self.n_projects if kind == "project" else 2
        return [i for i in order[:limit] if sims[i] >= best - self.margin]

    def _candidates(self, chosen: list[int], sims: np.ndarray, vector: np.ndarray) -> list[dict]:
        """Every indicator of the chosen projects and sectors, and every indicator whose own name is close to the project's words.

        Score: the summed weights of the chosen projects/sectors that use the
        name (similarity above the background median, scaled to 0–1; sectors
        count 0.8) plus ``name_weight`` times how close the name itself is to
        the asked project (above the background's median, scaled to 0–1).
        """
        name_sims = self.references.similarities(vector[None, :])[0]
        start = self.targets.background[self.project_floor]
        by_name: dict[str, dict] = {}

        def entry(j: int, group: str) -> dict:
            row: IndicatorRow = self.references.records[j]
            return by_name.setdefault(row.level3, {"name": row.level3, "group": group, "index": j, "row": row, "score": 0.0, "from": set(),
                                                   "name_score": 0.0})

        for i in chosen:
            weight = max(float(sims[i]) - start, 1e-3) / max(1.0 - start, 1e-6) * (self.sector_weight if self.projects.kinds[i] == "sector" else 1.0)
            for j in self.projects.rows[i]:
                group = GROUP_OF.get(self.projects.level2_of(j, self.references.records[j]) or "")
                if group is None or not _suggestable(self.references.records[j]):
                    continue
                item = entry(j, group)
                if i not in item["from"]:
                    item["from"].add(i)
                    item["score"] += weight
        floor = self.targets.background[self.name_floor]
        for j in np.flatnonzero(name_sims >= floor):
            row = self.references.records[j]
            group = GROUP_OF.get(self.projects.level2_of(int(j), row) or "")
            if group is None or not _suggestable(row):
                continue
            item = entry(int(j), group)
            item["name_score"] = max(item["name_score"], (float(name_sims[j]) - floor) / max(1.0 - floor, 1e-6))
        for item in by_name.values():
            item["score"] += self.name_weight * item["name_score"]
        # A group none of them has: the historical indicators of that group closest to the project's name, ranked last.
        present = {e["group"] for e in by_name.values()}
        for group, members in REQUIRED_GROUPS:
            if group in present:
                continue
            rows = [j for j, row in enumerate(self.references.records) if self.projects.level2_of(j, row) in members and _suggestable(row)]
            for j in sorted(rows, key=lambda j: -name_sims[j])[:3]:
                item = entry(j, group)
                item["score"] = max(item["score"], 1e-6 * float(name_sims[j]))
        return sorted(by_name.values(), key=lambda e: -e["score"])

    def _composed(self, composed: list, encode: Callable[[list[str]], np.ndarray], year: int | None) -> dict[str, list[dict]]:
        """The indicators for ``composed`` (``[(Template, name)]``), each with its suggested target, by group."""
        # only names whose target the suggester writes are encoded: a sector's indicator with its form in the file needs no
        # vector (encoding all of them had doubled a project suggestion's time)
        # a name composed from the project's object takes the target of its measure alone (任务完成率, 工作达标率): the
        # whole name's neighbours had given each project another figure for the same measure (a trial: ≥100%, ≥95%,
        # =100%, ≥98% for 任务完成率 and 工作达标率 across five projects)
        asked = {name: (name if template.sector is not None else template.suffix) for template, name in composed}
        needed = sorted({asked[name] for template, name in composed if template.sector is None or template.target is None})
        encoded = dict(zip(needed, np.asarray(encode(needed), dtype=np.float32), strict=True)) if needed else {}
        out: dict[str, list[dict]] = collections.defaultdict(list)
        for template, name in composed:
            vector = encoded.get(asked[name])
            level1, level2 = self.taxonomy.view(template.level2, "2021")
            if template.sector is not None:
                out[template.group].append({
                    "name": name, "level1": level1, "level2": level2, **self._sector_target(template, name, vector, year),
                    "support": 0, "from_project": None, "source": f"行业常用指标（{template.sector}）", "composed": True,
                    "why": f"项目属于“{template.sector}”类：这类项目的绩效目标表常用的指标，请按项目实际修改"})
                continue
            answer = self.targets.suggest(Indicator(template.suffix), vector, template.level2, k=1, year=year)
            target = answer["suggestions"][0] if answer["suggestions"] else None
            if target and target["kind"] == "quantitative" and target["family"] != "percent" and target["value"] is not None:
                # a cost or a head count is this project's own scale, not that of the rows the unit came from
                target = {**target, "text": f"{target['operator'] or ''}{PLACEHOLDER}{target['unit'] or ''}", "value": None,
                          "placeholder": True, "spread": None,
                          "why": f"{target['why']}；这是按项目名称组成的指标，数值取决于本项目的规模，请按计划填写（{PLACEHOLDER}处）"}
            out[template.group].append({
                "name": name, "level1": level1, "level2": level2, "suggested_target": target["text"] if target else None,
                "target": target, "support": 0, "from_project": None, "source": "按项目名称组成", "composed": True,
                "why": f"没有相近的历史项目：以本项目名称加常用的“{template.suffix}”组成，请按项目实际修改"})
        return out

    def _sector_target(self, template: Template, name: str, vector: np.ndarray | None, year: int | None) -> dict:
        """``{"suggested_target", "target"}`` of a sector's indicator: the form the file gives (``≥__公里``, ``≤0.9‰``,
        ``=0次``), or the target suggester's when it gives none (a deadline with the table's year)."""
        if template.target is None:
            answer = self.targets.suggest(Indicator(name), vector, template.level2, k=1, year=year)
            target = answer["suggestions"][0] if answer["suggestions"] else None
            return {"suggested_target": target["text"] if target else None, "target": target}
        placeholder = PLACEHOLDER in template.target
        parsed = parse_target(template.target.replace(PLACEHOLDER, "1"))
        lexicon = self.targets.lexicon
        family = lexicon.family_of_target(parsed) or ("qualitative" if parsed.kind == "qualitative" else None)
        why = (f"“{template.sector}”类项目的常用写法；数值取决于本项目的计划，请填写（{PLACEHOLDER}处）" if placeholder
               else f"“{template.sector}”类项目的常用写法（data/project_templates.json 注明其依据），请按本项目的计划核实")
        target = self.targets.entry(template.target, parsed.kind, parsed.operator, None if placeholder else parsed.value, parsed.unit,
                                    family or "", [], why, placeholder=placeholder)
        return {"suggested_target": template.target, "target": target}

    def _allocate(self, candidates: list[dict], k: int, reserved: collections.Counter | None = None) -> list[dict]:
        """The best ``k // 6`` of every group first (so the table covers all six), then the best remaining; near-duplicates skipped.

        ``reserved``: places per group already taken (by composed indicators), subtracted from the group's share;
        ``k`` is then what is left in all."""
        reserved = reserved or collections.Counter()
        picked: list[dict] = []
        vectors: list[np.ndarray] = []
        duplicate = self.targets.background["p95"] + (1.0 - self.targets.background["p95"]) * 0.5

        def add(entry: dict) -> bool:
            vector = self.references.vectors[entry["index"]]
            if any(float(vector @ v) >= duplicate for v in vectors):
                return False
            picked.append(entry)
            vectors.append(vector)
            return True

        share = max(1, (k + sum(reserved.values())) // len(REQUIRED_GROUPS))
        for group, _ in REQUIRED_GROUPS:
            taken = reserved[group]
            for entry in candidates:
                if taken >= share:
                    break
                if entry["group"] == group and add(entry):
                    taken += 1
        for entry in candidates:
            if len(picked) >= k:
                break
            if entry not in picked:
                add(entry)
        order = {group: n for n, (group, _) in enumerate(REQUIRED_GROUPS)}
        return sorted(picked[:k], key=lambda e: (order[e["group"]], -e["score"]))

    def _indicator(self, entry: dict, year: int | None) -> dict:
        row: IndicatorRow = entry["row"]
        category = self.projects.level2_of(entry["index"], row)
        level1, level2 = self.taxonomy.view(category, "2021")
        answer = self.targets.suggest(Indicator(row.level3), self.references.vectors[entry["index"]], category, k=1, year=year)
        target = answer["suggestions"][0] if answer["suggestions"] else None
        own = self.targets.lexicon.family_of_target(row.target) if target_weakness(row.target) is None else None
        if target is not None and own is not None and own != target["family"]:
            # the historical row measured it otherwise (设施农业种植人员 as a cost: ≤1000元/人, not ≥300人): keep its form
            itself = Evidence(entry["index"], row, 1.0, 1.0, own, row.target.unit, direction(row.target.operator), row.target.value)
            lexicon = self.targets.lexicon
            if own in getattr(lexicon, "scale_families", ()) and row.target.value is not None:
                # another project's head count or amount is no plan for this one (学生受资助人数 had come as ≥735人次)
                text = f"{row.target.operator or lexicon.families[own].operator or '≥'}{PLACEHOLDER}{row.target.unit or ''}"
                target = self.targets.entry(text, "quantitative", row.target.operator, None, row.target.unit, own, [itself],
                                            f"来源指标（{row.citation}）按“{row.target.unit}”计；数值取决于本项目的规模，请按计划填写"
                                            f"（{PLACEHOLDER}处）", placeholder=True)
            else:
                target = self.targets.entry(row.target.text, row.target.kind, row.target.operator, row.target.value, row.target.unit,
                                            own, [itself], f"来源指标自己的指标值（{row.citation}），按本项目的计划调整数值")
        sources = [self.projects.citations[i] for i in sorted(entry["from"])]
        if not entry["from"]:
            why = f"与项目名称相近的历史指标（{row.citation}）"
        elif row.origin == "library":
            why = f"指标库“{row.sector_name}”的指标"
        else:
            why = f"{len(entry['from'])}个相似项目使用（{sources[0]}）"
        return {"name": row.level3, "level1": level1, "level2": level2, "suggested_target": target["text"] if target else None,
                "target": target, "support": len(entry["from"]), "from_project": row.project or row.sector_name, "source": row.citation,
                "why": why}


_YEARS = re.compile(r"\d{4}(?:\s*[-－—~～至]\s*\d{4})?\s*年度?")


def project_query(project: str, goal: str | None = None, templates: ProjectTemplates | None = None) -> str:
    """The text a project is compared by: what it works on (``ProjectTemplates.project_object``: no years, places,
    brackets or fund words; else the name without years), then ``：`` and the first 200 characters of its goal.

    A year, a county or fund words had made unrelated projects close: 2025年高标准农田建设项目 to
    同心县2025年设施农业技术培训项目, 同心县2025年农村生活污水治理项目 to the same, 禁毒专项经费 to 科技专项经费."""
    found = (templates or load_templates()).project_object(project or "")
    name = found or _YEARS.sub("", project or "").strip() or (project or "")
    return name if not goal else f"{name}：{goal[:200]}"


_SENTENCE = re.compile(r"[。；;！!？?]|[,，、].*[,，、]")
MAX_SUGGESTED_NAME = 40

TEMPLATE_MARKS = ("**", "＊＊", "（如：", "(如：", "(如:", "（如:", "××", "XX")


def _suggestable(row: IndicatorRow) -> bool:
    """A historical row whose name can be suggested on its own: not empty, not a sub-item of the row above it
    (``其中大棚蔬菜``, ``含…``), which means nothing out of its table, no template left unfilled
    (``推动**产业发展（如：…）``, ``项目获得**奖励``), and no sentence (``2020年全年。``, ``严控成本,严格按照项目资金落实各项
    工作,不扩大,不增债``: a sentence's punctuation, two commas, or more than ``MAX_SUGGESTED_NAME`` characters)."""
    return (bool(row.level3) and not row.level3.startswith(SUB_ITEM_PREFIXES)
            and not any(mark in row.level3 for mark in TEMPLATE_MARKS)
            and not _SENTENCE.search(row.level3) and len(row.level3) <= MAX_SUGGESTED_NAME)
