"""The training corpus: every source table read into one normalized JSON Lines file.

Building is deterministic (sorted inputs, no timestamps), so the checked-in
``data/corpus.jsonl`` changes only when a source or the reader changes.
"""

from __future__ import annotations

import collections
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from training.settings import get_settings
from training.readers import read_file
from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy

CORPUS_FILE = "corpus.jsonl"
SUMMARY_FILE = "corpus_summary.json"
SUMMARY_MARKDOWN = "corpus_summary.md"
ADDED_DIR = "added"


@dataclass
class Corpus:
    rows: list[IndicatorRow]

    @property
    def labelled(self) -> list[IndicatorRow]:
        """Rows usable for training: a name and a standard level-2 label."""
        return [r for r in self.rows if r.level3 and r.level2]

    def digest(self) -> str:
        hasher = hashlib.sha256()
        for row in self.rows:
            hasher.update(json.dumps(corpus_record(row), ensure_ascii=False, sort_keys=True).encode())
        return hasher.hexdigest()[:16]


def source_files(root: Path) -> list[Path]:
    sources = root / "sources"
    files = sorted((sources / "seeds").glob("*.txt")) + sorted(sources.glob("*.jsonl"))
    return files


def added_files(root: Path) -> list[Path]:
    return sorted((root / ADDED_DIR).glob("*.jsonl"))


def corpus_record(row: IndicatorRow) -> dict:
    record = row.as_dict()
    record.pop("input", None)
    if record.get("provenance") is None:
        record.pop("provenance", None)
    for key in IndicatorRow.OPTIONAL_FIELDS:
        if record.get(key) is None:
            record.pop(key, None)
    return record


def build_corpus(root: Path | None = None, taxonomy: Taxonomy | None = None, progress: bool = False) -> Corpus:
    root = root or get_settings().data_dir
    taxonomy = taxonomy or load_taxonomy()
    rows: list[IndicatorRow] = []
    files = source_files(root)
    iterator = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="reading sources", unit="file")
    for path in iterator:
        rows.extend(read_file(path, taxonomy).rows)
    for path in added_files(root):
        rows.extend(load_rows(path))
    return Corpus(rows=rows)


def load_rows(path: Path) -> list[IndicatorRow]:
    with open(path, encoding="utf-8") as handle:
        return [IndicatorRow.from_dict(json.loads(line)) for line in handle if line.strip()]


def write_rows(rows: list[IndicatorRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(corpus_record(row), ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)


def load_corpus(root: Path | None = None) -> Corpus:
    root = root or get_settings().data_dir
    path = root / CORPUS_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no corpus; run `zhibiao corpus` first")
    return Corpus(rows=load_rows(path))


def summarize(corpus: Corpus) -> dict:
    rows = corpus.rows
    per_source = collections.Counter(r.source for r in rows)
    per_category = collections.Counter(f"{r.level1}/{r.level2}" if r.level2 else ("(process label)" if r.label_process else f"{r.level1 or '(none)'}/(no level 2)") for r in rows)
    kinds = collections.Counter(r.target.kind for r in rows)
    unparsed = [
        {"source": r.source, "row": r.row, "level3": r.level3, "target_raw": r.target_raw}
        for r in rows
        if r.target.kind == "unparsed"
    ]
    seen: dict[tuple, list[str]] = collections.defaultdict(list)
    for r in rows:
        seen[(r.level3, r.target_raw, r.level2)].append(r.doc)
    duplicates = sum(len(docs) - 1 for docs in seen.values() if len(docs) > 1)
    unknown_labels = collections.Counter(
        f"{r.level1_raw} / {r.level2_raw}" for r in rows if not r.label_known
    )
    return {
        "rows": len(rows),
        "labelled_rows": len(corpus.labelled),
        "documents": len({r.doc for r in rows}),
        "rows_per_source": dict(sorted(per_source.items())),
        "rows_per_category": dict(sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "target_kinds": dict(sorted(kinds.items())),
        "unparsed_targets": unparsed,
        "duplicate_rows": duplicates,
        "unknown_labels": dict(unknown_labels),
        "rows_with_issues": sum(1 for r in rows if r.issues),
        "digest": corpus.digest(),
    }


def summary_markdown(summary: dict) -> str:
    lines = [
        "# Corpus summary",
        "",
        f"{summary['rows']} rows from {summary['documents']} documents; {summary['labelled_rows']} carry a standard level-2 label.",
        f"Duplicate rows (same name, target and label in another place): {summary['duplicate_rows']}.",
        f"Unparsed targets: {len(summary['unparsed_targets'])}. Corpus digest: `{summary['digest']}`.",
        "",
        "## Rows per source",
        "",
        "| source | rows |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in summary["rows_per_source"].items()],
        "",
        "## Rows per standard category",
        "",
        "| category | rows |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in summary["rows_per_category"].items()],
        "",
        "## Target kinds",
        "",
        "| kind | rows |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in summary["target_kinds"].items()],
        "",
        "## Unparsed targets",
        "",
        *([f"- {u['source']} row {u['row']}: {u['level3']} → `{u['target_raw']}`" for u in summary["unparsed_targets"]] or ["none"]),
        "",
        "## Labels not in the taxonomy",
        "",
        *([f"- {k}: {v}" for k, v in summary["unknown_labels"].items()] or ["none"]),
        "",
    ]
    return "\n".join(lines)


def write_corpus(corpus: Corpus, root: Path | None = None) -> dict:
    root = root or get_settings().data_dir
    write_rows(corpus.rows, root / CORPUS_FILE)
    summary = summarize(corpus)
    (root / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (root / SUMMARY_MARKDOWN).write_text(summary_markdown(summary), encoding="utf-8")
    return summary
