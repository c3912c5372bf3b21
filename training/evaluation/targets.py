"""Held-out evaluation of target suggestions (unit family, operator, deadlines) and of project indicator suggestions.

The folds are the classifier's: ``TrainOnlyGroupKFold`` over the publishers
of ``training.model.dataset.training_data`` (library entries always on the
training side). In each fold everything a suggestion uses is rebuilt from the
training part only: the classifier that names the category of a bare name,
the reference index, the unit and operator models. Each held-out table row
is then asked for as a form plugin asks (the bare name: no category, target,
description or year; the category comes from the fold's classifier), and
once more with its published category and year.

Scored rows (a row counts where its published target says something):
* unit family: quantities with a unit of a known family;
* operator: those of them with an explicit operator (≥ ≤ = and > <, compared by direction);
* deadline: 时效指标 rows whose published target is a date.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from training.domain.judgements import load_hard_cases
from training.domain.records import Indicator, IndicatorRow
from training.domain.taxonomy import load_taxonomy
from training.domain.units import load_units
from training.evaluation.splits import TrainOnlyGroupKFold
from training.lifecycle.train import build_references
from training.model.dataset import group_of, training_data
from training.model.encoder import Encoder
from training.model.pipeline import fit, indicator_frame, make_classifier, recipe_params
from training.model.projects import IndicatorSuggester, ProjectIndex, project_query
from training.model.review import ReviewPolicy
from training.model.suggest import TargetSuggester, table_forms, target_category
from training.model.units import direction, fit_target_forms

NO_LABEL = "（无类别）"
VIEWS = ("name", "name_category_year", "in_table")
VIEW_TITLES = {"name": "bare name (what a form plugin sends; category from the classifier)",
               "name_category_year": "name with its published category and the table's year",
               "in_table": "in its table (a bulk job): classifier's category, the year, and the operators the table's other rows write"}
OLD = "before #12: most common form of similar rows"


@dataclass
class ScoredRow:
    """One held-out row's published target and the first suggestion for it (one view, one system)."""

    fold: int
    publisher: str
    name: str
    level2: str
    target: str
    family: str | None
    direction: str | None
    deadline: bool
    suggested: str | None
    suggested_family: str | None
    suggested_direction: str | None
    suggested_kind: str | None
    placeholder: bool
    value_match: bool | None


@dataclass
class TargetEvaluation:
    """Per view and system the scored rows; ``projects`` the project suggestion figures."""

    rows: dict[str, dict[str, list[ScoredRow]]] = field(default_factory=dict)
    projects: dict = field(default_factory=dict)
    folds: int = 0
    skipped_publishers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready: every scored row of every view and system, the project figures, folds and skipped publishers."""
        return {"rows": {v: {s: [asdict(r) for r in rows] for s, rows in systems.items()} for v, systems in self.rows.items()},
                "projects": self.projects, "folds": self.folds, "skipped_publishers": self.skipped_publishers}


def fold_of_publishers(rows: list[IndicatorRow], n_splits: int) -> dict[str, int]:
    """The held-out fold of each publisher under the classifier's split (``TrainOnlyGroupKFold`` over ``training_data``)."""
    data = training_data(rows)
    folds: dict[str, int] = {}
    for fold, (_, test) in enumerate(TrainOnlyGroupKFold(n_splits).split(data.frame, data.labels, data.groups)):
        for group in set(data.groups[test]):
            folds[str(group)] = fold
    return folds


@dataclass
class FoldContext:
    """What one fold's suggestions are built from: its training rows only (references, unit models, the classifier's guesses)."""

    fold: int
    train_rows: list[IndicatorRow]
    test_rows: list[IndicatorRow]
    predicted: list[str]
    references: object
    forms: object
    vectors: np.ndarray
    confidence: list[float] = field(default_factory=list)


def fold_contexts(rows: list[IndicatorRow], encoder: Encoder, n_splits: int = 5, log: Callable[[str], None] | None = None):
    """Yield a ``FoldContext`` per fold: the classifier, reference index and unit models fitted on the fold's training part."""
    say = log or (lambda _message: None)
    lexicon = load_units()
    folds = fold_of_publishers(rows, n_splits)
    data = training_data(rows)
    for fold in range(n_splits):
        held = {g for g, f in folds.items() if f == fold}
        train_rows = [r for r in rows if group_of(r) not in held]
        test_rows = [r for r in rows if group_of(r) in held and r.level3 and r.origin != "library"]
        say(f"fold {fold + 1}/{n_splits}: {len(test_rows)} held-out rows from {len(held)} publishers")
        mask = np.array([str(g) not in held for g in data.groups])
        classifier = fit(make_classifier(encoder, **recipe_params({})), data.frame[mask].reset_index(drop=True),
                         data.labels[mask], data.groups[mask])
        probabilities = classifier.predict_proba(indicator_frame([Indicator(r.level3) for r in test_rows]))
        predicted = [str(c) for c in classifier.classes_[probabilities.argmax(axis=1)]]
        yield FoldContext(fold, train_rows, test_rows, predicted, build_references(train_rows, encoder),
                          fit_target_forms(train_rows, lexicon), encoder.encode([r.level3 for r in test_rows], "query"),
                          [float(p) for p in probabilities.max(axis=1)])


def system_weights() -> dict[str, dict[str, float] | None]:
    """The systems compared: Zhibiao (all parts) and each part alone (``TargetSuggester`` family weights)."""
    return {"Zhibiao": None, "unit model only": {"model": 1.0, "evidence": 0.0, "head": 0.0, "category": 0.0},
            "similar rows only": {"model": 0.0, "evidence": 1.0, "head": 0.0, "category": 0.0},
            "lexicon only (head word, category)": {"model": 0.0, "evidence": 0.0, "head": 0.7, "category": 0.3}}


def score_fold(context: FoldContext, taxonomy, systems: dict[str, dict | None] | None = None, views: tuple[str, ...] = VIEWS,
               baseline: bool = True) -> dict[str, dict[str, list[ScoredRow]]]:
    """The first suggestion for every held-out row of one fold, per view and system."""
    lexicon = context.forms.lexicon
    systems = system_weights() if systems is None else systems
    suggesters = {name: TargetSuggester(context.references, taxonomy, context.forms, weights=w) for name, w in systems.items()}
    out: dict[str, dict[str, list[ScoredRow]]] = {v: collections.defaultdict(list) for v in views}
    tables: dict[tuple, list[IndicatorRow]] = collections.defaultdict(list)
    for row in context.test_rows:
        tables[(row.source, row.doc, row.table)].append(row)
    policy = ReviewPolicy()
    for row, category, confidence, vector in zip(context.test_rows, context.predicted, context.confidence, context.vectors,
                                                 strict=True):
        siblings = [(r.target, r.level2) for r in tables[(row.source, row.doc, row.table)] if r is not row]
        # in a table, as service.bulk does: the published category unless the classifier confidently disagrees with it
        # (the confidence here is the canonical class's; the predictor's is its displayed category's, the same or higher)
        disagrees = row.level2 is not None and policy.label_disagrees(row.level2, category, confidence, row.level3, taxonomy)
        asked = {"name": (category, None, None), "name_category_year": (row.level2 or category, row.year, None),
                 "in_table": (target_category(row.level2, category, disagrees), row.year, table_forms(siblings, lexicon))}
        for view in views:
            level2, year, table = asked[view]
            for system, suggester in suggesters.items():
                answer = suggester.suggest(Indicator(row.level3), vector, level2, k=1, year=year, table=table)["suggestions"]
                out[view][system].append(_scored(context.fold, row, answer[0] if answer else None, lexicon))
            if baseline:
                out[view][OLD].append(_scored(context.fold, row, _old_form(context.references, vector, level2, lexicon), lexicon))
    return out


def evaluate_targets(rows: list[IndicatorRow], encoder: Encoder, n_splits: int = 5, projects: bool = True,
                     log: Callable[[str], None] | None = None) -> TargetEvaluation:
    """Score target (and project) suggestions on held-out publishers; see the module docstring."""
    taxonomy = load_taxonomy()
    folds = fold_of_publishers(rows, n_splits)
    result = TargetEvaluation(rows={v: collections.defaultdict(list) for v in VIEWS}, folds=n_splits)
    result.skipped_publishers = sorted({group_of(r) for r in rows if r.origin != "library" and r.level3 and group_of(r) not in folds})
    project_scores: list[dict] = []
    for context in fold_contexts(rows, encoder, n_splits, log):
        for view, systems in score_fold(context, taxonomy).items():
            for system, scored in systems.items():
                result.rows[view][system].extend(scored)
        if projects:
            targets = TargetSuggester(context.references, taxonomy, context.forms)
            project_scores.extend(_project_fold(context.fold, context.test_rows, context.references, targets, taxonomy, encoder))
    result.rows = {v: dict(systems) for v, systems in result.rows.items()}
    result.projects = summarize_projects(project_scores) if projects else {}
    return result


def _scored(fold: int, row: IndicatorRow, suggestion: dict | None, lexicon) -> ScoredRow:
    family = lexicon.family_of_target(row.target)
    published_direction = direction(row.target.operator) if row.target.kind == "quantitative" else None
    suggested_family = suggestion.get("family") if suggestion else None
    value_match = None
    if suggestion and family and suggested_family == family and suggestion.get("value") is not None and row.target.value is not None:
        value_match = suggestion["unit"] == row.target.unit and suggestion["value"] == row.target.value
    return ScoredRow(
        fold=fold, publisher=group_of(row), name=row.level3, level2=row.level2 or NO_LABEL, target=row.target_raw or "",
        family=family, direction=published_direction, deadline=row.target.kind == "deadline",
        suggested=suggestion["text"] if suggestion else None, suggested_family=suggested_family,
        suggested_direction=direction(suggestion.get("operator")) if suggestion else None,
        suggested_kind=suggestion["kind"] if suggestion else None, placeholder=bool(suggestion and suggestion.get("placeholder")),
        value_match=value_match,
    )


def _old_form(references, vector, level2, lexicon) -> dict | None:
    """Baseline: the suggester before issue #12, the form (operator + unit, or a deadline) with the most similarity among 60 neighbours."""
    indices, sims = references.search(np.asarray(vector)[None, :], 60)
    forms: dict[tuple, float] = collections.defaultdict(float)
    first: dict[tuple, IndicatorRow] = {}
    for j, similarity in zip(indices[0], sims[0], strict=True):
        row = references.records[j]
        target = row.target
        if not (target.kind == "deadline" or (target.kind == "quantitative" and target.value is not None and target.operator)):
            continue
        key = ("deadline", target.text) if target.kind == "deadline" else ("quantitative", target.operator, target.unit)
        forms[key] += float(similarity) * (1.0 if row.level2 == level2 else 0.5)
        first.setdefault(key, row)
    if not forms:
        return None
    key = max(forms, key=lambda k: forms[k])
    target = first[key].target
    return {"text": target.text, "family": lexicon.family_of_target(target), "operator": target.operator, "kind": target.kind,
            "value": target.value, "unit": target.unit}


# ------------------------------------------------------------------ figures
def unit_rows(rows: list[ScoredRow]) -> list[ScoredRow]:
    """Rows whose published target is a quantity with a unit of a known family."""
    return [r for r in rows if r.family and r.family != "deadline"]


def operator_rows(rows: list[ScoredRow], with_unit: bool = True) -> list[ScoredRow]:
    """Rows whose published target writes an operator (≥ ≤ = > <), by default only those with a unit."""
    return [r for r in rows if r.direction and (not with_unit or (r.family and r.family != "deadline"))]


def deadline_rows(rows: list[ScoredRow]) -> list[ScoredRow]:
    """时效指标 rows whose published target is a date."""
    return [r for r in rows if r.deadline and r.level2 == "时效指标"]


def figures(rows: list[ScoredRow]) -> dict:
    """``unit_family``, ``operator``, ``operator_all``, ``deadline`` as ``{"n", "matched", "share"}``, plus placeholder and value shares."""
    def share(subset: list[ScoredRow], ok: Callable[[ScoredRow], bool]) -> dict:
        matched = sum(1 for r in subset if ok(r))
        return {"n": len(subset), "matched": matched, "share": round(matched / len(subset), 4) if subset else None}

    units = unit_rows(rows)
    return {
        "unit_family": share(units, lambda r: r.suggested_family == r.family),
        "operator": share(operator_rows(rows), lambda r: r.suggested_direction == r.direction),
        "operator_all": share(operator_rows(rows, with_unit=False), lambda r: r.suggested_direction == r.direction),
        "deadline": share(deadline_rows(rows), lambda r: r.suggested_kind == "deadline"),
        "placeholder": share(units, lambda r: r.placeholder),
        "value_exact": share([r for r in units if r.value_match is not None], lambda r: bool(r.value_match)),
    }


def per_category(rows: list[ScoredRow]) -> dict[str, dict]:
    """``figures`` per published category (``（无类别）`` for rows without one)."""
    groups: dict[str, list[ScoredRow]] = collections.defaultdict(list)
    for row in rows:
        groups[row.level2].append(row)
    return {category: figures(subset) for category, subset in sorted(groups.items(), key=lambda item: -len(item[1]))}


def per_family(rows: list[ScoredRow]) -> dict[str, dict]:
    """Unit-family figures per published family."""
    groups: dict[str, list[ScoredRow]] = collections.defaultdict(list)
    for row in unit_rows(rows):
        groups[row.family].append(row)
    return {family: figures(subset)["unit_family"] for family, subset in sorted(groups.items(), key=lambda item: -len(item[1]))}


def failures(rows: list[ScoredRow]) -> dict[str, list[ScoredRow]]:
    """The rows where the unit family, the operator or the deadline is missed."""
    return {
        "unit_family": [r for r in unit_rows(rows) if r.suggested_family != r.family],
        "operator": [r for r in operator_rows(rows) if r.suggested_direction != r.direction],
        "deadline": [r for r in deadline_rows(rows) if r.suggested_kind != "deadline"],
    }


# ------------------------------------------------------------------ projects
def _project_fold(fold: int, test_rows, references, targets: TargetSuggester, taxonomy, encoder, k: int = 12,
                  min_indicators: int = 3) -> list[dict]:
    """Suggest ``k`` indicators for every held-out project with at least ``min_indicators`` rows; score against its own indicators."""
    projects = ProjectIndex.build(references, encoder, load_hard_cases())  # judgements of the training part's rows only
    suggester = IndicatorSuggester(references, taxonomy, targets, projects)
    historical = IndicatorSuggester(references, taxonomy, targets, projects, composed="never")

    def encode_query(names: list[str]) -> np.ndarray:
        return encoder.encode(names, "query")

    by_project: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for row in test_rows:
        if row.project and row.level2:
            by_project[(group_of(row), row.project)].append(row.level3)
    threshold = {"p95": targets.background["p95"], "p99": _percentile(references, 99)}
    frequent = [name for name, _ in collections.Counter(r.level3 for r in references.records if r.origin != "library").most_common(k)]
    out = []
    for (publisher, project), names in by_project.items():
        names = sorted(set(names))
        if len(names) < min_indicators:
            continue
        query = encoder.encode([project_query(project)], "query")[0]
        actual = encoder.encode(names, "query")
        systems = {
            "Zhibiao": [i["name"] for g in suggester.suggest(project, query, k=k, encode=encode_query)["groups"] for i in g["indicators"]],
            "Zhibiao without composed indicators": [i["name"] for g in historical.suggest(project, query, k=k)["groups"]
                                                    for i in g["indicators"]],
            "old: names most similar to the project, per group": _old_project(references, query, k),
            "most frequent names": frequent,
        }
        for system, suggested in systems.items():
            if not suggested:
                continue
            sims = encoder.encode(suggested, "query") @ actual.T
            best = sims.max(axis=1)
            out.append({"fold": fold, "publisher": publisher, "project": project, "system": system, "suggested": len(suggested),
                        **{f"precision_{t}": float((best >= v).mean()) for t, v in threshold.items()},
                        **{f"recall_{t}": float((sims.max(axis=0) >= v).mean()) for t, v in threshold.items()},
                        "names": suggested if system == "Zhibiao" else None, "actual": names if system == "Zhibiao" else None})
    return out


def _percentile(references, q: float, sample: int = 600) -> float:
    rng = np.random.default_rng(0)
    pick = rng.choice(len(references), size=min(sample, len(references)), replace=False)
    sims = references.vectors[pick] @ references.vectors[pick].T
    return float(np.percentile(sims[np.triu_indices(len(pick), 1)], q))


def _old_project(references, query, k: int) -> list[str]:
    """Baseline: the suggester before issue #12, the indicator names most similar to the project's name, ``k // 6`` per group."""
    groups = [("数量指标",), ("质量指标",), ("时效指标",), ("经济成本指标", "社会成本指标", "生态环境成本指标"),
              ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"), ("服务对象满意度指标",)]
    sims = references.similarities(query[None, :])[0]
    out = []
    for members in groups:
        best: dict[str, float] = {}
        for j, row in enumerate(references.records):
            if row.level2 in members:
                best[row.level3] = max(best.get(row.level3, -1.0), float(sims[j]))
        out.extend(sorted(best, key=lambda n: -best[n])[: max(1, k // len(groups))])
    return out


def summarize_projects(scores: list[dict]) -> dict:
    """Mean precision/recall per system over held-out projects, and the Zhibiao suggestions per project."""
    systems: dict[str, list[dict]] = collections.defaultdict(list)
    for score in scores:
        systems[score["system"]].append(score)
    summary = {}
    for system, items in systems.items():
        summary[system] = {"projects": len(items), "suggested_per_project": round(float(np.mean([i["suggested"] for i in items])), 2),
                           **{key: round(float(np.mean([i[key] for i in items])), 4)
                              for key in items[0] if key.startswith(("precision_", "recall_"))}}
    examples = [s for s in scores if s["system"] == "Zhibiao"]
    return {"systems": summary, "per_project": examples}
