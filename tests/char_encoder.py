"""A tiny real sentence-transformers model folder for tests that run the real server: static character embeddings.

``zhibiao serve`` loads its encoder from a folder (``ZHIBIAO_ENCODER``); this
builds one in seconds with no download: a ``StaticEmbedding`` module over a
character vocabulary (every character of the corpus) with seeded random
vectors, mean-pooled, saved with ``SentenceTransformer.save``. Names that share
characters get similar vectors, which is all a page or protocol test needs; a
model trained on it loads through the same code as the real e5 one
(``SentenceEncoder``, fingerprint check, ``attach_encoder``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DIM = 64


def build_char_encoder(folder: Path, texts: list[str], dim: int = DIM, seed: int = 0) -> Path:
    """Save a static character-embedding sentence-transformers model for the characters of ``texts`` to ``folder``."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "[PAD]": 1}
    for char in sorted({c for text in texts for c in text if not c.isspace()}):
        vocab.setdefault(char, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    weights = np.random.default_rng(seed).standard_normal((len(vocab), dim)).astype(np.float32)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder))
    return folder
