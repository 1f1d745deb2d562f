"""The vectorised kernels equal straightforward reference implementations on random graphs.

Each reference below is the textbook definition written as plain loops over nodes (or a
networkx routine), independent of the matrix formulation the kernels use.
"""

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from hubspoke.measures import brokerage, centralization, hubness, nulls


def random_graph(seed, n, p=0.3, *, weighted=False, symmetric=True):
    rng = np.random.default_rng(seed)
    A = (rng.random((n, n)) < p).astype(float)
    if weighted:
        A *= rng.integers(1, 10, (n, n))
    np.fill_diagonal(A, 0.0)
    if symmetric:
        A = np.triu(A, 1)
        A = A + A.T
    return A


# --- Freeman centralization ------------------------------------------------------------------


def freeman(scores, tmax):
    """sum_i (max c - c_i) / T, the definition."""
    peak = max(scores)
    return sum(peak - c for c in scores) / tmax


def reference_scores(A, measure):
    """Node scores by networkx on the undirected binary graph (unnormalised where the module
    is): degree = number of ties, betweenness = geodesic counts, closeness = (r - 1) / sum of
    distances to the r reachable nodes (networkx ``wf_improved=False``)."""
    G = nx.from_numpy_array((A > 0).astype(int))
    if measure == "degree":
        return [d for _, d in sorted(G.degree())]
    if measure == "betweenness":
        return [v for _, v in sorted(nx.betweenness_centrality(G, normalized=False).items())]
    return [v for _, v in sorted(nx.closeness_centrality(G, wf_improved=False).items())]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [5, 12, 40])
@pytest.mark.parametrize(
    # undirected theoretical maxima (module docstring): a star attains each
    ("measure", "tmax"),
    [
        ("degree", lambda n: (n - 1) * (n - 2)),
        ("betweenness", lambda n: (n - 1) ** 2 * (n - 2) / 2),
        ("closeness", lambda n: (n - 1) * (n - 2) / (2 * n - 3)),
    ],
)
def test_centralization_equals_definition(seed, n, measure, tmax):
    A = random_graph(seed, n, p=0.3)
    # a path through every node keeps the graph connected (closeness is read on connected
    # graphs only; see hubspoke.measures.centralization)
    path = np.arange(n - 1)
    A[path, path + 1] = A[path + 1, path] = 1.0
    scores = reference_scores(A, measure)
    np.testing.assert_allclose(centralization.centrality(A, measure), scores, rtol=1e-12)
    assert centralization.centralization(A, measure) == pytest.approx(
        freeman(scores, tmax(n)), rel=1e-12
    )


@pytest.mark.parametrize("seed", range(4))
def test_centralization_of_stack_equals_one_by_one(seed):
    stack = np.stack([random_graph(seed * 10 + k, 20, p=0.2) for k in range(7)])
    for measure in ("degree", "betweenness", "closeness", "eigenvector"):
        one_by_one = [centralization.centralization(a, measure) for a in stack]
        np.testing.assert_allclose(
            centralization.centralization(stack, measure), one_by_one, rtol=1e-12
        )


# --- Burt's constraint -----------------------------------------------------------------------


def constraint_loops(W):
    """Burt (1992): c_i = sum_{j in N(i)} (p_ij + sum_{q != i, j} p_iq p_qj)^2 with mutual
    weights m_ij = w_ij + w_ji and p_ij = m_ij / sum_k m_ik."""
    n = len(W)
    m = [[W[i][j] + W[j][i] if i != j else 0.0 for j in range(n)] for i in range(n)]
    total = [sum(row) for row in m]

    def p(i, j):
        return m[i][j] / total[i] if total[i] else 0.0

    out = []
    for i in range(n):
        if total[i] == 0:
            out.append(math.nan)
            continue
        value = 0.0
        for j in range(n):
            if j == i or m[i][j] == 0:
                continue
            indirect = sum(p(i, q) * p(q, j) for q in range(n) if q not in (i, j))
            value += (p(i, j) + indirect) ** 2
        out.append(value)
    return out


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("symmetric", [True, False])
def test_constraint_equals_loops(seed, symmetric):
    W = random_graph(seed, 14, p=0.25, weighted=True, symmetric=symmetric)
    np.testing.assert_allclose(
        hubness.constraint(W), constraint_loops(W.tolist()), rtol=1e-12, equal_nan=True
    )


# --- star-likeness and spoke density ---------------------------------------------------------


def star_likeness_loops(A, hub):
    """Pearson correlation of the off-diagonal entries with the star on ``hub``."""
    n = len(A)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    x = [A[i][j] for i, j in pairs]
    y = [1.0 if hub in (i, j) else 0.0 for i, j in pairs]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return math.nan if sxx == 0 else sxy / math.sqrt(sxx * syy)


def spoke_density_loops(A, hub):
    spokes = [i for i in range(len(A)) if i != hub]
    ties = sum(1 for i, j in itertools.permutations(spokes, 2) if A[i][j] > 0)
    return ties / (len(spokes) * (len(spokes) - 1))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("symmetric", [True, False])
def test_star_likeness_and_spoke_density_equal_loops(seed, weighted, symmetric):
    A = random_graph(seed, 11, p=0.3, weighted=weighted, symmetric=symmetric)
    hub = seed % 11
    assert hubness.star_likeness(A, hub) == pytest.approx(
        star_likeness_loops(A.tolist(), hub), rel=1e-12, abs=1e-15
    )
    assert hubness.spoke_density(A, hub) == pytest.approx(spoke_density_loops(A.tolist(), hub))


@pytest.mark.parametrize("value", [0.0, 3.5])
def test_star_likeness_of_constant_graph_is_nan(value):
    A = np.full((6, 6), value)
    assert math.isnan(hubness.star_likeness(A, 2))


def test_star_likeness_of_stack_equals_one_by_one():
    stack = np.stack([random_graph(k, 9, weighted=True) for k in range(10)])
    stack[3] = 0.0  # a constant replicate inside a stack
    expected = [star_likeness_loops(a.tolist(), 4) for a in stack]
    np.testing.assert_allclose(hubness.star_likeness(stack, 4), expected, equal_nan=True)


# --- Gould-Fernandez brokerage at sizes where float32 must still be exact --------------------


def brokerage_loops(A, groups):
    n = len(A)
    counts = np.zeros((n, 5), dtype=np.int64)
    for a, b, c in itertools.permutations(range(n), 3):
        if A[a][b] and A[b][c] and not A[a][c]:
            ga, gb, gc = groups[a], groups[b], groups[c]
            if ga == gb == gc:
                role = 0
            elif ga == gc:
                role = 1
            elif gb == gc:
                role = 2
            elif ga == gb:
                role = 3
            else:
                role = 4
            counts[b, role] += 1
    return counts


@pytest.mark.parametrize("seed", range(3))
def test_brokerage_equals_loops_on_larger_graphs(seed):
    A = random_graph(seed, 45, p=0.6, symmetric=False)
    groups = np.random.default_rng(seed).choice(["x", "y", "z"], 45).tolist()
    np.testing.assert_array_equal(
        brokerage.gould_fernandez(A, groups), brokerage_loops(A.tolist(), groups)
    )


# --- null models: chunked draws ----------------------------------------------------------------


def test_chunked_nulls_equal_one_draw(monkeypatch):
    """density and weights replicates continue one random stream across chunks, so measuring
    them in chunks gives exactly the values of one draw measured replicate by replicate."""
    A = random_graph(3, 12, p=0.3)
    W = random_graph(4, 12, p=0.3, weighted=True)
    metrics = {"star_likeness": hubness.star_likeness, "spoke_density": hubness.spoke_density}
    for M, preserve, draw in (
        (A, "density", nulls.density_preserving_replicates),
        (W, "weights", nulls.weight_permuting_replicates),
    ):
        whole = draw(M, 50, np.random.default_rng(9))
        monkeypatch.setattr(nulls, "CHUNK_BYTES", 8 * 12 * 12 * 7)  # 7 replicates a chunk
        assert nulls.chunk_size(12) == 7
        values = nulls.null_values(M, 0, metrics, 50, 9, preserve)
        monkeypatch.undo()
        for name, metric in metrics.items():
            np.testing.assert_array_equal(values[name], [metric(r, 0) for r in whole])


def test_chunked_markov_nulls_keep_what_they_preserve(monkeypatch):
    A = random_graph(5, 10, p=0.4)
    monkeypatch.setattr(nulls, "CHUNK_BYTES", 8 * 10 * 10 * 4)
    degrees = nulls.null_values(
        A, 0, {"hub_degree": lambda X, h: (X > 0).sum(axis=-1)[..., h]}, 10, 1, "degree"
    )["hub_degree"]
    assert degrees.shape == (10,)
    np.testing.assert_array_equal(degrees, A[0].sum())


@pytest.mark.parametrize("edges", [0, 1, 15])
def test_density_null_keeps_the_edge_count_down_to_empty_and_complete_graphs(edges):
    A = np.zeros((6, 6))
    pairs = np.argwhere(np.triu(np.ones((6, 6)), 1))[:edges]
    A[pairs[:, 0], pairs[:, 1]] = A[pairs[:, 1], pairs[:, 0]] = 1.0
    reps = nulls.density_preserving_replicates(A, 20, 3)
    np.testing.assert_array_equal(reps.sum(axis=(1, 2)), 2 * edges)
    np.testing.assert_array_equal(reps, np.swapaxes(reps, 1, 2))
