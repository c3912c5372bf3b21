"""The files a backfill reads: INPUT arguments (files, folders searched recursively, glob patterns) to one sorted list.

A folder contributes the files the readers take (``SUPPORTED_SUFFIXES``, any
case); a file named directly or matched by a pattern is taken whatever its
name, so that the readers can say why they cannot read it. Hidden files and
folders (a leading ``.``) are skipped inside folders.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from training.readers.dispatch import SUPPORTED_SUFFIXES


class InputError(ValueError):
    """An INPUT that names nothing: no such file or folder, or a pattern that matches no file."""


def _in_folder(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, f) for f in files if not f.startswith(".") and Path(f).suffix.lower() in SUPPORTED_SUFFIXES]
    return found


def discover(inputs: Iterable[str | Path]) -> list[Path]:
    """Absolute paths of every file the inputs name, each once, sorted.

    A path that is a folder is searched recursively; a string with ``*``, ``?``
    or ``[`` that is no existing path is a glob pattern (``**`` recurses).
    Raises ``InputError`` for an input that names no file (a missing path, an
    empty match); an existing empty folder is no error.
    """
    found: set[Path] = set()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found.update(_in_folder(path))
        elif path.is_file():
            found.add(path)
        elif glob.has_magic(str(given)):
            matches = [Path(m) for m in glob.glob(str(given), recursive=True)]
            files = [m for m in matches if m.is_file()] + [f for m in matches if m.is_dir() for f in _in_folder(m)]
            if not files:
                raise InputError(f"{given}: the pattern matches no file")
            found.update(files)
        else:
            raise InputError(f"{given}: no such file or folder")
    return sorted({Path(os.path.abspath(p)) for p in found})


def content_hash(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes: a file's identity in a backfill (the same bytes under two names are one file)."""
    return hashlib.sha256(data).hexdigest()
