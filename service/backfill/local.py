"""The in-process engine: files read and annotated one after the other with one loaded model (small jobs, tests)."""

from __future__ import annotations

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

    def start(self) -> None:
        self.annotator = FileAnnotator(self.model, self.taxonomy)

    def process(self, items: Iterable[WorkItem]) -> Iterator[FileResult]:
        if self.annotator is None:
            self.start()
        for item in items:
            yield self.annotator.annotate(parse_file(item, self.taxonomy, self.limits))

    def close(self) -> None:
        self.annotator = None
