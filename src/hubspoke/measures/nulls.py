"""Null models for the hub-and-spoke indices of one year's undirected network.

Five nulls, each drawing a stack of ``R`` replicate graphs ``(R, n, n)`` in batched array
operations (each Markov-chain step is one array operation over all replicates; there is no
Python loop per replicate):

``density`` (:func:`density_preserving_replicates`)
    Erdos-Renyi G(n, m): the observed number of edges placed uniformly at random. Keeps exactly:
    n and m. This is the null under which a star is striking. Among simple graphs with the
    star's degree sequence the star is the only one, so a degree-preserving null returns the
    star itself in every replicate and cannot tell it from chance.

``fitness`` (:func:`fitness_replicates`)
    Ties drawn independently with probability ``p_ij = z s_i s_j / (1 + z s_i s_j)``, where
    ``s`` is each node's size (its strength in the layer's weighted network) and ``z`` is set
    so that the expected number of ties equals the observed one: the fitness model of
    Garlaschelli & Loffredo (2004, Phys. Rev. Lett. 93:188701), the maximum-entropy graph
    ensemble whose tie odds are proportional to the product of the two sizes (Squartini &
    Garlaschelli 2011, New J. Phys. 13:083001). Keeps on average: the number of ties; ties
    follow size. This is the null for the question "is the network more star-like than the
    states' sizes predict?": under G(n, m) the largest economy is a hub by chance of nothing,
    here a hub as central as its size makes it is expected.

``weights`` (:func:`weight_permuting_replicates`)
    The weighted analogue of G(n, m): the observed pair weights (zeros included) are shuffled
    over the node pairs uniformly at random. Keeps exactly: n, the number of ties and the
    multiset of weights (so the total weight). The hub share and weighted star-likeness vary:
    this asks whether the hub holds more of the weight than the same weights placed at random.

``degree`` (:func:`degree_preserving_replicates`)
    Uniform random simple graph with the observed degree sequence, by double-edge swaps
    (Maslov & Sneppen 2002, Science 296:910). A rejected swap leaves the graph unchanged, which
    keeps the chain symmetric, so the stationary distribution is uniform over the simple graphs
    with that degree sequence (Milo et al. 2003, arXiv:cond-mat/0312028). ``swaps_per_edge``
    attempted swaps per edge (default 10). Keeps exactly: every node's degree. With a weighted
    matrix every weight travels with its edge, so the multiset of weights is kept too (strengths
    are not).

``strength`` (:func:`strength_preserving_replicates`)
    Uniform distribution over all symmetric, non-negative, loop-free weight matrices with the
    observed strengths: the maximum-entropy (microcanonical) ensemble for continuous weights
    with hard strength constraints, which differs from the canonical one that keeps strengths
    only on average (Squartini et al. 2015, Phys. Rev. Lett. 115:268701). It is sampled by
    hit-and-run (Smith 1984, Oper. Res. 32:1296) along alternating 4-cycles a-b-c-d: +x on
    a-b and c-d, -x on b-c and d-a, x uniform on the feasible interval (the continuous version
    of the contingency-table moves of Diaconis & Gangolli 1995, IMA Vol. Math. Appl. 72:15).
    Keeps exactly (up to float rounding, ~1e-15 relative): every node's strength. Not kept:
    degrees -- exact zeros have probability 0, so the replicates are complete graphs and a
    binary metric of ``W > 0`` is constant; use ``degree`` or ``density`` for binary questions.
    Mixing: ``steps_per_pair`` moves per node pair (default 300); on a 15-node network with a
    heavy hub the replicate means of hub and spoke weights were the same at 300 and at 3000
    moves per pair (``tests/test_nulls.py`` checks 300 against 1500).

Degenerate nulls. A metric that is a function of what the null keeps takes one value in every
replicate, and :func:`null_test` then reports NaN ``z`` and ``p_value`` with a note instead of a
spurious significance. This is not a corner case for the hub-and-spoke indices:

- the hub share (``hubness.hub_share``) is a function of the strengths: degenerate under
  ``strength``;
- on a binary graph, star-likeness (Pearson correlation with the star) and the density among the
  spokes are functions of the edge count and the hub's degree: degenerate under ``degree``, and
  under ``density`` both vary with the hub's degree alone (they give the same p-value);
- on a weighted graph with fixed strengths, the covariance of the weights with the star is fixed
  by the hub's strength and the total, so weighted star-likeness varies only with the spread of
  the weights: under ``strength`` it measures weight concentration, not a hub.

p-values (:func:`null_test`) are empirical, ``(count + 1) / (R + 1)`` (Phipson & Smyth 2010,
Stat. Appl. Genet. Mol. Biol. 9:39): ``"greater"`` counts replicates at least as large as
observed ("more star-like than chance": use it for star-likeness and the hub share), ``"less"``
counts those at most as large (use it for the density among the spokes: fewer spoke-spoke ties
than chance), ``"two-sided"`` is twice the smaller one-sided p-value, capped at 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from hubspoke.seeds import year_seed

PRESERVE = ("density", "fitness", "weights", "degree", "strength")
ALTERNATIVES = ("two-sided", "greater", "less")
NULL_COLUMNS = [
    "year", "metric", "observed", "null_mean", "null_sd", "z", "p_value", "n_replicates", "note",
]  # fmt: skip
SWAPS_PER_EDGE = 10
STEPS_PER_PAIR = 300
DEGENERATE_RTOL = 1e-9
_STEPS_PER_DRAW = 1024
CHUNK_BYTES = 64 * 2**20  # replicates drawn and measured at a time (see chunk_size)

Seed = int | np.random.SeedSequence | np.random.Generator


def _check_graph(A: np.ndarray, *, binary: bool) -> np.ndarray:
    """An undirected graph as a square, symmetric, loop-free, finite, non-negative matrix."""
    A = np.asarray(A)
    problem = None
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        problem = f"adjacency must be a square matrix, got shape {A.shape}"
    elif A.dtype != bool and not np.all(np.isfinite(A)):
        problem = "adjacency has missing values; a null model cannot fill them"
    elif A.dtype != bool and np.any(A < 0):
        problem = "adjacency has negative weights"
    elif binary and A.dtype != bool and not np.all((A == 0) | (A == 1)):
        problem = "adjacency must be binary (0/1)"
    elif not np.array_equal(A, A.T):
        problem = "adjacency must be symmetric (undirected graph)"
    elif np.any(np.diagonal(A)):
        problem = "adjacency has self-loops"
    if problem:
        raise ValueError(problem)
    return A


def _upper_edges(A: np.ndarray) -> np.ndarray:
    """Edges (m, 2) of an undirected graph, node i < node j."""
    return np.argwhere(np.triu(A, 1) != 0)


def _double_edge_swaps(
    stack: np.ndarray, edges: np.ndarray, n_steps: int, rng: np.random.Generator
) -> None:
    """Attempt ``n_steps`` double-edge swaps in every replicate, in place.

    ``stack`` (R, n, n) holds the replicates (nonzero = edge, values move with their edge),
    ``edges`` (R, m, 2) their edge lists; both C-contiguous (they are updated through flat
    views). A step picks edges (a, b) and (c, d) in each replicate
    (and an orientation of the second) and rewires them to (a, d), (c, b) unless that makes a
    loop or a multi-edge. Cells are addressed in the flattened stack for speed.
    """
    n_reps, n_edges = edges.shape[:2]
    n = stack.shape[1]
    cells = stack.reshape(-1)
    base = np.arange(n_reps) * n * n
    flat_edges = edges.reshape(-1, 2)
    edge_base = np.arange(n_reps) * n_edges
    for start in range(0, n_steps, _STEPS_PER_DRAW):
        block = min(_STEPS_PER_DRAW, n_steps - start)
        picks = rng.integers(0, n_edges, size=(block, 2, n_reps))
        flips = rng.random((block, n_reps)) < 0.5
        for first, second, flip in zip(picks[:, 0], picks[:, 1], flips, strict=True):
            e1, e2 = edge_base + first, edge_base + second
            a, b = flat_edges[e1, 0], flat_edges[e1, 1]
            c = np.where(flip, flat_edges[e2, 1], flat_edges[e2, 0])
            d = np.where(flip, flat_edges[e2, 0], flat_edges[e2, 1])
            ok = (first != second) & (a != d) & (c != b)
            ok &= (cells[base + a * n + d] == 0) & (cells[base + c * n + b] == 0)
            r, a, b, c, d = base[ok], a[ok], b[ok], c[ok], d[ok]
            w_ab, w_cd = cells[r + a * n + b], cells[r + c * n + d]
            cells[r + a * n + b] = cells[r + b * n + a] = 0
            cells[r + c * n + d] = cells[r + d * n + c] = 0
            cells[r + a * n + d] = cells[r + d * n + a] = w_ab
            cells[r + c * n + b] = cells[r + b * n + c] = w_cd
            flat_edges[e1[ok]] = np.column_stack([a, d])
            flat_edges[e2[ok]] = np.column_stack([c, b])


def degree_preserving_replicates(
    A: np.ndarray, n_replicates: int, seed: Seed, *, swaps_per_edge: int = SWAPS_PER_EDGE
) -> np.ndarray:
    """Random simple graphs with the degree sequence of the undirected ``A``.

    Returns (R, n, n) of ``A``'s dtype; see the module docstring for the method. If ``A`` is
    weighted, each weight moves with its edge: degrees and the multiset of weights are kept,
    strengths are not.
    """
    A = _check_graph(A, binary=False)
    stack = np.repeat(A[None], n_replicates, axis=0)
    edges = np.repeat(_upper_edges(A)[None], n_replicates, axis=0)
    if edges.shape[1] >= 2:
        n_steps = swaps_per_edge * edges.shape[1]
        _double_edge_swaps(stack, edges, n_steps, np.random.default_rng(seed))
    return stack


def weight_permuting_replicates(W: np.ndarray, n_replicates: int, seed: Seed) -> np.ndarray:
    """The pair weights of the undirected ``W`` shuffled over all node pairs, per replicate."""
    W = _check_graph(W, binary=False)
    n = W.shape[0]
    rows, cols = np.triu_indices(n, 1)
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((n_replicates, rows.size)), axis=1)
    weights = W[rows, cols][order]
    stack = np.zeros((n_replicates, n, n), dtype=W.dtype)
    stack[:, rows, cols] = weights
    stack[:, cols, rows] = weights
    return stack


def density_preserving_replicates(A: np.ndarray, n_replicates: int, seed: Seed) -> np.ndarray:
    """G(n, m) random graphs with the node and edge count of the binary undirected ``A``."""
    A = _check_graph(A, binary=True)
    n = A.shape[0]
    rows, cols = np.triu_indices(n, 1)
    n_edges = int(np.count_nonzero(A[rows, cols]))
    rng = np.random.default_rng(seed)
    keys = rng.random((n_replicates, rows.size))
    # the pairs with the n_edges smallest keys: a uniform random n_edges-subset per replicate
    # (argpartition finds the same set as a full argsort, in linear time)
    if n_edges:
        chosen = np.argpartition(keys, n_edges - 1, axis=1)[:, :n_edges]
    else:
        chosen = np.empty((n_replicates, 0), dtype=np.intp)
    reps = np.arange(n_replicates)[:, None]
    stack = np.zeros((n_replicates, n, n), dtype=A.dtype)
    stack[reps, rows[chosen], cols[chosen]] = 1
    stack[reps, cols[chosen], rows[chosen]] = 1
    return stack


def fitness_probabilities(sizes: np.ndarray, n_edges: int) -> np.ndarray:
    """Tie probabilities (n, n) of the fitness model with the given sizes whose expected number
    of ties is ``n_edges`` (module docstring). Nodes of size 0 have no ties."""
    sizes = np.asarray(sizes, dtype=np.float64)
    if sizes.ndim != 1 or not np.all(np.isfinite(sizes)) or np.any(sizes < 0):
        raise ValueError("node sizes must be finite and non-negative")
    n = sizes.size
    rows, cols = np.triu_indices(n, 1)
    product = sizes[rows] * sizes[cols]
    possible = product > 0
    if n_edges > np.count_nonzero(possible):
        raise ValueError(f"more ties ({n_edges}) than pairs of nodes with a positive size")
    log_product = np.log(product[possible])
    p = np.zeros(rows.size)
    if n_edges == np.count_nonzero(possible):
        p[possible] = 1.0
    elif n_edges > 0:
        # the expected tie count rises from 0 to the number of pairs as log z runs over the reals
        span = np.abs(log_product).max() + 50.0

        def excess(log_z):
            return expit(log_z + log_product).sum() - n_edges

        p[possible] = expit(brentq(excess, -span, span, xtol=1e-12) + log_product)
    P = np.zeros((n, n))
    P[rows, cols] = P[cols, rows] = p
    return P


def fitness_replicates(
    A: np.ndarray, n_replicates: int, seed: Seed, *, sizes: np.ndarray
) -> np.ndarray:
    """Random graphs of the fitness model with the sizes ``sizes`` and, on average, the tie
    count of the binary undirected ``A``: (R, n, n) of ``A``'s dtype."""
    A = _check_graph(A, binary=True)
    n = A.shape[0]
    if np.shape(sizes) != (n,):
        raise ValueError(f"need one size per node ({n}), got shape {np.shape(sizes)}")
    rows, cols = np.triu_indices(n, 1)
    p = fitness_probabilities(sizes, int(np.count_nonzero(A[rows, cols])))[rows, cols]
    ties = np.random.default_rng(seed).random((n_replicates, rows.size)) < p
    stack = np.zeros((n_replicates, n, n), dtype=A.dtype)
    stack[:, rows, cols] = ties
    stack[:, cols, rows] = ties
    return stack


def _four_cycle_moves(stack: np.ndarray, n_steps: int, rng: np.random.Generator) -> None:
    """Hit-and-run along alternating 4-cycles of the complete graph, in place.

    A step picks distinct nodes a, b, c, d in each replicate and adds x to w_ab and w_cd and
    -x to w_bc and w_da, which leaves every strength unchanged; x is uniform on the interval
    that keeps the four weights non-negative. The directions are symmetric and span all
    strength-preserving changes (n >= 4), so the uniform distribution on the polytope of
    non-negative weights with the given strengths is stationary. A draw with repeated nodes
    is a null step.
    """
    n_reps, n = stack.shape[:2]
    cells = stack.reshape(-1)
    base = np.arange(n_reps) * n * n
    for start in range(0, n_steps, _STEPS_PER_DRAW):
        block = min(_STEPS_PER_DRAW, n_steps - start)
        nodes = rng.integers(0, n, size=(block, 4, n_reps))
        fractions = rng.random((block, n_reps))
        for (a, b, c, d), fraction in zip(nodes, fractions, strict=True):
            ok = (a != b) & (a != c) & (a != d) & (b != c) & (b != d) & (c != d)
            r, a, b, c, d, fraction = base[ok], a[ok], b[ok], c[ok], d[ok], fraction[ok]
            plus = (r + a * n + b, r + b * n + a, r + c * n + d, r + d * n + c)
            minus = (r + b * n + c, r + c * n + b, r + d * n + a, r + a * n + d)
            low = -np.minimum(cells[plus[0]], cells[plus[2]])
            high = np.minimum(cells[minus[0]], cells[minus[2]])
            step = low + (high - low) * fraction
            for index in plus:
                cells[index] += step
            for index in minus:
                cells[index] -= step


def strength_preserving_replicates(
    W: np.ndarray, n_replicates: int, seed: Seed, *, steps_per_pair: int = STEPS_PER_PAIR
) -> np.ndarray:
    """Random weighted graphs with exactly the strengths of the weighted undirected ``W``.

    Returns float64 (R, n, n) drawn (approximately, by Markov chain) from the uniform
    distribution over symmetric non-negative loop-free weight matrices with the observed
    strengths; see the module docstring. ``steps_per_pair`` moves per node pair.
    """
    W = _check_graph(W, binary=False).astype(np.float64)
    n = W.shape[0]
    stack = np.repeat(W[None], n_replicates, axis=0)
    if n >= 4:
        _four_cycle_moves(stack, steps_per_pair * n * (n - 1) // 2, np.random.default_rng(seed))
    # rounding can leave -1e-17 where a move emptied a pair; it is an empty pair
    return np.maximum(stack, 0.0, out=stack)


_GENERATORS: dict[str, Callable[[np.ndarray, int, Seed], np.ndarray]] = {
    "density": density_preserving_replicates,
    "fitness": fitness_replicates,
    "weights": weight_permuting_replicates,
    "degree": degree_preserving_replicates,
    "strength": strength_preserving_replicates,
}


def null_test(
    observed: float, null_values: np.ndarray, *, alternative: str = "two-sided"
) -> dict[str, float | int | str | None]:
    """Compare an observed value with its null distribution (see the module docstring).

    NaN null values (replicates on which the metric is undefined) are left out;
    ``n_replicates`` counts the values used. Returns ``null_mean, null_sd, z, p_value,
    n_replicates, note``; ``z`` and ``p_value`` are NaN with a note when the null distribution
    is degenerate (every replicate within a relative 1e-9 of the others) or empty.
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    values = np.asarray(null_values, dtype=np.float64).ravel()
    values = values[~np.isnan(values)]
    result: dict[str, float | int | str | None] = {
        "null_mean": np.nan, "null_sd": np.nan, "z": np.nan, "p_value": np.nan,
        "n_replicates": int(values.size), "note": None,
    }  # fmt: skip
    if values.size == 0 or np.isnan(observed):
        result["note"] = "no null replicates" if values.size == 0 else "observed value missing"
        return result
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    result.update(null_mean=mean, null_sd=sd)
    scale = max(abs(observed), abs(mean))
    tie = DEGENERATE_RTOL * scale
    if np.ptp(values) <= tie:
        result["note"] = "degenerate null: every replicate has the same value (the null fixes it)"
        return result
    upper = (np.count_nonzero(values >= observed - tie) + 1) / (values.size + 1)
    lower = (np.count_nonzero(values <= observed + tie) + 1) / (values.size + 1)
    p_value = {"greater": upper, "less": lower, "two-sided": min(1.0, 2 * min(upper, lower))}
    result.update(z=(observed - mean) / sd, p_value=p_value[alternative])
    return result


def chunk_size(n: int) -> int:
    """Replicates drawn at a time for ``n`` nodes: as many as fit in ``CHUNK_BYTES`` of float64
    matrices. A function of ``n`` only, so results do not depend on the machine."""
    return max(1, CHUNK_BYTES // (8 * n * n))


def null_values(
    A: np.ndarray,
    hub: int,
    metrics: Mapping[str, Callable[[np.ndarray, int], np.ndarray]],
    n_replicates: int,
    seed: Seed,
    preserve: str,
    sizes: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Each metric on ``n_replicates`` replicates of ``A`` under the null ``preserve``
    (``sizes``: the node sizes of the ``fitness`` null).

    The replicates are drawn from one generator in chunks of :func:`chunk_size` and measured
    chunk by chunk, so memory stays bounded whatever ``n_replicates``. For ``density`` and
    ``weights`` the chunks continue one random stream, so the replicates are the same as one
    draw of all of them; for the Markov-chain nulls each chunk runs its own chains.
    """
    generate = _GENERATORS[preserve]
    if preserve == "fitness":
        generate = partial(generate, sizes=sizes)
    rng = np.random.default_rng(seed)
    size = chunk_size(A.shape[0])
    parts: dict[str, list[np.ndarray]] = {name: [] for name in metrics}
    for start in range(0, n_replicates, size):
        replicates = generate(A, min(size, n_replicates - start), rng)
        for name, metric in metrics.items():
            parts[name].append(np.atleast_1d(metric(replicates, hub)))
    return {
        name: np.concatenate(chunks) if chunks else np.empty(0) for name, chunks in parts.items()
    }


def run_nulls(
    adjacency_by_year: Mapping[int, np.ndarray],
    hub: int,
    *,
    metrics: Mapping[str, Callable[[np.ndarray, int], np.ndarray]],
    n_replicates: int,
    seed: int,
    preserve: str = "degree",
    alternatives: Mapping[str, str] | None = None,
    sizes_by_year: Mapping[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Null-model test of every metric in every year.

    ``metrics`` maps a name to ``f(A, hub)`` that accepts one matrix (n, n) and a stack
    (R, n, n) (returning a scalar and an (R,) array). ``preserve`` picks the null (module
    docstring); ``"density"`` needs binary matrices, ``"degree"`` moves weights with their
    edges, ``"strength"`` takes weights, ``"fitness"`` binary matrices and each year's node sizes in
    ``sizes_by_year``. ``alternatives`` maps metric names to ``"greater"`` /
    ``"less"`` (default two-sided). Each year's replicates come from
    :func:`hubspoke.seeds.year_seed`. Rows sorted by year, metric; ``note`` says why ``z`` /
    ``p_value`` are missing.
    """
    if preserve not in PRESERVE:
        raise ValueError(f"preserve must be one of {PRESERVE}, got {preserve!r}")
    alternatives = alternatives or {}
    rows = []
    for year in sorted(adjacency_by_year):
        A = np.asarray(adjacency_by_year[year])
        sizes = None if sizes_by_year is None else sizes_by_year[year]
        values = null_values(A, hub, metrics, n_replicates, year_seed(seed, year), preserve, sizes)
        for name, metric in metrics.items():
            observed = float(metric(A, hub))
            test = null_test(
                observed, values[name], alternative=alternatives.get(name, "two-sided")
            )
            rows.append({"year": int(year), "metric": name, "observed": observed, **test})
    out = pd.DataFrame(rows, columns=NULL_COLUMNS)
    out["note"] = out["note"].astype("string")
    return out.sort_values(["year", "metric"], kind="stable", ignore_index=True)
