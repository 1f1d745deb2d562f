"""PPML with fixed effects on arrays (hubspoke.inference.ppml) against pyfixest's fepois and
statsmodels' Poisson GLM, on simulated gravity panels."""

from itertools import permutations

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm

from hubspoke.inference import ppml

TIGHT = {"tol": 1e-12, "maxiter": 100, "fixef_tol": 1e-12}


def panel(seed, *, n=6, years=8, zeros=0.0):
    """Directed flows among n states: exporter-year, importer-year and pair effects, two
    regressors (a 0/1 treatment and a continuous one) and a share of reported zeros."""
    rng = np.random.default_rng(seed)
    rows = [(i, j, y) for i, j in permutations(range(n), 2) for y in range(years)]
    df = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    df["pair"] = df["exporter"] * n + df["importer"]
    df["ey"] = df["exporter"] * years + df["year"]
    df["iy"] = df["importer"] * years + df["year"]
    df["treat"] = ((df["exporter"] < 2) & (df["importer"] < 2) & (df["year"] >= 4)).astype(float)
    df["x"] = rng.normal(size=len(df))
    effects = sum(rng.normal(0, 0.5, df[c].max() + 1)[df[c]] for c in ("ey", "iy", "pair"))
    mu = np.exp(2 + effects + 0.3 * df["treat"] - 0.2 * df["x"])
    df["value"] = rng.poisson(mu * 5) / 5 * (rng.random(len(df)) >= zeros)
    return df


def ours(df, regressors, **options):
    flows = ppml.design(df["value"], df[["ey", "iy", "pair"]].to_numpy())
    return ppml.fit(flows, df[regressors], **options)[0]


def fepois(df, regressors, **options):
    fit = pf.fepois(f"value ~ {' + '.join(regressors)} | ey + iy + pair", data=df, **options)
    return fit.coef()[regressors].to_numpy()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_estimates_equal_fepois_with_its_default_and_tight_tolerances(seed):
    df = panel(seed, zeros=0.1)
    assert ours(df, ["treat", "x"]) == pytest.approx(fepois(df, ["treat", "x"]), abs=1e-7)
    tight = fepois(
        df, ["treat", "x"], iwls_tol=1e-12, iwls_maxiter=100,
        demeaner=pf.MapDemeaner(fixef_tol=1e-12),
    )  # fmt: skip
    assert ours(df, ["treat", "x"], **TIGHT) == pytest.approx(tight, abs=1e-10)


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_estimates_equal_a_poisson_glm_with_dummies():
    df = panel(4, n=5, years=5)
    dummies = pd.get_dummies(df[["ey", "iy", "pair"]].astype(str), drop_first=True, dtype=float)
    X = sm.add_constant(pd.concat([df[["treat", "x"]], dummies], axis=1))
    glm = sm.GLM(df["value"], X, family=sm.families.Poisson()).fit(method="newton", tol=1e-12)
    assert ours(df, ["treat", "x"], **TIGHT) == pytest.approx(glm.params[["treat", "x"]], abs=1e-8)


def test_a_start_from_other_fitted_values_reaches_the_same_optimum():
    df = panel(5, zeros=0.1)
    flows = ppml.design(df["value"], df[["ey", "iy", "pair"]].to_numpy())
    _, fitted = ppml.fit(flows, df[["x"]])
    cold = ppml.fit(flows, df[["treat", "x"]], **TIGHT)[0]
    warm = ppml.fit(flows, df[["treat", "x"]], start=fitted, **TIGHT)[0]
    assert warm == pytest.approx(cold, abs=1e-10)


# fepois says what it drops
@pytest.mark.filterwarnings(
    "ignore:1 singleton fixed effect",
    "ignore:2 observations removed because of separation",
    "ignore:invalid value encountered in sqrt",
)
def test_flows_alone_in_a_group_or_in_a_group_of_zeros_are_dropped_until_none_is():
    df = panel(6, n=4, years=3)
    # exporter 0's flows of year 0 are all zero: their exporter-year effect is minus infinity
    df.loc[(df["exporter"] == 0) & (df["year"] == 0), "value"] = 0.0
    # a flow alone in its pair
    df = df[~((df["pair"] == 1) & (df["year"] > 0))]
    flows = ppml.design(df["value"], df[["ey", "iy", "pair"]].to_numpy())
    kept = df.iloc[flows.rows]
    assert not ((kept["exporter"] == 0) & (kept["year"] == 0)).any()
    assert not (kept["pair"] == 1).any()
    for codes in flows.fe.T:  # every group left has two flows or more, one of them positive
        assert np.bincount(codes).min() >= 2
        assert np.bincount(codes, weights=flows.y).min() > 0
    # the estimates are those of fepois, which drops such flows too
    assert ours(df, ["x"]) == pytest.approx(fepois(df, ["x"]), abs=1e-7)


def test_a_regressor_collinear_with_the_fixed_effects_is_not_identified():
    df = panel(7)
    df["always"] = (df["exporter"] < 2).astype(float) * (df["importer"] < 2)  # a pair effect
    assert ours(df, ["x", "always"]) is None
    assert ours(df, ["treat", "x"]) is not None


def test_too_few_iterations_say_so():
    with pytest.raises(ppml.NotConverged, match="did not settle in 1 iterations"):
        ours(panel(8), ["treat"], maxiter=1)
