"""Suggestions from historical indicators: measurable targets for an indicator, indicators for a project.

Both search the model's reference index (``training.model.reference``): the
targets similar indicators were given, and the indicators similar projects
used.
"""

from __future__ import annotations

import collections

import numpy as np

from training.domain.records import Indicator, IndicatorRow
from training.domain.targets import Target, format_quantity, parse_target, target_weakness
from training.domain.taxonomy import Taxonomy
from training.model.reference import ReferenceIndex

REQUIRED_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("数量指标", ("数量指标",)),
    ("质量指标", ("质量指标",)),
    ("时效指标", ("时效指标",)),
    ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标")),
    ("效益指标", ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
]


def measurable(target: Target | None) -> bool:
    """A target with an operator and a value, or a deadline."""
    return target is not None and (target.kind == "deadline" or (target.kind == "quantitative" and target.value is not None
                                                                 and bool(target.operator)))


class TargetSuggester:
    """Targets from the targets of similar historical indicators, best first."""

    def __init__(self, references: ReferenceIndex, taxonomy: Taxonomy, n_neighbors: int = 60) -> None:
        self.references = references
        self.taxonomy = taxonomy
        self.n_neighbors = n_neighbors

    def suggest(self, indicator: Indicator, vector: np.ndarray, level2: str, k: int = 3, year: int | None = None,
                given_target: str | None = None) -> dict:
        """``{"level2", "suggestions": [{text, kind, operator, value, unit, support, examples, why}], "warnings"}``."""
        indices, sims = self.references.search(vector[None, :], self.n_neighbors)
        forms: dict[tuple, dict] = {}
        for j, similarity in zip(indices[0], sims[0], strict=True):
            row: IndicatorRow = self.references.records[j]
            if not measurable(row.target):
                continue
            weight = float(similarity) * (1.0 if row.level2 == level2 else 0.5)
            key = ("deadline", row.target.text) if row.target.kind == "deadline" else ("quantitative", row.target.operator, row.target.unit)
            form = forms.setdefault(key, {"weight": 0.0, "values": collections.Counter(), "examples": [], "support": 0, "target": row.target})
            form["weight"] += weight
            form["support"] += 1
            form["values"][row.target.value] += 1
            if len(form["examples"]) < 3:
                form["examples"].append({"name": row.level3, "target": row.target_raw, "level2": row.level2, "source": row.citation,
                                         "similarity": round(float(similarity), 4)})
        ranked = sorted(forms.values(), key=lambda f: -f["weight"])[:k]
        suggestions = [_suggestion(f) for f in ranked]
        warnings = []
        if given_target:
            weakness = target_weakness(parse_target(given_target, indicator.description))
            if weakness:
                warnings.append(f"target {given_target!r}: {weakness}")
        return {"level2": level2, "suggestions": suggestions, "warnings": warnings}


def _suggestion(form: dict) -> dict:
    target: Target = form["target"]
    if target.kind == "deadline":
        return {"text": target.text, "kind": "deadline", "operator": target.operator, "value": None, "unit": None,
                "support": form["support"], "examples": form["examples"], "why": "相似历史指标的时限"}
    value = form["values"].most_common(1)[0][0]
    return {"text": format_quantity(target.operator, value, target.unit), "kind": "quantitative", "operator": target.operator,
            "value": value, "unit": target.unit, "support": form["support"], "examples": form["examples"], "why": "相似历史指标最常见的指标值"}


class IndicatorSuggester:
    """Indicators for a project from the indicators of similar historical projects, one group per required category."""

    def __init__(self, references: ReferenceIndex, taxonomy: Taxonomy, targets: TargetSuggester) -> None:
        self.references = references
        self.taxonomy = taxonomy
        self.targets = targets

    def suggest(self, project: str, vector: np.ndarray, k: int = 12, year: int | None = None) -> dict:
        """``{"project", "groups": [{"group", "indicators": [...]}], "similar_projects"}``."""
        name_sims = self.references.similarities(vector[None, :])[0]
        per_group = max(1, k // len(REQUIRED_GROUPS))
        groups = []
        for group_name, members in REQUIRED_GROUPS:
            scored: dict[str, dict] = {}
            for j, row in enumerate(self.references.records):
                if row.level2 not in members:
                    continue
                entry = scored.setdefault(row.level3, {"score": float(name_sims[j]), "count": 0, "row": row, "index": j})
                entry["score"] = max(entry["score"], float(name_sims[j]))
                entry["count"] += 1
            best = sorted(scored.values(), key=lambda e: -(e["score"] + 0.01 * min(e["count"], 5)))[:per_group]
            indicators = []
            for entry in best:
                row = entry["row"]
                suggestion = self.targets.suggest(row.indicator, self.references.vectors[entry["index"]], row.level2, k=1, year=year)
                level1, level2 = self.taxonomy.view(row.level2, "2021")
                indicators.append({"name": row.level3, "level1": level1, "level2": level2,
                                   "suggested_target": suggestion["suggestions"][0]["text"] if suggestion["suggestions"] else None,
                                   "support": entry["count"], "from_project": row.project, "source": row.citation})
            groups.append({"group": group_name, "indicators": indicators})
        return {"project": project, "groups": groups, "similar_projects": []}
