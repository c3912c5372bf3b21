"""Rows out as Parquet: one dataset under ``OUTDIR/rows``, Hive-partitioned by input file (``file_hash=<sha256>``).

Every file's rows go to ``rows/file_hash=<hash>/part-0.parquet``, written to a
hidden temporary file and renamed, so a part is either whole or absent, and a
rerun that redoes a file replaces its part instead of adding a second one.
Read it back with ``pyarrow.dataset.dataset(OUTDIR / "rows", partitioning="hive")``,
``pandas.read_parquet(OUTDIR / "rows")`` or ``ray.data.read_parquet``; the
partition gives the ``file_hash`` column.

The schema is fixed (the same for every file, whatever its headers): the
provenance (``file_path``, ``table``, ``row``, ``position`` = index of the row
in its file), the row's own cells as a JSON object in ``input``, the annotation
columns of ``service.bulk.annotate`` (``OUTPUT_COLUMNS``) and ``model_version``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from service.bulk import OUTPUT_COLUMNS
from training.domain.records import IndicatorRow

PARTITION = "file_hash"
PART = "part-0.parquet"

_ALTERNATIVE = pa.struct([("level1", pa.string()), ("level2", pa.string()), ("confidence", pa.float64())])
_TYPES = {"confidence": pa.float64(), "alternatives": pa.list_(_ALTERNATIVE), "needs_review": pa.bool_(),
          "review_reasons": pa.list_(pa.string()), "label_disagrees": pa.bool_()}
PROVENANCE = [("file_path", pa.string()), ("table", pa.int32()), ("row", pa.int32()), ("position", pa.int32()),
              ("source", pa.string()), ("input", pa.string())]
SCHEMA = pa.schema(PROVENANCE + [(c, _TYPES.get(c, pa.string())) for c in OUTPUT_COLUMNS] + [("model_version", pa.string())])
"""Columns of every part file (``file_hash`` comes from the partition)."""


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)


def to_table(file_path: str, rows: list[IndicatorRow], records: list[dict], model_version: str) -> pa.Table:
    """One Arrow table of a file's annotated rows, in the file's order, with ``SCHEMA``.

    ``records`` are ``annotate(rows, ...)``'s output, one per row; provenance
    comes from the rows themselves (a header named ``row`` in the table does
    not shadow it). Raises ``ValueError`` when the two lists differ in length.
    """
    if len(rows) != len(records):
        raise ValueError(f"{file_path}: {len(rows)} rows but {len(records)} annotated records")
    columns: dict[str, list] = {name: [] for name in SCHEMA.names}
    for position, (row, record) in enumerate(zip(rows, records, strict=True)):
        cells = {str(k): v for k, v in (row.input or {}).items()}
        columns["file_path"].append(file_path)
        columns["table"].append(row.table)
        columns["row"].append(row.row)
        columns["position"].append(position)
        columns["source"].append(row.source)
        columns["input"].append(json.dumps(cells, ensure_ascii=False, default=str))
        for column in OUTPUT_COLUMNS:
            value = record.get(column)
            columns[column].append(value if column in _TYPES else _text(value))
        columns["model_version"].append(model_version)
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def part_path(outdir: Path, file_hash: str) -> Path:
    """Where a file's rows go: ``OUTDIR/rows/file_hash=<hash>/part-0.parquet``."""
    return outdir / "rows" / f"{PARTITION}={file_hash}" / PART


def write_part(outdir: Path, file_hash: str, table: pa.Table) -> Path:
    """Write a file's table atomically (temporary file, fsync, rename); an earlier part of the same file is replaced."""
    final = part_path(outdir, file_hash)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{PART}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    return final


def remove_stale_temporaries(outdir: Path) -> int:
    """Delete temporary part files a killed run left (readers skip them anyway: hidden names). Returns how many."""
    stale = list((outdir / "rows").glob(f"{PARTITION}=*/.{PART}.*.tmp")) if (outdir / "rows").exists() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def read_rows(outdir: Path):
    """The whole output dataset as a pandas frame (``file_hash`` as text), sorted by file hash and position."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(outdir / "rows", format="parquet", partitioning=ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive"))
    frame = dataset.to_table().to_pandas()
    return frame.sort_values([PARTITION, "position"], ignore_index=True)
