"""The review page's memory: uploaded batches, their annotated tables and the reviewer's decisions, in one SQLite file.

``<settings.review_dir>/review.sqlite3`` (``ZHIBIAO_REVIEW_DIR``). A reviewer can
close the page and come back: everything the page shows is read from here, so
nothing is recomputed and a new model does not change a batch under review
(each batch records the model version that annotated it). One connection per
call (SQLite in WAL mode, a 10 s busy timeout): safe from FastAPI's worker
threads and from several server processes sharing the folder.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from service.review.table import Decision, IndicatorTable

DATABASE = "review.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, framework TEXT NOT NULL, model_version TEXT NOT NULL, files TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
    batch TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE, number INTEGER NOT NULL, file TEXT NOT NULL, file_table INTEGER NOT NULL,
    project TEXT, unit TEXT, year INTEGER, input_columns TEXT NOT NULL, PRIMARY KEY (batch, number));
CREATE TABLE IF NOT EXISTS rows (
    batch TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE, tbl INTEGER NOT NULL, position INTEGER NOT NULL,
    record TEXT NOT NULL, indicator TEXT NOT NULL, PRIMARY KEY (batch, tbl, position));
CREATE TABLE IF NOT EXISTS decisions (
    batch TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE, tbl INTEGER NOT NULL, position INTEGER NOT NULL,
    level1 TEXT NOT NULL, level2 TEXT NOT NULL, label_action TEXT NOT NULL, target TEXT, target_action TEXT, decided_at TEXT NOT NULL,
    PRIMARY KEY (batch, tbl, position));
CREATE TABLE IF NOT EXISTS file_errors (
    batch TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE, file TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL);
"""


class NotFound(LookupError):
    """No such batch or row."""


@dataclass
class FileError:
    """An uploaded file that could not be read: its name, the reader's code and the Chinese message."""

    file: str
    code: str
    message: str


@dataclass
class Batch:
    """One upload: its id, when (ISO, UTC), the framework of its labels, the model version that annotated it, the file names."""

    id: str
    created: str
    framework: str
    model_version: str
    files: list[str]
    tables: list[IndicatorTable] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class ReviewStore:
    """Batches, rows and decisions under ``folder`` (created on first use).

    Rows are kept as the ``annotate()`` record (what the page and workbook
    show) and the read ``IndicatorRow`` as a dict without its input cells (what
    the labelled export needs: name, description, target, project, year, unit).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / DATABASE
        self._ready = False

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            if not self._ready:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript(SCHEMA)
                self._ready = True
            with connection:
                yield connection
        finally:
            connection.close()

    # ------------------------------------------------------------ batches
    def add_batch(self, tables: list[IndicatorTable], rows: list[list[dict]], framework: str, model_version: str,
                  files: list[str], errors: list[FileError] | None = None) -> str:
        """Store an annotated upload; ``rows[i]`` are the row dicts (``IndicatorRow.as_dict()``) of ``tables[i]``. Returns the batch id."""
        batch = uuid.uuid4().hex[:12]
        with self._connect() as db:
            db.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?)", (batch, now(), framework, model_version, json.dumps(files, ensure_ascii=False)))
            for number, (table, table_rows) in enumerate(zip(tables, rows, strict=True)):
                db.execute("INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (batch, number, table.file, table.number, table.project, table.unit, table.year,
                            json.dumps(table.input_columns, ensure_ascii=False)))
                db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)", [
                    (batch, number, position, json.dumps(record, ensure_ascii=False, default=str),
                     json.dumps({k: v for k, v in row.items() if k != "input"}, ensure_ascii=False, default=str))
                    for position, (record, row) in enumerate(zip(table.records, table_rows, strict=True))])
            db.executemany("INSERT INTO file_errors VALUES (?, ?, ?, ?)", [(batch, e.file, e.code, e.message) for e in errors or []])
        return batch

    def batches(self, limit: int = 50) -> list[dict]:
        """The latest batches, newest first: ``{id, created, files, model_version, rows, reviewed}``."""
        with self._connect() as db:
            found = db.execute(
                "SELECT b.id, b.created, b.files, b.model_version, "
                "(SELECT COUNT(*) FROM rows r WHERE r.batch = b.id), (SELECT COUNT(*) FROM decisions d WHERE d.batch = b.id) "
                "FROM batches b ORDER BY b.created DESC, b.rowid DESC LIMIT ?", (limit,)).fetchall()
        return [{"id": i, "created": c, "files": json.loads(f), "model_version": v, "rows": n, "reviewed": d} for i, c, f, v, n, d in found]

    def batch(self, batch: str, rows: bool = True) -> Batch:
        """The batch with its tables and records (in order; none with ``rows=False``) and its unreadable files. Raises ``NotFound``."""
        with self._connect() as db:
            head = db.execute("SELECT id, created, framework, model_version, files FROM batches WHERE id = ?", (batch,)).fetchone()
            if head is None:
                raise NotFound(batch)
            found = Batch(*head[:4], files=json.loads(head[4]))
            if not rows:
                return found
            for _number, file, file_table, project, unit, year, columns in db.execute(
                    "SELECT number, file, file_table, project, unit, year, input_columns FROM tables WHERE batch = ? ORDER BY number", (batch,)):
                found.tables.append(IndicatorTable(file, file_table, project, unit, year, [], json.loads(columns)))
            for tbl, record in db.execute("SELECT tbl, record FROM rows WHERE batch = ? ORDER BY tbl, position", (batch,)):
                found.tables[tbl].records.append(json.loads(record))
            found.errors = [FileError(*e) for e in db.execute("SELECT file, code, message FROM file_errors WHERE batch = ?", (batch,))]
        return found

    def indicator_rows(self, batch: str) -> dict[tuple[int, int], dict]:
        """The read rows (``IndicatorRow.as_dict()`` without ``input``) by ``(table, position)``."""
        with self._connect() as db:
            return {(t, p): json.loads(i) for t, p, i in db.execute("SELECT tbl, position, indicator FROM rows WHERE batch = ?", (batch,))}

    def row(self, batch: str, table: int, position: int) -> tuple[dict, dict]:
        """``(record, indicator row dict)`` of one row. Raises ``NotFound`` (also for a number SQLite cannot hold)."""
        if not (0 <= table < 2**63 and 0 <= position < 2**63):
            raise NotFound(f"{batch}/{table}/{position}")
        with self._connect() as db:
            found = db.execute("SELECT record, indicator FROM rows WHERE batch = ? AND tbl = ? AND position = ?", (batch, table, position)).fetchone()
        if found is None:
            raise NotFound(f"{batch}/{table}/{position}")
        return json.loads(found[0]), json.loads(found[1])

    def delete_batch(self, batch: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM batches WHERE id = ?", (batch,))

    # ------------------------------------------------------------ decisions
    def decide(self, batch: str, table: int, position: int, decision: Decision) -> Decision:
        """Keep (or replace) the decision on one row; stamps ``decided_at``. Raises ``NotFound`` for no such row."""
        self.row(batch, table, position)
        decision.decided_at = now()
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (batch, table, position, decision.level1, decision.level2, decision.label_action, decision.target,
                        decision.target_action, decision.decided_at))
        return decision

    def undo(self, batch: str, table: int, position: int) -> None:
        """Forget the decision on one row (nothing happens when there is none)."""
        with self._connect() as db:
            db.execute("DELETE FROM decisions WHERE batch = ? AND tbl = ? AND position = ?", (batch, table, position))

    def decisions(self, batch: str) -> dict[tuple[int, int], Decision]:
        """Every decision of a batch by ``(table, position)``."""
        with self._connect() as db:
            return {(t, p): Decision(*rest) for t, p, *rest in db.execute(
                "SELECT tbl, position, level1, level2, label_action, target, target_action, decided_at FROM decisions WHERE batch = ?", (batch,))}
