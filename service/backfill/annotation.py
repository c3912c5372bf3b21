"""The unit of work both engines share: read one file, annotate its rows with the job's model, as a table.

``parse_file`` runs where files are read (in-process, or a Ray task);
``FileAnnotator`` where the model is (in-process, or one per Ray actor). Both
engines call exactly these, so their rows are the same.

Two things would otherwise make a row depend on where it was annotated:
the int8 encoder's batches (see ``encoding.py``: each file is encoded on its
own) and the BLAS thread count. The nearest-neighbour votes order equally
similar references by float rounding, which changes with the number of BLAS
threads: measured on the test archive, 2 of 30 rows' confidences differed in
the 4th decimal between 1 and 2 threads. Annotation therefore runs with BLAS
on one thread everywhere (a Ray actor has one CPU anyway); the encoder's own
torch threads are not affected.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from threadpoolctl import ThreadpoolController

from service.backfill.encoding import EncoderSpec
from service.backfill.output import to_table
from service.bulk import annotate, summarize
from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy
from training.readers import ReadError, ReadLimits, read_file
from training.readers.errors import no_rows_error

READER_FAILED = "READER_FAILED"
"""Error code of a file whose reader raised something other than ``ReadError`` (a reader bug): reported, the job goes on."""


@dataclass(frozen=True)
class JobModel:
    """The model a job uses everywhere: the bundle folder (resolved from ``models/current`` once, at the start),
    its version, the encoder spec and the framework of the displayed categories."""

    bundle: str
    version: str
    encoder: EncoderSpec
    framework: str = "2021"


@dataclass
class WorkItem:
    """One distinct file to do: its absolute path, the SHA-256 of its bytes, the bytes."""

    path: str
    hash: str
    data: bytes


@dataclass
class ParsedFile:
    """A file read: its rows and table count, or ``error`` (``{"code", "message", "message_zh"}``) when it cannot be read."""

    path: str
    hash: str
    rows: list[IndicatorRow] = field(default_factory=list)
    tables: int = 0
    error: dict | None = None
    read_seconds: float = 0.0
    read_cpu_seconds: float = 0.0


@dataclass
class FileResult:
    """A finished file: its annotated rows as an Arrow ``table`` and their ``stats`` (``service.bulk.summarize``), or ``error``.

    Timings: wall seconds and CPU seconds (``time.process_time`` of the process
    that did the work, all its threads) of reading and of annotating.
    """

    path: str
    hash: str
    table: pa.Table | None = None
    stats: dict | None = None
    tables: int = 0
    error: dict | None = None
    read_seconds: float = 0.0
    annotate_seconds: float = 0.0
    read_cpu_seconds: float = 0.0
    annotate_cpu_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return 0 if self.table is None else self.table.num_rows


def parse_file(item: WorkItem, taxonomy: Taxonomy, limits: ReadLimits) -> ParsedFile:
    """Read a file's bytes with the readers (format by content). Never raises for the file's content.

    A ``ReadError`` becomes ``error`` with its code and messages; any other
    exception from a reader becomes ``READER_FAILED`` with the exception's
    type and message, so one bad file never stops a job of thousands.
    """
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result = read_file(item.path, taxonomy, data=item.data, limits=limits)
        if not result.rows:  # a header and no row under it: listed with the unreadable files (it had counted as done)
            raise no_rows_error(Path(item.path).name)
        parsed = ParsedFile(item.path, item.hash, rows=result.rows, tables=result.tables)
    except ReadError as error:
        parsed = ParsedFile(item.path, item.hash, error=error.as_dict())
    except Exception as error:  # a reader bug must not stop the job; the file is listed with what happened
        message = f"{Path(item.path).name}: the reader failed ({type(error).__name__}: {' '.join(str(error).split())})"
        parsed = ParsedFile(item.path, item.hash, error={"code": READER_FAILED, "message": message, "message_zh": f"{Path(item.path).name}：读取程序出错"})
    parsed.read_seconds, parsed.read_cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return parsed


class FileAnnotator:
    """The job's model, loaded once (hash-checked by ``load_model``), annotating one file at a time.

    Raises ``BundleError`` when the bundle is missing, fails its hash or
    encoder check, or is not the version the job was started with, and
    ``EncoderMissing`` when the encoder folder is absent.
    """

    def __init__(self, model: JobModel, taxonomy: Taxonomy) -> None:
        from service.predictor import Predictor
        from training.lifecycle.bundle import BundleError, load_model

        self.model = model
        self.encoder = model.encoder.build()
        loaded = load_model(Path(model.bundle), encoder=self.encoder, runtime=True)
        if loaded.metadata.get("version") != model.version:
            raise BundleError(f"{model.bundle} holds model {loaded.metadata.get('version')}, the job uses {model.version}")
        self.predictor = Predictor(loaded, taxonomy)
        self.threadpools = ThreadpoolController()

    @property
    def version(self) -> str:
        return self.predictor.version

    def annotate(self, parsed: ParsedFile) -> FileResult:
        """Every row of a readable file annotated (``service.bulk.annotate``, BLAS on one thread), one table row per input row, in order."""
        if parsed.error is not None:
            return FileResult(parsed.path, parsed.hash, error=parsed.error, read_seconds=parsed.read_seconds, read_cpu_seconds=parsed.read_cpu_seconds)
        start, cpu = time.perf_counter(), time.process_time()
        self.encoder.reset()
        with self.threadpools.limit(limits=1, user_api="blas"):
            records = annotate(parsed.rows, self.predictor, self.model.framework)
        self.encoder.reset()
        table = to_table(parsed.path, parsed.rows, records, self.model.version)
        return FileResult(parsed.path, parsed.hash, table=table, stats=summarize(records), tables=parsed.tables,
                          read_seconds=parsed.read_seconds, annotate_seconds=time.perf_counter() - start,
                          read_cpu_seconds=parsed.read_cpu_seconds, annotate_cpu_seconds=time.process_time() - cpu)
