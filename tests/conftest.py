"""Shared fixtures: the project's own seed copies and a taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.domain.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "sources" / "seeds"
HENAN = SEEDS / "000_42a741920ee6bc71.txt"
ZHENGZHOU = SEEDS / "001_e3721a15ebf48cda.txt"
YUTIAN = SEEDS / "002_ba45935baea4b602.txt"
BAODING = SEEDS / "004_488854faf201b773.txt"


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()
