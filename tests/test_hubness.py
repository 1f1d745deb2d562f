"""Hub measures on canonical graphs (values derived by hand) and cross-checks with networkx."""

import math

import networkx as nx
import numpy as np
import pytest

from hubspoke.measures.hubness import (
    constraint,
    dependence_asymmetry,
    effective_size,
    hub_rank,
    hub_share,
    spoke_density,
    star_likeness,
)


def undirected(n, edges, weights=None):
    A = np.zeros((n, n))
    for k, (i, j) in enumerate(edges):
        A[i, j] = A[j, i] = 1.0 if weights is None else weights[k]
    return A


STAR5 = undirected(5, [(0, 1), (0, 2), (0, 3), (0, 4)])
COMPLETE5 = np.ones((5, 5)) - np.eye(5)
RING5 = undirected(5, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)])
PATH4 = undirected(4, [(0, 1), (1, 2), (2, 3)])
NAN = math.nan

# (matrix, hub, hub_share, spoke_density, constraint, effective_size, star_likeness)
# Star, hub 0: every tie touches the hub -> share 1; spokes untied -> density 0.
#   constraint: hub p = 1/4 to each spoke, no indirect paths (spokes untied): 4 (1/4)^2 = 1/4;
#   a spoke has one contact, p = 1: 1. Effective size n - 2t/n: hub 4 - 0 = 4, spoke 1.
#   star likeness: the star itself -> 1.
# Complete K5, hub 0: 4 of 10 ties -> 0.4; spokes form K4 -> 1.
#   constraint: p = 1/4, indirect via the 3 other contacts 3 (1/4)(1/4) = 3/16:
#   4 (1/4 + 3/16)^2 = 4 (7/16)^2 = 49/64. Effective size 4 - 2 * 6 / 4 = 1.
#   star likeness: constant off the diagonal -> NaN.
# Ring C5, hub 0: 2 of 5 ties -> 0.4; spokes 1-2-3-4 form a path: 3 of 6 pairs -> 0.5.
#   constraint: two untied contacts, p = 1/2: 2 (1/2)^2 = 1/2; effective size 2.
#   star likeness: 20 off-diagonal cells, ring 10 ones, star 8 ones, both 4 (ties 0-1, 0-4):
#   (20 * 4 - 10 * 8) / sqrt(10 * 10 * 8 * 12) = 0.
# Path 0-1-2-3, hub 1: ties 0-1 and 1-2 of 3 -> 2/3; spokes {0, 2, 3}: tie 2-3 -> 1/3.
#   constraint: ends 1; middle nodes two untied contacts -> 1/2. Effective size 1 2 2 1.
#   star likeness: 12 cells, path 6 ones, star 6 ones, both 4: (12 * 4 - 36) / 36 = 1/3.
CASES = {
    "star": (STAR5, 0, 1.0, 0.0, [1 / 4, 1, 1, 1, 1], [4, 1, 1, 1, 1], 1.0),
    "complete": (COMPLETE5, 0, 0.4, 1.0, [49 / 64] * 5, [1] * 5, NAN),
    "ring": (RING5, 0, 0.4, 0.5, [1 / 2] * 5, [2] * 5, 0.0),
    "path": (PATH4, 1, 2 / 3, 1 / 3, [1, 1 / 2, 1 / 2, 1], [1, 2, 2, 1], 1 / 3),
    "empty": (np.zeros((5, 5)), 0, NAN, 0.0, [NAN] * 5, [NAN] * 5, NAN),
    "single": (np.zeros((1, 1)), 0, NAN, NAN, [NAN], [NAN], NAN),
}


@pytest.mark.parametrize("name", CASES)
def test_canonical_graphs(name):
    A, hub, share, density, cons, esize, star = CASES[name]
    np.testing.assert_allclose(hub_share(A, hub), share)
    np.testing.assert_allclose(spoke_density(A, hub), density)
    np.testing.assert_allclose(constraint(A), cons)
    np.testing.assert_allclose(effective_size(A), esize)
    np.testing.assert_allclose(star_likeness(A, hub), star, atol=1e-12)


def test_star_likeness_of_star_on_other_hub():
    # star on 0 vs star on 1: 20 cells, 8 ones each, 2 shared (tie 0-1):
    # (20 * 2 - 8 * 8) / sqrt(8 * 12 * 8 * 12) = -24 / 96 = -1/4
    assert star_likeness(STAR5, 1) == pytest.approx(-0.25)


def test_weighted_hub_share_directed():
    # arcs 0->1 (3), 1->0 (1), 1->2 (2), 2->3 (4): total 10; arcs touching 1: 3 + 1 + 2 = 6
    W = np.zeros((4, 4))
    W[0, 1], W[1, 0], W[1, 2], W[2, 3] = 3, 1, 2, 4
    assert hub_share(W, 1) == pytest.approx(0.6)
    # undirected weights 0-1: 3, 1-2: 1, 2-3: 4: hub 1 touches 3 + 1 of 8
    assert hub_share(undirected(4, [(0, 1), (1, 2), (2, 3)], [3, 1, 4]), 1) == pytest.approx(0.5)


WEIGHTED_TRIANGLE = undirected(3, [(0, 1), (0, 2), (1, 2)], [2, 1, 1])


def test_weighted_constraint_by_hand():
    # weights 0-1: 2, 0-2: 1, 1-2: 1 -> p01 = 2/3, p02 = 1/3, p10 = 2/3, p12 = 1/3,
    # p20 = p21 = 1/2.
    # C0 = (p01 + p02 p21)^2 + (p02 + p01 p12)^2 = (5/6)^2 + (5/9)^2 = 325/324
    # C1 = (p10 + p12 p20)^2 + (p12 + p10 p02)^2 = same by symmetry of 0 and 1 = 325/324
    # C2 = (p20 + p21 p10)^2 + (p21 + p20 p01)^2 = 2 (5/6)^2 = 25/18
    np.testing.assert_allclose(constraint(WEIGHTED_TRIANGLE), [325 / 324, 325 / 324, 25 / 18])


def test_weighted_effective_size_by_hand():
    # e_i = sum_j (1 - sum_q p_iq r_jq), r_jq = m_jq / max_k m_jk (m = mutual weight).
    # Node 0: j = 1: node 1's mutual weights are 4 (to 0) and 2 (to 2), so r_12 = 1/2 and the
    #   term is 1 - p02 r_12 = 1 - 1/6 = 5/6; j = 2: node 2's are 2 and 2, r_21 = 1, term
    #   1 - p01 r_21 = 1/3. e_0 = 5/6 + 1/3 = 7/6 (and e_1 = 7/6 by symmetry).
    # Node 2: j = 0: r_01 = 1 -> 1 - p21 r_01 = 1/2; j = 1: r_10 = 1 -> 1 - p20 = 1/2: e_2 = 1
    np.testing.assert_allclose(effective_size(WEIGHTED_TRIANGLE), [7 / 6, 7 / 6, 1])


def random_weighted(rng, n, p, *, symmetric):
    W = (rng.random((n, n)) < p) * rng.uniform(0.1, 5, (n, n))
    np.fill_diagonal(W, 0)
    if symmetric:
        W = np.triu(W, 1)
        W = W + W.T
    return W


def nx_graph(W, *, symmetric):
    create_using = nx.Graph if symmetric else nx.DiGraph
    return nx.from_numpy_array(W, create_using=create_using)


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_matches_networkx_weighted(seed, symmetric):
    rng = np.random.default_rng(seed)
    W = random_weighted(rng, 12, 0.25, symmetric=symmetric)
    W[3, :] = W[:, 3] = 0  # an isolate: NaN in both
    G = nx_graph(W, symmetric=symmetric)
    nx_constraint = nx.constraint(G, weight="weight")
    # nodes=list(G): networkx's all-nodes sparse path normalises by the row maximum along the
    # wrong axis for weighted or directed graphs (networkx PR #8906); the per-node path is right
    nx_esize = nx.effective_size(G, nodes=list(G), weight="weight")
    np.testing.assert_allclose(constraint(W), [nx_constraint[i] for i in range(12)], rtol=1e-12)
    # networkx's per-node path also returns NaN for a node without out-ties in a digraph (it
    # tests G[v], the successors); those nodes are not isolates, so compare the others
    sends = W.sum(axis=1) > 0
    np.testing.assert_allclose(
        effective_size(W)[sends], np.array([nx_esize[i] for i in range(12)])[sends], rtol=1e-12
    )
    assert sends.sum() >= 9
    assert math.isnan(constraint(W)[3])
    assert math.isnan(effective_size(W)[3])


@pytest.mark.parametrize("seed", range(3))
def test_binary_effective_size_is_borgatti(seed):
    # networkx uses Borgatti's n - 2t/n for undirected unweighted graphs when asked per node
    rng = np.random.default_rng(seed)
    A = (random_weighted(rng, 10, 0.4, symmetric=True) > 0).astype(float)
    G = nx_graph(A, symmetric=True)
    borgatti = nx.effective_size(G, nodes=list(G))
    np.testing.assert_allclose(effective_size(A), [borgatti[i] for i in range(10)], rtol=1e-12)


def test_stack_equals_loop():
    rng = np.random.default_rng(4)
    stack = np.stack([random_weighted(rng, 6, 0.5, symmetric=True) for _ in range(4)])
    for fn in (constraint, effective_size):
        np.testing.assert_allclose(fn(stack), [fn(W) for W in stack])
    for fn in (hub_share, spoke_density, star_likeness):
        np.testing.assert_allclose(fn(stack, 2), [fn(W, 2) for W in stack])


def test_hub_rank():
    # scores 3 5 5 1: node 1 ties node 2 for the top -> both rank 1 (method "min");
    # node 0 is third; node 3 last. Ascending: node 3 first.
    scores = [3, 5, 5, 1]
    assert [hub_rank(scores, i) for i in range(4)] == [3, 1, 1, 4]
    assert hub_rank(scores, 3, ascending=True) == 1
    # other nodes' NaN are not ranked; a NaN hub score has no rank
    assert hub_rank([NAN, 2, 1], 2) == 2
    assert math.isnan(hub_rank([NAN, 2, 1], 0))
    # a layer without ties: every strength is 0, nobody outranks anybody, the rank is undefined
    assert math.isnan(hub_rank([0.0, 0.0, 0.0], 1))
    assert math.isnan(hub_rank([NAN, 4.0, 4.0], 1))
    assert hub_rank([0.0, 0.0, 1e-9], 2) == 1


def test_dependence_asymmetry_by_hand():
    # hub 0; spoke 1 sends 60% of its trade to the hub, the hub 10% of its trade to spoke 1;
    # spoke 2: 20% vs 30%; spoke 3: unknown towards the hub (left out)
    nan = np.nan
    D = np.array(
        [
            [0.0, 0.1, 0.3, 0.05],
            [0.6, 0.0, 0.2, 0.0],
            [0.2, 0.1, 0.0, 0.0],
            [nan, 0.0, 0.0, 0.0],
        ]
    )
    got = dependence_asymmetry(D, 0)
    assert got["spoke_dependence_on_hub"] == pytest.approx(0.4)
    assert got["hub_dependence_on_spokes"] == pytest.approx(0.2)
    assert got["dependence_asymmetry"] == pytest.approx(0.2)  # (0.5 + -0.1) / 2
    assert got["spokes_more_dependent"] == 0.5


def test_dependence_asymmetry_of_a_symmetric_or_unknown_layer():
    D = np.full((3, 3), 0.5)
    assert dependence_asymmetry(D, 1)["dependence_asymmetry"] == 0.0
    assert dependence_asymmetry(D, 1)["spokes_more_dependent"] == 0.0
    unknown = np.full((3, 3), np.nan)
    assert all(np.isnan(v) for v in dependence_asymmetry(unknown, 0).values())
