"""The Ray engine: files read and parsed as Ray tasks, rows annotated by a pool of actors that each load the model once.

Flow (all scheduling in the driver, results back to the driver, which writes
them; only the driver needs the output folder):

1. each file's bytes go to a ``_parse`` task (1 CPU), which returns a small
   description (rows, tables, or the read error) and, as a second object,
   the rows themselves, which stay in the object store;
2. readable files are packed into batches of about ``batch_rows`` rows (whole
   files, never split) and sent to an idle ``_Annotator`` actor, which fetches
   the rows and annotates each file on its own (``FileAnnotator``);
3. each actor has at most two batches queued, at most ``2 × workers + 2``
   files are being read, and reading pauses while two batches' worth of rows
   wait for an actor: memory stays bounded however many files there are.

Workers get everything from the job (the bundle folder and version, the
encoder spec, the taxonomy, the read limits) and the driver's code folder on
``PYTHONPATH``; on a cluster the model and encoder folders must be at the same
paths on every node (shared storage). Ray retries a task or restarts an actor
whose process died; an actor that cannot load the model stops the job.
"""

from __future__ import annotations

import collections
import logging
import resource
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import ray

import service
from service.backfill.annotation import FileAnnotator, FileResult, JobModel, ParsedFile, WorkItem, parse_file
from training.domain.taxonomy import Taxonomy
from training.readers import ReadLimits


@ray.remote(num_cpus=1, num_returns=2, max_retries=1)
def _parse(item: WorkItem, taxonomy: Taxonomy, limits: ReadLimits) -> tuple[dict, list]:
    """``parse_file`` as a task: (``{"path", "hash", "rows", "tables", "error", "read_seconds"}``, the rows)."""
    parsed = parse_file(item, taxonomy, limits)
    meta = {"path": parsed.path, "hash": parsed.hash, "rows": len(parsed.rows), "tables": parsed.tables, "error": parsed.error,
            "read_seconds": parsed.read_seconds, "read_cpu_seconds": parsed.read_cpu_seconds}
    return meta, parsed.rows


@ray.remote(num_cpus=1, max_restarts=1, max_task_retries=1)
class _Annotator:
    """One loaded model (``FileAnnotator``) in a worker process; annotates batches of whole files."""

    def __init__(self, model: JobModel, taxonomy: Taxonomy) -> None:
        self.annotator = FileAnnotator(model, taxonomy)
        self.rows = 0
        self.busy_seconds = 0.0
        self.cpu_seconds = 0.0

    def version(self) -> str:
        return self.annotator.version

    def annotate(self, units: list[tuple[dict, list[ray.ObjectRef]]]) -> list[FileResult]:
        """``units``: (parse description, [rows ref]) per file; returns one ``FileResult`` per file, in order."""
        start = time.perf_counter()
        results = []
        for meta, (rows_ref,) in units:
            parsed = ParsedFile(meta["path"], meta["hash"], rows=ray.get(rows_ref), tables=meta["tables"], read_seconds=meta["read_seconds"],
                                read_cpu_seconds=meta["read_cpu_seconds"])
            result = self.annotator.annotate(parsed)
            results.append(result)
            self.rows += len(parsed.rows)
            self.cpu_seconds += result.annotate_cpu_seconds
        self.busy_seconds += time.perf_counter() - start
        return results

    def stats(self) -> dict:
        """Rows annotated, wall and CPU seconds spent annotating, and peak resident memory of this actor's process (MiB)."""
        return {"rows": self.rows, "busy_seconds": self.busy_seconds, "cpu_seconds": self.cpu_seconds,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


class RayEngine:
    """Run a job on Ray: ``workers`` annotating actors (1 CPU each), ``batch_rows`` rows per actor call.

    ``address`` joins an existing cluster (``ray://…`` or ``host:port``);
    without it a small local instance starts (``workers + 1`` CPUs, so that
    one reads while the actors annotate; ``object_store_mb`` of object store;
    no dashboard) and stops at ``close()``. ``start()`` raises ``RuntimeError``
    when a cluster has too few CPUs, and the actors' load error (a
    ``RayActorError``/``RayTaskError`` naming the ``BundleError``) when the
    model cannot be loaded.
    """

    name = "ray"

    def __init__(self, model: JobModel, taxonomy: Taxonomy, limits: ReadLimits, workers: int = 2, batch_rows: int = 2000,
                 address: str | None = None, object_store_mb: int = 256) -> None:
        self.model = model
        self.taxonomy = taxonomy
        self.limits = limits
        self.workers = workers
        self.batch_rows = batch_rows
        self.address = address
        self.object_store_mb = object_store_mb
        self.actors: list = []
        self.worker_stats: list[dict] = []
        self._started_ray = False

    def start(self) -> None:
        code_root = str(Path(service.__file__).resolve().parent.parent)  # workers import the driver's code
        runtime_env = {"env_vars": {"PYTHONPATH": code_root}}
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, runtime_env=runtime_env, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(address="local", num_cpus=self.workers + 1, object_store_memory=self.object_store_mb * 1024 * 1024,
                         include_dashboard=False, runtime_env=runtime_env, logging_level=logging.WARNING, log_to_driver=False)
            self._started_ray = True
        cpus = ray.cluster_resources().get("CPU", 0)
        if cpus < self.workers + 1:
            raise RuntimeError(f"the Ray cluster has {cpus:g} CPUs; {self.workers} actors need {self.workers + 1} (one left for reading files)")
        self._taxonomy_ref = ray.put(self.taxonomy)
        self.actors = [_Annotator.remote(self.model, self.taxonomy) for _ in range(self.workers)]  # by value (8 KB): a restart needs no ref
        versions = ray.get([actor.version.remote() for actor in self.actors])  # loads the model everywhere; raises the load error
        if set(versions) != {self.model.version}:
            raise RuntimeError(f"actors loaded {sorted(set(versions))}, the job uses {self.model.version}")

    def process(self, items: Iterable[WorkItem]) -> Iterator[FileResult]:
        """Yield one ``FileResult`` per item, in the order they finish."""
        items = iter(items)
        exhausted = False
        reads: dict = {}  # description ref -> rows ref
        waiting: collections.deque = collections.deque()  # (description, [rows ref]) of files read, not yet sent
        waiting_rows = 0
        calls: dict = {}  # annotate ref -> actor
        slots = collections.deque(self.actors * 2)  # each actor: one batch working, one queued
        max_reads = 2 * self.workers + 2
        while True:
            while not exhausted and len(reads) < max_reads and waiting_rows < 2 * self.batch_rows:
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                meta_ref, rows_ref = _parse.remote(item, self._taxonomy_ref, self.limits)
                reads[meta_ref] = rows_ref
            while slots and waiting and (waiting_rows >= self.batch_rows or (exhausted and not reads)):
                batch, rows = [], 0
                while waiting and (not batch or rows + waiting[0][0]["rows"] <= self.batch_rows):
                    unit = waiting.popleft()
                    batch.append(unit)
                    rows += unit[0]["rows"]
                waiting_rows -= rows
                actor = slots.popleft()
                calls[actor.annotate.remote(batch)] = actor
            if exhausted and not reads and not calls and not waiting:
                return
            ready, _ = ray.wait(list(reads) + list(calls), num_returns=1, timeout=5.0)
            for ref in ready:
                if ref in reads:
                    rows_ref = reads.pop(ref)
                    meta = ray.get(ref)
                    if meta["error"] is not None:
                        yield FileResult(meta["path"], meta["hash"], error=meta["error"], read_seconds=meta["read_seconds"],
                                         read_cpu_seconds=meta["read_cpu_seconds"])
                    else:
                        waiting.append((meta, [rows_ref]))
                        waiting_rows += meta["rows"]
                else:
                    slots.append(calls.pop(ref))
                    yield from ray.get(ref)

    def close(self) -> None:
        """Collect the actors' figures (``worker_stats``), end them, and stop the local instance this engine started."""
        if self.actors and ray.is_initialized():
            try:
                self.worker_stats = ray.get([actor.stats.remote() for actor in self.actors], timeout=30)
            except Exception:  # a dead actor has no figures; closing goes on
                self.worker_stats = []
            for actor in self.actors:
                ray.kill(actor)
        self.actors = []
        if self._started_ray and ray.is_initialized():
            ray.shutdown()
        self._started_ray = False
