"""The app under FastAPI's TestClient with the fake-encoder model: validation and error cases run in-process."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.api.main import create_app
from service.api.state import ModelHolder
from training.settings import Settings, get_settings


@pytest.fixture(scope="session")
def holder(fake_models_root, fake_encoder) -> ModelHolder:
    holder = ModelHolder(fake_models_root, fake_encoder, reload_interval=0)
    holder.reload()
    return holder


@pytest.fixture(scope="session")
def test_settings(fake_models_root, tmp_path_factory) -> Settings:
    return Settings(models_dir=fake_models_root, max_items=50, max_upload_bytes=2 * 1024 * 1024, reload_interval_seconds=0,
                    review_dir=tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="session")
def client(holder, test_settings):
    app = create_app(test_settings, holder)
    app.dependency_overrides[get_settings] = lambda: test_settings
    with TestClient(app) as client:
        yield client
