"""Fixtures for the backfill tests: a writable copy of the fake-encoder models folder, the archive, the fake encoder spec."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.backfill.encoding import EncoderSpec
from tests.service.backfill.archive import make_archive

FAKE_SPEC = EncoderSpec("tests.fakes:HashingEncoder")
"""The hashing encoder, built by name in whatever process annotates (a Ray actor included)."""


@pytest.fixture
def models_root(tmp_path, fake_models_root) -> Path:
    """A copy of the fake-encoder models folder (``current`` link included) that a test may promote in."""
    root = tmp_path / "models"
    shutil.copytree(fake_models_root, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """The archive folder (read-only for tests) and its files by role."""
    folder = tmp_path_factory.mktemp("archive")
    return folder, make_archive(folder)
