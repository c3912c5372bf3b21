"""The training corpus: every source table read into one normalized JSON Lines file.

Building is deterministic (sorted inputs, no timestamps), so the checked-in
``data/corpus.jsonl`` changes only when a source or the reader changes.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.readers import read_file
from training.settings import get_settings

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


SOURCES_MANIFEST = "sources.json"


def source_manifest(root: Path) -> dict[str, dict]:
    """``data/sources/sources.json``: for every source file, its origin and how its publisher is read.

    Raises ``FileNotFoundError`` without the manifest and ``ValueError`` when a
    file under ``sources/`` is not listed (every source must say what it is).
    """
    sources = root / "sources"
    manifest = json.loads((sources / SOURCES_MANIFEST).read_text(encoding="utf-8"))
    entries = {name: entry for name, entry in manifest.items() if name != "about"}
    present = {p.relative_to(sources).as_posix() for p in [*sources.glob("seeds/*.txt"), *sources.glob("*.jsonl")]}
    unlisted = sorted(present - set(entries))
    if unlisted:
        raise ValueError(f"{sources / SOURCES_MANIFEST}: no entry for {', '.join(unlisted)}")
    return {name: entry for name, entry in entries.items() if name in present}


def seed_sources(root: Path | None = None) -> set[str]:
    """File names of the seed documents (``sources/seeds/``): the project's first four units, reported apart."""
    root = root or get_settings().data_dir
    return {Path(name).name for name in source_manifest(root) if name.startswith("seeds/")}


def source_files(root: Path) -> list[Path]:
    return [root / "sources" / name for name in sorted(source_manifest(root))]


def publisher_of(row: IndicatorRow, rule: dict) -> str:
    """The publishing body of a row by its source's rule: a fixed ``name``, or read ``from`` the row's doc or source address."""
    if "name" in rule:
        return rule["name"]
    if rule.get("from") == "source":
        address = str((row.input or {}).get("source_url") or row.doc)
        if address.startswith("github:"):
            return ":".join(address.split(":")[:2])
        return urlparse(address).netloc or address
    described = str((row.input or {}).get("doc") or row.doc or row.source)
    return described.split()[0]


def apply_manifest(rows: list[IndicatorRow], entry: dict) -> list[IndicatorRow]:
    for row in rows:
        row.origin = entry.get("origin", "table")
        row.publisher = row.publisher or publisher_of(row, entry.get("publisher", {}))
    return rows


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
    manifest = source_manifest(root)
    files = source_files(root)
    iterator = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="reading sources", unit="file")
    for path in iterator:
        entry = manifest[path.relative_to(root / "sources").as_posix()]
        rows.extend(apply_manifest(read_file(path, taxonomy).rows, entry))
    for path in added_files(root):
        rows.extend(load_rows(path))
    return Corpus(rows=rows)


def load_rows(path: Path) -> list[IndicatorRow]:
    with open(path, encoding="utf-8") as handle:
        return [IndicatorRow.from_dict(json.loads(line)) for line in handle if line.strip()]


def write_rows(rows: list[IndicatorRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(corpus_record(row), ensure_ascii=False, sort_keys=True) + "\n")
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # no half-written .tmp left beside the output on a full disk
        raise


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
