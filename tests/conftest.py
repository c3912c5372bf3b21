"""Shared fixtures: seed copies, the taxonomy, the corpus, and a model on a fake encoder for fast tests.

The fake encoder (``tests.fakes.HashingEncoder``) gives deterministic vectors
with no model to load, so the pipeline, predictor, bulk and API tests run in
seconds; the real encoder and the real server over loopback are in tests
marked ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import HashingEncoder
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


@pytest.fixture(scope="session")
def fake_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def corpus():
    from training.lifecycle.corpus import load_corpus

    return load_corpus(ROOT / "data")


@pytest.fixture(scope="session")
def fake_models_root(tmp_path_factory, corpus, fake_encoder) -> Path:
    """A models folder whose current bundle was trained with the fake encoder on the corpus less the repository tables
    (no held-out scoring; the smaller corpus keeps the fast suite fast)."""
    from training.lifecycle.corpus import Corpus
    from training.lifecycle.train import train

    root = tmp_path_factory.mktemp("fake-models")
    part = Corpus([r for r in corpus.rows if r.source != "repository_indicators.jsonl"])
    train(corpus=part, models_root=root, encoder=fake_encoder, evaluate=False)
    return root


@pytest.fixture(scope="session")
def fake_predictor(fake_models_root, fake_encoder):
    from service.predictor import load_predictor

    return load_predictor(models_root=fake_models_root, encoder=fake_encoder)
