"""The retrain report: what the new files added, what the taxonomy did not know, and what changed per class."""

from __future__ import annotations

from pathlib import Path

from training.evaluation.plots import class_bars


def _figure(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def change_report_markdown(report: dict) -> str:
    held_out = report["held_out"]
    lines = [
        f"# Retrain {report['created']}: candidate {report['candidate']} {report['decision'].upper()}",
        "",
        f"Current model before: {report['current_before'] or 'none'}; tolerance {report['tolerance']}; year {report['year'] or 'as read'}.",
        "",
        *([f"The gate {report.get('gate', '?')}; the run stopped before its decision was carried out, so this candidate "
           "was neither promoted nor set aside.", ""] if report["decision"] == "pending" else []),
        *[f"- {reason}" for reason in report["reasons"]],
        "",
        "## Files",
        "",
        "| file | new | rows | documents |",
        "|---|---|---|---|",
        *[f"| {f['file']} | {'yes' if f['new'] else 'already added'} | {f['rows']} | {len(f['documents'])} |" for f in report["files"]],
        "",
        "## Rows added per category",
        "",
        "| category | rows |",
        "|---|---|",
    ]
    totals: dict[str, int] = {}
    for file in report["files"]:
        for category, count in file["rows_per_category"].items():
            totals[category] = totals.get(category, 0) + count
    lines += [f"| {c} | {n} |" for c, n in sorted(totals.items(), key=lambda kv: -kv[1])]
    lines += ["", "## Labels not in the taxonomy (kept in the corpus, left out of the classes)", ""]
    unknown = [(f["file"], label, n) for f in report["files"] for label, n in f["unknown_labels"].items()]
    lines += [f"- {file}: `{label}` ({n} rows)" for file, label, n in unknown] or ["none"]
    if held_out["overall"]:
        lines += ["", f"## Held-out documents ({held_out['documents']}, of which {len(held_out['new_documents'])} new)", "",
                  "| metric | current | candidate | change |", "|---|---|---|---|"]
        for metric, pair in held_out["overall"].items():
            lines.append(f"| {metric} | {pair['current']:.3f} | {pair['candidate']:.3f} | {pair['candidate'] - pair['current']:+.3f} |")
        only_new = held_out["new_documents_only"]
        if only_new["candidate"]:
            lines += ["", f"On the new documents alone ({only_new['candidate']['n']} rows): level-2 accuracy current "
                      f"{only_new['current']['level2_accuracy']:.3f}, candidate {only_new['candidate']['level2_accuracy']:.3f}."]
        lines += ["", "## Per class (F1)", "", "| category | support | current | candidate | change |", "|---|---|---|---|---|"]
        for name, row in held_out["per_class"].items():
            change = "" if row["current_f1"] is None or row["candidate_f1"] is None else f"{row['candidate_f1'] - row['current_f1']:+.3f}"
            lines.append(f"| {name} | {row['support']} | {_figure(row['current_f1'])} | {_figure(row['candidate_f1'])} | {change} |")
        lines += ["", "![per-class F1](retrain_per_class.png)"]
    return "\n".join(lines) + "\n"


def plot_class_changes(report: dict, path: Path) -> Path | None:
    per_class = report["held_out"]["per_class"]
    if not per_class:
        return None
    series = {"当前模型": {c: v["current_f1"] for c, v in per_class.items()},
              "候选模型": {c: v["candidate_f1"] for c, v in per_class.items()}}
    return class_bars(series, list(per_class), path, "留出单位上的 F1（仅名称）")
