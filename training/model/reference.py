"""One index of historical indicators: nearest neighbours by cosine similarity.

Neighbour votes (a model feature), similar examples shown to users, target
evidence and project suggestions all search the same way; this is the one
place that does it. Vectors are unit length, so cosine similarity is a dot
product; the search is exact (brute force), which at tens of thousands of
references costs milliseconds.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

SMALL_QUERY_BLOCK = 64  # fewer queries than this run on one BLAS thread
BLOCK_ROWS = 2048  # queries per block: bounds the (queries x references) similarity matrix to ~8 MB per 1,000 references


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class ReferenceIndex:
    """Reference vectors ``(n, dim)`` float32 with optional per-row ``records`` and ``groups``.

    ``groups`` (documents or units) let a search leave out a query's own group,
    so that a feature computed on training rows behaves as it will on a table
    the model never saw.
    """

    def __init__(self, vectors: np.ndarray, records: Sequence | None = None, groups: Sequence | None = None) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.records = list(records) if records is not None else None
        self.groups = np.asarray(groups) if groups is not None else None
        if self.records is not None and len(self.records) != len(self.vectors):
            raise ValueError(f"{len(self.records)} records for {len(self.vectors)} vectors")
        if self.groups is not None and len(self.groups) != len(self.vectors):
            raise ValueError(f"{len(self.groups)} groups for {len(self.vectors)} vectors")

    def __len__(self) -> int:
        return len(self.vectors)

    def similarities(self, queries: np.ndarray) -> np.ndarray:
        """Cosine similarity of every query to every reference, shape ``(len(queries), len(self))``.

        A few queries (a request's names) are multiplied on one BLAS thread: for a ``(1, 384) x (384, 4000)``
        product OpenBLAS's second thread only waits, and on a busy 2-core machine it took 22 ms instead of 1.2 ms
        (``scripts/benchmark.py`` measures the request).
        """
        queries = np.asarray(queries, dtype=np.float32)
        if len(queries) >= SMALL_QUERY_BLOCK:
            return queries @ self.vectors.T
        with _blas_controller().limit(limits=1, user_api="blas"):
            return queries @ self.vectors.T

    def search(self, queries: np.ndarray, k: int, exclude_groups: Sequence | None = None,
               mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar references per query, best first: ``(indices, similarities)``, each ``(n, k)``.

        ``exclude_groups[i]`` removes references of that group for query ``i``;
        ``mask`` (bool, ``len(self)``) keeps only the references where it is true.
        Excluded references get similarity ``-inf`` and sort last; ``k`` is
        capped at the number of references. Equal similarities (a name that
        several tables repeat) are taken in reference order, so a query's
        neighbours do not depend on the other queries of its batch.
        """
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        k = max(0, min(k, len(self)))
        if len(queries) == 1 and k and exclude_groups is None and mask is None:
            return self._search_one(queries, k)
        indices = np.zeros((len(queries), k), dtype=np.int64)
        sims = np.zeros((len(queries), k), dtype=np.float32)
        if k == 0:
            return indices, sims
        for start in range(0, len(queries), BLOCK_ROWS):
            block = self.similarities(queries[start : start + BLOCK_ROWS])
            if exclude_groups is not None:
                if self.groups is None:
                    raise ValueError("this index has no groups to exclude")
                own = np.asarray(exclude_groups[start : start + BLOCK_ROWS])[:, None] == self.groups[None, :]
                block = np.where(own, -np.inf, block)
            if mask is not None:
                block = np.where(mask[None, :], block, -np.inf)
            top = _top_k(block, k)
            top_sims = np.take_along_axis(block, top, axis=1)
            order = np.argsort(-top_sims, axis=1, kind="stable")
            indices[start : start + len(block)] = np.take_along_axis(top, order, axis=1)
            sims[start : start + len(block)] = np.take_along_axis(top_sims, order, axis=1)
        return indices, sims

    def _search_one(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`search` for one query and nothing excluded (a form plugin's request): the same neighbours in the same
        order, with one-dimensional work only (0.19 against 0.39 ms over 3,379 references, timed side by side)."""
        row = self.similarities(query)[0]
        if k >= len(row):
            top = np.arange(len(row))
        else:
            threshold = np.partition(row, len(row) - k)[len(row) - k]  # the k-th largest
            better = np.flatnonzero(row > threshold)
            tied = np.flatnonzero(row == threshold)[: k - len(better)]  # ties in reference order, as _top_k
            top = np.sort(np.concatenate([better, tied]))
        order = np.argsort(-row[top], kind="stable")
        chosen = top[order]
        return chosen[None, :].astype(np.int64), row[chosen][None, :].astype(np.float32)


def _top_k(block: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` largest values per row of ``block`` (any order), ties taken lowest index first.

    ``np.argpartition`` alone picks arbitrarily among values equal to the k-th largest, and its pick changes with the
    shape of the batch; here every value strictly above that threshold is kept, then the tied ones in index order.
    """
    n, m = block.shape
    if k >= m:
        return np.tile(np.arange(m), (n, 1))
    negated = -block
    threshold = np.partition(negated, kth=k - 1, axis=1)[:, k - 1 : k]
    better = negated < threshold
    tied = negated == threshold
    room = k - better.sum(axis=1, keepdims=True)
    chosen = better | (tied & (np.cumsum(tied, axis=1) <= room))
    return np.nonzero(chosen)[1].reshape(n, k)
