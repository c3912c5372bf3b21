"""The encoder a backfill's workers build is the one ``classify`` and ``serve`` use (so the bundle's fingerprint matches)."""

from __future__ import annotations

import pytest

from service.backfill.encoding import EncoderSpec
from tests.training.model.test_encoder import fake_onnx_folder
from training.model.encoder import OnnxEncoder, SentenceEncoder, local_encoder


@pytest.mark.parametrize(("backend", "precision", "expected"), [("onnx", "int8", OnnxEncoder), ("torch", "int8", SentenceEncoder),
                                                                 ("onnx", "fp32", SentenceEncoder)])
def test_the_configured_spec_follows_the_backend_settings(monkeypatch, tmp_path, backend, precision, expected):
    from training.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_ENCODER", str(fake_onnx_folder(tmp_path)))
    monkeypatch.setenv("ZHIBIAO_ENCODER_BACKEND", backend)
    monkeypatch.setenv("ZHIBIAO_ENCODER_PRECISION", precision)
    get_settings.cache_clear()
    try:
        spec = EncoderSpec.configured(threads=1)
        built = spec.build().inner
        assert type(built) is expected is type(local_encoder())
        assert spec.kwargs["threads"] == 1 and spec.kwargs["cache_size"] == 0
        if expected is OnnxEncoder:  # the identity the bundle's fingerprint is checked against
            assert built.identity["fingerprint"] == local_encoder().identity["fingerprint"]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
