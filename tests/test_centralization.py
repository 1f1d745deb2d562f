"""Centrality and Freeman centralization on canonical graphs, values derived by hand.

Theoretical maxima T used below (n nodes, no loops; see the module docstring):
degree (n-1)(n-2), betweenness (n-1)^2(n-2)/2, closeness (n-1)(n-2)/(2n-3), eigenvector n-2
(undirected); degree (n-1)^2 in/out and 2(n-1)(n-2) all, betweenness (n-1)^2(n-2),
closeness (n-1)^2/n in/out, eigenvector n-1 (directed).
"""

import math
import warnings

import numpy as np
import pytest

from hubspoke.measures.centralization import MEASURES, as_adjacency, centrality, centralization


def undirected(n, edges, weights=None):
    A = np.zeros((n, n))
    for k, (i, j) in enumerate(edges):
        A[i, j] = A[j, i] = 1.0 if weights is None else weights[k]
    return A


def directed(n, arcs, weights=None):
    A = np.zeros((n, n))
    for k, (i, j) in enumerate(arcs):
        A[i, j] = 1.0 if weights is None else weights[k]
    return A


STAR5 = undirected(5, [(0, 1), (0, 2), (0, 3), (0, 4)])
COMPLETE5 = np.ones((5, 5)) - np.eye(5)
RING5 = undirected(5, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)])
PATH4 = undirected(4, [(0, 1), (1, 2), (2, 3)])
EMPTY5 = np.zeros((5, 5))
SINGLE = np.zeros((1, 1))
PAIR = undirected(2, [(0, 1)])
PHI = (1 + math.sqrt(5)) / 2

# Star, hub 0 and 4 spokes:
#   degree: 4 and 1 -> sum(4 - d) = 4 * 3 = 12 = T (4 * 3)                        -> 1
#   strength: same scores; all W = 4 ties touch the hub, T = (n - 2) * W = 3 * 4 = 12     -> 1
#   betweenness: hub on all C(4, 2) = 6 spoke pairs -> spread 4 * 6 = 24 = T (16 * 3 / 2) -> 1
#   closeness: hub 4/4 = 1, spoke 4/(1 + 3 * 2) = 4/7 -> spread 4 * 3/7 = 12/7 = T (12/7) -> 1
#   eigenvector: lambda = 2, spokes = hub / lambda = 1/2 -> spread 4 * 1/2 = 2, T = 3 -> 2/3
# Complete graph and ring: every node alike -> 0 for every measure.
# Path 0-1-2-3:
#   degree 1, 2, 2, 1 -> spread 2, T = 3 * 2 = 6                                  -> 1/3
#   strength: W = 3 ties, spread 2, T = (4 - 2) * 3 = 6                            -> 1/3
#   betweenness: node 1 on (0,2), (0,3); node 2 on (1,3), (0,3) -> 2, 2, spread 4,
#     T = 9 * 2 / 2 = 9                                                            -> 4/9
#   closeness: ends 3/(1+2+3) = 1/2, middle 3/(1+1+2) = 3/4 -> spread 1/2,
#     T = 3 * 2 / 5 = 6/5                                                          -> 5/12
#   eigenvector: lambda = 2 cos(pi/5) = phi, vector ~ sin(k pi / 5), ends/middle =
#     sin 36 / sin 72 = 1/phi -> spread 2 (1 - 1/phi) = 2 (2 - phi), T = 2            -> 2 - phi
# Empty graph (5 nodes): degree and betweenness all 0 -> 0; strength has W = 0 -> NaN;
#   closeness of isolates is NaN (igraph) -> NaN; eigenvector: lambda = 0 -> NaN.
# One node: n < 2 -> NaN. Two nodes: T = 0 for every undirected measure -> NaN.
CANONICAL = {
    "star": (STAR5, [1, 1, 1, 1, 2 / 3]),
    "complete": (COMPLETE5, [0, 0, 0, 0, 0]),
    "ring": (RING5, [0, 0, 0, 0, 0]),
    "path": (PATH4, [1 / 3, 1 / 3, 4 / 9, 5 / 12, 2 - PHI]),
    "empty": (EMPTY5, [0, math.nan, 0, math.nan, math.nan]),
    "single": (SINGLE, [math.nan] * 5),
    "pair": (PAIR, [math.nan] * 5),
}


@pytest.mark.parametrize("name", CANONICAL)
def test_canonical_graphs(name):
    A, expected = CANONICAL[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns about isolates
        got = [centralization(A, m) for m in MEASURES]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_node_scores_of_path():
    # degrees 1 2 2 1; betweenness 0 2 2 0; closeness 1/2 3/4 3/4 1/2; eigenvector scaled to max 1:
    # ends 1/phi, middle 1 (see CANONICAL)
    np.testing.assert_allclose(centrality(PATH4, "degree"), [1, 2, 2, 1])
    np.testing.assert_allclose(centrality(PATH4, "betweenness"), [0, 2, 2, 0])
    np.testing.assert_allclose(centrality(PATH4, "closeness"), [0.5, 0.75, 0.75, 0.5])
    np.testing.assert_allclose(centrality(PATH4, "eigenvector"), [1 / PHI, 1, 1, 1 / PHI])


def test_two_nodes_directed_out_degree():
    # 0 -> 1: out-degrees 1, 0 -> spread 1, T = (n-1)^2 = 1 -> 1 (defined for directed in/out)
    assert centralization(directed(2, [(0, 1)]), "degree", directed=True, mode="out") == 1.0


OUT_STAR4 = directed(4, [(0, 1), (0, 2), (0, 3)])
MUTUAL_STAR4 = OUT_STAR4 + OUT_STAR4.T


def test_directed_out_star():
    # out-degree 3 0 0 0: spread 9, T = 9 -> 1
    # in-degree 0 1 1 1: spread 1 (only node 0 is below the max 1), T = 9 -> 1/9
    # total degree 3 1 1 1: spread 6, T = 2 * 3 * 2 = 12 -> 1/2
    # directed betweenness: no directed two-path -> all 0 -> 0 (T = 9 * 2 = 18)
    # closeness "all" ignores direction: the undirected star -> 1
    # out-closeness: spokes reach nobody -> NaN (igraph); in-eigenvector: no cycle -> NaN
    kw = {"directed": True}
    assert centralization(OUT_STAR4, "degree", mode="out", **kw) == pytest.approx(1)
    assert centralization(OUT_STAR4, "degree", mode="in", **kw) == pytest.approx(1 / 9)
    assert centralization(OUT_STAR4, "degree", mode="all", **kw) == pytest.approx(1 / 2)
    assert centralization(OUT_STAR4, "betweenness", **kw) == 0
    assert centralization(OUT_STAR4, "closeness", mode="all", **kw) == pytest.approx(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert math.isnan(centralization(OUT_STAR4, "closeness", mode="out", **kw))
    assert math.isnan(centralization(OUT_STAR4, "eigenvector", **kw))


def test_directed_mutual_star():
    # total degree 6 2 2 2: spread 12, T = 12 -> 1
    # directed betweenness: hub on all 3 * 2 ordered spoke pairs = 6, spread 18, T = 18 -> 1
    # out-closeness: hub 3/3 = 1, spoke 3/(1 + 2 + 2) = 3/5: spread 3 * 2/5 = 6/5,
    #   T = (n-1)^2/n = 9/4 -> 24/45 = 8/15
    # in-eigenvector (symmetric): lambda = sqrt 3, spokes 1/sqrt 3: spread 3 - sqrt 3, T = 3
    kw = {"directed": True}
    assert centralization(MUTUAL_STAR4, "degree", **kw) == pytest.approx(1)
    assert centralization(MUTUAL_STAR4, "betweenness", **kw) == pytest.approx(1)
    assert centralization(MUTUAL_STAR4, "closeness", mode="out", **kw) == pytest.approx(8 / 15)
    expected = (3 - math.sqrt(3)) / 3
    assert centralization(MUTUAL_STAR4, "eigenvector", **kw) == pytest.approx(expected)


def test_directed_cycle_is_uncentralized():
    # 0 -> 1 -> 2 -> 3 -> 0: every node alike; the eigenvalue 1 is simple (others i, -1, -i)
    cycle = directed(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    for measure in MEASURES:
        assert centralization(cycle, measure, directed=True) == pytest.approx(0, abs=1e-12)


def test_eigenvector_uses_in_ties():
    # 0 <-> 1 and 2 -> 0: in-ties give c = A^T c / lambda; c2 receives nothing -> 0.
    # Restricted to {0, 1}: lambda = 1 and c0 = c1 = 1 (node 2's tie adds c2 = 0 to c0).
    A = directed(3, [(0, 1), (1, 0), (2, 0)])
    np.testing.assert_allclose(centrality(A, "eigenvector", directed=True), [1, 1, 0], atol=1e-12)


def test_eigenvector_undefined_for_repeated_leading_eigenvalue():
    # two disjoint edges: eigenvalue 1 twice -> the eigenvector is not unique -> NaN
    A = undirected(4, [(0, 1), (2, 3)])
    assert math.isnan(centralization(A, "eigenvector"))


def test_strength_uses_star_with_same_total_weight():
    # Hub 0 with tie weights 1..4: all weight W = 10 touches the hub; strengths 10, 1, 2, 3, 4:
    # spread 4 * 10 - 10 = 30 = T = (5 - 2) * 10 -> 1
    star = undirected(5, [(0, 1), (0, 2), (0, 3), (0, 4)], [1, 2, 3, 4])
    assert centralization(star, "strength") == pytest.approx(1)
    # Path with weights 2, 1, 1: strengths 2, 3, 2, 1, W = 4: spread 1 + 0 + 1 + 2 = 4,
    # T = (4 - 2) * 4 = 8 -> 1/2 (degree centralization of the same path: 1/3)
    path = undirected(4, [(0, 1), (1, 2), (2, 3)], [2, 1, 1])
    assert centralization(path, "strength") == pytest.approx(0.5)
    # Binary graph with W = 4 != n - 1: edges 01 02 03 12, degrees 3 2 2 1, spread 4:
    # degree T = 6 -> 2/3; strength T = (4 - 2) * 4 = 8 -> 1/2
    A = undirected(4, [(0, 1), (0, 2), (0, 3), (1, 2)])
    assert centralization(A, "degree") == pytest.approx(2 / 3)
    assert centralization(A, "strength") == pytest.approx(1 / 2)


def test_directed_strength():
    # arcs 0->1 (3), 0->2 (1), 1->2 (2): W = 6
    # out 4 2 0: spread 0 + 2 + 4 = 6, T = (n-1) W = 12 -> 1/2
    # in 0 3 3: spread 3, T = 12 -> 1/4
    # all 4 5 3: spread 1 + 0 + 2 = 3, T = (n-2) W = 6 -> 1/2
    A = directed(3, [(0, 1), (0, 2), (1, 2)], [3, 1, 2])
    kw = {"directed": True}
    assert centralization(A, "strength", mode="out", **kw) == pytest.approx(1 / 2)
    assert centralization(A, "strength", mode="in", **kw) == pytest.approx(1 / 4)
    assert centralization(A, "strength", mode="all", **kw) == pytest.approx(1 / 2)


def test_weighted_betweenness_uses_inverse_weights():
    # Triangle, weights 0-1: 1, 1-2: 1, 0-2: 0.25 -> lengths 1, 1, 4: the geodesic 0..2 runs
    # through 1 (length 2 < 4): betweenness 0 1 0, spread 2, T = 4 * 1 / 2 = 2 -> 1.
    # Binary: a triangle -> 0.
    A = undirected(3, [(0, 1), (1, 2), (0, 2)], [1, 1, 0.25])
    np.testing.assert_allclose(centrality(A, "betweenness", weighted=True), [0, 1, 0])
    assert centralization(A, "betweenness", weighted=True) == pytest.approx(1)
    assert centralization(A, "betweenness") == pytest.approx(0)


def test_weighted_closeness_is_unit_free():
    # Path 0-1-2 with weights 2 and 1 -> lengths 1 and 2:
    # node 0: distances 1, 3 -> 2/4; node 1: 1, 2 -> 2/3; node 2: 2, 3 -> 2/5
    # spread (2/3 - 1/2) + (2/3 - 2/5) = 13/30, T = 2 * 1 / 3 = 2/3 -> 13/20
    A = undirected(3, [(0, 1), (1, 2)], [2, 1])
    np.testing.assert_allclose(centrality(A, "closeness", weighted=True), [1 / 2, 2 / 3, 2 / 5])
    assert centralization(A, "closeness", weighted=True) == pytest.approx(13 / 20)
    assert centralization(1000 * A, "closeness", weighted=True) == pytest.approx(13 / 20)


def test_weighted_eigenvector():
    # Path 0-1-2 with weights a = 3, b = 4: lambda = sqrt(a^2 + b^2) = 5, vector (a, 5, b) / 5
    # -> scaled (3/5, 1, 4/5): spread 2/5 + 1/5 = 3/5, T = n - 2 = 1 -> 3/5
    A = undirected(3, [(0, 1), (1, 2)], [3, 4])
    np.testing.assert_allclose(centrality(A, "eigenvector", weighted=True), [0.6, 1, 0.8])
    assert centralization(A, "eigenvector", weighted=True) == pytest.approx(0.6)
    # binary: (1/sqrt 2, 1, 1/sqrt 2) -> spread 2 - sqrt 2
    assert centralization(A, "eigenvector") == pytest.approx(2 - math.sqrt(2))


def test_degree_ignores_weights_and_loops():
    A = undirected(4, [(0, 1), (1, 2), (2, 3)], [5, 0.5, 2])
    A[0, 0] = 7  # a loop is ignored
    np.testing.assert_allclose(centrality(A, "degree"), [1, 2, 2, 1])
    np.testing.assert_allclose(centrality(A, "strength"), [5, 5.5, 2.5, 2])


def random_stack(rng, reps, n, p, *, symmetric):
    A = (rng.random((reps, n, n)) < p) * rng.uniform(0.5, 3, (reps, n, n))
    if symmetric:
        A = np.triu(A, 1)
        A = A + np.swapaxes(A, 1, 2)
    return as_adjacency(A)


@pytest.mark.parametrize("is_directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("measure", MEASURES)
def test_stack_equals_loop(measure, weighted, is_directed):
    rng = np.random.default_rng(11)
    stack = random_stack(rng, 6, 7, 0.5, symmetric=not is_directed)
    kw = {"directed": is_directed, "weighted": weighted}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batched = centralization(stack, measure, **kw)
        looped = [centralization(a, measure, **kw) for a in stack]
    assert batched.shape == (6,)
    np.testing.assert_allclose(batched, looped, rtol=1e-9)
    assert np.isfinite(batched).sum() >= 3  # the check compares numbers, not only NaNs


def test_bad_input_raises():
    with pytest.raises(ValueError, match="symmetric"):
        centralization(directed(3, [(0, 1)]), "degree")
    # the check reads the extremes: a NaN, an infinity or minus infinity anywhere shows there
    for bad in (np.nan, np.inf, -np.inf):
        A = np.ones((4, 4))
        A[2, 1] = A[1, 2] = bad
        with pytest.raises(ValueError, match="NaN or infinite"):
            centralization(A, "degree")
    with pytest.raises(ValueError, match="negative"):
        centralization(-PAIR, "degree")
    with pytest.raises(ValueError, match="measure"):
        centralization(STAR5, "pagerank")
    with pytest.raises(ValueError, match="mode"):
        centralization(STAR5, "betweenness", directed=True, mode="out")
