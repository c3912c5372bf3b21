"""What a backfill output folder has finished: ``job.json`` (the job's model and framework) and ``manifest.jsonl``.

``manifest.jsonl`` gets one line per file, appended (and fsynced) only after the
file's Parquet part is in place, so a job killed at any instant leaves a
manifest that never claims more than was written:

- ``{"hash", "path", "status": "done", "rows", "tables", "stats", ...}``: rows written to ``rows/file_hash=<hash>/``;
- ``{"hash", "path", "status": "unreadable", "error": {"code", "message", "message_zh"}}``;
- ``{"hash", "path", "status": "duplicate", "of": <path of the file with the same bytes>}``.

A rerun skips every hash that is done or unreadable, and rewrites the part of
a file that was written but not yet recorded (same path, so never twice). A
line cut short by a kill is dropped when the manifest is opened.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

JOB = "job.json"
MANIFEST = "manifest.jsonl"
ROWS = "rows"
FORMAT = 1


class ManifestError(Exception):
    """An output folder that holds something else, or a job started with another model or framework."""


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Manifest:
    """An output folder's record of finished files; open with :meth:`open`.

    ``job`` is the ``job.json`` content (``model_version``, ``framework``,
    ``created``, ``runs``); ``finished`` maps a file hash to its done or
    unreadable entry; ``duplicates`` maps a path to its duplicate entry.
    """

    def __init__(self, outdir: Path, job: dict) -> None:
        self.outdir = outdir
        self.job = job
        self.finished: dict[str, dict] = {}
        self.duplicates: dict[str, dict] = {}

    @property
    def path(self) -> Path:
        return self.outdir / MANIFEST

    @classmethod
    def open(cls, outdir: Path, model_version: str, framework: str) -> Manifest:
        """Start a job in an empty or missing ``outdir``, or continue the one in it.

        A new job records ``model_version`` and ``framework``; an existing job
        keeps its own model (``job["model_version"]``, so that a promotion
        between runs does not mix versions) and must have been started with the
        same ``framework``. Raises ``ManifestError`` for a folder that holds other
        files, or a framework that differs.
        """
        outdir.mkdir(parents=True, exist_ok=True)
        job_file = outdir / JOB
        if job_file.exists():
            try:
                job = json.loads(job_file.read_text(encoding="utf-8"))
            except ValueError as error:
                raise ManifestError(f"{job_file}: unreadable ({error})") from None
            if job.get("framework") != framework:
                raise ManifestError(f"{outdir} holds a backfill with --framework {job.get('framework')}; "
                                    f"rerun with that framework or use another output folder")
        else:
            if any(p.name not in (ROWS, MANIFEST) for p in outdir.iterdir()):
                raise ManifestError(f"{outdir} is not empty and holds no backfill job; use a new or empty output folder")
            job = {"format": FORMAT, "model_version": model_version, "framework": framework,
                   "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": []}
            _atomic_write(job_file, json.dumps(job, ensure_ascii=False, indent=2))
        manifest = cls(outdir, job)
        manifest._load()
        return manifest

    def _load(self) -> None:
        if not self.path.exists():
            return
        text = self.path.read_text(encoding="utf-8")
        lines = text.split("\n")
        complete = lines[:-1]  # after the last newline: empty, or a line a kill cut short
        if lines[-1]:
            _atomic_write(self.path, "".join(line + "\n" for line in complete))
        for line in complete:
            if line.strip():
                self._remember(json.loads(line))

    def _remember(self, entry: dict) -> None:
        if entry["status"] == "duplicate":
            self.duplicates[entry["path"]] = entry
        else:
            self.finished[entry["hash"]] = entry

    def add(self, entry: dict) -> None:
        """Append one entry (flushed and fsynced before returning) and remember it."""
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._remember(entry)

    def add_run(self, run: dict) -> None:
        """Record one run of the job (engine, files, rows, seconds) in ``job.json``."""
        self.job.setdefault("runs", []).append(run)
        _atomic_write(self.outdir / JOB, json.dumps(self.job, ensure_ascii=False, indent=2))

    def entries(self) -> list[dict]:
        """Every entry, finished files first (by path), then duplicates (by path)."""
        return sorted(self.finished.values(), key=lambda e: e["path"]) + sorted(self.duplicates.values(), key=lambda e: e["path"])
