"""``zhibiao evaluate``: the held-out-document report with baselines, in Markdown and pictures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from training.lifecycle.corpus import load_corpus
from training.evaluation.metrics import (
    KeywordBaseline,
    MajorityBaseline,
    TfidfLogisticBaseline,
    calibration_metrics,
    classification_metrics,
    cross_validate,
)
from training.model.features import Item
from training.lifecycle.train import make_encoder, make_model, training_set
from training.domain.taxonomy import load_taxonomy


def run_evaluation(output: Path, data_root: Path | None = None, encoder_path: str | None = None, progress: bool = True) -> dict:
    taxonomy = load_taxonomy()
    items, labels, groups, _ = training_set(load_corpus(data_root))
    encoder = make_encoder(encoder_path)
    encoder.encode([i.name for i in items], kind="query")
    name_only = [Item(name=i.name) for i in items]
    systems = {
        "majority class": (MajorityBaseline, items),
        "keyword rules": (KeywordBaseline, items),
        "TF-IDF + logistic regression": (TfidfLogisticBaseline, items),
        "Zhibiao, name only": (lambda: make_model(encoder), name_only),
        "Zhibiao, name + description + target": (lambda: make_model(encoder), items),
        "Zhibiao without embeddings": (lambda: make_model(encoder, use_embeddings=False, use_knn=False), items),
    }
    results: dict[str, dict] = {}
    folds: dict[str, object] = {}
    bar = tqdm(systems.items(), desc="evaluating", unit="system", disable=not progress)
    for name, (factory, inputs) in bar:
        bar.set_postfix_str(name)
        fold = cross_validate(inputs, labels, groups, factory)
        metrics = classification_metrics(labels, fold.predictions, taxonomy)
        if name.startswith("Zhibiao"):
            metrics["calibration"] = calibration_metrics(fold, labels)
        results[name] = metrics
        folds[name] = fold
    output.mkdir(parents=True, exist_ok=True)
    main = "Zhibiao, name + description + target"
    pictures = {
        "confusion": plot_confusion(results[main]["confusion"], output / "confusion_matrix.png"),
        "per_class": plot_per_class(results, main, output / "per_class_f1.png"),
        "reliability": plot_reliability(results[main]["calibration"], output / "reliability.png"),
    }
    summary = {"documents": len(set(groups)), "rows": len(items), "systems": results, "pictures": {k: str(v.name) for k, v in pictures.items()}}
    (output / "evaluation.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (output / "evaluation.md").write_text(markdown(summary, main), encoding="utf-8")
    return summary


def markdown(summary: dict, main: str) -> str:
    systems = summary["systems"]
    lines = [
        "# Held-out-document evaluation",
        "",
        f"Grouped 5-fold cross-validation over {summary['rows']} labelled indicators from {summary['documents']} documents: "
        "a document never sits in both the training and the test part of a fold. Labels are the published ones mapped to "
        "the 11 canonical categories (`data/taxonomy.json`), so they carry the publishers' mistakes.",
        "",
        "| system | level-2 accuracy | level-2 macro-F1 | level-1 accuracy | level-1 macro-F1 |",
        "|---|---|---|---|---|",
        *[f"| {name} | {m['level2_accuracy']:.3f} | {m['level2_macro_f1']:.3f} | {m['level1_accuracy']:.3f} | {m['level1_macro_f1']:.3f} |"
          for name, m in systems.items()],
        "",
        f"## Per class ({main})",
        "",
        "| category | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[f"| {c} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['support']} |" for c, v in systems[main]["per_class"].items()],
        "",
        "![confusion matrix](confusion_matrix.png)",
        "",
        "![per-class F1](per_class_f1.png)",
        "",
        "## Calibration",
        "",
        f"Expected calibration error: {systems[main]['calibration']['ece']:.3f} (name + target), "
        f"{systems['Zhibiao, name only']['calibration']['ece']:.3f} (name only).",
        "",
        "| coverage (most confident share) | accuracy | lowest confidence kept |",
        "|---|---|---|",
        *[f"| {c['coverage']:.0%} | {c['accuracy']:.3f} | {c['min_confidence']:.2f} |" for c in systems[main]["calibration"]["accuracy_at_coverage"]],
        "",
        "![reliability](reliability.png)",
        "",
    ]
    return "\n".join(lines)


def _chinese_font() -> None:
    import matplotlib
    from matplotlib import font_manager

    for name in ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN"):
        if any(name in f.name for f in font_manager.fontManager.ttflist):
            matplotlib.rcParams["font.sans-serif"] = [name]
            return


ENGLISH = {
    "数量指标": "quantity", "质量指标": "quality", "时效指标": "timeliness", "经济成本指标": "economic cost",
    "社会成本指标": "social cost", "生态环境成本指标": "environmental cost", "经济效益指标": "economic benefit",
    "社会效益指标": "social benefit", "生态效益指标": "ecological benefit", "可持续影响指标": "sustained impact",
    "服务对象满意度指标": "satisfaction",
}


def _short(name: str) -> str:
    """English axis labels: the machines that render reports often have no CJK font."""
    return ENGLISH.get(name, name)


def plot_confusion(confusion: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _chinese_font()
    classes, matrix = confusion["classes"], np.array(confusion["matrix"])
    figure, axis = plt.subplots(figsize=(8, 7))
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(classes)), [_short(c) for c in classes], rotation=60, ha="right")
    axis.set_yticks(range(len(classes)), [_short(c) for c in classes])
    for i in range(len(classes)):
        for j in range(len(classes)):
            if matrix[i, j]:
                axis.text(j, i, matrix[i, j], ha="center", va="center", color="white" if matrix[i, j] > matrix.max() / 2 else "black", fontsize=8)
    axis.set_xlabel("predicted")
    axis.set_ylabel("published label")
    axis.set_title("Confusion matrix, held-out documents")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def plot_per_class(results: dict, main: str, path: Path) -> Path:
    compared = [main, "TF-IDF + logistic regression", "keyword rules"]
    series = {name: {c: v["f1"] for c, v in results[name]["per_class"].items()} for name in compared}
    return plot_class_bars(series, list(results[main]["per_class"]), path)


def plot_class_bars(series: dict[str, dict[str, float | None]], classes: list[str], path: Path,
                    ylabel: str = "F1 on held-out documents") -> Path:
    """Grouped bars, one group per class: how systems (or model versions) compare class by class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _chinese_font()
    figure, axis = plt.subplots(figsize=(10, 5))
    width = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series.items()):
        heights = [values.get(c) or 0.0 for c in classes]
        axis.bar(np.arange(len(classes)) + k * width, heights, width, label=name)
    axis.set_xticks(np.arange(len(classes)) + width * (len(series) - 1) / 2, [_short(c) for c in classes], rotation=45, ha="right")
    axis.set_ylabel(ylabel)
    axis.set_ylim(0, 1)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def plot_reliability(calibration: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = calibration["reliability"]
    figure, axis = plt.subplots(figsize=(5, 5))
    axis.plot([0, 1], [0, 1], "--", color="gray")
    axis.plot([r["confidence"] for r in table], [r["accuracy"] for r in table], "o-")
    for r in table:
        axis.annotate(str(r["n"]), (r["confidence"], r["accuracy"]), fontsize=7)
    axis.set_xlabel("confidence")
    axis.set_ylabel("accuracy")
    axis.set_title(f"Reliability (ECE {calibration['ece']:.3f})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
