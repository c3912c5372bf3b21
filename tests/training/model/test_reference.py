"""The one nearest-neighbour search over historical indicators."""

from __future__ import annotations

import numpy as np
import pytest

from training.model.reference import ReferenceIndex


def test_search_orders_by_similarity_and_excludes_groups():
    vectors = np.eye(4, dtype=np.float32)
    index = ReferenceIndex(vectors, records=list("abcd"), groups=["x", "x", "y", "y"])
    query = np.array([[0.9, 0.1, 0.0, 0.0]], dtype=np.float32)
    indices, sims = index.search(query, 2)
    assert indices[0].tolist() == [0, 1] and sims[0, 0] > sims[0, 1]
    indices, _ = index.search(query, 2, exclude_groups=["x"])
    assert set(indices[0].tolist()) == {2, 3}
    indices, _ = index.search(query, 10)
    assert indices.shape == (1, 4)


def test_mask_keeps_only_chosen_references():
    index = ReferenceIndex(np.eye(3, dtype=np.float32))
    indices, _sims = index.search(np.ones((1, 3), dtype=np.float32), 1, mask=np.array([False, False, True]))
    assert indices[0, 0] == 2


def test_equal_similarities_are_taken_in_reference_order():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    index = ReferenceIndex(vectors)
    alone, _ = index.search(np.array([[1.0, 0.0]]), 2)
    batch, _ = index.search(np.array([[0.0, 1.0], [1.0, 0.0], [0.6, 0.8]]), 2)
    assert alone.tolist() == [[0, 2]] and batch[1].tolist() == [0, 2]
    three, sims = index.search(np.array([[1.0, 0.0]]), 4)
    assert three.tolist() == [[0, 2, 3, 4]] and sims[0, 3] == pytest.approx(0.6)


@pytest.mark.parametrize("k", [1, 2, 3, 20, 60, 100])
def test_one_query_takes_the_same_neighbours_as_the_general_search(k):
    """The one-query path (a form plugin's request) picks, orders and breaks ties as the batched path does."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[[10, 20, 30]] = vectors[5]  # a name several tables repeat: equal similarities
    index = ReferenceIndex(vectors)
    everything = np.ones(len(vectors), dtype=bool)  # a mask that keeps all: the general path
    for query in (vectors[5:6], vectors[7:8] + 0.01):
        one, general = index.search(query, k), index.search(query, k, mask=everything)
        np.testing.assert_array_equal(one[0], general[0])
        np.testing.assert_array_equal(one[1], general[1])
        assert one[0].shape == (1, min(k, 60))
