"""Node centrality and Freeman graph centralization on adjacency matrices.

Inputs are adjacency matrices ``A`` of shape ``(n, n)`` or stacks ``(..., n, n)`` (null-model
replicates); entries are tie weights (``0`` = no tie), the diagonal is ignored. Undirected graphs
must be given as symmetric matrices.

Freeman centralization is ``C = sum_i (max_j c_j - c_i) / T`` where ``T`` is the largest value
that sum can take for a graph with ``n`` nodes and no loops. For binary graphs the node scores and
``T`` are exactly R igraph's ``centr_degree(loops = FALSE)``, ``centr_betw``, ``centr_clo`` and
``centr_eigen`` with ``normalized = TRUE``:

============  ======================  ==========================  ===================
measure       undirected ``T``        directed ``T``              node score
============  ======================  ==========================  ===================
degree        (n-1)(n-2)              (n-1)^2 in/out,             number of ties
                                      2(n-1)(n-2) all
betweenness   (n-1)^2 (n-2) / 2       (n-1)^2 (n-2)               geodesic counts
closeness     (n-1)(n-2) / (2n-3)     (n-1)^2 / n in/out,         (r-1) / sum of
                                      undirected ``T`` for all    distances to the r
                                                                  reachable nodes
eigenvector   n-2                     n-1                         leading eigenvector
                                                                  scaled to max 1
============  ======================  ==========================  ===================

``sna::centralization`` agrees for degree and betweenness. It differs for closeness when some
node cannot reach all others (sna scores it 0: distance infinite; igraph and this module use the
reachable nodes only), and for eigenvector centralization (sna scales the eigenvector to unit
length and uses ``T = (n-2)/sqrt(2)`` for graphs; for digraphs sna uses out-ties, igraph and this
module in-ties: a node is central when central nodes send ties to it).

Weighted variants (no standard maximum exists; these are this module's choices):

- ``strength``: ``T = (n - k) W`` with ``W`` the total tie weight (each undirected tie once) and
  ``k = 1`` for directed in/out strength, else ``k = 2``. This is the spread of a star that puts
  all weight on ties of one node, the most centralized graph with the observed total weight, so the
  index is 1 exactly when one node touches every tie. On a binary star it equals degree
  centralization; on other binary graphs it differs from it (``W`` is the observed tie count, not
  the star's ``n - 1``).
- weighted betweenness and closeness use tie lengths ``max(w) / w``: the strongest tie has length
  1, so scores do not depend on the unit of the weights. Betweenness keeps the binary ``T``, which
  still bounds it (a node lies on at most all geodesics between the other nodes). Closeness keeps
  the binary ``T`` for comparability; that it bounds weighted closeness is not proven (a random
  search over small connected graphs found no value above 1).
- weighted eigenvector keeps the binary ``T``, which still bounds it for undirected graphs.

Closeness on a disconnected graph follows igraph (distances to reachable nodes only), and the
index can then exceed 1 even for binary graphs: igraph's ``centr_clo`` gives 1.66 for a 2-node
path plus a 20-node path, because the pair's nodes score 1. Read closeness centralization only
for connected graphs.

Undefined cases give NaN instead of raising: ``n < 2``; ``T == 0`` (e.g. degree, closeness or
eigenvector of an undirected graph with 2 nodes, betweenness with ``n < 3``, strength of a graph
without ties); closeness when some node is isolated (igraph gives that node NaN);
eigenvector when the leading eigenvalue is 0 (no cycle) or not simple (e.g. two identical
components): the eigenvector is then not unique. igraph differs in the last case, returning one
arbitrary eigenvector (all ones for a graph without ties).

Degree, strength and eigenvector are vectorised over the stack. Betweenness and closeness call
igraph (C) once per graph.
"""

from __future__ import annotations

import igraph as ig
import numpy as np

MEASURES = ("degree", "strength", "betweenness", "closeness", "eigenvector")
MODES = ("all", "out", "in")
_MODE_MEASURES = ("degree", "strength", "closeness")
_EIGEN_RTOL = 1e-6


def as_adjacency(A, *, symmetric: bool = False) -> np.ndarray:
    """Return ``A`` as a float array ``(..., n, n)`` with a zero diagonal (loops ignored): ``A``
    itself when it is one already (the measures never write into it), else a copy.

    Raises ``ValueError`` unless ``A`` is square in its last two axes, finite (a missing value is
    not a zero tie: resolve it before) and non-negative, and symmetric when ``symmetric``.
    """
    A = np.asarray(A, dtype=float)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"adjacency must have shape (..., n, n), got {A.shape}")
    # the extremes alone (NaN and infinities carry over to them): two passes instead of four
    low, high = (A.min(), A.max()) if A.size else (0.0, 0.0)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("adjacency contains NaN or infinite entries; missing ties are not zeros")
    if low < 0:
        raise ValueError("adjacency contains negative weights")
    transposed = np.swapaxes(A, -1, -2)
    # exact symmetry is the common case and much cheaper to check than the tolerance
    if (
        symmetric
        and not np.array_equal(A, transposed)
        and not np.allclose(A, transposed, rtol=1e-12, atol=0.0)
    ):
        raise ValueError("undirected adjacency must be symmetric (use directed=True otherwise)")
    diagonal = np.arange(A.shape[-1])
    if A[..., diagonal, diagonal].any():
        A = A.copy()
        A[..., diagonal, diagonal] = 0.0
    return A


def centrality(
    A, measure: str, *, directed: bool = False, weighted: bool = False, mode: str = "all"
) -> np.ndarray:
    """Node centrality scores, shape ``(n,)`` (or ``(..., n)`` for a stack).

    ``degree`` counts ties and ``strength`` sums weights whatever ``weighted`` says; ``weighted``
    switches betweenness, closeness and eigenvector between binary ties and weights (see the
    module docstring). ``mode`` (``all``, ``out``, ``in``) is igraph's ``mode`` for directed
    degree, strength and closeness (``all``: in + out ties; closeness ignoring direction); it is
    ignored for undirected graphs. Betweenness uses directed paths and eigenvector in-ties when
    ``directed``; they take no ``mode``.
    """
    _check_options(measure, mode)
    return _scores(as_adjacency(A, symmetric=not directed), measure, directed, weighted, mode)


def centralization(
    A, measure: str, *, directed: bool = False, weighted: bool = False, mode: str = "all"
):
    """Freeman centralization: a float, or an array ``(...,)`` for a stack.

    Same arguments as :func:`centrality`; normalisation and undefined cases are in the module
    docstring.
    """
    _check_options(measure, mode)
    A = as_adjacency(A, symmetric=not directed)
    scores = _scores(A, measure, directed, weighted, mode)
    spread = scores.max(axis=-1) * scores.shape[-1] - scores.sum(axis=-1)
    tmax = _theoretical_max(A, measure, directed, mode)
    value = np.divide(spread, tmax, out=np.full(tmax.shape, np.nan), where=tmax > 0)
    return float(value) if value.ndim == 0 else value


def _scores(A: np.ndarray, measure: str, directed: bool, weighted: bool, mode: str):
    if measure == "strength":
        return _degree(A, directed, mode)
    if measure == "degree":
        # tie counts: the ties as bytes summed in int32 (about half the time of float sums)
        return _degree((A > 0).view(np.uint8), directed, mode, dtype=np.int32).astype(float)
    if measure == "eigenvector":
        return _eigenvector(A if weighted else (A > 0).astype(float), directed)
    return _igraph_scores(A, measure, directed, weighted, mode)


def _check_options(measure: str, mode: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode != "all" and measure not in _MODE_MEASURES:
        raise ValueError(f"mode applies to {_MODE_MEASURES} only, not {measure!r}")


def _degree(X: np.ndarray, directed: bool, mode: str, dtype=None) -> np.ndarray:
    if not directed or mode == "out":
        return X.sum(axis=-1, dtype=dtype)
    if mode == "in":
        return X.sum(axis=-2, dtype=dtype)
    return X.sum(axis=-1, dtype=dtype) + X.sum(axis=-2, dtype=dtype)


def _eigenvector(X: np.ndarray, directed: bool) -> np.ndarray:
    """Leading eigenvector scaled to max 1; in-ties for digraphs (c = X^T c / lambda)."""
    n = X.shape[-1]
    if n < 2:
        return np.full(X.shape[:-1], np.nan)
    if directed:
        values, vectors = np.linalg.eig(np.swapaxes(X, -1, -2))
        order = np.argsort(values.real, axis=-1)
        values = np.take_along_axis(values, order, axis=-1)
        vectors = np.take_along_axis(vectors, order[..., None, :], axis=-1)
    else:
        values, vectors = np.linalg.eigh(X)
    top, second = values[..., -1], values[..., -2]
    vector = np.abs(vectors[..., :, -1].real)
    scale = np.maximum(np.abs(top), 1.0)
    undefined = (top.real <= _EIGEN_RTOL * scale) | (np.abs(top - second) <= _EIGEN_RTOL * scale)
    peak = vector.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        vector = vector / peak
    return np.where(undefined[..., None], np.nan, vector)


def _igraph_scores(
    A: np.ndarray, measure: str, directed: bool, weighted: bool, mode: str
) -> np.ndarray:
    flat = A.reshape(-1, *A.shape[-2:])
    scores = [_igraph_one(a, measure, directed, weighted, mode) for a in flat]
    return np.array(scores, dtype=float).reshape(A.shape[:-1])


def _igraph_one(a: np.ndarray, measure: str, directed: bool, weighted: bool, mode: str):
    n = a.shape[0]
    src, dst = np.nonzero(a if directed else np.triu(a))
    graph = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=directed)
    lengths = (a.max() / a[src, dst]).tolist() if weighted and src.size else None
    if measure == "betweenness":
        return graph.betweenness(directed=directed, weights=lengths)
    return graph.closeness(mode=mode, weights=lengths, normalized=True)


def _theoretical_max(A: np.ndarray, measure: str, directed: bool, mode: str) -> np.ndarray:
    n = float(A.shape[-1])
    one_way = directed and mode != "all"
    if measure == "strength":
        total = A.sum(axis=(-2, -1)) / (1.0 if directed else 2.0)
        return (n - (1.0 if one_way else 2.0)) * total
    if measure == "degree":
        tmax = (n - 1) ** 2 if one_way else (n - 1) * (n - 2) * (2.0 if directed else 1.0)
    elif measure == "betweenness":
        tmax = (n - 1) ** 2 * (n - 2) / (1.0 if directed else 2.0)
    elif measure == "closeness":
        tmax = (n - 1) ** 2 / n if one_way else (n - 1) * (n - 2) / max(2 * n - 3, 1.0)
    else:
        tmax = n - 1 if directed else n - 2
    return np.full(A.shape[:-2], tmax if n >= 2 else np.nan)
