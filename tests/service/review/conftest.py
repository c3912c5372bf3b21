"""The seed-derived workbook, annotated once with the fake-encoder model, for the review tests."""

from __future__ import annotations

import pytest

from tests.service.review.seed_workbook import seed_xlsx_bytes


@pytest.fixture(scope="session")
def seed_xlsx() -> bytes:
    return seed_xlsx_bytes()


@pytest.fixture(scope="session")
def annotated_seed(seed_xlsx, fake_predictor):
    from service.bulk import annotate_upload

    return annotate_upload(seed_xlsx, "yutian_seed.xlsx", fake_predictor)
