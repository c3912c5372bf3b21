"""Progress: files done of all, rows, rate, duplicates and the rest, ETA; a bar on a terminal, lines in a log."""

from __future__ import annotations

import io
import re

from service.backfill.progress import TerminalProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_plain_lines_with_rate_and_eta():
    stream = io.StringIO()
    progress = TerminalProgress(stream, interval=0)
    progress.start(4)
    progress.file("skipped", 0)
    progress.file("done", 30)
    progress.file("duplicate", 0)
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"files 3/4, rows 30 \(\d[\d,]*/s\), 0 unreadable, 1 duplicates, 1 already done, ETA \d+:\d\d:\d\d", lines[-1])
    progress.file("unreadable", 0)
    progress.close()
    assert stream.getvalue().splitlines()[-1].startswith("files 4/4, rows 30") and stream.getvalue().endswith("ETA 0:00:00\n")


def test_a_terminal_gets_a_bar():
    stream = Terminal()
    progress = TerminalProgress(stream)
    progress.start(2)
    progress.file("done", 12)
    progress.file("done", 8)
    progress.close()
    assert "2/2" in stream.getvalue() and "rows 20" in stream.getvalue() and "\r" in stream.getvalue()
