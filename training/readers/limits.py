"""Bounds on the work one file may cost, checked while reading, before the work is done.

A small upload can ask for a lot: an HTML table of 40 cells with
``rowspan=500 colspan=500`` (1.6 KB) expands to ten million grid cells, an xlsx
whose dimension says ``A1:ZZ20000`` pads out 14 million empty cells, a
200,000-row CSV is read whole before anything counts its rows (issue #14).
Each reader asks its ``Budget`` before it builds rows, expands spans, opens
pages or inflates an archive, and stops with a ``ReadLimitError`` naming the
limit in English and Chinese.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from training.readers.errors import (
    CELL_TOO_LARGE,
    EXPANDS_TOO_LARGE,
    TIME_BUDGET,
    TOO_MANY_CELLS,
    TOO_MANY_PAGES,
    TOO_MANY_ROWS,
    ReadLimitError,
)


@dataclass(frozen=True)
class ReadLimits:
    """How much one file may cost to read.

    ``max_rows``: rows read from the file (header, metadata and blank rows
    included); ``max_cells``: grid cells built, spans expanded; ``max_cell_chars``:
    characters in one cell (Excel's own limit is 32,767); ``max_expanded_bytes``:
    the uncompressed size of an xlsx/docx archive; ``max_pdf_pages``: pages of a
    PDF; ``time_budget_seconds``: wall time for reading one file.
    """

    max_rows: int = 50_000
    max_cells: int = 1_000_000
    max_cell_chars: int = 32_767
    max_expanded_bytes: int = 200 * 1024 * 1024
    max_pdf_pages: int = 200
    time_budget_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings=None) -> ReadLimits:
        """The limits configured in ``training.settings`` (``ZHIBIAO_MAX_TABLE_ROWS``, ``ZHIBIAO_READ_*``)."""
        if settings is None:
            from training.settings import get_settings

            settings = get_settings()
        return cls(
            max_rows=settings.max_table_rows,
            max_cells=settings.read_max_cells,
            max_cell_chars=settings.read_max_cell_chars,
            max_expanded_bytes=settings.read_max_expanded_bytes,
            max_pdf_pages=settings.read_max_pdf_pages,
            time_budget_seconds=settings.read_time_budget_seconds,
        )


def _count(value: float) -> str:
    return f"{int(value):,}"


class Budget:
    """One file's spending against its ``ReadLimits``; every method raises ``ReadLimitError`` when a limit is passed.

    A reader calls ``row(cells)`` for every row it reads (it counts rows and
    cells, checks cell sizes and the clock), ``area(height, width)`` before it
    expands spans into a grid, ``pages(n)`` before it opens a PDF's pages,
    ``expanded(nbytes)`` before it inflates an archive, and ``tick()`` inside any
    other loop.
    """

    def __init__(self, limits: ReadLimits, name: str) -> None:
        self.limits = limits
        self.name = name
        self.rows = 0
        self.cells = 0
        self.started = time.monotonic()
        self.deadline = self.started + limits.time_budget_seconds

    def tick(self) -> None:
        """Stop when the file's time budget is spent."""
        if time.monotonic() > self.deadline:
            seconds = self.limits.time_budget_seconds
            raise ReadLimitError(
                TIME_BUDGET,
                f"{self.name}: reading took longer than the {seconds:g} s time budget for one file",
                f"{self.name}：读取时间超过单个文件 {seconds:g} 秒的上限",
                limit="time_budget_seconds", allowed=seconds, found=time.monotonic() - self.started,
            )

    def row(self, cells: Sequence[str]) -> None:
        """Count one row read and its cells; check the longest cell and the clock."""
        self.rows += 1
        if self.rows > self.limits.max_rows:
            allowed = self.limits.max_rows
            raise ReadLimitError(
                TOO_MANY_ROWS,
                f"{self.name}: more than {_count(allowed)} rows, the limit for one file",
                f"{self.name}：行数超过单个文件 {_count(allowed)} 行的上限",
                limit="max_rows", allowed=allowed, found=self.rows,
            )
        self.add_cells(len(cells))
        for cell in cells:
            if cell and len(cell) > self.limits.max_cell_chars:
                allowed = self.limits.max_cell_chars
                raise ReadLimitError(
                    CELL_TOO_LARGE,
                    f"{self.name}: a cell of {_count(len(cell))} characters, more than the {_count(allowed)} allowed",
                    f"{self.name}：有一个单元格长 {_count(len(cell))} 个字符，超过 {_count(allowed)} 个字符的上限",
                    limit="max_cell_chars", allowed=allowed, found=len(cell),
                )
        if self.rows % 256 == 0:
            self.tick()

    def lines(self, count: int) -> None:
        """Check the line count of a one-record-a-line file (JSON Lines) before it is parsed."""
        if count > self.limits.max_rows:
            allowed = self.limits.max_rows
            raise ReadLimitError(
                TOO_MANY_ROWS,
                f"{self.name}: {_count(count)} lines, more than the {_count(allowed)} rows allowed for one file",
                f"{self.name}：共 {_count(count)} 行，超过单个文件 {_count(allowed)} 行的上限",
                limit="max_rows", allowed=allowed, found=count,
            )

    def add_cells(self, count: int) -> None:
        """Count ``count`` grid cells about to be built."""
        self.cells += count
        if self.cells > self.limits.max_cells:
            self._too_many_cells(self.cells)

    def area(self, height: int, width: int) -> None:
        """Check a grid of ``height`` x ``width`` cells before it is built (spans expanded)."""
        if height * width > self.limits.max_cells - self.cells:
            self._too_many_cells(self.cells + height * width)

    def elements(self, count: int) -> None:
        """Check the number of markup elements parsed so far (HTML): at most twice ``max_cells``, every cell being an element or two."""
        if count > 2 * self.limits.max_cells:
            allowed = 2 * self.limits.max_cells
            raise ReadLimitError(
                TOO_MANY_CELLS,
                f"{self.name}: more than {_count(allowed)} markup elements, more than a table of {_count(self.limits.max_cells)} cells needs",
                f"{self.name}：标记元素超过 {_count(allowed)} 个，超出 {_count(self.limits.max_cells)} 个单元格表格所需",
                limit="max_cells", allowed=self.limits.max_cells, found=count,
            )

    def _too_many_cells(self, found: int) -> None:
        allowed = self.limits.max_cells
        raise ReadLimitError(
            TOO_MANY_CELLS,
            f"{self.name}: its tables span {_count(found)} cells or more, more than the {_count(allowed)} allowed",
            f"{self.name}：表格单元格数（含合并单元格展开）达到 {_count(found)} 个以上，超过 {_count(allowed)} 个的上限",
            limit="max_cells", allowed=allowed, found=found,
        )

    def pages(self, count: int) -> None:
        """Check a PDF's page count before any page is read."""
        if count > self.limits.max_pdf_pages:
            allowed = self.limits.max_pdf_pages
            raise ReadLimitError(
                TOO_MANY_PAGES,
                f"{self.name}: {_count(count)} pages, more than the {_count(allowed)} pages allowed for one PDF",
                f"{self.name}：共 {_count(count)} 页，超过单个 PDF {_count(allowed)} 页的上限",
                limit="max_pdf_pages", allowed=allowed, found=count,
            )

    def expanded(self, nbytes: int, detail: str = "") -> None:
        """Check the uncompressed size of an archive before it is inflated."""
        if nbytes > self.limits.max_expanded_bytes:
            allowed = self.limits.max_expanded_bytes
            why = f" ({detail})" if detail else ""
            raise ReadLimitError(
                EXPANDS_TOO_LARGE,
                f"{self.name}: expands to {nbytes / 2**20:,.0f} MB{why}, more than the {allowed / 2**20:,.0f} MB limit",
                f"{self.name}：解压后达 {nbytes / 2**20:,.0f} MB，超过 {allowed / 2**20:,.0f} MB 的上限",
                limit="max_expanded_bytes", allowed=allowed, found=nbytes,
            )
