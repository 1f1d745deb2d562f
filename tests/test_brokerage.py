"""Gould-Fernandez brokerage: hand-made triads, a hand-counted broker, a triple-loop reference,
and the analytic null rebuilt from first principles."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from hubspoke.measures import brokerage
from hubspoke.measures.brokerage import (
    ROLES,
    TABLE_ROLES,
    broker_ties,
    brokerage_expectations,
    brokerage_table,
    gould_fernandez,
)

# group pattern of (sender a, broker b, receiver c) -> role (Gould & Fernandez 1989)
PATTERNS = {
    "AAA": "coordinator",
    "ABA": "itinerant",
    "ABB": "gatekeeper",
    "AAB": "representative",
    "ABC": "liaison",
}


def digraph(n, arcs):
    A = np.zeros((n, n), dtype=int)
    for i, j in arcs:
        A[i, j] = 1
    return A


def role_of(ga, gb, gc):
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gb == gc:
        return "gatekeeper"
    if ga == gb:
        return "representative"
    return "liaison"


def triple_loop(A, groups):
    """Explicit reference: every broker b, every ordered pair (a, c) of other distinct nodes."""
    n = len(A)
    counts = np.zeros((n, len(ROLES)), dtype=int)
    for a, b, c in itertools.permutations(range(n), 3):
        if A[a, b] and A[b, c] and not A[a, c]:
            counts[b, ROLES.index(role_of(groups[a], groups[b], groups[c]))] += 1
    return counts


def relabelings(pattern):
    """Every assignment of the group names x, y, z to the pattern's letters (injective)."""
    letters = sorted(set(pattern))
    for names in itertools.permutations("xyz", len(letters)):
        mapping = dict(zip(letters, names, strict=True))
        yield [mapping[ch] for ch in pattern]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_open_triad_labeling_and_grouping(pattern):
    # Only arcs a -> b -> c: broker b brokers the pair (a, c) once, in the pattern's role;
    # nobody else brokers (a -> b -> a is no two-path: a = c).
    for a, b, c in itertools.permutations(range(3)):
        A = digraph(3, [(a, b), (b, c)])
        for labels in relabelings(pattern):
            groups = [None] * 3
            groups[a], groups[b], groups[c] = labels
            expected = np.zeros((3, 5), dtype=int)
            expected[b, ROLES.index(PATTERNS[pattern])] = 1
            np.testing.assert_array_equal(gould_fernandez(A, groups), expected)


@pytest.mark.parametrize("groups", [list("xxx"), list("xyx"), list("xyz")])
def test_closed_triads_broker_nothing(groups):
    # a -> b -> c closed by a -> c: no structural hole, in every grouping; likewise a complete
    # mutual triad.
    np.testing.assert_array_equal(gould_fernandez(digraph(3, [(0, 1), (1, 2), (0, 2)]), groups), 0)
    np.testing.assert_array_equal(gould_fernandez(np.ones((3, 3)) - np.eye(3), groups), 0)


def test_cycle_and_mutual_ties():
    # 3-cycle 0 -> 1 -> 2 -> 0: for broker 1 the pair (0, 2) is open (only 2 -> 0 exists, not
    # 0 -> 2), and so on around the cycle: each node coordinates once.
    cycle = digraph(3, [(0, 1), (1, 2), (2, 0)])
    np.testing.assert_array_equal(gould_fernandez(cycle, "xxx")[:, 0], [1, 1, 1])
    # 0 <-> 1 <-> 2 without a tie 0-2: broker 1 has the pairs (0, 2) and (2, 0); 0 -> 1 -> 0
    # is not a two-path. Groups x y x: both pairs itinerant for node 1.
    mutual = digraph(3, [(0, 1), (1, 0), (1, 2), (2, 1)])
    expected = np.zeros((3, 5), dtype=int)
    expected[1, ROLES.index("itinerant")] = 2
    np.testing.assert_array_equal(gould_fernandez(mutual, "xyx"), expected)


def test_hand_counted_broker_with_several_paths():
    # Broker b = 0 (group X). Senders 1 (X) and 2 (Y) send to b; b sends to receivers
    # 3 (X), 4 (Y), 5 (Z). The 2 x 3 = 6 ordered pairs:
    #   (1, 3) X X X coordinator    (1, 4) X X Y representative   (1, 5) X X Z representative
    #   (2, 3) Y X X gatekeeper     (2, 4) Y X Y itinerant        (2, 5) Y X Z liaison
    groups = ["X", "X", "Y", "X", "Y", "Z"]
    arcs = [(1, 0), (2, 0), (0, 3), (0, 4), (0, 5)]
    counts = gould_fernandez(digraph(6, arcs), groups)
    np.testing.assert_array_equal(counts[0], [1, 1, 1, 2, 1])  # coord itin gate repr liaison
    np.testing.assert_array_equal(counts[1:], 0)
    # Closing 1 -> 4 removes the pair (1, 4): one representative less. Node 1 now sends to 0
    # and 4 but receives nothing, so it brokers nothing.
    counts = gould_fernandez(digraph(6, [*arcs, (1, 4)]), groups)
    np.testing.assert_array_equal(counts[0], [1, 1, 1, 1, 1])
    np.testing.assert_array_equal(counts[1:], 0)


def random_digraph(rng, n, p, reps=None):
    shape = (n, n) if reps is None else (reps, n, n)
    A = (rng.random(shape) < p).astype(int)
    A[..., np.arange(n), np.arange(n)] = 0
    return A


@pytest.mark.parametrize("seed", range(4))
def test_matches_triple_loop_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = 9 + seed
    A = random_digraph(rng, n, 0.2 + 0.1 * seed)
    groups = rng.choice(["a", "b", "c"][: 1 + seed % 3], n)
    expected = triple_loop(A, groups)
    assert expected.sum() > 0
    np.testing.assert_array_equal(gould_fernandez(A, groups), expected)


@pytest.mark.parametrize("density", [0.0, 0.03, 0.1, 0.4, 1.0])
@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_listing_the_two_paths_and_the_products_count_alike(n, density):
    # the two ways of counting (gould_fernandez picks by the number of two-paths)
    rng = np.random.default_rng(n)
    A = random_digraph(rng, n, density) > 0
    codes = pd.factorize(rng.choice(["a", "b", "c"], n))[0]
    expected = triple_loop(A.astype(int), codes)
    np.testing.assert_array_equal(brokerage._listed_counts(A, codes), expected)
    np.testing.assert_array_equal(brokerage._product_counts(A, codes), expected)


def test_sparse_graphs_and_stacks_of_them_are_counted_by_listing(monkeypatch):
    rng = np.random.default_rng(11)
    stack = random_digraph(rng, 60, 0.03, reps=3)
    groups = rng.choice(["a", "b", "c", "d"], 60)
    listed = []
    monkeypatch.setattr(
        brokerage, "_listed_counts",
        lambda *a, f=brokerage._listed_counts: listed.append(1) or f(*a),
    )  # fmt: skip
    np.testing.assert_array_equal(gould_fernandez(stack[0], groups), triple_loop(stack[0], groups))
    np.testing.assert_array_equal(
        gould_fernandez(stack, groups), [triple_loop(a, groups) for a in stack]
    )
    assert len(listed) == 1 + 3


def test_stack_equals_loop():
    rng = np.random.default_rng(5)
    stack = random_digraph(rng, 8, 0.3, reps=4)
    groups = rng.choice(["a", "b", "c"], 8)
    np.testing.assert_array_equal(
        gould_fernandez(stack, groups), [triple_loop(a, groups) for a in stack]
    )
    expected, sd = brokerage_expectations(stack, groups)
    for k, a in enumerate(stack):
        e_k, sd_k = brokerage_expectations(a, groups)
        np.testing.assert_allclose(expected[k], e_k)
        np.testing.assert_allclose(sd[k], sd_k)


def first_principles_null(n, groups, d):
    """Mean and variance of the open two-path counts if every arc exists independently with
    probability d. Each ordered pair (a, c) for broker b is an indicator with probability
    p = d^2 (1 - d) (a -> b, b -> c, not a -> c). Two paths of the same broker are dependent only
    when they share an arc: the same sender a (a -> b) or the same receiver c (b -> c); then
    Cov = d^3 (1 - d)^2 - p^2 = d^3 (1 - d)^3 = q. So mean = p K and
    var = K p (1 - p) + q * (ordered pairs of distinct paths sharing a sender or a receiver)."""
    p, q = d**2 * (1 - d), d**3 * (1 - d) ** 3
    mean, var = np.zeros((n, 6)), np.zeros((n, 6))
    for b in range(n):
        paths = {role: [] for role in TABLE_ROLES}
        for a, c in itertools.permutations([x for x in range(n) if x != b], 2):
            paths[role_of(groups[a], groups[b], groups[c])].append((a, c))
            paths["total"].append((a, c))
        for k, role in enumerate(TABLE_ROLES):
            pairs = itertools.permutations(paths[role], 2)
            sharing = sum(1 for (a1, c1), (a2, c2) in pairs if a1 == a2 or c1 == c2)
            mean[b, k] = p * len(paths[role])
            var[b, k] = len(paths[role]) * p * (1 - p) + q * sharing
    return mean, var


@pytest.mark.parametrize("seed", range(3))
def test_expectations_from_first_principles(seed):
    rng = np.random.default_rng(seed)
    n = 7 + seed
    A = random_digraph(rng, n, 0.3)
    groups = rng.choice(["a", "b", "c", "d"][: 2 + seed], n)
    d = A.sum() / (n * (n - 1))
    mean, var = first_principles_null(n, groups, d)
    expected, sd = brokerage_expectations(A, groups)
    np.testing.assert_allclose(expected, mean, rtol=1e-12)
    np.testing.assert_allclose(sd, np.sqrt(var), rtol=1e-12)
    # each ordered pair has exactly one role: the expected total is the sum over roles
    np.testing.assert_allclose(expected[:, :5].sum(axis=1), expected[:, 5])


def test_expectations_hand_case():
    # N = 4, groups {0, 1} and {2, 3}, 6 arcs of 12 -> d = 1/2, p = d^2 (1 - d) = 1/8,
    # q = d^3 (1 - d)^3 = 1/64. For any broker (group size 2, other group size 2):
    #   coordinator: (n_i - 1)(n_i - 2) = 0 pairs -> mean 0, var 0
    #   itinerant: pairs inside the other group 2 * 1 = 2 -> mean 1/4,
    #     var = 1/4 * 7/8 + 2 * 0 * q = 7/32
    #   representative / gatekeeper: (N - n_i)(n_i - 1) = 2 -> mean 1/4,
    #     var = 7/32 + 2 ((n_i - 1) C(2, 2) + 2 C(1, 2)) q = 7/32 + 2/64 = 1/4 -> sd 1/2
    #   liaison: (N - n_i)^2 - sum n_j^2 = 4 - 4 = 0 -> 0, 0
    #   total: (N - 1)(N - 2) = 6 -> mean 3/4, var = 3/4 * 7/8 + 2 * 3 * 2 * 1 * q = 27/32
    A = digraph(4, [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (1, 3)])
    expected, sd = brokerage_expectations(A, ["x", "x", "y", "y"])
    row_mean = [0, 1 / 4, 1 / 4, 1 / 4, 0, 3 / 4]
    row_sd = [0, math.sqrt(7 / 32), 1 / 2, 1 / 2, 0, math.sqrt(27 / 32)]
    np.testing.assert_allclose(expected, np.tile(row_mean, (4, 1)))
    np.testing.assert_allclose(sd, np.tile(row_sd, (4, 1)))


def test_table_layout_and_totals():
    rng = np.random.default_rng(8)
    A = random_digraph(rng, 6, 0.4)
    groups = ["x", "y", "x", "z", "y", "x"]
    names = ["ARM", "AZE", "BLR", "EST", "GEO", "KAZ"]
    table = brokerage_table(A, groups, names)
    assert list(table.columns) == ["node", "role", "count", "expected", "sd", "z"]
    assert list(table["node"]) == [name for name in names for _ in TABLE_ROLES]
    assert list(table["role"]) == list(TABLE_ROLES) * 6
    counts = table.pivot(index="node", columns="role", values="count").loc[names]
    np.testing.assert_array_equal(counts["total"], counts[list(ROLES)].sum(axis=1))
    np.testing.assert_array_equal(counts[list(ROLES)], triple_loop(A, groups))
    z = (table["count"] - table["expected"]) / table["sd"]
    positive = table["sd"] > 0
    np.testing.assert_allclose(table.loc[positive, "z"], z[positive])


@pytest.mark.parametrize("A", [np.zeros((4, 4)), np.ones((4, 4)) - np.eye(4)])
def test_table_z_missing_when_sd_zero(A):
    # no ties (d = 0) or all ties (d = 1): p = q = 0 -> expected 0, sd 0 -> z missing, not inf
    table = brokerage_table(A, ["x", "x", "y", "y"], list("abcd"))
    assert (table["count"] == 0).all()
    assert (table["sd"] == 0).all()
    assert table["z"].isna().all()


def test_bad_groups_raise():
    A = digraph(3, [(0, 1), (1, 2)])
    with pytest.raises(ValueError, match="missing group"):
        gould_fernandez(A, ["x", None, "y"])
    with pytest.raises(ValueError, match="2 group labels for 3 nodes"):
        gould_fernandez(A, ["x", "y"])
    with pytest.raises(ValueError, match="names"):
        brokerage_table(A, ["x", "y", "z"], ["a", "b"])


def test_table_dtypes():
    table = brokerage_table(digraph(3, [(0, 1), (1, 2)]), "xyz", ["a", "b", "c"])
    assert table["node"].dtype == pd.StringDtype()
    assert table["count"].dtype == np.int64
    # the only brokerage: node b is a liaison for (a, c)
    row = table[(table["node"] == "b") & (table["role"] == "liaison")]
    assert row["count"].item() == 1


# --- the tie rules ---------------------------------------------------------------------------


def test_tie_rules_by_hand():
    # hub 0 reaches 1 only (1 passes the threshold of 0's trade); 2 and 3 reach the hub
    # (the hub passes the threshold of their trade); 1 and 0 both ways
    B = digraph(4, [(0, 1), (1, 0), (2, 0), (3, 0)]).astype(bool)
    assert np.array_equal(broker_ties(B, "directed"), B)
    either = broker_ties(B, "either")
    assert np.array_equal(either, either.T) and either[0, 1:].all() and not either[1:, 1:].any()
    both = broker_ties(B, "both")
    assert both.sum() == 2 and both[0, 1] and both[1, 0]
    groups = [0, 0, 1, 1]  # hub and 1 in one group, 2 and 3 in the other
    # directed: 2 -> 0 -> 1 and 3 -> 0 -> 1 are the hub's only open two-paths (gatekeeper:
    # the hub is in the receiver's group)
    directed = gould_fernandez(B, groups)[0]
    assert dict(zip(ROLES, directed, strict=True))["gatekeeper"] == 2 and directed.sum() == 2
    # either: the star on the hub; every pair of spokes brokered in both directions:
    # 1-0-2, 1-0-3 (representative one way, gatekeeper the other), 2-0-3 (itinerant twice)
    star = dict(zip(ROLES, gould_fernandez(either, groups)[0], strict=True))
    assert star == {"coordinator": 0, "itinerant": 2, "gatekeeper": 2, "representative": 2,
                    "liaison": 0}  # fmt: skip
    # both: one tie, nothing to broker
    assert gould_fernandez(both, groups)[0].sum() == 0


def test_symmetric_rules_count_each_brokered_pair_twice():
    rng = np.random.default_rng(5)
    B = rng.random((8, 8)) < 0.3
    np.fill_diagonal(B, False)
    groups = rng.integers(0, 3, 8)
    for rule in ("either", "both"):
        ties = broker_ties(B, rule)
        totals = gould_fernandez(ties, groups).sum(axis=1)
        pairs = [
            sum(1 for a, c in itertools.combinations(set(range(8)) - {b}, 2)
                if ties[a, b] and ties[b, c] and not ties[a, c])
            for b in range(8)
        ]  # fmt: skip
        np.testing.assert_array_equal(totals, 2 * np.array(pairs))


def test_unknown_tie_rule():
    with pytest.raises(ValueError, match="unknown tie rule"):
        broker_ties(np.zeros((2, 2), dtype=bool), "mutual")
