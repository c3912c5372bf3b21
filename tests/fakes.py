"""A small deterministic encoder for fast tests: character unigrams and bigrams hashed into 64 dimensions."""

from __future__ import annotations

import hashlib

import numpy as np

from training.model.encoder import Encoder

DIM = 64


class HashingEncoder(Encoder):
    """Unit vectors from hashed character n-grams: similar names get similar vectors, with no model to load."""

    def __init__(self, dim: int = DIM, fingerprint: str = "hashing-test") -> None:
        self.dim_ = dim
        self.fingerprint = fingerprint
        self.calls = 0

    def _identity(self) -> dict:
        return {"name": "hashing", "dim": self.dim_, "fingerprint": self.fingerprint, "precision": "fp32", "fine_tuned": False}

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim_), dtype=np.float32)
        for row, text in enumerate(texts):
            grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)] + [kind]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim_] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
