"""Hub-and-spoke measures for one layer: the hub's weight share, the density among the spokes,
Burt's constraint and effective size, how closely the layer resembles a star, and the asymmetry
of trade dependence between the hub and its spokes.

``W`` / ``A`` are adjacency matrices ``(n, n)`` (or stacks ``(..., n, n)``): symmetric for
undirected layers, ``W[i, j]`` the weight of the tie ``i -> j`` for directed ones; the diagonal is
ignored. ``hub`` is a node index.
"""

from __future__ import annotations

import math

import numpy as np

from hubspoke.measures.centralization import as_adjacency


def hub_share(W, hub: int):
    """Share of all tie weight on ties incident to ``hub``; NaN when there is no weight.

    Summing the hub's row and column over the sum of all entries counts every undirected tie
    twice in both, so the same formula serves directed and undirected layers.
    """
    W = as_adjacency(W)
    touching = W[..., hub, :].sum(axis=-1) + W[..., :, hub].sum(axis=-1)
    return _ratio(touching, W.sum(axis=(-2, -1)))


def spoke_density(A, hub: int):
    """Density of the binary graph among the non-hub nodes (ties / ordered pairs); NaN if
    fewer than 2 spokes. For symmetric ``A`` this is the undirected density."""
    ties = as_adjacency(A) > 0
    m = ties.shape[-1] - 1
    # all ties minus those on the hub's row and column (the diagonal is empty)
    among = ties.sum(axis=(-2, -1)) - ties[..., hub, :].sum(axis=-1) - ties[..., :, hub].sum(-1)
    return _ratio(among, np.full(ties.shape[:-2], m * (m - 1.0)))


def constraint(W) -> np.ndarray:
    """Burt's constraint per node, as R igraph ``constraint()`` (weighted).

    ``C_i = sum_{j in N(i)} (p_ij + sum_q p_iq p_qj)^2`` with mutual weights
    ``m_ij = w_ij + w_ji``, proportional strengths ``p_ij = m_ij / sum_k m_ik`` and ``N(i)`` the
    nodes tied to ``i`` in either direction (igraph's neighbourhood: in- and out-neighbours,
    each once). Isolates get NaN, as in igraph.
    """
    M, P, isolate = _proportional_ties(W)
    local = (P + P @ P) ** 2
    return np.where(isolate, np.nan, np.where(M > 0, local, 0.0).sum(axis=-1))


def effective_size(W) -> np.ndarray:
    """Burt's effective size per node, as networkx ``effective_size(G, weight=...)``.

    ``e_i = sum_{j in N(i)} (1 - sum_q p_iq r_jq)`` with ``p`` as in :func:`constraint` and
    ``r_jq = m_jq / max_k m_jk``; on binary undirected graphs this is Borgatti's
    ``n_i - 2 t_i / n_i`` (``n_i`` contacts, ``t_i`` ties among them). Isolates get NaN.
    """
    M, P, isolate = _proportional_ties(W)
    peak = M.max(axis=-1, keepdims=True)
    R = np.divide(M, peak, out=np.zeros_like(M), where=peak > 0)
    redundancy = P @ np.swapaxes(R, -1, -2)
    return np.where(isolate, np.nan, np.where(M > 0, 1.0 - redundancy, 0.0).sum(axis=-1))


def star_likeness(A, hub: int):
    """Pearson correlation between the off-diagonal entries of ``A`` and the perfect star on
    ``hub`` (1 on the hub's row and column). NaN when ``A`` is constant off the diagonal or
    ``n < 3`` (the star itself is then constant).

    Computed from sums over the matrix (the diagonal is zero): with ``K = n (n - 1)``
    off-diagonal entries, ``2 (n - 1)`` of them on the star, ``r = cov / sqrt(var_A var_star)``.
    """
    A = as_adjacency(A)
    n = A.shape[-1]
    if n < 3:
        return _scalar(np.full(A.shape[:-2], np.nan))
    cells = n * (n - 1.0)
    on_star = 2 * (n - 1.0)
    mean = A.sum(axis=(-2, -1)) / cells
    star_sum = A[..., hub, :].sum(axis=-1) + A[..., :, hub].sum(axis=-1)
    cov = star_sum - mean * on_star
    # the off-diagonal sum of squares about the mean (the diagonal is zero), without a centred
    # copy of the matrix: null models call this on stacks of a thousand replicates
    var = np.einsum("...ij,...ij->...", A, A) - cells * mean**2
    var_star = on_star * (1 - on_star / cells)
    first = A[..., 0, 1]
    equal = (A == first[..., None, None]).sum(axis=(-2, -1)) - np.where(first == 0, n, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov / np.sqrt(np.maximum(var, 0.0) * var_star)
    return _scalar(np.where(equal == cells, np.nan, r))


DEPENDENCE_METRICS = (
    "spoke_dependence_on_hub",
    "hub_dependence_on_spokes",
    "dependence_asymmetry",
    "spokes_more_dependent",
)


def dependence_asymmetry(D: np.ndarray, hub: int) -> dict[str, float]:
    """Hirschman's (1945) asymmetric dependence between the hub and its spokes.

    ``D[i, j]`` is the share of ``i``'s trade with the World that is with ``j`` (the weights of
    the ``trade_dependence`` layer), NaN where unknown. Over the spokes ``s`` whose two shares
    are known: ``spoke_dependence_on_hub`` = mean ``D[s, hub]``, ``hub_dependence_on_spokes`` =
    mean ``D[hub, s]``, ``dependence_asymmetry`` = mean ``D[s, hub] - D[hub, s]`` (positive: the
    spokes depend on the hub more than it depends on them) and ``spokes_more_dependent`` = the
    share of spokes with ``D[s, hub] > D[hub, s]``. All NaN when no spoke is known.
    """
    spokes = np.arange(D.shape[0]) != hub
    on_hub, of_hub = D[spokes, hub], D[hub, spokes]
    known = np.isfinite(on_hub) & np.isfinite(of_hub)
    if not known.any():
        return dict.fromkeys(DEPENDENCE_METRICS, math.nan)
    on_hub, of_hub = on_hub[known], of_hub[known]
    values = (
        on_hub.mean(),
        of_hub.mean(),
        (on_hub - of_hub).mean(),
        (on_hub > of_hub).mean(),
    )
    return {name: float(v) for name, v in zip(DEPENDENCE_METRICS, values, strict=True)}


def hub_rank(scores, hub: int, *, ascending: bool = False):
    """Rank of the hub's score, 1 = highest (``ascending=True``: 1 = lowest, e.g. constraint).

    Ties share the best rank (pandas ``rank(method="min")``). Other nodes' NaN scores are not
    ranked; if the hub's own score is NaN the rank is NaN (a float). When every ranked node
    scores the same, as in a layer without ties, nobody is more central than anybody else and
    the rank is NaN too, not first.
    """
    scores = np.asarray(scores, dtype=float)
    own = scores[hub]
    ranked = scores[~np.isnan(scores)]
    if math.isnan(own) or (ranked.size > 1 and (ranked == own).all()):
        return math.nan
    better = scores < own if ascending else scores > own
    return 1 + int(better.sum())


def _proportional_ties(W):
    """Mutual weights ``M``, proportional strengths ``P`` (rows sum to 1) and the isolates."""
    W = as_adjacency(W)
    M = W + np.swapaxes(W, -1, -2)
    total = M.sum(axis=-1, keepdims=True)
    P = np.divide(M, total, out=np.zeros_like(M), where=total > 0)
    return M, P, total[..., 0] == 0


def _ratio(numerator, denominator):
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    out = np.full(numerator.shape, np.nan)
    return _scalar(np.divide(numerator, denominator, out=out, where=denominator > 0))


def _scalar(value: np.ndarray):
    return float(value) if np.ndim(value) == 0 else value
