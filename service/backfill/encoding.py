"""The encoder a backfill job's workers build, and the per-file scope that makes a file's rows independent of the others.

The job carries an ``EncoderSpec`` (an importable factory and its arguments,
paths resolved on the machine that starts the job) to every worker, so the
workers need no settings of their own: only the encoder folder at the same
path (shared storage on a cluster).

The int8 encoder quantizes activations per batch, so a name's vector depends
on which names it is encoded with (cosine about 0.99 between two batches,
measured on e5-small int8). ``FileScopedEncoder`` encodes each file's names
together and forgets them when the next file starts: a row's annotation then
depends only on its own file — the same on any engine, worker, batch size or
resumed run, and the same as ``zhibiao classify`` of that file alone.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np

from training.model.encoder import Encoder


@dataclass(frozen=True)
class EncoderSpec:
    """How a worker builds the encoder: ``factory`` is ``"module:attribute"``, called with ``kwargs``.

    ``configured()`` gives the local sentence encoder of the settings
    (``ZHIBIAO_ENCODER`` or the built e5, ``ZHIBIAO_ENCODER_PRECISION``), with
    its folder resolved here. Tests pass ``EncoderSpec("tests.fakes:HashingEncoder")``.
    """

    factory: str
    kwargs: dict = field(default_factory=dict)

    @classmethod
    def configured(cls, threads: int | None = None) -> EncoderSpec:
        """The configured sentence encoder (what ``training.model.encoder.local_encoder`` builds for ``classify`` and
        ``serve``: ONNX int8 by default, PyTorch with ``ZHIBIAO_ENCODER_BACKEND=torch`` or fp32) with ``threads``
        threads (default ``ZHIBIAO_ENCODER_THREADS``). A model bundle only loads with the encoder it was trained with.

        Raises ``EncoderMissing`` when no local encoder folder exists.
        """
        from training.model.encoder import OnnxEncoder, default_encoder_path, local_encoder
        from training.settings import get_settings

        settings = get_settings()
        path = str(default_encoder_path().resolve())
        threads = threads or settings.encoder_threads
        if isinstance(local_encoder(path), OnnxEncoder):
            return cls("training.model.encoder:OnnxEncoder", {"path": path, "threads": threads, "cache_size": 0})
        return cls("training.model.encoder:SentenceEncoder", {
            "path": path, "precision": settings.encoder_precision, "threads": threads,
            "cache_size": 0,  # FileScopedEncoder keeps the file's vectors
        })

    def with_threads(self, threads: int) -> EncoderSpec:
        """The same spec with another torch thread count, for factories that take ``threads``."""
        return EncoderSpec(self.factory, {**self.kwargs, "threads": threads}) if "threads" in self.kwargs else self

    def build(self) -> FileScopedEncoder:
        """Import the factory, call it, wrap the encoder. Raises ``ImportError``/``AttributeError`` for a bad factory."""
        module, _, attribute = self.factory.partition(":")
        return FileScopedEncoder(getattr(importlib.import_module(module), attribute)(**self.kwargs))


class FileScopedEncoder(Encoder):
    """Another encoder, remembering the vectors of the current file only; ``reset()`` starts the next file.

    Identity (and so the bundle's fingerprint check) is the inner encoder's.
    """

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self._vectors: dict[str, dict[str, np.ndarray]] = {}

    def reset(self) -> None:
        """Forget every vector: the next file is encoded on its own."""
        self._vectors = {}

    def _identity(self) -> dict:
        return self.inner.identity

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        known = self._vectors.setdefault(kind, {})
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.inner.encode(missing, kind), strict=True))
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)
