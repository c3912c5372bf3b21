"""What the backfill tests share besides fixtures: the fake encoder spec and a writable models folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from service.backfill.encoding import EncoderSpec

FAKE_SPEC = EncoderSpec("tests.fakes:HashingEncoder")
"""The hashing encoder, built by name in whatever process annotates (a Ray actor included)."""


def copy_models(source: Path, target: Path) -> Path:
    """A copy of a models folder (``current`` link included) that a test may promote in."""
    shutil.copytree(source, target, symlinks=True)
    return target
