"""Add new tables to the corpus: ``data/added/<content hash>.jsonl``, once per file content.

The file name is the hash of the file's bytes, so re-adding the same file (under
any name) changes nothing. Every row keeps its provenance: the file it came
from, that file's hash, and the budget year (added to what the file itself says,
e.g. the review page's decision on the row). Rows whose label is not in the
taxonomy are kept (with ``label_known`` false) and listed by the caller; they
are never dropped.
"""

from __future__ import annotations

import collections
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from training.domain.records import IndicatorRow
from training.domain.taxonomy import Taxonomy, load_taxonomy
from training.lifecycle.corpus import ADDED_DIR, load_rows, write_rows
from training.readers import ReadError, read_file
from training.readers.errors import no_rows_error
from training.settings import get_settings


@dataclass
class IngestedFile:
    path: str
    sha256: str
    stored: Path
    new: bool
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def documents(self) -> set[str]:
        return {r.doc for r in self.rows}

    def per_category(self) -> dict[str, int]:
        return dict(collections.Counter(r.level2 or "(no standard label)" for r in self.rows).most_common())

    def unknown_labels(self) -> dict[str, int]:
        """Labels as written that the taxonomy does not know, with their row counts."""
        return dict(collections.Counter(f"{r.level1_raw or '-'} / {r.level2_raw or '-'}" for r in self.rows if not r.label_known).most_common())


def stored_path(sha256: str, root: Path) -> Path:
    return root / ADDED_DIR / f"{sha256[:16]}.jsonl"


def read_new_file(path: str | Path, year: int | None = None, root: Path | None = None, taxonomy: Taxonomy | None = None) -> IngestedFile:
    """Read one file into rows with provenance, or find the rows stored when the same bytes were added before.

    Writes nothing, so a caller can read every file of a run before storing any;
    raises ``ReadError`` for a file that cannot be read.
    """
    root = root or get_settings().data_dir
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}: cannot open ({error.strerror})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    stored = stored_path(sha256, root)
    if stored.exists():
        return IngestedFile(str(path), sha256, stored, new=False, rows=load_rows(stored))
    rows = read_file(path, taxonomy or load_taxonomy(), data=data, name=path.name).rows
    if not rows:
        raise no_rows_error(path.name)  # NO_ROWS, as classify says it
    for row in rows:
        row.doc = f"{row.doc}@{sha256[:8]}"  # two files may share a name; their documents must not merge
        row.source = f"added/{path.name}"
        if year is not None:
            row.year = year
        row.provenance = {**(row.provenance or {}), "file": path.name, "sha256": sha256, "year": row.year}
        row.publisher = row.publisher or row.department or row.unit_name or f"{path.name}@{sha256[:8]}"
    return IngestedFile(str(path), sha256, stored, new=True, rows=rows)


def store(item: IngestedFile) -> None:
    if item.new and not item.stored.exists():
        write_rows(item.rows, item.stored)


def ingest_file(path: str | Path, year: int | None = None, root: Path | None = None, taxonomy: Taxonomy | None = None) -> IngestedFile:
    item = read_new_file(path, year, root, taxonomy)
    store(item)
    return item
