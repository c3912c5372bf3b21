"""The sentence encoder behind one small interface: ``encode(texts, kind) -> float32 array``.

The default is the local multilingual-e5-small folder built by
``zhibiao encoder build``; a site can point ``ZHIBIAO_ENCODER`` at any local
sentence-transformers model directory instead. Nothing here downloads.

Encoders are shared, heavy and never pickled: ``copy.deepcopy`` (what
scikit-learn's ``clone`` does to a parameter) returns the same object, and
pickling stores only the encoder's identity, as a :class:`DetachedEncoder`
that the bundle loader replaces with the local encoder of the same
fingerprint (:func:`attach_encoder`).
"""

from __future__ import annotations

import collections
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from training.settings import get_settings

KINDS = ("query", "passage")


class EncoderMissing(FileNotFoundError):
    """No local encoder folder; the message says how to build one."""


class EncoderNotAttached(RuntimeError):
    """A model loaded from disk was used before the local encoder was attached to it."""


class Encoder:
    """Base of every encoder: identity, ``encode``, shared on copy, detached on pickle.

    Subclasses implement ``_identity()`` (a dict with at least ``name``, ``dim``
    and ``fingerprint``) and ``_encode(texts, kind)`` returning L2-normalized
    float32 rows. ``kind`` is ``"query"`` for indicator names (e5's ``query:``
    prompt) or ``"passage"`` for longer texts.
    """

    def _identity(self) -> dict:
        raise NotImplementedError

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        raise NotImplementedError

    @property
    def identity(self) -> dict:
        return self._identity()

    @property
    def dim(self) -> int:
        return int(self.identity["dim"])

    def encode(self, texts: Sequence[str], kind: str = "query") -> np.ndarray:
        """Vectors of shape ``(len(texts), dim)``, float32, unit length. Raises ``ValueError`` for an unknown kind."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(texts, kind)

    def __deepcopy__(self, memo) -> Encoder:
        return self  # shared: clone() of an estimator must not copy 470 MB of weights

    def __reduce__(self):
        identity = {k: v for k, v in self.identity.items() if k != "path"}
        return DetachedEncoder, (identity,)


class DetachedEncoder(Encoder):
    """What an encoder becomes inside a pickled model: its identity only."""

    def __init__(self, identity: dict) -> None:
        self.identity_ = dict(identity)

    def _identity(self) -> dict:
        return self.identity_

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        raise EncoderNotAttached(f"the model was loaded without its encoder ({self.identity_.get('fingerprint')}); "
                                 "load it with training.lifecycle.bundle.load_model, which attaches the local encoder")


def default_encoder_path() -> Path:
    """The configured encoder folder, or the newest built e5 folder. Raises ``EncoderMissing``."""
    settings = get_settings()
    if settings.encoder:
        return Path(settings.encoder)
    candidates = sorted((settings.cache_dir / "encoders").glob("multilingual-e5-small-*/zhibiao_encoder.json"))
    if not candidates:
        raise EncoderMissing("no local encoder: run `zhibiao encoder build` (part of `make setup`) or set ZHIBIAO_ENCODER")
    return candidates[-1].parent


class SentenceEncoder(Encoder):
    """A local sentence-transformers model, loaded on first use, with a bounded in-memory cache per text.

    Prompts (``query: `` / ``passage: `` for e5) come from the model folder's own
    ``prompts`` and are applied by sentence-transformers (``prompt_name=``).
    ``precision="int8"`` (the default, ``ZHIBIAO_ENCODER_PRECISION``) quantizes
    the linear layers dynamically at load, one scale per output channel: three
    times the throughput on 2 CPU cores at cosine ~0.99 to the fp32 vectors.
    The precision is part of the fingerprint, so a model is only served with
    the vectors it was trained on. ``cache_size`` texts per kind are kept in
    memory (least recently used evicted): tables repeat 预算执行率 everywhere.
    """

    def __init__(self, path: str | Path | None = None, threads: int | None = None, precision: str | None = None,
                 cache_size: int = 20_000) -> None:
        self.path = Path(path) if path else None
        self.threads = threads
        self.precision = precision
        self.cache_size = cache_size
        self.model_ = None
        self.identity_: dict = {}
        self._cache: dict[str, collections.OrderedDict[str, np.ndarray]] = {k: collections.OrderedDict() for k in KINDS}
        self._lock = threading.RLock()

    def load(self) -> SentenceEncoder:
        """Load the model (once). Raises ``EncoderMissing`` when the folder is not a sentence-transformers model."""
        with self._lock:
            if self.model_ is not None:
                return self
            import os

            import torch
            from sentence_transformers import SentenceTransformer

            settings = get_settings()
            torch.set_num_threads(self.threads or settings.encoder_threads)
            path = self.path or default_encoder_path()
            if not (path / "modules.json").exists() and not (path / "config.json").exists():
                raise EncoderMissing(f"{path}: not a sentence-transformers model folder")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # libraries' own switches: never reach for a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            precision = self.precision or settings.encoder_precision
            if precision not in ("int8", "fp32"):
                raise ValueError(f"encoder precision must be int8 or fp32, not {precision!r}")
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            if precision == "int8":
                model = _quantize(model)
            info_file = path / "zhibiao_encoder.json"
            info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.exists() else {}
            self.path, self.precision = path, precision
            self.identity_ = {
                "path": str(path),
                "name": info.get("model", path.name),
                "dim": int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
                           else model.get_sentence_embedding_dimension()),
                "fingerprint": (info.get("source_sha256", "")[:12] or _folder_fingerprint(path)) + ("-int8c" if precision == "int8" else ""),
                "fine_tuned": bool(info.get("fine_tuned", False)),
                "precision": precision,
            }
            self.model_ = model
            return self

    def _identity(self) -> dict:
        return self.load().identity_

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        self.load()
        cache = self._cache[kind]
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            prompt = kind if kind in (self.model_.prompts or {}) else None
            vectors = self.model_.encode(missing, prompt_name=prompt, batch_size=64, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
            fresh = dict(zip(missing, vectors, strict=True))
        else:
            fresh = {}
        with self._lock:
            out = np.stack([fresh[t] if t in fresh else cache[t] for t in texts])
            for text in texts:
                if text in cache:
                    cache.move_to_end(text)
            for text, vector in fresh.items():
                cache[text] = vector
            while len(cache) > self.cache_size:
                cache.popitem(last=False)
        return out


def _quantize(model):
    """Dynamic int8 quantization of every linear layer, one scale per output channel (deterministic)."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8, inplace=True)


def _folder_fingerprint(path: Path) -> str:
    hasher = hashlib.sha256()
    for name in ("config.json", "modules.json", "tokenizer.json"):
        file = path / name
        if file.exists():
            hasher.update(file.read_bytes()[:1_000_000])
    return hasher.hexdigest()[:12]


class DiskCachedEncoder(Encoder):
    """Another encoder with an on-disk cache (SQLite, one table per kind) keyed by the exact text.

    The file is named by the inner encoder's fingerprint, so vectors of another
    encoder or precision are never mixed in. Safe for several processes on one
    machine (SQLite locking). Used by training, evaluation and bulk jobs, where
    the same names are encoded run after run.
    """

    def __init__(self, encoder: Encoder, folder: Path | None = None) -> None:
        self.encoder = encoder
        self.folder = folder

    def _identity(self) -> dict:
        return self.encoder.identity

    def _connect(self) -> sqlite3.Connection:
        folder = self.folder or get_settings().cache_dir / "embeddings"
        folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(folder / f"{self.identity['fingerprint']}.sqlite", timeout=60)
        for kind in KINDS:
            connection.execute(f"CREATE TABLE IF NOT EXISTS {kind} (text TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return connection

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        distinct = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        connection = self._connect()
        try:
            for chunk in _chunks(distinct, 500):
                marks = ",".join("?" * len(chunk))
                for text, blob in connection.execute(f"SELECT text, vector FROM {kind} WHERE text IN ({marks})", chunk):
                    found[text] = np.frombuffer(blob, dtype=np.float32)
            missing = [t for t in distinct if t not in found]
            if missing:
                vectors = self.encoder.encode(missing, kind)
                found.update(zip(missing, vectors, strict=True))
                with connection:
                    connection.executemany(f"INSERT OR REPLACE INTO {kind} VALUES (?, ?)",
                                           [(t, v.astype(np.float32).tobytes()) for t, v in zip(missing, vectors, strict=True)])
        finally:
            connection.close()
        return np.stack([found[t] for t in texts]).astype(np.float32)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_encoder(path: str | Path | None = None, disk_cache: bool = True) -> Encoder:
    """The configured sentence encoder, with the on-disk cache unless ``disk_cache`` is false."""
    encoder = SentenceEncoder(path)
    return DiskCachedEncoder(encoder) if disk_cache else encoder


def attach_encoder(estimator, encoder: Encoder) -> int:
    """Give every part of a fitted (unpickled) estimator that holds a detached encoder the local one.

    Walks pipelines, column transformers (fitted and unfitted parts) and
    meta-estimators. Returns how many parts were attached. Raises
    ``EncoderNotAttached`` when a part was trained with another encoder
    (fingerprints differ).
    """
    attached = 0
    for part in _parts(estimator):
        held = getattr(part, "encoder", None)
        if isinstance(held, DetachedEncoder):
            expected = held.identity_.get("fingerprint")
            if expected != encoder.identity["fingerprint"]:
                raise EncoderNotAttached(f"the model was trained with encoder {expected}, the local one is {encoder.identity['fingerprint']}")
            part.encoder = encoder
            attached += 1
    return attached


def _parts(estimator, seen: set[int] | None = None) -> Iterator[object]:
    seen = set() if seen is None else seen
    if estimator is None or isinstance(estimator, (str, int, float)) or id(estimator) in seen:
        return
    seen.add(id(estimator))
    yield estimator
    children: list[object] = []
    for attribute in ("steps", "transformers", "transformers_", "transformer_list"):
        for entry in getattr(estimator, attribute, None) or []:
            children.append(entry[1] if isinstance(entry, tuple) else entry)
    for attribute in ("estimator", "estimator_", "best_estimator_", "calibrated_classifiers_"):
        value = getattr(estimator, attribute, None)
        children.extend(value if isinstance(value, list) else [value])
    for child in children:
        yield from _parts(child, seen)
