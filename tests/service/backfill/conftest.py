"""Fixtures for the backfill tests: a writable copy of the fake-encoder models folder and the archive of tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.backfill.archive import make_archive
from tests.service.backfill.helpers import copy_models


@pytest.fixture
def models_root(tmp_path, fake_models_root) -> Path:
    """A copy of the fake-encoder models folder that a test may promote in."""
    return copy_models(fake_models_root, tmp_path / "models")


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """The archive folder (read-only for tests) and its files by role."""
    folder = tmp_path_factory.mktemp("archive")
    return folder, make_archive(folder)
