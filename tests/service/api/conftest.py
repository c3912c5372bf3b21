"""The app under FastAPI's TestClient with the fake-encoder model: validation and error cases run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.main import create_app
from service.api.state import ModelHolder
from training.settings import Settings


@pytest.fixture(scope="session")
def holder(fake_models_root, fake_encoder) -> ModelHolder:
    holder = ModelHolder(fake_models_root, fake_encoder, reload_interval=0)
    holder.reload()
    return holder


@pytest.fixture(scope="session")
def test_settings(fake_models_root, tmp_path_factory) -> Settings:
    return Settings(models_dir=fake_models_root, max_items=50, max_upload_bytes=2 * 1024 * 1024, reload_interval_seconds=0,
                    review_dir=tmp_path_factory.mktemp("review"), allowed_hosts=["testserver", "127.0.0.1", "localhost"])


@pytest.fixture(scope="session")
def client(holder, test_settings):
    app = create_app(test_settings, holder)
    with TestClient(app, client=("127.0.0.1", 50000)) as client:  # a loopback peer, as in `zhibiao serve`
        yield client


@pytest.fixture(scope="session")
def make_client(holder, test_settings):
    """A TestClient on an app with some settings changed: ``with make_client(max_json_bytes=1000) as client: ...``."""

    def make(peer: str = "127.0.0.1", **changes) -> TestClient:
        settings = Settings(**{**test_settings.model_dump(), **changes})
        app = create_app(settings, holder)
        return TestClient(app, client=(peer, 50000))

    return make


@pytest.fixture(scope="session")
def models_root(tmp_path_factory) -> Path:
    """Slow tests only: a models folder with the real model (e5 encoder, the project's corpus), trained once per session."""
    from training.lifecycle.train import train

    root = tmp_path_factory.mktemp("models")
    train(models_root=root, evaluate=False)  # held-out scoring is tested in tests/training/evaluation
    return root
