"""Multiplex measures on a hand-made 3-layer multiplex of 5 nodes (node 4 tied nowhere).

Ties as unordered pairs:
  alliance (undirected): {0,1} {1,2}
  trade (directed 0->1, 1->0, 0->2, 2->3): {0,1} {0,2} {2,3}
  treaty (undirected): {0,1} {0,2} {0,3}
"""

import math

import numpy as np
import pandas as pd
import pytest

from hubspoke.measures.multiplex import edge_overlap, multiplex_degree, participation_coefficient


def matrix(n, pairs, *, directed=False):
    A = np.zeros((n, n))
    for i, j in pairs:
        A[i, j] = 1
        if not directed:
            A[j, i] = 1
    return A


LAYERS = {
    "treaty": matrix(5, [(0, 1), (0, 2), (0, 3)]),
    "trade": matrix(5, [(0, 1), (1, 0), (0, 2), (2, 3)], directed=True),
    "alliance": matrix(5, [(0, 1), (1, 2)]),
}


def test_edge_overlap():
    # alliance-trade: shared {0,1}; union {0,1} {1,2} {0,2} {2,3} -> 1/4
    # alliance-treaty: shared {0,1}; union {0,1} {1,2} {0,2} {0,3} -> 1/4
    # trade-treaty: shared {0,1} {0,2}; union {0,1} {0,2} {2,3} {0,3} -> 2/4
    # (the mutual trade pair 0<->1 counts once)
    expected = pd.DataFrame(
        {
            "layer_a": pd.Series(["alliance", "alliance", "trade"], dtype="string"),
            "layer_b": pd.Series(["trade", "treaty", "treaty"], dtype="string"),
            "shared": np.array([1, 1, 2], dtype=np.int64),
            "union": np.array([4, 4, 4], dtype=np.int64),
            "jaccard": [0.25, 0.25, 0.5],
        }
    )
    pd.testing.assert_frame_equal(edge_overlap(LAYERS), expected)


def test_edge_overlap_of_empty_layers_is_missing():
    table = edge_overlap({"a": np.zeros((3, 3)), "b": np.zeros((3, 3))})
    assert table.loc[0, "shared"] == 0
    assert table.loc[0, "union"] == 0
    assert math.isnan(table.loc[0, "jaccard"])


# layer degrees (alliance, trade, treaty) and overlapping degree o = their sum; P = 3/2 (1 - sum
# (k/o)^2):
#   node 0: 1, 2, 3 -> o = 6 (3 distinct partners), P = 3/2 (1 - 14/36) = 11/12
#   node 1: 2, 1, 1 -> o = 4, P = 3/2 (1 - 6/16) = 15/16
#   node 2: 1, 2, 1 -> o = 4, P = 3/2 (1 - 6/16) = 15/16
#   node 3: 0, 1, 1 -> o = 2, P = 3/2 (1 - 2/4) = 3/4
#   node 4: no ties -> o = 0, P undefined
@pytest.mark.parametrize(
    ("node", "degree", "participation"),
    [(0, 6, 11 / 12), (1, 4, 15 / 16), (2, 4, 15 / 16), (3, 2, 3 / 4), (4, 0, math.nan)],
)
def test_overlapping_degree_and_participation(node, degree, participation):
    assert multiplex_degree(LAYERS, node) == degree
    np.testing.assert_allclose(participation_coefficient(LAYERS, node), participation)


def test_participation_extremes():
    edge = matrix(2, [(0, 1)])
    # all ties in one layer: k = (1, 0) -> 2 (1 - 1) = 0
    # evenly spread: k = (1, 1) -> 2 (1 - 1/2) = 1
    assert participation_coefficient({"a": edge, "b": np.zeros((2, 2))}, 0) == 0
    assert participation_coefficient({"a": edge, "b": edge}, 0) == 1
    # one layer: M / (M - 1) undefined
    assert math.isnan(participation_coefficient({"a": edge}, 0))


def test_layers_must_share_nodes():
    with pytest.raises(ValueError, match="same shape"):
        edge_overlap({"a": np.zeros((3, 3)), "b": np.zeros((4, 4))})
