"""Where the project keeps its data and models.

Every location can be moved with an environment variable so that tests, CI and
retraining jobs work on copies instead of the checked-in tree.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("ZHIBIAO_DATA_DIR", PROJECT_ROOT / "data"))


def models_dir() -> Path:
    return Path(os.environ.get("ZHIBIAO_MODELS_DIR", PROJECT_ROOT / "models"))


def cache_dir() -> Path:
    return Path(os.environ.get("ZHIBIAO_CACHE_DIR", PROJECT_ROOT / ".cache"))


def taxonomy_path() -> Path:
    return Path(os.environ.get("ZHIBIAO_TAXONOMY", PROJECT_ROOT / "data" / "taxonomy.json"))
