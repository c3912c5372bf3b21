"""A backfill run: find the files, pin the model, skip what is done, run an engine, record every file, summarize.

The model is the bundle ``models/current`` points at when the job starts
(resolved once: its folder and version go to every worker). A rerun of the
same output folder continues with the model the job was started with, so a
promotion in between never mixes versions in one output.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from service.backfill.annotation import FileResult, JobModel, WorkItem
from service.backfill.encoding import EncoderSpec
from service.backfill.inputs import InputError, content_hash, discover
from service.backfill.manifest import Manifest, ManifestError
from service.backfill.output import remove_stale_temporaries, write_part
from service.backfill.summary import write_summaries
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.model.encoder import EncoderMissing
from training.readers import ReadLimits
from training.readers.errors import NOT_FOUND

ENGINES = ("local", "ray")


class BackfillError(Exception):
    """A job that cannot start or cannot go on (no inputs, no model, a foreign output folder, a failed worker); one line."""


class Progress(Protocol):
    """What a job reports as it goes: ``start(total_files)``, then ``file(status, rows)`` once per input file
    (``status`` ``done``, ``unreadable``, ``duplicate`` or ``skipped`` = finished by an earlier run), then ``close()``."""

    def start(self, total_files: int) -> None: ...

    def file(self, status: str, rows: int) -> None: ...

    def close(self) -> None: ...


class _Silent:
    def start(self, total_files: int) -> None:
        pass

    def file(self, status: str, rows: int) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class BackfillResult:
    """What one run did (counts of this run; ``summary`` covers the whole output folder, earlier runs included).

    ``seconds`` is the whole run, ``startup_seconds`` the part before the first
    file (Ray starting, models loading); ``worker_stats`` has one entry per
    annotating process (``rows``, ``busy_seconds``, ``cpu_seconds``, ``peak_rss_mb``).
    """

    outdir: Path
    engine: str
    model_version: str
    files: int = 0
    done: int = 0
    unreadable: int = 0
    duplicates: int = 0
    skipped: int = 0
    rows: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0
    worker_stats: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def one_line(error: BaseException) -> str:
    """The last line of an error's message (Ray wraps a worker's error in its traceback), or its type name."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def resolve_model(models_root: Path, version: str | None) -> tuple[Path, str]:
    """The bundle folder and version to use: ``version`` (a job's own) or what ``current`` points at now.

    The bundle's hash is checked here so that a broken model stops the job
    before any work. Raises ``BackfillError``.
    """
    from training.lifecycle.bundle import BundleError, current_version, verify_bundle

    version = version or current_version(models_root)
    if version is None:
        raise BackfillError(f"{models_root}: no current model; run `zhibiao train`")
    bundle = models_root / version
    if not bundle.is_dir():
        raise BackfillError(f"the job's model {version} is no longer in {models_root}; restore it, or start a new output folder")
    try:
        verify_bundle(bundle)
    except BundleError as error:
        raise BackfillError(str(error)) from None
    return bundle.resolve(), version


def make_engine(engine: str, model: JobModel, taxonomy: Taxonomy, limits: ReadLimits, workers: int, batch_rows: int,
                address: str | None, object_store_mb: int):
    """The engine object for ``engine`` (``local`` or ``ray``). Raises ``BackfillError`` for another name; ``ImportError`` without Ray."""
    if engine == "local":
        from service.backfill.local import LocalEngine

        return LocalEngine(model, taxonomy, limits)
    if engine == "ray":
        from service.backfill.ray_engine import RayEngine

        return RayEngine(model, taxonomy, limits, workers=workers, batch_rows=batch_rows, address=address, object_store_mb=object_store_mb)
    raise BackfillError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


def run_backfill(inputs: Iterable[str | Path], outdir: str | Path, engine: str = "local", framework: str = "2021",
                 workers: int | None = None, batch_rows: int | None = None, address: str | None = None,
                 models_root: Path | None = None, encoder: EncoderSpec | None = None, progress: Progress | None = None,
                 taxonomy: Taxonomy | None = None, limits: ReadLimits | None = None) -> BackfillResult:
    """Classify every row of every input file into ``outdir`` (Parquet rows, ``manifest.jsonl``, ``summary.json``, ``summary.xlsx``).

    ``inputs``: files, folders (recursive) and glob patterns. ``engine``:
    ``local`` (in-process) or ``ray`` (``workers`` actors, ``batch_rows`` rows
    per actor call, on the cluster at ``address`` or a local instance).
    Defaults come from the settings (``ZHIBIAO_BACKFILL_*``, ``RAY_ADDRESS``).
    ``encoder`` overrides the configured sentence encoder (tests pass the
    hashing encoder). Files finished by an earlier run into the same
    ``outdir`` are skipped. Raises ``BackfillError``; ``ImportError`` when the
    Ray engine is asked for and Ray is not installed.
    """
    from training.settings import get_settings

    if engine not in ENGINES:
        raise BackfillError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    settings = get_settings()
    started = time.perf_counter()
    outdir = Path(outdir)
    progress = progress or _Silent()
    if outdir.exists() and not outdir.is_dir():
        raise BackfillError(f"{outdir}: exists and is not a folder; the output is a folder (-o OUTDIR)")
    try:
        files = discover(inputs)
    except InputError as error:
        raise BackfillError(str(error)) from None
    # the output folder inside an input folder: its own manifest and summary are no tables to read
    inside = Path(os.path.abspath(outdir))
    files = [f for f in files if inside not in f.parents]
    if not files:
        raise BackfillError("no table files in the inputs")
    models_root = Path(models_root or settings.models_dir)
    _, current = resolve_model(models_root, None) if not (outdir / "job.json").exists() else (None, None)
    try:
        manifest = Manifest.open(outdir, current or "", framework)
    except ManifestError as error:
        raise BackfillError(str(error)) from None
    bundle, version = resolve_model(models_root, manifest.job["model_version"])
    workers = workers or settings.backfill_workers
    try:
        spec = encoder or EncoderSpec.configured()
    except EncoderMissing as error:
        raise BackfillError(str(error)) from None
    if engine == "ray":
        spec = spec.with_threads(1)  # one CPU per actor
    model = JobModel(str(bundle), version, spec, framework)
    runner = make_engine(engine, model, taxonomy or load_taxonomy(), limits or ReadLimits.from_settings(settings), workers,
                         batch_rows or settings.backfill_batch_rows, address or settings.ray_address, settings.backfill_object_store_mb)
    remove_stale_temporaries(outdir)
    result = BackfillResult(outdir, engine, version, files=len(files))
    deferred: dict[str, list[str]] = {}  # duplicates of a file still in flight, recorded once it is

    def duplicate(path: str, original: str, file_hash: str) -> None:
        manifest.add({"hash": file_hash, "path": path, "status": "duplicate", "of": original})
        result.duplicates += 1
        progress.file("duplicate", 0)

    def items() -> Iterator[WorkItem]:
        in_flight: dict[str, str] = {}
        for path in map(str, files):
            if path in manifest.duplicates:
                result.skipped += 1
                progress.file("skipped", 0)
                continue
            try:
                data = Path(path).read_bytes()
            except OSError as error:
                record(FileResult(path, f"unopened:{path}", error={"code": NOT_FOUND, "message": f"{path}: cannot open ({error.strerror})",
                                                                   "message_zh": f"{Path(path).name}：找不到或无法打开文件"}))
                continue
            file_hash = content_hash(data)
            if file_hash in manifest.finished:
                original = manifest.finished[file_hash]["path"]
                if original == path:
                    result.skipped += 1
                    progress.file("skipped", 0)
                else:
                    duplicate(path, original, file_hash)
                continue
            if file_hash in in_flight:
                deferred.setdefault(file_hash, []).append(path)
                continue
            in_flight[file_hash] = path
            yield WorkItem(path, file_hash, data)

    def record(done: FileResult) -> None:
        entry = {"hash": done.hash, "path": done.path, "model_version": version,
                 "read_seconds": round(done.read_seconds, 4), "annotate_seconds": round(done.annotate_seconds, 4),
                 "read_cpu_seconds": round(done.read_cpu_seconds, 4), "annotate_cpu_seconds": round(done.annotate_cpu_seconds, 4)}
        if done.error is not None:
            manifest.add({**entry, "status": "unreadable", "error": done.error})
            result.unreadable += 1
            progress.file("unreadable", 0)
        else:
            write_part(outdir, done.hash, done.table)
            manifest.add({**entry, "status": "done", "rows": done.rows, "tables": done.tables, "stats": done.stats})
            result.done += 1
            result.rows += done.rows
            progress.file("done", done.rows)
        for path in deferred.pop(done.hash, []):
            duplicate(path, done.path, done.hash)

    progress.start(len(files))
    try:
        try:
            runner.start()
        except Exception as error:  # BundleError, EncoderMissing, a cluster that cannot be reached: one line
            raise BackfillError(f"cannot start the {engine} engine: {one_line(error)}") from None
        result.startup_seconds = time.perf_counter() - started
        try:
            for done in runner.process(items()):
                record(done)
        except Exception as error:  # a worker lost for good, a full disk: what is recorded stays, a rerun continues
            raise BackfillError(f"the job stopped after {result.done + result.unreadable} files ({one_line(error)}); "
                                "run the same command again to continue") from None
    finally:
        runner.close()
        progress.close()
    result.worker_stats = runner.worker_stats
    result.seconds = time.perf_counter() - started
    manifest.add_run({"engine": engine, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "files": result.files,
                      "done": result.done, "unreadable": result.unreadable, "duplicates": result.duplicates, "skipped": result.skipped,
                      "rows": result.rows, "seconds": round(result.seconds, 2), "rows_per_second": round(result.rows_per_second, 1)})
    result.summary = write_summaries(manifest)
    return result
