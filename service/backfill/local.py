"""The in-process engine: files read and annotated one after the other with one loaded model (small jobs, tests)."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterable, Iterator

from service.backfill.annotation import FileAnnotator, FileResult, JobModel, WorkItem, parse_file
from training.domain.taxonomy import Taxonomy
from training.readers import ReadLimits


class LocalEngine:
    """Read and annotate in this process, in input order.

    ``start()`` loads the model (raises ``BundleError``/``EncoderMissing``);
    ``process(items)`` yields one ``FileResult`` per item as it finishes.
    """

    name = "local"

    def __init__(self, model: JobModel, taxonomy: Taxonomy, limits: ReadLimits) -> None:
        self.model = model
        self.taxonomy = taxonomy
        self.limits = limits
        self.annotator: FileAnnotator | None = None
        self.worker_stats: list[dict] = []
        self._rows = 0
        self._busy = 0.0
        self._cpu = 0.0

    def start(self) -> None:
        self.annotator = FileAnnotator(self.model, self.taxonomy)

    def process(self, items: Iterable[WorkItem]) -> Iterator[FileResult]:
        if self.annotator is None:
            self.start()
        for item in items:
            start = time.perf_counter()
            result = self.annotator.annotate(parse_file(item, self.taxonomy, self.limits))
            self._busy += time.perf_counter() - start
            self._rows += result.rows
            self._cpu += result.annotate_cpu_seconds
            yield result

    def close(self) -> None:
        """Keep this process's figures in ``worker_stats``: rows, wall seconds reading and annotating, CPU seconds annotating, peak resident MiB."""
        self.worker_stats = [{"rows": self._rows, "busy_seconds": self._busy, "cpu_seconds": self._cpu, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}]
        self.annotator = None
