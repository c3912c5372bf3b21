"""What the service and the CLI call: classification with review flags and evidence, target and indicator suggestions.

A ``Predictor`` wraps a loaded bundle (the fitted pipeline with its encoder,
the reference index of historical indicators, the review policy) and the
taxonomy (for the 2015/2021 views and for reading published labels).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.domain.records import Indicator, IndicatorRow
from training.domain.targets import parse_target
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.domain.units import UNIT_MISMATCH_WORDS
from training.lifecycle.bundle import LoadedModel, load_model
from training.model.compiled import CompiledClassifier
from training.model.projects import REQUIRED_GROUPS, IndicatorSuggester, ProjectIndex, project_query
from training.model.review import UNKNOWN_LABEL, name_problems, names_nothing
from training.model.suggest import (
    OVER_A_WHOLE,
    PLACEHOLDER,
    TableForm,
    TargetSuggester,
    checked_target,
    completed_checked,
    table_forms,
)


@dataclass
class Published:
    """The labels a table printed for a row (as written), for checking them against the prediction."""

    level1: str | None = None
    level2: str | None = None


class Predictor:
    """Classify indicators and suggest targets and indicators with one loaded model.

    Thread-safe for concurrent reads: nothing is mutated after construction
    except the encoder's own cache, which locks.
    """

    def __init__(self, loaded: LoadedModel, taxonomy: Taxonomy | None = None) -> None:
        self.loaded = loaded
        self.taxonomy = taxonomy or load_taxonomy()
        self.targets = TargetSuggester(loaded.references, self.taxonomy, loaded.target_forms)
        self.indicators = IndicatorSuggester(loaded.references, self.taxonomy, self.targets, loaded.projects)
        self._projects_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._model = loaded.model
        # from the bundle's runtime form, else compiled here; None for a model of another shape
        self.compiled = loaded.compiled if loaded.compiled is not None else CompiledClassifier.from_pipeline(loaded.model)
        self.classes_ = self.compiled.classes_ if self.compiled is not None else loaded.model.classes_

    @property
    def model(self):
        """The fitted pipeline. A predictor loaded from the runtime form reads it from the bundle on first use
        (importing scikit-learn); answering never needs it."""
        if self._model is None and self.loaded.bundle is not None:
            with self._model_lock:
                if self._model is None:
                    self._model = load_model(self.loaded.bundle, encoder=self.encoder).model
        return self._model

    @property
    def references(self):
        return self.loaded.references

    @property
    def encoder(self):
        return self.loaded.encoder

    @property
    def policy(self):
        return self.loaded.policy

    @property
    def metadata(self) -> dict:
        return self.loaded.metadata

    @property
    def version(self) -> str:
        return self.loaded.metadata.get("version", "")

    # ------------------------------------------------------------ classify
    def probabilities(self, indicators: list[Indicator]) -> np.ndarray:
        """Calibrated probabilities ``(n, len(classes))`` over the model's canonical classes.

        The pipeline's own numbers, computed by its compiled form (``training.model.compiled``: a fifth of the
        pipeline's time on one row) when the model has the default shape. The frame is built here, so scikit-learn's
        finiteness and parameter checks are skipped.
        """
        if self.compiled is not None:
            return self.compiled.predict_proba(indicators)
        import sklearn

        from training.model.pipeline import indicator_frame

        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self.model.predict_proba(indicator_frame(indicators))

    def view_probabilities(self, probabilities: np.ndarray, framework: str) -> tuple[list[tuple[str, str]], np.ndarray]:
        """Probabilities per displayed category of ``framework``: canonical classes that display alike are summed.

        The 2021 view files 可持续影响 under 社会效益, so their probabilities merge
        into one 效益指标/社会效益指标 entry (never listed twice).
        """
        shown: list[tuple[str, str]] = []
        columns: list[list[int]] = []
        for j, name in enumerate(self.classes_):
            view = self.taxonomy.view(name, framework)
            if view not in shown:
                shown.append(view)
                columns.append([])
            columns[shown.index(view)].append(j)
        merged = np.stack([probabilities[:, c].sum(axis=1) for c in columns], axis=1)
        return shown, merged

    def classify(self, indicators: list[Indicator], published: list[Published] | None = None, framework: str = "2021",
                 n_similar: int = 5, n_alternatives: int = 3, vectors: np.ndarray | None = None) -> list[dict]:
        """One result per indicator, in order.

        Each result: ``level1``, ``level2`` (in ``framework``'s view), ``category``
        (the canonical class), ``confidence`` (calibrated), ``alternatives``
        (``[{level1, level2, confidence}]``, each displayed category once),
        ``needs_review`` with ``review_reasons``, ``published_level1/2`` and
        ``label_disagrees`` (None without a published label), ``similar``
        historical indicators (``n_similar`` of them).
        """
        if not indicators:
            return []
        probabilities = self.probabilities(indicators)
        shown, merged = self.view_probabilities(probabilities, framework)
        if n_similar:
            vectors = self.encoder.encode([i.name for i in indicators], "query") if vectors is None else vectors
            neighbours, sims = self.references.search(vectors, n_similar * 4)
        results = []
        for index, indicator in enumerate(indicators):
            order = np.argsort(-merged[index], kind="stable")
            best = order[0]
            confidence = float(merged[index, best])
            margin = confidence - (float(merged[index, order[1]]) if len(order) > 1 else 0.0)
            members = [j for j, name in enumerate(self.classes_) if self.taxonomy.view(name, framework) == shown[best]]
            category = str(self.classes_[max(members, key=lambda j: probabilities[index, j])])
            reasons = name_problems(indicator.name) + self.policy.reasons(confidence, margin)
            result = {
                "level1": shown[best][0],
                "level2": shown[best][1],
                "category": category,
                "confidence": round(confidence, 4),
                "alternatives": [{"level1": shown[j][0], "level2": shown[j][1], "confidence": round(float(merged[index, j]), 4)}
                                 for j in order[1 : 1 + n_alternatives]],
                "needs_review": bool(reasons),
                "review_reasons": reasons,
                "published_level1": None,
                "published_level2": None,
                "label_disagrees": None,
                "similar": self._similar(neighbours[index], sims[index], n_similar) if n_similar else [],
            }
            labels = published[index] if published is not None and index < len(published) else None
            if labels is not None and (labels.level1 or labels.level2):
                mapping = self.taxonomy.map_labels(labels.level1, labels.level2)
                result["published_level1"], result["published_level2"] = labels.level1, labels.level2
                if not mapping.known:  # a label no framework has: the reviewer decides what was meant
                    result["review_reasons"] = reasons = [*reasons, UNKNOWN_LABEL]
                    result["needs_review"] = True
                if mapping.level2:
                    view = self.taxonomy.view(mapping.level2, framework)
                    chance = float(merged[index, shown.index(view)]) if view in shown else 0.0  # the published category's
                    result["label_disagrees"] = self.policy.label_disagrees(mapping.level2, category, confidence, indicator.name,
                                                                            self.taxonomy, framework, published_probability=chance)
            results.append(result)
        return results

    def _similar(self, indices: np.ndarray, sims: np.ndarray, k: int) -> list[dict]:
        """Nearest historical indicators, one per distinct name and target (tables repeat rows)."""
        seen, picked = set(), []
        for j, similarity in zip(indices, sims, strict=True):
            row: IndicatorRow = self.references.records[j]
            key = (row.level3, row.target_raw)
            if key in seen:
                continue
            seen.add(key)
            picked.append({"name": row.level3, "level2": row.level2, "target": row.target_raw, "source": row.citation,
                           "similarity": round(float(similarity), 4)})
            if len(picked) == k:
                break
        return picked

    # ---------------------------------------------------- suggestions
    def suggest_targets(self, indicator: Indicator, level2: str | None = None, k: int = 3, year: int | None = None,
                        given_target: str | None = None, table: list[TableForm] | None = None) -> dict:
        """Up to ``k`` measurable targets for one indicator, best first; see ``training.model.suggest.TargetSuggester.suggest``.

        ``level2`` is the category when known, in any label variant the taxonomy maps (else, and when it maps to
        none, with a warning, the classifier's); ``year``
        the budget year (for deadlines); ``given_target`` the target as written
        (checked, with warnings; a value it states is kept, completed by the best suggestion's operator and unit, as
        the first suggestion); ``table`` how the rest of its table writes targets.
        """
        problems = name_problems(indicator.name)
        notes = [f"name {indicator.name!r}: {problem}" for problem in problems]
        if level2 is not None and not level2.strip():
            level2 = None  # an empty label is none given (a trial: level2 "" had been warned 类别“”不在指标体系中)
        if level2 is not None:
            mapped = self.taxonomy.map_labels(None, level2).level2  # canonical, 2015 and regional labels: 社会效益 → 社会效益指标
            if mapped is None:
                notes.append(f"unknown category {level2!r}: the classifier's category is used")
            level2 = mapped
        if level2 is None:
            level2 = self.classify([indicator], n_similar=0)[0]["category"]
        if names_nothing(indicator.name):
            # nothing to measure (。，！？): no target is suggested for it, and it is said why
            return self._in_view({"level2": level2, "family": None, "suggestions": [], "warnings": notes})
        vector = self.encoder.encode([indicator.name], "query")[0]
        answer = self.targets.suggest(indicator, vector, level2, k=k, year=year, given_target=given_target, table=table)
        if given_target:
            self._keep_what_was_given(answer, indicator.name, given_target, level2, k, year, indicator.description)
        if notes:
            answer["warnings"] = notes + list(answer.get("warnings") or [])
        return self._in_view(answer)

    def _in_view(self, answer: dict) -> dict:
        """The answer's categories as the 2021 guideline names them, as ``classify`` shows them (长效管理机制建立 had been
        given 可持续影响指标, which the 2021 view folds into 社会效益指标)."""
        def shown(level2: str | None) -> str | None:
            return self.taxonomy.view(level2, "2021")[1] if level2 in self.taxonomy.by_level2 else level2

        answer["level2"] = shown(answer.get("level2"))
        for suggestion in answer.get("suggestions") or []:
            for example in suggestion.get("examples") or []:
                example["level2"] = shown(example.get("level2"))
        return answer

    def _keep_what_was_given(self, answer: dict, name: str, given_target: str, level2: str | None, k: int,
                             year: int | None = None, description: str | None = None) -> None:
        """What a bulk job does with a given target, for one suggestion (``training.model.suggest.checked_target``).

        A measurable target is kept as the first suggestion, in canonical spelling; a unit that measures something
        else than the name (绿化面积 ``95%``) is warned about, once, and the suggestions stand; a stated condition of a social or ecological cost is kept as the first suggestion; a value
        lacking its operator or unit is kept, completed by the best suggestion (``100`` → ``≥100人``).
        """
        lexicon = self.targets.lexicon
        # read with the description, as the warnings read it: a code (1 with 1=及时；2=不及时) is no value to complete
        # (a final trial had ≥1% kept as 保留填写的数值)
        given, weakness, mismatch = checked_target(name, parse_target(given_target, description), lexicon, year)
        if mismatch:
            answer["warnings"] = [f"target {given_target!r}: {weakness}",
                                  *[w for w in answer.get("warnings") or [] if UNIT_MISMATCH_WORDS not in w]]
            return
        first = answer["suggestions"][0] if answer["suggestions"] else None
        if weakness is None:  # measurable and in a unit that fits the name: kept, as a bulk job keeps it
            family = "qualitative" if given.kind == "qualitative" else lexicon.family_of_target(given) or (first or {}).get("family")
            kept = self.targets.entry(given.text, given.kind, given.operator, given.value, given.unit, family, [],
                                      "保留填写的指标值：已可衡量（运算符、数值和单位齐全，或写明了完成时限）")
        elif lexicon.stated_condition(given, level2):
            kept = self.targets.entry(given.text or given.raw.strip(), "qualitative", None, None, None, "qualitative", [],
                                      "保留填写的条件：社会成本、生态环境成本可以用文字写明可核查的条件（2021年指标体系）")
        elif (checked := completed_checked(name, given, weakness, first, lexicon, year)) and checked[1] != weakness:
            # completed, it cannot be meant (1e5 for a share is ≥100000%): said instead of the form's fault, not kept
            old = f"target {given_target!r}: {weakness}"
            answer["warnings"] = [f"target {given_target!r}: {checked[1]}", *[w for w in answer.get("warnings") or [] if w != old]]
            return
        elif (text := checked[0]) and PLACEHOLDER in text:
            # ≥ written without its figure: the writer's operator (and unit) kept, the value left to fill
            kept = {**first, "text": text, "operator": given.operator or first.get("operator"), "value": None,
                    "unit": given.unit or first.get("unit"), "placeholder": True, "spread": None,
                    "why": f"保留填写的运算符和单位，数值请按计划填写（{PLACEHOLDER}处）；{first['why']}"}
        elif text:
            target = parse_target(text)
            # only what was added is explained: the suggestion's own why spoke of its unit and of a value to fill (污水处理量
            # 10m³ → ≥10立方米 had said 重量默认用“吨”…数值请按计划填写)
            added = "、".join(word for word, missing in (("运算符", not given.operator), ("单位", not given.unit)) if missing) or "运算符或单位"
            reasons = [part for part in first["why"].split("；") if f"用“{target.operator}”" in part]
            kept = {**first, "text": text, "operator": target.operator, "value": target.value, "unit": target.unit,
                    "placeholder": False, "spread": None,
                    "why": "；".join([f"保留填写的数值，补上所缺的{added}", *reasons[:1]])}
            if weakness == OVER_A_WHOLE:  # 工程验收合格率 ≥150% → =100%: all was meant
                kept.update(kind="quantitative", family="percent", family_label=lexicon.families["percent"].label,
                            why=f"填写的{given.text}超过100%，而该比例最多为100%：按全部达到写作{text}")
        else:
            return
        answer["suggestions"] = [kept, *[s for s in answer["suggestions"] if s["text"] != kept["text"]]][:k]

    def table_forms(self, rows: list[tuple[str, str | None]]) -> list[TableForm]:
        """How a table writes its targets, from its other rows as ``(target text, 二级指标 in any label variant)``.

        What ``suggest_targets(table=...)`` takes. Rows whose target is not a quantity with an operator (a deadline,
        a qualitative text, ``100%`` without ``≥``/``=``, a row not filled yet) say nothing about the table's habit and
        are left out; an unknown 二级指标 counts as none. Returns the forms in row order.
        """
        parsed = [(parse_target(target), self.taxonomy.map_labels(None, level2).level2 if level2 else None)
                  for target, level2 in rows if target]
        return table_forms(parsed, self.targets.lexicon)

    def suggest_indicators(self, project: str, goal: str | None = None, k: int = 12, year: int | None = None) -> dict:
        """``k`` indicators in all for a project, covering 数量/质量/时效/成本/效益/满意度, each with a target; see ``IndicatorSuggester``.

        A bundle made before project indexes existed gets one built here, once.
        """
        if names_nothing(project):
            # nothing names a project (。，！？, 😀😀): no indicators, and it is said why
            return {"project": project, "groups": [{"group": group, "indicators": []} for group, _ in REQUIRED_GROUPS],
                    "similar_projects": [], "sectors": [], "warnings": [f"project {project!r}: {name_problems(project)[0]}"]}
        if self.indicators.projects is None:
            with self._projects_lock:
                if self.indicators.projects is None:
                    self.indicators.projects = ProjectIndex.build(self.references, self.encoder)
        query = project_query(project, goal)
        answer = self.indicators.suggest(project, self.encoder.encode([query], "query")[0], k=k, year=year,
                                         encode=lambda names: self.encoder.encode(names, "query"))
        # 路, Road maintenance project: suggested for, but said to be no project name a table would carry
        answer["warnings"] = [f"project {project!r}: {problem}" for problem in name_problems(project)] + answer["warnings"]
        return answer


def load_predictor(bundle: Path | None = None, models_root: Path | None = None, encoder=None) -> Predictor:
    """A predictor for ``bundle`` (default ``models/current``), from its runtime form when it has one (no scikit-learn
    import; see ``training.lifecycle.bundle.load_model``). Raises ``BundleError`` / ``EncoderMissing``."""
    return Predictor(load_model(bundle, encoder=encoder, models_root=models_root, runtime=True))
