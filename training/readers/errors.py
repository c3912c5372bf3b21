"""The one error every reader raises for a file it cannot read; it sits below every reader module."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read at all; the message names the file and the reason in one line."""
