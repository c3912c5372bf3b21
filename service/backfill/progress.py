"""Progress of a backfill on the terminal: files and rows done, rows per second, ETA.

On a terminal a tqdm bar (ETA from the files still to do); in a log (not a
terminal) one plain line every ``interval`` seconds and a last one at the end.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta


class TerminalProgress:
    """Reports to ``stream`` (default stderr); implements ``service.backfill.job.Progress``."""

    def __init__(self, stream=None, interval: float = 10.0) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.counts = {"done": 0, "unreadable": 0, "duplicate": 0, "skipped": 0}
        self.rows = 0
        self.total = 0
        self.bar = None

    def start(self, total_files: int) -> None:
        self.total = total_files
        self.started = self.last = time.monotonic()
        if getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total_files, unit="file", desc="backfill", file=self.stream, dynamic_ncols=True)

    def file(self, status: str, rows: int) -> None:
        self.counts[status] += 1
        self.rows += rows
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(self._detail(), refresh=False)
        elif time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            print(self.line(), file=self.stream, flush=True)

    def _detail(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"rows {self.rows:,} ({self.rows / elapsed:,.0f}/s), {self.counts['unreadable']} unreadable, "
                f"{self.counts['duplicate']} duplicates, {self.counts['skipped']} already done")

    def line(self) -> str:
        """``files 12/40, rows 1,234 (456/s), 1 unreadable, 0 duplicates, 3 already done, ETA 0:00:42``."""
        handled = sum(self.counts.values())
        worked = handled - self.counts["skipped"]
        elapsed = time.monotonic() - self.started
        remaining = self.total - handled
        eta = timedelta(seconds=round(remaining * elapsed / worked)) if worked and remaining else (timedelta(0) if not remaining else "?")
        return f"files {handled}/{self.total}, {self._detail()}, ETA {eta}"
