"""Gould & Fernandez (1989) brokerage roles on binary directed graphs, with sna's analytic null.

Broker ``b`` brokers the ordered pair ``(a, c)``, all three distinct, when ``a -> b``, ``b -> c``
and not ``a -> c`` (an open two-path, as in R ``sna::brokerage``). Each two-path is classified by
the groups of sender ``a``, broker ``b`` and receiver ``c`` (Gould & Fernandez 1989, "Structures
of mediation", Sociological Methodology 19: 89-126):

==============  =============  ====================  ==================
role            groups         pattern               sna column (code)
==============  =============  ====================  ==================
coordinator     a = b = c      A -> A -> A           ``w_I``
itinerant       a = c != b     A -> B -> A           ``w_O``
gatekeeper      a != b = c     A -> B -> B           ``b_OI``
representative  a = b != c     A -> A -> B           ``b_IO``
liaison         all different  A -> B -> C           ``b_O``
==============  =============  ====================  ==================

A representative is a broker from the sender's group passing a tie on to another group; a
gatekeeper is a broker from the receiver's group letting in someone from outside. sna's help page
describes ``b_IO`` and ``b_OI`` the other way round, but its C code (``brokerage_R``) counts
``b_IO`` when ``cl[a] == cl[b]``: the mapping above follows the code.

Vectorisation. With ``B`` the binary adjacency, ``N[a, c] = 1 - B[a, c]`` for ``a != c`` (0 on the
diagonal), ``S[a, c] = 1`` when ``a`` and ``c`` are in the same group and
``D = 1 - S``, the count of broker ``b`` is
``sum_{a,c} X[a, b] Z[a, c] Y[b, c] = sum_a X[a, b] (Z Y^T)[a, b]`` with

- coordinator:    X = B*S, Z = N,   Y = B*S
- itinerant:      X = B*D, Z = N*S, Y = B*D
- gatekeeper:     X = B*D, Z = N,   Y = B*S
- representative: X = B*S, Z = N,   Y = B*D
- liaison:        X = B*D, Z = N*D, Y = B*D

(``*`` elementwise). The zero diagonals of ``B`` and ``N`` exclude ``a = b``, ``b = c`` and
``a = c``. Three matrix products per graph, batched over a leading stack axis. Sparse graphs,
with few two-paths for their size, are counted by listing their open two-paths instead (about
``sum_b in_b * out_b`` steps against ``n**3``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hubspoke.measures.centralization import as_adjacency

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
TABLE_ROLES = (*ROLES, "total")
TIE_RULES = ("either", "directed", "both")


def broker_ties(B: np.ndarray, rule: str) -> np.ndarray:
    """The ties brokerage is counted on, from the directed binary ties ``B`` of a layer
    (``B[i, j]``: j passes the threshold from i's side, e.g. j is at least 5% of i's trade).

    ``directed`` keeps ``B``: the hub's outgoing ties then exist only where a partner clears
    the threshold of the hub's own trade, so its brokerage hinges on one share crossing a line
    (Belarus: 4.9% of Russia's trade in 2015, 5.3% in 2016). ``either`` ties i and j both ways
    when either side passes the threshold (a tie that matters to one of the two), ``both``
    when both do. With a symmetric rule every open two-path a-b-c is counted in both
    directions, so one brokered pair counts 2.
    """
    B = np.asarray(B) != 0
    if rule == "directed":
        return B
    if rule == "either":
        return B | B.T
    if rule == "both":
        return B & B.T
    raise ValueError(f"unknown tie rule {rule!r}, expected one of {TIE_RULES}")


def gould_fernandez(A, groups) -> np.ndarray:
    """Brokerage counts per node and role, shape ``(..., n, 5)`` in the order of ``ROLES``.

    ``A``: adjacency ``(n, n)`` or stack ``(..., n, n)``; any non-zero off-diagonal entry is a
    directed tie. ``groups``: one group label per node.
    """
    ties = as_adjacency(A) > 0
    return _counts(ties, _group_codes(groups, ties.shape[-1]))


def _counts(ties: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """:func:`gould_fernandez` of boolean ``ties``: by listing the two-paths when there are few
    of them (sparse graphs), else by matrix products."""
    n = ties.shape[-1]
    degree_in, degree_out = np.count_nonzero(ties, axis=-2), np.count_nonzero(ties, axis=-1)
    two_paths = np.sum(degree_in * degree_out, axis=-1)
    if ties.size and np.all(two_paths * LISTING_COST < n**3):
        graphs = ties.reshape(-1, n, n)
        counts = np.stack([_listed_counts(graph, codes) for graph in graphs])
        return counts.reshape(*ties.shape[:-1], len(ROLES))
    return _product_counts(ties, codes)


# listing costs about 150 times more per two-path than the products per n**3 (n = 200: 0.17 ms
# to list 13,000 two-paths at density 0.04, 0.54 ms of products at any density)
LISTING_COST = 150
# the role of a two-path by (sender == broker, broker == receiver, sender == receiver), as
# 4 * same_ab + 2 * same_bc + same_ac: all three equal, or the pattern of the docstring's table
_ROLE_OF = np.array([4, 1, 2, 2, 3, 3, 0, 0])


def _listed_counts(ties: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Counts ``(n, 5)`` of one graph from the list of its open two-paths a -> b -> c."""
    n = ties.shape[-1]
    edge = np.flatnonzero(ties)
    source, target = np.divmod(edge, n)  # row-major: sorted by source
    out_degree = np.bincount(source, minlength=n)
    first_out = np.cumsum(out_degree) - out_degree
    # each tie a -> b continues along each tie b -> c
    fan = out_degree[target]
    start = np.cumsum(fan) - fan
    a = np.repeat(source, fan)
    b = np.repeat(target, fan)
    c = target[np.repeat(first_out[target] - start, fan) + np.arange(fan.sum())]
    keep = (a != c) & ~ties.ravel()[a * n + c]
    a, b, c = codes[a[keep]], b[keep], codes[c[keep]]
    broker = codes[b]
    role = _ROLE_OF[4 * (a == broker) + 2 * (broker == c) + (a == c)]
    return np.bincount(b * len(ROLES) + role, minlength=n * len(ROLES)).reshape(n, len(ROLES))


def _product_counts(ties: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Counts by the matrix products of the module docstring, batched over the stack."""
    n = ties.shape[-1]
    same = codes[:, None] == codes[None, :]
    # float32 is exact here (every entry and sum is an integer below n**2 < 2**24) and halves
    # the cost of the products
    B = ties.astype(np.float32)
    within = (ties & same).astype(np.float32)
    between = B - within
    N = 1.0 - B - np.eye(n, dtype=np.float32)
    n_within = N @ np.swapaxes(within, -1, -2)
    n_between = N @ np.swapaxes(B, -1, -2) - n_within
    same_between = (N * same) @ np.swapaxes(between, -1, -2)
    counts = [
        (within, n_within),
        (between, same_between),
        (between, n_within),
        (within, n_between),
        (between, n_between - same_between),
    ]
    sums = [np.einsum("...ab,...ab->...b", x, zy) for x, zy in counts]
    return np.rint(np.stack(sums, axis=-1)).astype(np.int64)


def brokerage_expectations(A, groups) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts and standard deviations ``(..., n, 6)``: ``ROLES`` then ``total``.

    The node-level analytic null of ``sna::brokerage`` (``exp.nli``, ``sd.nli``): ties are
    independent with probability ``d``, the observed density ``ties / (n (n - 1))``; a node's
    expectation depends only on the size of its group.
    """
    ties = as_adjacency(A) > 0
    return _expectations(ties, _group_codes(groups, ties.shape[-1]))


def _expectations(ties: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = ties.shape[-1]
    sizes = np.bincount(codes).astype(float)
    d = np.count_nonzero(ties, axis=(-2, -1)) / (n * (n - 1.0))
    expected, variance = _group_moments(sizes, float(n), d[..., None])
    return expected[..., codes, :], np.sqrt(variance[..., codes, :])


def brokerage_stats(A, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``count``, ``expected``, ``sd`` and ``z`` per node and role, each ``(..., n, 6)``
    (``ROLES`` then ``total``) for a graph or a stack of graphs with one partition;
    ``z = (count - expected) / sd`` is NaN when ``sd == 0`` (e.g. a graph without ties or a
    complete graph)."""
    ties = as_adjacency(A) > 0
    codes = _group_codes(groups, ties.shape[-1])
    roles = _counts(ties, codes)
    counts = np.concatenate([roles, roles.sum(axis=-1, keepdims=True)], axis=-1)
    expected, sd = _expectations(ties, codes)
    z = np.divide(counts - expected, sd, out=np.full(sd.shape, np.nan), where=sd > 0)
    return counts, expected, sd, z


def brokerage_table(A, groups, names) -> pd.DataFrame:
    """Long table ``[node, role, count, expected, sd, z]`` for one graph, roles ``TABLE_ROLES``
    (:func:`brokerage_stats`); rows follow the order of ``names``, then ``TABLE_ROLES``."""
    A = as_adjacency(A)
    if A.ndim != 2:
        raise ValueError(f"brokerage_table takes one graph (n, n), got shape {A.shape}")
    names = list(names)
    if len(names) != A.shape[0]:
        raise ValueError(f"{len(names)} names for {A.shape[0]} nodes")
    counts, expected, sd, z = brokerage_stats(A, groups)
    return pd.DataFrame(
        {
            "node": pd.Series(np.repeat(names, len(TABLE_ROLES)), dtype="string"),
            "role": pd.Series(np.tile(TABLE_ROLES, len(names)), dtype="string"),
            "count": counts.ravel(),
            "expected": expected.ravel(),
            "sd": sd.ravel(),
            "z": z.ravel(),
        }
    )


def _group_codes(groups, n: int) -> np.ndarray:
    codes, _ = pd.factorize(np.asarray(list(groups), dtype=object))
    if len(codes) != n:
        raise ValueError(f"{len(codes)} group labels for {n} nodes")
    if (codes < 0).any():
        raise ValueError(f"missing group label for node {int(np.flatnonzero(codes < 0)[0])}")
    return codes


def _pairs(x):
    return x * (x - 1.0) / 2.0


def _group_moments(sizes: np.ndarray, N: float, d: np.ndarray):
    """sna's per-group expectations and variances ``(..., groups, 6)`` (``sna::brokerage``)."""
    n = sizes
    p = d**2 * (1 - d)
    q = d**3 * (1 - d) ** 3
    others = N - n
    sum_other_pairs = np.sum(n * (n - 1)) - n * (n - 1)
    sum_other_triples = np.sum(n * (n - 1) * (n - 2)) - n * (n - 1) * (n - 2)
    sum_other_squares = np.sum(n**2) - n**2
    # sum over groups j != i of n_j * C(N - n_j - n_i, 2); the j == i term is removed afterwards
    liaison_paths = (n[None, :] * _pairs(N - n[None, :] - n[:, None])).sum(axis=1)
    liaison_paths -= n * _pairs(N - 2 * n)
    e_coord = p * (n - 1) * (n - 2)
    e_itin = p * sum_other_pairs
    e_cross = p * others * (n - 1)
    e_liaison = p * (others**2 - sum_other_squares)
    e_total = p * (N - 1) * (N - 2) * np.ones_like(n)
    v_cross = e_cross * (1 - p) + 2 * ((n - 1) * _pairs(others) + others * _pairs(n - 1)) * q
    expected = np.stack([e_coord, e_itin, e_cross, e_cross, e_liaison, e_total], axis=-1)
    variance = np.stack(
        [
            e_coord * (1 - p) + 2 * (n - 1) * (n - 2) * (n - 3) * q,
            e_itin * (1 - p) + 2 * sum_other_triples * q,
            v_cross,
            v_cross,
            e_liaison * (1 - p) + 4 * liaison_paths * q,
            e_total * (1 - p) + 2 * (N - 1) * (N - 2) * (N - 3) * q,
        ],
        axis=-1,
    )
    return expected, variance
