"""``zhibiao retrain``: add a new year's tables, train a candidate, promote it only through the gate.

Order matters for safety: the folders are checked writable and ``models/.lock``
taken, the new rows are stored and the corpus rewritten (each by
write-then-rename), the gate compares the recipes, the candidate bundle is saved
by staging-then-rename, its report is written as "pending", and only then does
``current`` move, by one atomic symlink replace, after which the report says
"promoted". A failure before the promotion puts the corpus back as it was. A
kill at any point leaves ``current`` at a complete bundle and no report claiming
a promotion that did not happen; running retrain again picks up where the data
left off, because the added files are already in the corpus.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from training.domain.judgements import load_hard_cases
from training.domain.taxonomy import load_taxonomy
from training.lifecycle import bundle as bundles
from training.lifecycle.corpus import ADDED_DIR, CORPUS_FILE, SUMMARY_FILE, SUMMARY_MARKDOWN, Corpus, build_corpus, write_corpus
from training.lifecycle.gate import Comparison, Decision, compare, decide
from training.lifecycle.ingest import IngestedFile, read_new_file, store
from training.lifecycle.lock import check_writable, models_lock
from training.lifecycle.retrain_report import change_report_markdown, plot_class_changes
from training.lifecycle.train import train
from training.model.dataset import training_data
from training.model.encoder import Encoder, make_encoder
from training.model.pipeline import recipe_params
from training.model.review import unlearnable
from training.settings import get_settings

DEFAULT_TOLERANCE = 0.01
DEFAULT_KEEP = 5
REJECTED_DIR = "rejected"
JOURNAL_DIR = ".retrain-journal"  # the corpus as it was before a running retrain, on disk: a killed run is undone by the next


@dataclass
class RetrainResult:
    ingested: list[IngestedFile]
    candidate: str | None = None
    current_before: str | None = None
    promoted: bool = False
    decision: Decision | None = None
    comparison: Comparison | None = None
    pruned: list[str] = field(default_factory=list)
    unchanged: bool = False
    report: dict = field(default_factory=dict)


def current_recipe(models_root: Path | None, corpus: Corpus, new_documents: set[str],
                   log: Callable[[str], None] = print) -> tuple[str | None, dict, set[str]]:
    """Version, recipe parameters and training documents of the current model; ``(None, {}, set())`` without a usable one.

    A current bundle written by an older Zhibiao cannot be rebuilt with
    today's code; it is reported and the candidate is gated as a first model.
    """
    root = models_root or get_settings().models_dir
    version = bundles.current_version(root)
    if version is None:
        return None, {}, set()
    try:
        metadata = bundles.verify_bundle(root / version)
    except bundles.BundleError as error:
        # a damaged current is no reason to skip the gate: the last version that loads is what the service falls
        # back on, so the candidate must do at least as well as it
        sound = bundles.last_sound(root, besides=version)
        if sound is None:
            log(f"the current model cannot be compared: {error}; no earlier version loads either")
            return None, {}, set()
        log(f"the current model {version} cannot be read ({error}): the candidate is compared with {sound}, "
            "the last version that loads")
        version, metadata = sound, bundles.verify_bundle(root / sound)
    params = dict(metadata.get("model", {}).get("params") or {})
    documents = set(metadata.get("training_data", {}).get("document_ids") or {r.doc for r in corpus.labelled} - new_documents)
    return version, params, documents


class NothingToLearn(Exception):
    """The tables given to ``retrain`` hold no labelled row: a candidate would be the current model again."""


def retrain(files: list[str | Path], year: int | None = None, data_root: Path | None = None, models_root: Path | None = None,
            tolerance: float = DEFAULT_TOLERANCE, keep: int = DEFAULT_KEEP, n_splits: int = 5, force: bool = False,
            encoder: Encoder | None = None, log: Callable[[str], None] = print) -> RetrainResult:
    """Add ``files`` to the corpus, gate a candidate against the current model, promote it or set the rows aside.

    Before any work: the data and models folders must be writable
    (``NotWritable``) and no other process may hold ``models/.lock``
    (``ModelsLocked``); the lock is held to the end. Raises ``ReadError``
    (nothing changed) when a file cannot be read, ``NothingToLearn`` (nothing changed) when no new row has a
    category. Any failure before the
    promotion puts the corpus back as it was (the rows added by this run are
    removed again) and re-raises.
    """
    data_root = data_root or get_settings().data_dir
    models_root = models_root or get_settings().models_dir
    for folder in (data_root, data_root / ADDED_DIR, models_root):
        check_writable(folder)
    with models_lock(models_root, "retrain"):
        if CorpusSnapshot.recover(data_root):
            log("a retrain that was stopped before it finished had changed the corpus: it is back as it was before that run")
        taxonomy = load_taxonomy()
        # Read every file before storing any: an unreadable file stops the run with nothing changed.
        ingested = [read_new_file(path, year=year, root=data_root, taxonomy=taxonomy) for path in files]
        if not any(row.level2 for item in ingested for row in item.rows):
            raise NothingToLearn("the new tables have no row with a category (一级/二级指标) the taxonomy knows: nothing to "
                                 "train on, and nothing was changed")
        snapshot = CorpusSnapshot.take(data_root)
        promoted = False
        try:
            result = _retrain(ingested, snapshot, taxonomy, year, data_root, models_root, tolerance, n_splits, force, encoder, log)
            promoted = result.promoted
        except BaseException:
            snapshot.restore()
            log("retrain failed: the corpus is back as it was before this run")
            raise
        snapshot.discard()
        if promoted:
            result.pruned = bundles.prune(keep, models_root)
        return result


def _retrain(ingested: list[IngestedFile], snapshot: CorpusSnapshot, taxonomy, year: int | None, data_root: Path, models_root: Path,
             tolerance: float, n_splits: int, force: bool, encoder: Encoder | None, log: Callable[[str], None]) -> RetrainResult:
    for item in ingested:
        if item.new and not item.stored.exists():
            snapshot.note_added(item.stored)
        store(item)
        state = "added" if item.new else "already in the corpus, unchanged"
        documents = len(item.documents)
        log(f"{Path(item.path).name}: {len(item.rows)} rows, {documents} document{'' if documents == 1 else 's'} ({state})")
        no_names = [row.level3 for row in item.rows if row.level3 and row.level2 and unlearnable(row.level3)]
        if no_names:
            shown = "、".join(dict.fromkeys(no_names[:3]))
            log(f"  {len(no_names)} rows kept out of training: their names are no indicator names ({shown})")
        # rows the reader could not make out (a line that is no JSON, a row without a name): kept for the record,
        # never trained on, and said (a trial's corrupt line had gone into the corpus without a word)
        unread = [issue for row in item.rows if not row.level3 for issue in (row.issues or ["no indicator name"])[:1]]
        if unread:
            log(f"  {len(unread)} rows could not be read and are not trained on: " + "; ".join(unread[:3])
                + ("; …" if len(unread) > 3 else ""))
    corpus = build_corpus(data_root, taxonomy)
    write_corpus(corpus, data_root)
    result = RetrainResult(ingested=ingested)

    new_documents = {doc for item in ingested for doc in item.documents}
    current, current_params, current_documents = current_recipe(models_root, corpus, new_documents, log)
    result.current_before = bundles.current_version(models_root)
    if current and not force:
        current_digest = bundles.read_metadata(models_root / current).get("data_digest")
        if current_digest == corpus.digest():
            result.unchanged = True
            log(f"the corpus is what {current} was trained on; nothing to do (use --force to retrain anyway)")
            return result

    data = training_data(corpus.rows, judgements=load_hard_cases())
    encoder = encoder or make_encoder()
    log(f"embedding {len(set(data.frame['name']))} distinct names")
    encoder.encode(sorted(set(data.frame["name"])), "query")
    candidate_params = recipe_params({})
    comparison = None
    if current:
        against = f"current ({current})" if current == result.current_before else f"{current}, the last version that loads"
        log(f"gate: candidate vs {against} on the same held-out publishers, {n_splits} folds")
        comparison = compare(data, encoder, taxonomy, candidate_params, current_params, current_documents, new_documents,
                             n_splits=n_splits, progress=lambda stage: log(f"  {stage} done"))
    log("training the candidate on the whole corpus")
    path = train(corpus, models_root, encoder, candidate_params, evaluate=comparison is None, promote=False,
                 metrics=_stored_metrics(comparison), log=log)
    result.candidate = path.name
    result.comparison = comparison
    result.decision = decide(comparison, tolerance) if comparison else Decision(True, ["no current model to compare: the candidate becomes the first one"])
    # The report says "pending" until the decision has been carried out: a run killed in between leaves no false "promoted".
    result.report = build_report(result, tolerance, year)
    write_report(path, result.report)
    plot_class_changes(result.report, path / "retrain_per_class.png")
    if result.decision.promote:
        bundles.promote(path.name, models_root, action="retrain")
        snapshot.discard()  # the corpus is now the current model's: a kill from here on must not undo it
        result.promoted = True
        result.report["decision"] = "promoted"
    else:
        set_aside(ingested, current_documents, data_root)
        write_corpus(build_corpus(data_root, taxonomy), data_root)
        log(f"the new rows were moved to {REJECTED_DIR}/: the corpus is again what the current model was trained on")
        result.report["decision"] = "rejected"
    write_report(path, result.report)
    return result


@dataclass
class CorpusSnapshot:
    """The corpus files as they were before a retrain, and the files it added, to put things back on a failure.

    Kept in memory and in ``data/.retrain-journal/`` until the run ends: a run killed outright (``kill -9``, a power cut)
    leaves the journal, and the next retrain puts the corpus back from it (``recover``) before it adds anything; a
    newcomer's trial had the next model trained on the rows of a run killed during its gate.
    """

    root: Path
    files: dict[str, bytes | None]
    added: list[Path] = field(default_factory=list)

    @classmethod
    def take(cls, root: Path) -> CorpusSnapshot:
        """The corpus files under ``root`` now, also written to the journal. Raises ``OSError`` when it cannot be written."""
        files = {}
        for name in (CORPUS_FILE, SUMMARY_FILE, SUMMARY_MARKDOWN):
            path = root / name
            files[name] = path.read_bytes() if path.exists() else None
        snapshot = cls(root, files)
        journal = root / JOURNAL_DIR
        shutil.rmtree(journal, ignore_errors=True)
        journal.mkdir(parents=True)
        for name, data in files.items():
            if data is not None:
                (journal / name).write_bytes(data)
        snapshot._write_state()
        return snapshot

    @classmethod
    def recover(cls, root: Path) -> bool:
        """Put the corpus back from a journal a killed run left (``take``), then remove it; whether there was one."""
        journal = root / JOURNAL_DIR
        try:
            state = json.loads((journal / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shutil.rmtree(journal, ignore_errors=True)  # none, or killed while the journal was being written
            return False
        files = {name: (None if name in state.get("absent", []) else (journal / name).read_bytes())
                 for name in (CORPUS_FILE, SUMMARY_FILE, SUMMARY_MARKDOWN)}
        cls(root, files, [Path(p) for p in state.get("added", [])]).restore()
        return True

    def note_added(self, path: Path) -> None:
        """Remember a file this run adds to the corpus folder (in the journal first, then it is written)."""
        self.added.append(path)
        self._write_state()

    def _write_state(self) -> None:
        state = {"absent": [n for n, d in self.files.items() if d is None], "added": [str(p) for p in self.added]}
        tmp = self.root / JOURNAL_DIR / ".state.json"
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.root / JOURNAL_DIR / "state.json")

    def discard(self) -> None:
        """The run finished: the journal is no longer needed."""
        shutil.rmtree(self.root / JOURNAL_DIR, ignore_errors=True)

    def restore(self) -> None:
        """Remove the added files and write the corpus files back (each by write-then-rename), then the journal; never raises."""
        for path in self.added:
            with contextlib.suppress(OSError):
                path.unlink()
        for name, data in self.files.items():
            path = self.root / name
            with contextlib.suppress(OSError):
                if data is None:
                    path.unlink(missing_ok=True)
                    continue
                tmp = path.with_name(f".{name}.restore")
                tmp.write_bytes(data)
                tmp.replace(path)
        self.discard()


def set_aside(ingested: list[IngestedFile], current_documents: set[str], data_root: Path | None) -> None:
    """Take a rejected run's new rows out of the corpus, so the next retrain does not inherit them.

    They stay in ``data/rejected/`` for inspection; retraining the same file
    again adds them again and meets the same gate.
    """
    folder = (data_root or get_settings().data_dir) / REJECTED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for item in ingested:
        if item.stored.exists() and not item.documents & current_documents:  # also files left by a killed run
            item.stored.replace(folder / item.stored.name)


def _stored_metrics(comparison: Comparison | None) -> dict | None:
    if comparison is None:
        return None
    return {k: v for k, v in comparison.candidate.items() if k != "confusion"}


def build_report(result: RetrainResult, tolerance: float, year: int | None) -> dict:
    comparison = result.comparison
    per_class = {}
    if comparison:
        for name in sorted(set(comparison.candidate["per_class"]) | set(comparison.current["per_class"])):
            before = comparison.current["per_class"].get(name, {})
            after = comparison.candidate["per_class"].get(name, {})
            per_class[name] = {"current_f1": before.get("f1"), "candidate_f1": after.get("f1"), "support": after.get("support", before.get("support"))}
    overall = {}
    if comparison:
        for key in ("level2_accuracy", "level2_macro_f1", "level2_macro_f1_supported", "level1_accuracy", "level1_macro_f1"):
            if key in comparison.current and key in comparison.candidate:
                overall[key] = {"current": comparison.current[key], "candidate": comparison.candidate[key]}
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "candidate": result.candidate,
        "current_before": result.current_before,
        "year": year,
        "decision": "pending",  # set to "promoted" or "rejected" once that has happened
        "gate": "passed" if result.decision.promote else "failed",
        "reasons": result.decision.reasons,
        "tolerance": tolerance,
        "files": [
            {"file": Path(item.path).name, "sha256": item.sha256, "new": item.new, "rows": len(item.rows),
             "documents": sorted(item.documents), "rows_per_category": item.per_category(), "unknown_labels": item.unknown_labels()}
            for item in result.ingested
        ],
        "held_out": {
            "documents": comparison.documents if comparison else None,
            "new_documents": comparison.new_documents if comparison else [],
            "overall": overall,
            "per_class": per_class,
            "new_documents_only": {
                "current": _headline(comparison.current_on_new) if comparison and comparison.current_on_new else None,
                "candidate": _headline(comparison.candidate_on_new) if comparison and comparison.candidate_on_new else None,
            },
        },
    }


def _headline(metrics: dict) -> dict:
    return {k: metrics[k] for k in ("n", "level2_accuracy", "level2_macro_f1", "level1_accuracy")}


def write_report(bundle: Path, report: dict) -> None:
    """The report sits beside the bundle, so a rejected candidate keeps its reasons."""
    for name, text in ((bundles.RETRAIN_REPORT, json.dumps(report, ensure_ascii=False, indent=2)),
                       ("retrain.md", change_report_markdown(report))):
        tmp = bundle / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(bundle / name)
