"""Null models: what each keeps, uniformity on small cases, degenerate nulls, run_nulls."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from hubspoke.measures import hubness, nulls

HUB_METRICS = {"star_likeness": hubness.star_likeness, "spoke_density": hubness.spoke_density}
ALTERNATIVES = {"star_likeness": "greater", "spoke_density": "less"}


def _er(n: int, p: float, seed: int) -> np.ndarray:
    upper = np.triu(np.random.default_rng(seed).random((n, n)) < p, 1)
    return (upper | upper.T).astype(np.int64)


def _star(n: int) -> np.ndarray:
    A = np.zeros((n, n), dtype=np.int64)
    A[0, 1:] = A[1:, 0] = 1
    return A


def _weighted(n: int, seed: int) -> np.ndarray:
    """A trade-like network: sparse spoke ties with heavy-tailed weights, a heavy hub (node 0)."""
    rng = np.random.default_rng(seed)
    W = np.triu(rng.random((n, n)) < 0.6, 1) * rng.lognormal(3, 2, (n, n))
    W[0, 1:] = rng.lognormal(6, 1, n - 1)
    W = np.triu(W, 1)
    return W + W.T


def _is_simple_undirected(stack: np.ndarray) -> bool:
    return (
        np.array_equal(stack, stack.transpose(0, 2, 1))
        and not np.diagonal(stack, axis1=1, axis2=2).any()
    )


# --- degree ----------------------------------------------------------------------------------


def test_degree_replicates_keep_degrees_exactly():
    A = _er(20, 0.3, 1)
    reps = nulls.degree_preserving_replicates(A, 200, seed=3)
    assert reps.shape == (200, 20, 20) and reps.dtype == A.dtype
    assert _is_simple_undirected(reps) and set(np.unique(reps)) <= {0, 1}
    np.testing.assert_array_equal(reps.sum(axis=2), np.broadcast_to(A.sum(axis=1), (200, 20)))
    assert (reps != A).any(axis=(1, 2)).mean() > 0.99  # the chain moves


def test_degree_replicates_move_weights_with_their_edges():
    W = _weighted(10, 2)
    reps = nulls.degree_preserving_replicates(W, 50, seed=1)
    assert _is_simple_undirected(reps)
    np.testing.assert_array_equal(np.count_nonzero(reps, axis=2)[0], np.count_nonzero(W, axis=1))
    observed = np.sort(W[np.triu_indices(10, 1)])
    for rep in reps:
        np.testing.assert_array_equal(np.sort(rep[np.triu_indices(10, 1)]), observed)


def test_degree_replicates_are_uniform_on_two_regular_six_node_graphs():
    # The labelled 2-regular graphs on 6 nodes are the 6-cycles (5!/2 = 60) and the pairs of
    # disjoint triangles (C(6,3)/2 = 10), so under the uniform distribution
    # P(two triangles) = 10/70 = 1/7. With 4000 replicates the sd of the share is 0.0055.
    cycle = np.roll(np.eye(6, dtype=np.int64), 1, axis=1)
    cycle = cycle + cycle.T
    reps = nulls.degree_preserving_replicates(cycle, 4000, seed=5)
    triangles = np.einsum("rij,rjk,rki->r", reps, reps, reps) // 6
    assert set(np.unique(triangles)) == {0, 2}
    assert (triangles == 2).mean() == pytest.approx(1 / 7, abs=4 * 0.0055)


def test_star_is_the_only_graph_with_its_degrees():
    reps = nulls.degree_preserving_replicates(_star(8), 20, seed=1)
    assert (reps == _star(8)).all()


# --- density ---------------------------------------------------------------------------------


def test_density_replicates_are_uniform_gnm():
    # n = 6, m = 5 of 15 pairs: every pair is an edge with probability 1/3; with 3000
    # replicates the sd of a pair's frequency is sqrt(1/3 * 2/3 / 3000) = 0.0086.
    A = _er(6, 0.4, 0)
    A[:] = 0
    A[0, 1:] = A[1:, 0] = 1  # a 5-edge star
    reps = nulls.density_preserving_replicates(A, 3000, seed=2)
    assert _is_simple_undirected(reps)
    assert (reps.sum(axis=(1, 2)) == 10).all()
    frequency = reps.mean(axis=0)[np.triu_indices(6, 1)]
    np.testing.assert_allclose(frequency, 1 / 3, atol=4.5 * 0.0086)


# --- strength --------------------------------------------------------------------------------


def test_strength_replicates_keep_strengths_exactly():
    W = _weighted(12, 3)
    reps = nulls.strength_preserving_replicates(W, 100, seed=4)
    assert reps.dtype == np.float64 and _is_simple_undirected(reps) and (reps >= 0).all()
    np.testing.assert_allclose(
        reps.sum(axis=2), np.broadcast_to(W.sum(axis=1), (100, 12)), rtol=1e-12
    )
    assert (np.abs(reps - W).max(axis=(1, 2)) > 1).all()  # every replicate moved


def test_strength_replicates_are_uniform_on_the_four_node_polytope():
    # n = 4, every strength 3: s0 + s1 - s2 - s3 = 2 (w01 - w23) = 0, so w01 = w23 = x, and
    # likewise w02 = w13 = y, w03 = w12 = z with x + y + z = 3. The polytope is the triangle
    # {x, y, z >= 0, x + y + z = 3}; under the uniform law x / 3 ~ Beta(1, 2).
    W = np.ones((4, 4)) - np.eye(4)
    reps = nulls.strength_preserving_replicates(W, 2000, seed=6)
    np.testing.assert_allclose(reps[:, 0, 1], reps[:, 2, 3], atol=1e-12)
    test = scipy.stats.kstest(reps[:, 0, 1] / 3, scipy.stats.beta(1, 2).cdf)
    assert test.pvalue > 0.01, test


def _mixing_gap(short: np.ndarray, long: np.ndarray, stat) -> float:
    """Difference of replicate means in Monte Carlo standard errors."""
    a, b = stat(short), stat(long)
    return abs(a.mean() - b.mean()) / math.sqrt(a.var() / a.size + b.var() / b.size)


def test_strength_chain_has_mixed_at_the_default_length():
    # Start far from the uniform law: the hub's tie to node 1 is 1.0 while node 1 sends 500 to
    # every spoke (under the uniform law the hub-1 tie averages about 1350). Replicate means of
    # that tie and of the largest tie must agree at 300 and 1500 moves per pair within 4 Monte
    # Carlo standard errors -- and do not at 10 moves per pair (the check has power).
    W = _weighted(8, 7)
    W[0, 1] = W[1, 0] = 1.0
    W[1, 2:] = W[2:, 1] = 500.0
    long = nulls.strength_preserving_replicates(W, 400, seed=2, steps_per_pair=1500)
    default = nulls.strength_preserving_replicates(W, 400, seed=1)
    too_short = nulls.strength_preserving_replicates(W, 400, seed=1, steps_per_pair=10)
    for stat in (lambda r: r[:, 0, 1], lambda r: r.max(axis=(1, 2))):
        assert _mixing_gap(default, long, stat) < 4
        assert _mixing_gap(too_short, long, stat) > 4


def test_weighted_star_is_fixed_by_its_strengths():
    # spoke-spoke weight x would lower the hub's strength by 2x, so only the star itself fits
    star = _star(6) * np.array([0, 1, 2, 3, 4, 5.0])[:, None]
    star = np.maximum(star, star.T)
    reps = nulls.strength_preserving_replicates(star, 20, seed=1)
    np.testing.assert_allclose(reps, np.broadcast_to(star, reps.shape), atol=1e-12)


# --- null_test -------------------------------------------------------------------------------


def test_null_test_by_hand():
    # null 0..4, observed 3: mean 2, sd sqrt(2.5); 2 of 5 values >= 3 -> (2 + 1) / 6 = 0.5;
    # 4 of 5 <= 3 -> 5/6; two-sided 2 * min = 1.0
    null = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    greater = nulls.null_test(3.0, null, alternative="greater")
    assert greater["null_mean"] == 2.0 and greater["null_sd"] == pytest.approx(math.sqrt(2.5))
    assert greater["z"] == pytest.approx(1 / math.sqrt(2.5))
    assert greater["p_value"] == pytest.approx(0.5)
    assert nulls.null_test(3.0, null, alternative="less")["p_value"] == pytest.approx(5 / 6)
    assert nulls.null_test(3.0, null)["p_value"] == 1.0
    assert nulls.null_test(9.0, null, alternative="greater")["p_value"] == pytest.approx(1 / 6)
    with_nan = nulls.null_test(3.0, np.append(null, np.nan), alternative="greater")
    assert with_nan["n_replicates"] == 5 and with_nan["p_value"] == pytest.approx(0.5)


def test_null_test_degenerate_gives_nan_and_a_note():
    out = nulls.null_test(0.4, np.full(50, 0.4) + 1e-13)
    assert math.isnan(out["z"]) and math.isnan(out["p_value"])
    assert "degenerate" in out["note"]
    assert out["null_mean"] == pytest.approx(0.4)


# --- run_nulls -------------------------------------------------------------------------------


def test_star_beats_gnm_null_and_degree_null_is_degenerate():
    # A star on 15 nodes has 14 edges; in G(15, 14) the hub's expected degree is 28/15 < 2,
    # so star-likeness 1 and spoke density 0 are never matched: p = 1 / (R + 1).
    out = nulls.run_nulls(
        {2000: _star(15)},
        0,
        metrics=HUB_METRICS,
        n_replicates=199,
        seed=1,
        preserve="density",
        alternatives=ALTERNATIVES,
    )
    assert out["metric"].tolist() == ["spoke_density", "star_likeness"]
    np.testing.assert_allclose(out["p_value"], 1 / 200)
    assert out.set_index("metric").loc["star_likeness", "z"] > 5
    degree = nulls.run_nulls(
        {2000: _star(15)}, 0, metrics=HUB_METRICS, n_replicates=50, seed=1, preserve="degree"
    )
    assert degree["p_value"].isna().all() and degree["note"].str.contains("degenerate").all()


def test_star_inside_a_random_graph_beats_gnm_null():
    A = _er(15, 0.1, 5)
    A[0, 1:] = A[1:, 0] = 1
    out = nulls.run_nulls(
        {2000: A},
        0,
        metrics=HUB_METRICS,
        n_replicates=199,
        seed=2,
        preserve="density",
        alternatives=ALTERNATIVES,
    )
    assert (out["p_value"] < 0.01).all()


def test_random_graphs_are_not_significant():
    # 200 G(15, 0.3) graphs against the G(n, m) null, which is exact for them (given m a
    # G(n, p) graph is uniform), so P(p <= a) <= a; ties make the test conservative. Bands:
    # a + 3 binomial sd at 200 (sd 0.015 at a = 0.05, 0.021 at 0.1).
    p = np.array(
        [
            nulls.run_nulls(
                {2000: _er(15, 0.3, 1000 + s)},
                0,
                metrics=HUB_METRICS,
                n_replicates=99,
                seed=s,
                preserve="density",
                alternatives=ALTERNATIVES,
            )["p_value"].to_numpy()
            for s in range(200)
        ]
    )
    np.testing.assert_array_equal(p[:, 0], p[:, 1])  # both are functions of the hub's degree
    assert (p[:, 0] <= 0.05).mean() <= 0.05 + 3 * 0.015
    assert (p[:, 0] <= 0.10).mean() <= 0.10 + 3 * 0.021
    assert (p[:, 0] <= 0.5).mean() > 0.25  # not piled up at 1 either
    degree = nulls.run_nulls(
        {2000: _er(15, 0.3, 9)}, 0, metrics=HUB_METRICS, n_replicates=50, seed=1, preserve="degree"
    )
    assert degree["note"].str.contains("degenerate").all()


def test_hub_share_is_degenerate_under_the_strength_null():
    W = _weighted(10, 11)
    metrics = {"hub_share": hubness.hub_share, "star_likeness": hubness.star_likeness}
    out = nulls.run_nulls(
        {1995: W, 1994: W}, 0, metrics=metrics, n_replicates=100, seed=3, preserve="strength"
    ).set_index(["year", "metric"])
    assert out.index.tolist() == [
        (1994, "hub_share"),
        (1994, "star_likeness"),
        (1995, "hub_share"),
        (1995, "star_likeness"),
    ]
    assert math.isnan(out.loc[(1994, "hub_share"), "p_value"])
    assert out.loc[(1994, "hub_share"), "null_mean"] == pytest.approx(hubness.hub_share(W, 0))
    assert not math.isnan(out.loc[(1994, "star_likeness"), "p_value"])
    # the two years use different seeds, so their null draws differ
    assert (
        out.loc[(1994, "star_likeness"), "null_mean"]
        != out.loc[(1995, "star_likeness"), "null_mean"]
    )


def test_run_nulls_is_deterministic():
    graphs = {2001: _er(12, 0.3, 1), 2000: _er(12, 0.4, 2)}
    runs = [
        nulls.run_nulls(graphs, 0, metrics=HUB_METRICS, n_replicates=30, seed=s, preserve="density")
        for s in (5, 5, 6)
    ]
    assert runs[0].columns.tolist() == nulls.NULL_COLUMNS
    assert runs[0]["year"].tolist() == [2000, 2000, 2001, 2001]
    assert runs[0].equals(runs[1])
    assert not runs[0]["null_mean"].equals(runs[2]["null_mean"])


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (np.array([[0, 1], [0, 0]]), "symmetric"),
        (np.array([[1, 1], [1, 0]]), "self-loops"),
        (np.array([[0, np.nan], [np.nan, 0]]), "missing"),
        (np.array([[0, -1.0], [-1.0, 0]]), "negative"),
        (np.array([[0, 2], [2, 0]]), "binary"),
    ],
)
def test_bad_adjacency_is_a_value_error(matrix, message):
    with pytest.raises(ValueError, match=message):
        nulls.density_preserving_replicates(matrix, 2, seed=1)


def test_weight_permutation_keeps_the_weights_and_moves_them():
    # a weighted star on 5 nodes: the hub holds all 4 ties (weights 1, 2, 3, 4)
    W = np.zeros((5, 5))
    W[0, 1:] = W[1:, 0] = [1.0, 2.0, 3.0, 4.0]
    reps = nulls.weight_permuting_replicates(W, 400, seed=3)
    assert reps.shape == (400, 5, 5)
    iu = np.triu_indices(5, 1)
    # every replicate holds the same multiset of the 10 pair weights (six zeros)
    assert (np.sort(reps[:, iu[0], iu[1]], axis=1) == np.sort(W[iu])).all()
    assert (reps == reps.transpose(0, 2, 1)).all()
    assert (np.diagonal(reps, axis1=1, axis2=2) == 0).all()
    # the hub share is 1 observed; at random, each of the 4 hub pairs out of 10 holds a given
    # weight with probability 4/10, so the mean hub share is 0.4
    share = reps[:, 0, :].sum(axis=1) / W[iu].sum()
    assert abs(share.mean() - 0.4) < 0.05
    again = nulls.weight_permuting_replicates(W, 400, seed=3)
    assert (again == reps).all()


def test_yearly_null_p_values_are_one_sided_in_the_hub_and_spoke_direction():
    # the opposite of a star: the hub (node 0) has one tie, the spokes are all tied. Against
    # G(n, m) star-likeness is far below chance and spoke density far above, so one-sided
    # p-values in the hub-and-spoke direction are near 1; two-sided ones would be near 0
    from itertools import combinations

    import pandas as pd

    from hubspoke.measures import yearly
    from hubspoke.settings import Measures

    states = [f"S{i}" for i in range(8)]
    pairs = [(a, b) for a, b in combinations(states[1:], 2)] + [("S0", "S1")]
    edges = pd.DataFrame(
        {"layer": "treaty", "source": [a for a, _ in pairs], "target": [b for _, b in pairs],
         "weight": 1.0}
    )  # fmt: skip
    A = np.zeros((8, 8))
    for a, b in pairs:
        A[states.index(a), states.index(b)] = A[states.index(b), states.index(a)] = 1.0
    settings = Measures.from_params(
        {"states": states, "hub": "S0", "layers": ["treaty"], "binarisation": {},
         "partitions": [], "brokerage_ties": "either", "null_replicates": 199, "null_seed": 5,
         "null_binary": "density", "null_weighted": "weights", "min_observed_share": 0.9,
         "require_hub_pairs": True}
    )  # fmt: skip
    measured = {"treaty": (1.0, None)}  # (observed share, no note)
    out = yearly._nulls_frame(edges, states, 0, 2000, {"treaty": A}, settings, measured)
    out = out.set_index(["variant", "metric"])
    binary = out.loc["binary", "p_value"]
    assert binary["star_likeness"] > 0.9
    assert binary["spoke_density"] > 0.9
    assert binary["degree_centralization"] > 0.6  # the max degree is a spoke's; 0.85 measured


# --- the fitness null ------------------------------------------------------------------------


def test_fitness_probabilities_by_hand():
    # equal sizes: every pair has the same probability, m / pairs (3 nodes, 1 tie: 1/3, z = 1/2)
    P = nulls.fitness_probabilities(np.ones(3), 1)
    np.testing.assert_allclose(P[np.triu_indices(3, 1)], [1 / 3] * 3)
    assert np.all(np.diagonal(P) == 0) and np.array_equal(P, P.T)
    # sizes 1, 2, 4 with z = 1/2: p = (z s_i s_j) / (1 + z s_i s_j) = 1/2, 2/3, 4/5; their
    # sum, 59/30 expected ties, is what z = 1/2 solves for
    P = nulls.fitness_probabilities(np.array([1.0, 2.0, 4.0]), 59 / 30)
    np.testing.assert_allclose(P[np.triu_indices(3, 1)], [1 / 2, 2 / 3, 4 / 5], rtol=1e-9)
    # a node of size 0 has no ties; as many ties as possible pairs: every possible pair tied
    P = nulls.fitness_probabilities(np.array([0.0, 1.0, 2.0, 3.0]), 3)
    assert np.all(P[0] == 0) and np.allclose(P[1:, 1:] + np.eye(3), 1)
    assert np.all(nulls.fitness_probabilities(np.arange(1.0, 5.0), 0) == 0)


def test_fitness_odds_follow_size_and_the_tie_count_is_kept_on_average():
    sizes = np.random.default_rng(3).lognormal(0, 1.5, 15)
    P = nulls.fitness_probabilities(sizes, 40)
    rows, cols = np.triu_indices(15, 1)
    assert P[rows, cols].sum() == pytest.approx(40, rel=1e-9)
    odds = P[rows, cols] / (1 - P[rows, cols]) / (sizes[rows] * sizes[cols])
    np.testing.assert_allclose(odds, odds[0], rtol=1e-9)  # the same z for every pair


@pytest.mark.parametrize(
    ("sizes", "n_edges", "message"),
    [
        ([1.0, np.nan, 2.0], 1, "finite and non-negative"),
        ([1.0, -1.0, 2.0], 1, "finite and non-negative"),
        ([0.0, 0.0, 2.0], 1, "more ties .1. than pairs"),
    ],
)
def test_bad_fitness_sizes_are_value_errors(sizes, n_edges, message):
    with pytest.raises(ValueError, match=message):
        nulls.fitness_probabilities(np.array(sizes), n_edges)


def test_fitness_replicates_sample_the_model():
    sizes = np.array([1.0, 2.0, 3.0, 4.0, 8.0])
    A = _er(5, 0.5, 4)
    stack = nulls.fitness_replicates(A, 20000, 7, sizes=sizes)
    assert stack.dtype == A.dtype and stack.shape == (20000, 5, 5)
    assert np.array_equal(stack, stack.transpose(0, 2, 1))
    assert not stack[:, range(5), range(5)].any()
    P = nulls.fitness_probabilities(sizes, int(np.triu(A, 1).sum()))
    se = np.sqrt(P * (1 - P) / 20000) + 1e-12
    assert np.all(np.abs(stack.mean(axis=0) - P) <= 4 * se)
    again = nulls.fitness_replicates(A, 20000, 7, sizes=sizes)
    assert np.array_equal(stack, again)  # the seed decides


def _fitness_p(A, sizes, seed):
    return nulls.run_nulls(
        {2000: A},
        0,
        metrics={"star_likeness": hubness.star_likeness},
        n_replicates=199,
        seed=seed,
        preserve="fitness",
        alternatives={"star_likeness": "greater"},
        sizes_by_year={2000: sizes},
    )["p_value"].item()


def test_fitness_null_calibration_and_power():
    # 200 graphs drawn from the fitness model itself (15 nodes, the hub the largest): the
    # one-sided p-value of star-likeness is not small more often than its level (measured on
    # 400 other draws, other sizes: 5.5% at 0.05, 8.8% at 0.10; the tie count varies from draw
    # to draw while the null keeps it on average); a hub tied to every other node beyond what
    # its size predicts (a planted star) is detected
    rng = np.random.default_rng(11)
    sizes = np.sort(rng.lognormal(0, 1, 15))[::-1]
    P = nulls.fitness_probabilities(sizes, 30)
    rows, cols = np.triu_indices(15, 1)
    p_null, p_star = [], []
    for s in range(200):
        A = np.zeros((15, 15), dtype=bool)
        ties = rng.random(rows.size) < P[rows, cols]
        A[rows[ties], cols[ties]] = A[cols[ties], rows[ties]] = True
        p_null.append(_fitness_p(A, sizes, s))
        star = A.copy()
        star[0, 1:] = star[1:, 0] = True
        star[rows[ties & (rows > 0)], cols[ties & (rows > 0)]] = False  # the spokes' ties gone
        star[cols[ties & (rows > 0)], rows[ties & (rows > 0)]] = False
        p_star.append(_fitness_p(star, sizes, s))
    p_null, p_star = np.array(p_null), np.array(p_star)
    assert (p_null <= 0.05).mean() <= 0.05 + 3 * 0.015
    assert (p_null <= 0.5).mean() > 0.25
    assert (p_star <= 0.05).mean() > 0.9


def test_unknown_null_model_or_alternative_is_a_value_error():
    star = np.zeros((4, 4))
    star[0, 1:] = star[1:, 0] = 1
    from hubspoke.measures.hubness import hub_share

    run = dict(metrics={"hub_share": hub_share}, n_replicates=5, seed=1, preserve="weights")
    with pytest.raises(ValueError, match=r"preserve must be one of .* got .colour."):
        nulls.run_nulls({2000: star}, 0, **{**run, "preserve": "colour"})
    with pytest.raises(ValueError, match=r"alternative must be one of .* got .up."):
        nulls.run_nulls({2000: star}, 0, alternatives={"hub_share": "up"}, **run)
