"""What the service and the CLI call: classification with review flags, similar indicators and suggestions.

A ``Predictor`` wraps a fitted classifier with the historical indicators it was
trained on (the evidence shown to users) and the taxonomy (for the 2015/2021
views and for reading published labels).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np

from training.model.features import Item
from training.model.classifier_old import IndicatorClassifier
from training.domain.targets import format_quantity, parse_target, target_weakness
from training.domain.taxonomy import Taxonomy

REQUIRED_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("数量指标", ("数量指标",)),
    ("质量指标", ("质量指标",)),
    ("时效指标", ("时效指标",)),
    ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标")),
    ("效益指标", ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
]


@dataclass
class Reference:
    """One historical indicator kept as evidence."""

    name: str
    level2: str
    target_raw: str | None
    target: dict
    source: str
    doc: str
    project: str | None


@dataclass
class ReviewPolicy:
    """When a human should look: low confidence, or a runner-up close behind."""

    min_confidence: float = 0.6
    min_margin: float = 0.2
    disagree_confidence: float = 0.7


class Predictor:
    def __init__(self, classifier: IndicatorClassifier, references: list[Reference], taxonomy: Taxonomy,
                 policy: ReviewPolicy | None = None) -> None:
        self.classifier = classifier
        self.references = references
        self.taxonomy = taxonomy
        self.policy = policy or ReviewPolicy()
        self._project_index: tuple[list[str], np.ndarray] | None = None

    @property
    def encoder(self):
        return self.classifier.encoder

    # ------------------------------------------------------------ classify
    def _category(self, level2: str, framework: str) -> tuple[str, str]:
        return self.taxonomy.view(level2, framework)

    def similar(self, vectors: np.ndarray, k: int = 5) -> list[list[tuple[Reference, float]]]:
        """Nearest historical indicators, one per distinct name and target (tables repeat rows)."""
        sims = vectors @ self.classifier.reference_vectors_.T
        top = np.argsort(-sims, axis=1)[:, : min(k * 6, sims.shape[1])]
        found = []
        for i, row in enumerate(top):
            seen, picked = set(), []
            for j in row:
                key = (self.references[j].name, self.references[j].target_raw)
                if key not in seen:
                    seen.add(key)
                    picked.append((self.references[j], float(sims[i, j])))
                if len(picked) == k:
                    break
            found.append(picked)
        return found

    def classify(self, items: list[Item], published: list[tuple[str | None, str | None]] | None = None,
                 framework: str = "2021", n_similar: int = 5, n_alternatives: int = 3) -> list[dict]:
        if not items:
            return []
        distinct = sorted({i.name for i in items})
        distinct_vectors = self.encoder.encode(distinct, kind="query")
        position = {name: k for k, name in enumerate(distinct)}
        vectors = distinct_vectors[[position[i.name] for i in items]]  # tables repeat names: encode each once
        probabilities = self.classifier.predict_proba(items, vectors)
        neighbours = self.similar(vectors, n_similar) if n_similar else [[] for _ in items]
        classes = self.classifier.classes_
        results = []
        for index in range(len(items)):
            order = np.argsort(-probabilities[index])
            best, runner = order[0], order[1] if len(order) > 1 else order[0]
            confidence = float(probabilities[index, best])
            margin = confidence - float(probabilities[index, runner])
            level1, level2 = self._category(classes[best], framework)
            result = {
                "level1": level1,
                "level2": level2,
                "category": classes[best],
                "confidence": round(confidence, 4),
                "alternatives": [
                    dict(zip(("level1", "level2"), self._category(classes[j], framework), strict=True)) | {"confidence": round(float(probabilities[index, j]), 4)}
                    for j in order[1 : 1 + n_alternatives]
                ],
                "needs_review": confidence < self.policy.min_confidence or margin < self.policy.min_margin,
                "label_disagrees": None,
                "published_level2": None,
                "similar": [
                    {"name": r.name, "level2": r.level2, "target": r.target_raw, "source": r.source, "similarity": round(s, 4)}
                    for r, s in neighbours[index]
                ],
            }
            if published is not None and index < len(published) and any(published[index]):
                mapping = self.taxonomy.map_labels(*published[index])
                result["published_level2"] = mapping.level2
                if mapping.level2:
                    result["label_disagrees"] = bool(mapping.level2 != classes[best] and confidence >= self.policy.disagree_confidence)
            results.append(result)
        return results

    # ---------------------------------------------------- target suggestions
    def suggest_targets(self, name: str, level2: str | None = None, k: int = 3, given_target: str | None = None,
                        explanation: str | None = None, vector: np.ndarray | None = None) -> dict:
        vector = self.encoder.encode([name], kind="query") if vector is None else vector[None, :]
        category = self.taxonomy.category(level2).level2 if level2 in self.taxonomy.by_level2 else None
        if category is None:
            category = self.classifier.classes_[int(self.classifier.predict_proba([Item(name)], vector).argmax())]
        sims = (vector @ self.classifier.reference_vectors_.T)[0]
        order = np.argsort(-sims)
        forms: dict[tuple, dict] = {}
        for j in order[:60]:
            reference = self.references[j]
            target = reference.target
            if not _measurable(target):
                continue
            same_category = reference.level2 == category
            weight = float(sims[j]) * (1.0 if same_category else 0.5)
            key = _form_key(target)
            form = forms.setdefault(key, {"weight": 0.0, "values": collections.Counter(), "examples": [], "support": 0, "target": target})
            form["weight"] += weight
            form["support"] += 1
            form["values"][target.get("value")] += 1
            if len(form["examples"]) < 3:
                form["examples"].append({"name": reference.name, "target": reference.target_raw, "level2": reference.level2,
                                         "source": reference.source, "similarity": round(float(sims[j]), 4)})
        ranked = sorted(forms.values(), key=lambda f: -f["weight"])[:k]
        suggestions = [_suggestion(f) for f in ranked]
        weakness = target_weakness(parse_target(given_target, explanation)) if given_target else None
        warnings = [f"target {given_target!r}: {weakness}"] if weakness else []
        return {"level2": category, "suggestions": suggestions, "warnings": warnings}

    def _first_suggestion(self, index: int) -> str | None:
        reference = self.references[index]
        suggestions = self.suggest_targets(reference.name, reference.level2, k=1,
                                           vector=self.classifier.reference_vectors_[index])["suggestions"]
        return suggestions[0]["text"] if suggestions else None

    # ------------------------------------------------- indicator suggestions
    def _projects(self) -> tuple[list[str], np.ndarray]:
        if self._project_index is None:
            projects = sorted({r.project for r in self.references if r.project})
            vectors = self.encoder.encode(projects, kind="query") if projects else np.zeros((0, 1))
            self._project_index = (projects, vectors)
        return self._project_index

    def suggest_indicators(self, project: str, goal: str | None = None, k: int = 10) -> dict:
        projects, project_vectors = self._projects()
        query = project if not goal else f"{project}：{goal[:200]}"
        vector = self.encoder.encode([query], kind="query")[0]
        project_sims = dict(zip(projects, project_vectors @ vector, strict=True)) if projects else {}
        name_sims = self.classifier.reference_vectors_ @ vector
        per_group = max(1, k // len(REQUIRED_GROUPS))
        groups = []
        for group_name, members in REQUIRED_GROUPS:
            scored: dict[str, dict] = {}
            for j, reference in enumerate(self.references):
                if reference.level2 not in members:
                    continue
                score = 0.6 * project_sims.get(reference.project, 0.0) + 0.4 * float(name_sims[j])
                entry = scored.setdefault(reference.name, {"score": score, "count": 0, "reference": reference, "index": j, "targets": []})
                entry["score"] = max(entry["score"], score)
                entry["count"] += 1
                if _measurable(reference.target):
                    entry["targets"].append(reference.target)
            best = sorted(scored.values(), key=lambda e: -(e["score"] + 0.01 * min(e["count"], 5)))[:per_group]
            groups.append({
                "group": group_name,
                "indicators": [
                    {
                        "name": e["reference"].name,
                        "level1": self._category(e["reference"].level2, "2021")[0],
                        "level2": self._category(e["reference"].level2, "2021")[1],
                        "suggested_target": _most_common_target(e["targets"]) or self._first_suggestion(e["index"]),
                        "support": e["count"],
                        "from_project": e["reference"].project,
                        "source": e["reference"].source,
                    }
                    for e in best
                ],
            })
        similar_projects = sorted(project_sims.items(), key=lambda kv: -kv[1])[:5]
        return {"project": project, "groups": groups,
                "similar_projects": [{"project": p, "similarity": round(float(s), 4)} for p, s in similar_projects]}


def _measurable(target: dict) -> bool:
    return bool(target) and (target.get("kind") == "deadline" or (target.get("kind") == "quantitative" and target.get("value") is not None and target.get("operator")))


def _form_key(target: dict) -> tuple:
    if target.get("kind") == "deadline":
        return ("deadline", target.get("text"))
    return ("quantitative", target.get("operator"), target.get("unit"))


def _suggestion(form: dict) -> dict:
    target = form["target"]
    if target.get("kind") == "deadline":
        return {"text": target["text"], "kind": "deadline", "operator": target.get("operator"), "value": None, "unit": None,
                "support": form["support"], "examples": form["examples"]}
    value = form["values"].most_common(1)[0][0]
    return {"text": format_quantity(target.get("operator"), value, target.get("unit")), "kind": "quantitative",
            "operator": target.get("operator"), "value": value, "unit": target.get("unit"),
            "support": form["support"], "examples": form["examples"]}


def _most_common_target(targets: list[dict]) -> str | None:
    if not targets:
        return None
    return collections.Counter(t["text"] for t in targets).most_common(1)[0][0]
