"""Measures across layers on the same node set (a multiplex).

``layers`` maps a layer name to an adjacency matrix ``(n, n)``; all layers share the node order.
Here a layer is binary and undirected: nodes ``i`` and ``j`` are tied when ``A[i, j]`` or
``A[j, i]`` is non-zero (a directed trade layer counts a pair once, whichever way it trades).

Node measures follow Battiston, Nicosia & Latora (2014), "Structural measures for multiplex
networks", Phys. Rev. E 89, 032804, doi:10.1103/PhysRevE.89.032804: the overlapping degree
``o_i = sum_a k_i^a`` (the sum of the node's layer degrees, so a partner tied in two layers
counts twice) and the multiplex participation coefficient
``P_i = M / (M - 1) * (1 - sum_a (k_i^a / o_i)^2)`` over the ``M`` layers (0: all ties in one
layer; 1: ties spread evenly over all layers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hubspoke.measures.centralization import as_adjacency


def edge_overlap(layers: dict[str, np.ndarray]) -> pd.DataFrame:
    """Ties shared by each pair of layers: ``[layer_a, layer_b, shared, union, jaccard]``.

    One row per pair ``layer_a < layer_b`` (names sorted); ``shared`` and ``union`` count
    unordered node pairs; ``jaccard = shared / union``, NaN when neither layer has a tie.
    """
    names = sorted(layers)
    ties = _tie_stack([layers[name] for name in names])
    n = ties.shape[-1]
    upper = ties[:, *np.triu_indices(n, k=1)].astype(np.int64)
    shared = upper @ upper.T
    sizes = upper.sum(axis=1)
    a, b = np.triu_indices(len(names), k=1)
    union = sizes[a] + sizes[b] - shared[a, b]
    jaccard = np.divide(shared[a, b], union, out=np.full(union.shape, np.nan), where=union > 0)
    return pd.DataFrame(
        {
            "layer_a": pd.Series([names[i] for i in a], dtype="string"),
            "layer_b": pd.Series([names[i] for i in b], dtype="string"),
            "shared": shared[a, b],
            "union": union,
            "jaccard": jaccard,
        }
    )


def multiplex_degree(layers: dict[str, np.ndarray], node: int) -> int:
    """Overlapping degree ``o_i``: the sum of the node's degrees over the layers."""
    return int(_layer_degrees(layers, node).sum())


def participation_coefficient(layers: dict[str, np.ndarray], node: int) -> float:
    """Multiplex participation coefficient ``P_i``; NaN when ``o_i = 0`` or fewer than 2 layers."""
    degrees = _layer_degrees(layers, node).astype(float)
    m, total = len(degrees), degrees.sum()
    if m < 2 or total == 0:
        return float("nan")
    return float(m / (m - 1) * (1 - np.sum((degrees / total) ** 2)))


def _tie_stack(matrices: list[np.ndarray]) -> np.ndarray:
    if not matrices:
        raise ValueError("no layers given")
    if len({np.shape(m) for m in matrices}) > 1:
        raise ValueError("layers must share one node set (same shape)")
    A = as_adjacency(np.stack(matrices)) > 0
    return A | np.swapaxes(A, -1, -2)


def _layer_degrees(layers: dict[str, np.ndarray], node: int) -> np.ndarray:
    ties = _tie_stack([layers[name] for name in sorted(layers)])
    return ties[:, node, :].sum(axis=-1)
