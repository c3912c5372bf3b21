"""``zhibiao evaluate``: the held-out-publisher evaluation with baselines, in Markdown, JSON and pictures.

Every system is scored on the same outer folds: five grouped folds over
publishers (a county, a department, one repository's system), library entries
always on the training side. Zhibiao's settings are chosen inside each outer
fold by ``GridSearchCV`` over inner grouped folds (nested cross-validation),
so the reported figures never come from the folds that chose the settings.
Figures are given for the seed documents and for all other publishers
separately (the other-publisher figure is the one that predicts what users
see), for name only and for name + description + target, against the
published label and against the expert's acceptable categories
(``data/hard_cases.jsonl``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from training.domain.judgements import acceptable_sets, load_hard_cases, published_unacceptable
from training.domain.taxonomy import load_taxonomy
from training.evaluation import plots
from training.evaluation.baselines import KeywordRules, majority, tfidf_embedding_logistic, tfidf_logistic
from training.evaluation.crossval import CrossValidated, cross_validated, nested_search
from training.evaluation.label_issues import label_issue_report
from training.evaluation.metrics import (
    acceptable_accuracy,
    calibration_metrics,
    classification_metrics,
    disagreement_metrics,
    review_metrics,
)
from training.evaluation.splits import TrainOnlyGroupKFold
from training.lifecycle.corpus import Corpus, load_corpus, seed_sources
from training.model.dataset import training_data
from training.model.encoder import Encoder, make_encoder
from training.model.pipeline import SEARCH_GRID, make_classifier
from training.model.review import ReviewPolicy, name_problems

OUTER_FOLDS = 5
INNER_FOLDS = 3
DISAGREE_CAPS = (None, 0.2, 0.1, 0.05)  # label_disagrees, also requiring the published category's probability at most this
MAIN = "Zhibiao"
PUBLISHED_ONLY = "Zhibiao trained on published labels only (default settings)"


def run_evaluation(output: Path, quick: bool = False, log: Callable[[str], None] | None = None, encoder: Encoder | None = None,
                   corpus: Corpus | None = None) -> dict:
    """Write ``evaluation.md``, ``evaluation.json`` and pictures into ``output``; return the summary.

    ``quick`` scores the default settings instead of the nested search
    (the report says so). ``encoder`` and ``corpus`` default to the
    configured ones.
    """
    say = log or (lambda _message: None)
    started = time.time()
    taxonomy = load_taxonomy()
    corpus = corpus or load_corpus()
    data = training_data(corpus.rows, judgements=load_hard_cases())
    encoder = encoder or make_encoder()
    say(f"embedding {len(set(data.frame['name']))} distinct names")
    encoder.encode(sorted(set(data.frame["name"])), "query")
    outer = TrainOnlyGroupKFold(OUTER_FOLDS)
    zhibiao = make_classifier(encoder)
    if not quick:
        zhibiao = nested_search(zhibiao, SEARCH_GRID, INNER_FOLDS)
    systems = {"majority class": majority(), "keyword rules": KeywordRules(), "TF-IDF + logistic regression": tfidf_logistic(),
               "TF-IDF + e5 embedding + logistic regression": tfidf_embedding_logistic(encoder), MAIN: zhibiao}
    results: dict[str, CrossValidated] = {}
    for name, estimator in systems.items():
        say(f"{name}: {OUTER_FOLDS} outer folds" + (" with a nested search" if name == MAIN and not quick else ""))
        results[name] = cross_validated(estimator, data, outer, progress=lambda stage, name=name: say(f"  {name} {stage} done"))
    say(f"{PUBLISHED_ONLY}: {OUTER_FOLDS} outer folds")
    plain = training_data(corpus.rows)  # the same rows and folds, trained on the labels as published
    results[PUBLISHED_ONLY] = cross_validated(make_classifier(encoder), plain, outer, progress=lambda stage: say(f"  {PUBLISHED_ONLY} {stage} done"))
    if not np.array_equal(results[PUBLISHED_ONLY].index, results[MAIN].index):
        raise RuntimeError("the published-labels run was not scored on the same rows")

    main = results[MAIN]
    rows = [data.rows[i] for i in main.index]
    truth = data.published[main.index]
    seeds = seed_sources()
    subsets = {"other publishers": np.array([r.source not in seeds for r in rows]), "seed documents": np.array([r.source in seeds for r in rows])}
    subsets["all"] = np.ones(len(rows), dtype=bool)
    cases = load_hard_cases()
    acceptable = acceptable_sets(rows, cases)
    unacceptable = np.array(published_unacceptable(rows, cases))

    table = []
    for name, result in results.items():
        for view in ("name", "full"):
            predicted = result.predictions(view)
            for subset, mask in subsets.items():
                figures = classification_metrics(truth[mask], predicted[mask], taxonomy)
                table.append({"system": name, "view": view, "subset": subset, "n": int(mask.sum()),
                              "level2_accuracy": figures["level2_accuracy"], "acceptable_accuracy":
                              acceptable_accuracy(list(predicted[mask]), [a for a, m in zip(acceptable, mask, strict=True) if m]),
                              "level2_macro_f1": figures["level2_macro_f1"], "level1_accuracy": figures["level1_accuracy"]})

    other = subsets["other publishers"]
    details = {}
    policy = ReviewPolicy()
    for view in ("name", "full"):
        predicted = main.predictions(view)
        probabilities = main.probabilities[view]
        order = np.sort(probabilities, axis=1)
        confidence, margin = order[:, -1], order[:, -1] - order[:, -2]
        correct = predicted == truth
        acceptable_correct = np.array([p in a for p, a in zip(predicted, acceptable, strict=True)])
        flagged = np.array([bool(policy.reasons(c, m)) or bool(name_problems(r.level3)) for c, m, r in zip(confidence, margin, rows, strict=True)])
        disagrees = (predicted != truth) & (confidence >= policy.disagree_confidence)
        column = {c: j for j, c in enumerate(main.classes)}
        published_chance = np.array([probabilities[i, column[t]] if t in column else 0.0 for i, t in enumerate(truth)])
        by_cap = {str(cap): disagreement_metrics((disagrees & (published_chance <= (cap if cap is not None else 1.0)))[other],
                                                 unacceptable[other]) for cap in DISAGREE_CAPS}
        details[view] = {
            "per_class": classification_metrics(truth[other], predicted[other], taxonomy)["per_class"],
            "confusion": classification_metrics(truth[other], predicted[other], taxonomy)["confusion"],
            "calibration": calibration_metrics(confidence[other], correct[other]),
            "calibration_acceptable": calibration_metrics(confidence[other], acceptable_correct[other]),
            "review": review_metrics(flagged[other], acceptable_correct[other]),
            "label_disagrees": disagreement_metrics((disagrees & (published_chance <= (policy.disagree_max_published or 1.0)))[other],
                                                    unacceptable[other]),
            "label_disagrees_by_cap": by_cap,
        }
    say("label issues (cleanlab) from the out-of-fold probabilities")
    issues = label_issue_report(rows, truth, main.probabilities["full"], main.classes, cases)

    output.mkdir(parents=True, exist_ok=True)
    pictures = {
        "confusion": plots.confusion(details["name"]["confusion"], output / "confusion_matrix.png",
                                     "混淆矩阵（其他单位，仅名称）", "预测类别", "公开标签"),
        "per_class": plots.class_bars({name: {c: v["f1"] for c, v in classification_metrics(
            truth[other], results[name].predictions("name")[other], taxonomy)["per_class"].items()}
            for name in (MAIN, "TF-IDF + logistic regression", "keyword rules")},
            list(details["name"]["per_class"]), output / "per_class_f1.png", "F1（其他单位，仅名称）"),
        "reliability": plots.reliability(details["name"]["calibration"], output / "reliability.png", "可靠性曲线（其他单位，仅名称）"),
    }
    summary = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.time() - started),
        "rows": len(main.index), "publishers": len({r.publisher for r in rows}),
        "library_rows": sum(1 for r in corpus.labelled if r.origin == "library"),
        "nested": not quick, "outer_folds": OUTER_FOLDS, "inner_folds": INNER_FOLDS, "grid": SEARCH_GRID if not quick else None,
        "chosen": main.chosen, "table": table, "details": details, "label_issues": issues,
        "hard_cases": {"rows": len(cases), "published_unacceptable": int(sum(1 for c in cases.values() if not c.published_acceptable))},
        "pictures": {k: v.name for k, v in pictures.items()},
    }
    (output / "evaluation.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=_jsonable), encoding="utf-8")
    (output / "evaluation.md").write_text(markdown(summary), encoding="utf-8")
    return summary


def _jsonable(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _figure(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(summary: dict) -> str:
    """The report as Markdown: headline table, per class, review flags, calibration, chosen settings, label issues."""
    rows = summary["table"]

    def pick(system, view, subset):
        return next(r for r in rows if r["system"] == system and r["view"] == view and r["subset"] == subset)

    systems = list(dict.fromkeys(r["system"] for r in rows))
    name = summary["details"]["name"]
    lines = [
        "# Held-out-publisher evaluation",
        "",
        f"{summary['rows']} table rows from {summary['publishers']} publishers; {OUTER_FOLDS} grouped folds over publishers, so a "
        "publisher's tables are never in both the training and the test part. Indicator-library entries are always on the training "
        "side and never scored. "
        + ("Zhibiao's settings are chosen inside every outer fold by a grid search over inner grouped folds (nested cross-validation)."
           if summary["nested"] else "Quick run: Zhibiao's default settings, no nested search."),
        "Published labels are mapped to the 11 canonical categories and carry the publishers' mistakes; *acceptable* counts a "
        "prediction as right when an expert would accept it (`data/hard_cases.jsonl`, rules in `data/hard_cases.md`).",
        "",
        "## Headline: publishers the model never saw (all but the four seed documents)",
        "",
        "| system | name only: published label | name only: acceptable | name + target: published | name + target: acceptable | macro-F1 (name only) |",
        "|---|---|---|---|---|---|",
        *[f"| {s} | {_figure(pick(s, 'name', 'other publishers')['level2_accuracy'])} | {_figure(pick(s, 'name', 'other publishers')['acceptable_accuracy'])} "
          f"| {_figure(pick(s, 'full', 'other publishers')['level2_accuracy'])} | {_figure(pick(s, 'full', 'other publishers')['acceptable_accuracy'])} "
          f"| {_figure(pick(s, 'name', 'other publishers')['level2_macro_f1'])} |" for s in systems],
        "",
        "## Seed documents (held out the same way)",
        "",
        "| system | name only: published | name only: acceptable | name + target: published | name + target: acceptable | level-1 (name only) |",
        "|---|---|---|---|---|---|",
        *[f"| {s} | {_figure(pick(s, 'name', 'seed documents')['level2_accuracy'])} | {_figure(pick(s, 'name', 'seed documents')['acceptable_accuracy'])} "
          f"| {_figure(pick(s, 'full', 'seed documents')['level2_accuracy'])} | {_figure(pick(s, 'full', 'seed documents')['acceptable_accuracy'])} "
          f"| {_figure(pick(s, 'name', 'seed documents')['level1_accuracy'])} |" for s in systems],
        "",
        f"## Per class ({MAIN}, other publishers, name only)",
        "",
        "| category | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[f"| {c} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['support']} |" for c, v in name["per_class"].items()],
        "",
        "![confusion matrix](confusion_matrix.png)",
        "",
        "![per-class F1](per_class_f1.png)",
        "",
        "## Review flags (other publishers, name only)",
        "",
        f"- `needs_review` flags {name['review']['flagged']} rows ({_figure(name['review']['flagged_share'])} of them); it catches "
        f"{_figure(name['review']['errors_flagged'])} of the predictions an expert would not accept, and {_figure(name['review']['flagged_right'])} "
        f"of the flagged rows were acceptable anyway. Unflagged rows are acceptable at {_figure(name['review']['accuracy_unflagged'])}.",
        f"- `label_disagrees` marks {name['label_disagrees']['disagreements']} rows; against the {name['label_disagrees']['unacceptable_labels']} "
        f"published labels the expert found unacceptable its precision is {_figure(name['label_disagrees']['precision'])} and its recall "
        f"{_figure(name['label_disagrees']['recall'])}.",
        "",
        "`label_disagrees` by the probability the model leaves the published category (the prediction at least "
        f"{ReviewPolicy().disagree_confidence} sure in every row; `ReviewPolicy.disagree_max_published`):",
        "",
        "| published category's probability at most | rows marked | precision | recall |",
        "|---|---|---|---|",
        *[f"| {'any' if cap == 'None' else cap} | {v['disagreements']} | {_figure(v['precision'])} | {_figure(v['recall'])} |"
          for cap, v in name.get("label_disagrees_by_cap", {}).items()],
        "",
        "## Calibration (other publishers, name only)",
        "",
        f"Expected calibration error against the published label: {_figure(name['calibration']['ece'])}; against acceptable categories: "
        f"{_figure(name['calibration_acceptable']['ece'])}.",
        "",
        "| coverage (most confident share) | published label | acceptable | lowest confidence kept |",
        "|---|---|---|---|",
        *[f"| {a['coverage']:.0%} | {_figure(a['accuracy'])} | {_figure(b['accuracy'])} | {a['min_confidence']:.2f} |"
          for a, b in zip(name["calibration"]["accuracy_at_coverage"], name["calibration_acceptable"]["accuracy_at_coverage"], strict=True)],
        "",
        "![reliability](reliability.png)",
        "",
    ]
    if summary["nested"]:
        lines += ["## Settings chosen inside each outer fold", "", "| fold | inner accuracy | settings |", "|---|---|---|",
                  *[f"| {c['fold'] + 1} | {c['inner_score']:.3f} | `{json.dumps(c['params'], ensure_ascii=False, default=str)}` |"
                    for c in summary["chosen"]], ""]
    issues = summary["label_issues"]
    lines += [
        "## Likely mislabelled rows (cleanlab)",
        "",
        f"`cleanlab.filter.find_label_issues` on the out-of-fold probabilities (name + target) flags {issues['flagged']} of "
        f"{issues['rows']} rows; {issues['expert_unacceptable']} of them are rows whose published label the expert also rejected "
        f"(of {issues['unacceptable_total']} such rows), {issues['expert_ambiguous']} are rows the expert found ambiguous.",
        "",
        "| name | published | model | expert accepts |",
        "|---|---|---|---|",
        *[f"| {e['name']} | {e['published']} | {e['predicted']} | {'、'.join(e['acceptable'])} |" for e in issues["examples"]],
        "",
        f"Run time {summary['seconds']} s.",
        "",
    ]
    return "\n".join(lines)
