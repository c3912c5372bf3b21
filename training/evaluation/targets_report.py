"""``zhibiao evaluate --targets``: the held-out evaluation of target and project suggestions, as Markdown, JSON and a picture.

Runs ``training.evaluation.targets.evaluate_targets`` (the classifier's
grouped folds over publishers, everything rebuilt from each fold's training
part) and writes ``targets.md`` (Chinese, for reviewers), ``targets.json``
(every scored row) and ``targets_per_category.png``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from training.domain.units import load_units
from training.evaluation import plots
from training.evaluation.targets import (
    OLD,
    VIEWS,
    TargetEvaluation,
    evaluate_targets,
    failures,
    figures,
    per_category,
    per_family,
)
from training.lifecycle.corpus import Corpus, load_corpus
from training.model.encoder import Encoder, make_encoder

MAIN = "Zhibiao"
AIMS = {"unit_family": 0.80, "operator": 0.85, "deadline": 0.90}
VIEW_ZH = {"name": "仅名称（表单插件发送的内容；类别由分类器给出）", "name_category_year": "名称 + 公布的类别 + 年度",
           "in_table": "在表格中（批量处理，或表单插件在请求的 table 中附上同表其他行：公布的类别（分类器有把握地认为其有误时用预测类别）、年度、同表其他行的写法）"}
SYSTEM_ZH = {MAIN: "Zhibiao（单位模型 + 相似指标 + 词表）", "unit model only": "仅单位模型", "similar rows only": "仅相似历史指标",
             "lexicon only (head word, category)": "仅词表（中心词、类别）", OLD: "#12 之前：相似指标最常见的写法"}


def run_targets_evaluation(output: Path, log: Callable[[str], None] | None = None, encoder: Encoder | None = None,
                           corpus: Corpus | None = None, n_splits: int = 5) -> dict:
    """Write ``targets.md``, ``targets.json`` and ``targets_per_category.png`` into ``output``; return the summary dict."""
    say = log or (lambda _message: None)
    started = time.time()
    corpus = corpus or load_corpus()
    result = evaluate_targets(corpus.rows, encoder or make_encoder(), n_splits=n_splits, log=say)
    output.mkdir(parents=True, exist_ok=True)
    summary = summarize(result)
    summary["seconds"] = round(time.time() - started, 1)
    summary["pictures"] = {"per_category": str(_picture(result, output).name)}
    (output / "targets.json").write_text(json.dumps({**summary, "scored": scored_rows(result)}, ensure_ascii=False), encoding="utf-8")
    (output / "targets.md").write_text(markdown(summary, result), encoding="utf-8")
    return summary


def scored_rows(result: TargetEvaluation) -> dict:
    """Zhibiao's first suggestion for every scored row (a published unit, operator or date), per view: the rows behind the figures."""
    return {view: [asdict(r) for r in systems[MAIN] if r.family or r.direction or r.deadline] for view, systems in result.rows.items()}


def summarize(result: TargetEvaluation) -> dict:
    """Figures per view and system, per category and per family for Zhibiao, and the project suggestion figures."""
    return {
        "folds": result.folds,
        "views": {view: {system: figures(rows) for system, rows in result.rows[view].items()} for view in VIEWS if view in result.rows},
        "per_category": {view: per_category(result.rows[view][MAIN]) for view in VIEWS if view in result.rows},
        "per_family": {view: per_family(result.rows[view][MAIN]) for view in VIEWS if view in result.rows},
        "aims": AIMS,
        "projects": result.projects.get("systems", {}),
        "project_examples": result.projects.get("per_project", [])[:5],
        "skipped_publishers": result.skipped_publishers,
    }


def _picture(result: TargetEvaluation, output: Path) -> Path:
    rows = result.rows["name"][MAIN]
    categories = per_category(rows)
    shown = [c for c, f in categories.items() if f["unit_family"]["n"]]
    series = {"单位类别一致": {c: categories[c]["unit_family"]["share"] for c in shown},
              "运算符一致": {c: categories[c]["operator"]["share"] for c in shown}}
    return plots.class_bars(series, shown, output / "targets_per_category.png", "一致的比例（其他单位，仅名称）")


def _share(figure: dict) -> str:
    if not figure or figure.get("share") is None:
        return "–"
    return f"{figure['share']:.3f}（{figure['matched']}/{figure['n']}）"


def markdown(summary: dict, result: TargetEvaluation) -> str:
    """The report in Chinese: aims, systems per view, per category, per family, failures, projects."""
    lexicon = load_units()
    label = {key: f"{f.label}（{key}）" for key, f in lexicon.families.items()}
    main_name = summary["views"]["name"][MAIN]
    lines = [
        "# 指标值建议：留出单位评估",
        "",
        f"与分类器相同的分组交叉验证（{summary['folds']} 折，按发布单位分组，指标库条目只在训练部分）。每一折只用训练部分重建"
        "分类器、参考索引、单位模型和运算符模型，再为留出单位的每一行建议指标值，与该行公布的指标值比较第一条建议。",
        "",
        "- **单位类别**：公布的指标值是带单位的数值（单位属于 `data/units.json` 中的一个类别）的行；亩、公顷、平方米同属“面积”。",
        "- **运算符**：其中写了运算符的行（≥ ≤ =，> 与 < 按方向计入 ≥ 与 ≤）。",
        "- **时限**：时效指标中公布值是日期的行，第一条建议是否为时限。",
        "",
        "主要数字是**仅名称**（表单插件只发送名称，类别由该折的分类器给出，没有年度）。",
        "",
        "## 目标与结果（仅名称）",
        "",
        "| 指标 | 目标 | 仅名称 | 名称 + 类别 + 年度 | 在表格中（批量，或附 table 的请求） |",
        "|---|---|---|---|---|",
    ]
    for key, title in (("unit_family", "单位类别一致"), ("operator", "运算符一致"), ("deadline", "时效日期行给出时限")):
        cells = [_share(summary["views"][view][MAIN][key]) for view in VIEWS]
        lines.append(f"| {title} | ≥ {AIMS[key]:.2f} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"占位值（只给出 `≥__单位` 形式：相似指标中没有同单位的数值，或计数、面积、金额等随项目规模变化的数值只来自1个单位、或彼此相差5倍以上，规模不可比）：{_share(main_name['placeholder'])}；"
        f"数值与公布值完全相同（单位一致且有数值时）：{_share(main_name['value_exact'])}。",
        "",
        "## 各系统比较",
        "",
    ]
    for view in VIEWS:
        lines += [f"### {VIEW_ZH[view]}", "", "| 系统 | 单位类别 | 运算符 | 运算符（含无单位行） | 时限 |", "|---|---|---|---|---|"]
        for system, figure in summary["views"][view].items():
            lines.append(f"| {SYSTEM_ZH.get(system, system)} | {_share(figure['unit_family'])} | {_share(figure['operator'])} | "
                         f"{_share(figure['operator_all'])} | {_share(figure['deadline'])} |")
        lines.append("")
    lines += ["## 按类别（Zhibiao）", "", "| 公布的类别 | 单位类别（仅名称） | 运算符（仅名称） | 时限（仅名称） | 运算符（在表格中） | 时限（名称 + 类别） |",
              "|---|---|---|---|---|---|"]
    for category, figure in summary["per_category"]["name"].items():
        in_table = summary["per_category"]["in_table"].get(category, {})
        with_category = summary["per_category"]["name_category_year"].get(category, {})
        lines.append(f"| {category} | {_share(figure['unit_family'])} | {_share(figure['operator'])} | {_share(figure['deadline'])} | "
                     f"{_share(in_table.get('operator'))} | {_share(with_category.get('deadline'))} |")
    lines += ["", "![按类别](targets_per_category.png)", "", "## 按单位类别（Zhibiao，仅名称）", "",
              "| 公布的单位类别 | 一致 |", "|---|---|"]
    for family, figure in summary["per_family"]["name"].items():
        lines.append(f"| {label.get(family, family)} | {_share(figure)} |")
    lines += ["", "## 未达到的行（Zhibiao，仅名称）", ""]
    missed = failures(result.rows["name"][MAIN])
    for key, title in (("unit_family", "单位类别不一致"), ("operator", "运算符不一致"), ("deadline", "没有给出时限")):
        rows = missed[key]
        lines += [f"### {title}（{len(rows)} 行）", "", "| 发布单位 | 类别 | 三级指标 | 公布的指标值 | 建议 |", "|---|---|---|---|---|"]
        for row in rows:
            lines.append(f"| {row.publisher} | {row.level2} | {_cell(row.name)} | {_cell(row.target)} | {_cell(row.suggested or '（无）')} |")
        lines.append("")
    lines += _project_lines(summary)
    lines += ["", f"运行：`zhibiao evaluate --targets`，用时 {summary.get('seconds', '?')} 秒。", ""]
    return "\n".join(lines)


def _project_lines(summary: dict) -> list[str]:
    projects = summary.get("projects") or {}
    if not projects:
        return []
    lines = [
        "## 项目指标建议的相关性",
        "",
        "留出单位中有至少 3 个三级指标的每个项目：以项目名称请求至多 12 个指标（与项目无关的历史指标不再用来补足名额，所以每个项目的建议可少于 12 个，召回随之降低；没有得到任何建议的项目不计入该系统），建议的名称与该项目实际指标的最大相似度达到阈值即算“接近”。"
        "阈值取参考指标两两相似度的 95% 与 99% 分位数（与编码器无关）。精确度 = 建议中接近实际指标的比例；召回 = 实际指标中有接近建议的比例。",
        "",
        "按项目名称组成的指标（没有相近历史项目时，每组一半名额）与项目名称共用字词，相似度因此偏高：它们的精确度是乐观的，召回（实际指标有多少被建议覆盖）更可比。",
        "",
        "| 系统 | 项目数 | 每项目建议数 | 精确度 p95 | 精确度 p99 | 召回 p95 | 召回 p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {MAIN: "Zhibiao（相似项目 + 指标库行业 + 按项目名称组成）",
             "Zhibiao without composed indicators": "Zhibiao，不按项目名称组成（只用相似项目与指标库）",
             "old: names most similar to the project, per group": "#12 之前：与项目名称最相近的指标，每组 k/6 个",
             "most frequent names": "最常见的指标名称"}
    for system, figure in projects.items():
        lines.append(f"| {names.get(system, system)} | {figure['projects']} | {figure['suggested_per_project']} | "
                     f"{figure['precision_p95']:.3f} | {figure['precision_p99']:.3f} | {figure['recall_p95']:.3f} | {figure['recall_p99']:.3f} |")
    examples = summary.get("project_examples") or []
    if examples:
        lines += ["", "### 例子（Zhibiao，前 5 个项目）", ""]
        for example in examples[:5]:
            lines += [f"- **{example['project']}**（{example['publisher']}，精确度 p95 {example['precision_p95']:.2f}）",
                      f"  - 建议：{'；'.join(example['names'])}", f"  - 实际：{'；'.join(example['actual'])}"]
    return lines


def _cell(text: str) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")[:80]

