"""Period summaries, permutation and segmented-regression tests, DiD, run_period_tests."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.signal
import statsmodels.api as sm

from hubspoke.errors import InputError, SettingError
from hubspoke.inference import stats
from hubspoke.inference.breaks import period_labels

YEARS = np.arange(1992, 2021)
BREAKS = [2010, 2015]


def _series(values, years=YEARS) -> pd.DataFrame:
    return pd.DataFrame({"year": years, "value": np.asarray(values, dtype=float)})


def _noise(n_series: int, rho: float, seed: int) -> np.ndarray:
    """(n_series, 29) AR(1) series with unit innovations, started from the stationary law."""
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((n_series, YEARS.size + 100))
    return scipy.signal.lfilter([1.0], [1.0, -rho], shocks, axis=1)[:, 100:]


# --- periods -------------------------------------------------------------------------------


def test_period_labels_use_observed_years():
    labels = period_labels(YEARS, BREAKS)
    assert labels[0] == "1992-2009" and labels[17] == "1992-2009"
    assert labels[18] == "2010-2014" and labels[22] == "2010-2014"
    assert labels[23] == "2015-2020" and labels[-1] == "2015-2020"
    # gaps and order: the labels name the first and last year present in each period
    years = [2016, 1995, 2011, 1993, 2013]
    assert period_labels(years, BREAKS).tolist() == [
        "2016-2016", "1993-1995", "2011-2013", "1993-1995", "2011-2013",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("years", "breaks"),
    [(range(2012, 2021), BREAKS), (range(1992, 2010), BREAKS), (YEARS, [2010, 2010])],
)
def test_period_labels_empty_or_bad_period_names_breaks(years, breaks):
    with pytest.raises(SettingError) as err:
        period_labels(list(years), breaks)
    assert err.value.setting == "breaks"  # the runner names its configuration key


def test_period_summary_by_hand():
    # values 1..29 (value = year - 1991). Periods hold 1..18, 19..23, 24..29; the sample sd of
    # k consecutive integers is sqrt(k (k + 1) / 12): 18 -> sqrt(28.5), 5 -> sqrt(2.5),
    # 6 -> sqrt(3.5). With 2000 (value 9) missing the first mean is (171 - 9) / 17.
    values = (YEARS - 1991).astype(float)
    out = stats.period_summary(_series(values), BREAKS)
    assert out.columns.tolist() == stats.PERIOD_COLUMNS
    assert out["period"].tolist() == ["1992-2009", "2010-2014", "2015-2020"]
    assert out["start_year"].tolist() == [1992, 2010, 2015]
    assert out["end_year"].tolist() == [2009, 2014, 2020]
    np.testing.assert_allclose(out["mean"], [9.5, 21.0, 26.5])
    np.testing.assert_allclose(out["sd"], np.sqrt([28.5, 2.5, 3.5]))
    assert out["n_years"].tolist() == [18, 5, 6]

    values[YEARS == 2000] = np.nan
    out = stats.period_summary(_series(values), BREAKS)
    assert out["period"].iat[0] == "1992-2009"  # the missing year still belongs to the period
    assert out["n_years"].iat[0] == 17
    assert out["mean"].iat[0] == pytest.approx(162 / 17)


def test_duplicate_year_is_an_input_error():
    series = _series([1.0, 2.0, 3.0], years=[2009, 2009, 2010])
    with pytest.raises(InputError, match="twice"):
        stats.period_summary(series, [2010])


# --- permutation test ----------------------------------------------------------------------


def test_permutation_p_value_against_exact_enumeration():
    # early = [0, 0], late = [1, 1]: of the C(4, 2) = 6 label assignments, two give
    # |difference| = 1 (the observed one and its mirror), the others 0, so the exact p is 1/3.
    # The Monte Carlo estimate (count + 1) / (n_perm + 1) with n_perm = 20000 has sd 0.0033.
    series = _series([0.0, 0.0, 1.0, 1.0], years=[2008, 2009, 2010, 2011])
    out = stats.permutation_test(series, [2010], n_perm=20_000, seed=1, scheme="iid")
    assert out["term"].tolist() == ["2010-2011 vs 2008-2009"]
    assert out["estimate"].iat[0] == 1.0
    assert out["p_value"].iat[0] == pytest.approx(1 / 3, abs=0.015)
    # circular shifts of [0, 0, 1, 1] give differences 1, 0, -1, 0: p = 2 / 4 exactly
    circular = stats.permutation_test(series, [2010], n_perm=99, seed=1, scheme="circular")
    assert circular["p_value"].iat[0] == 0.5


def test_permutation_finds_a_level_break_and_covers_it():
    rng = np.random.default_rng(11)
    values = rng.standard_normal(YEARS.size) + 3.0 * (YEARS >= 2010)
    out = stats.permutation_test(_series(values), BREAKS, n_perm=999, seed=2, scheme="iid")
    assert out["term"].tolist() == [
        "2010-2014 vs 1992-2009", "2015-2020 vs 2010-2014", "2015-2020 vs 1992-2009",
    ]  # fmt: skip
    first = out.set_index("term").loc["2010-2014 vs 1992-2009"]
    assert first["p_value"] < 0.05
    assert first["ci_low"] < 3.0 < first["ci_high"]
    assert first["n_obs"] == 23
    last = out.set_index("term").loc["2015-2020 vs 1992-2009"]
    assert last["p_value"] < 0.05
    assert out["p_value"].min() >= 1 / 1000  # (0 + 1) / (999 + 1)


def test_circular_is_the_default_with_smallest_p_and_hac_interval():
    # a known effect of 3 on white noise: significant in the 18-vs-5 contrast; the 5-vs-6
    # contrast has 11 circular shifts, so its p-value cannot fall below 1/11 whatever the data
    rng = np.random.default_rng(11)
    values = rng.standard_normal(YEARS.size) + 3.0 * (YEARS >= 2010)
    out = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=2).set_index("term")
    assert out["min_p"].to_dict() == {
        "2010-2014 vs 1992-2009": 1 / 23,
        "2015-2020 vs 2010-2014": 1 / 11,
        "2015-2020 vs 1992-2009": 1 / 24,
    }
    first = out.loc["2010-2014 vs 1992-2009"]
    assert first["p_value"] == 1 / 23  # only the identity shift is as extreme
    # se: the sd of the 23 shifted differences; interval estimate +- 1.96 se
    pooled = values[:23]
    shifted = [np.roll(pooled, -k) for k in range(23)]
    diffs = np.array([v[18:].mean() - v[:18].mean() for v in shifted])
    assert first["se"] == pytest.approx(diffs.std())
    assert first["ci_high"] - first["estimate"] == pytest.approx(1.959964 * diffs.std())
    assert first["ci_low"] < 3.0 < first["ci_high"]
    iid = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=2, scheme="iid")
    assert (iid["min_p"] == 1 / 100).all()


def test_circular_interval_coverage_under_ar1():
    # 300 AR(1) series (rho = 0.5) without a break, 18-vs-5 contrast: of 1000 other series
    # the shift interval covered 0 in 95.5%, the iid bootstrap (which ignores the dependence)
    # in 65.4%. Bands: about +-4 binomial sd at 300.
    def covers(values, scheme):
        out = stats.permutation_test(_series(values), BREAKS, n_perm=199, seed=1, scheme=scheme)
        row = out.iloc[0]
        return row["ci_low"] <= 0 <= row["ci_high"]

    noise = _noise(300, 0.5, 31)
    shift = np.mean([covers(v, "circular") for v in noise])
    boot = np.mean([covers(v, "iid") for v in noise])
    assert shift >= 0.93, shift
    assert 0.53 <= boot <= 0.75, boot


def test_permutation_is_seeded():
    values = _noise(1, 0.0, 5)[0]
    a = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=3, scheme="iid")
    b = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=3, scheme="iid")
    c = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=4, scheme="iid")
    pd.testing.assert_frame_equal(a, b)
    assert not a["ci_low"].equals(c["ci_low"])


def test_permutation_short_period_gives_nan_with_note():
    values = np.arange(YEARS.size, dtype=float)
    values[(YEARS >= 2010) & (YEARS < 2014)] = np.nan  # one year left in 2010-2014
    out = stats.permutation_test(_series(values), BREAKS, n_perm=99, seed=1).set_index("term")
    assert math.isnan(out.loc["2010-2014 vs 1992-2009", "p_value"])
    assert "fewer than 2" in out.loc["2010-2014 vs 1992-2009", "note"]
    assert out.loc["2015-2020 vs 1992-2009", "p_value"] < 0.05


def _rejection_rate(values: np.ndarray, test) -> pd.Series:
    rejected = [test(_series(v)).set_index("term")["p_value"] < 0.05 for v in values]
    return pd.concat(rejected, axis=1).mean(axis=1)


def test_permutation_size_white_noise_and_ar1():
    # 400 series without a break; bands are the rates of 2000 simulations (other seeds) +-4
    # binomial sd at 400. White noise: relabelling years is exact, 2000 simulations gave
    # 0.042-0.051, band 0.05 +- 0.044. AR(1), rho = 0.5: years are not exchangeable and the
    # test over-rejects, 0.19-0.22 (sd 0.02 at 400). The circular scheme gave 0.061 and 0.075,
    # and 0 for the 5-vs-6-year contrast, which cannot reject (p >= 1/11).
    def permutation(series):
        return stats.permutation_test(series, BREAKS, n_perm=199, seed=9, scheme="iid")

    white = _rejection_rate(_noise(400, 0.0, 21), permutation)
    assert white.between(0.006, 0.094).all(), white
    ar1 = _rejection_rate(_noise(400, 0.5, 22), permutation)
    assert ar1.between(0.11, 0.30).all(), ar1

    def circular(series):
        return stats.permutation_test(series, BREAKS, n_perm=99, seed=9, scheme="circular")

    shifted = _rejection_rate(_noise(400, 0.5, 22), circular)
    assert shifted["2015-2020 vs 2010-2014"] == 0.0
    assert shifted.drop("2015-2020 vs 2010-2014").between(0.01, 0.13).all(), shifted


# --- placebo breaks and sup-F ---------------------------------------------------------------


def test_mean_shift_scan_matches_statsmodels_f_test():
    values = _noise(1, 0.0, 41)[0] + 0.8 * (YEARS >= 2006)
    values[3] = np.nan  # a missing year is dropped, not filled
    scan = stats.mean_shift_scan(_series(values))
    present = ~np.isnan(values)
    y, years = values[present], YEARS[present]
    # 28 years, trimming ceil(0.15 * 28) = 5 either side: 24 - 5 + 1 = 19 candidates
    assert scan["year"].tolist() == years[5:24].tolist()
    for year, f_stat in scan.itertuples(index=False):
        shift = sm.add_constant((years >= year).astype(float))
        full = sm.OLS(y, shift).fit()
        restricted = sm.OLS(y, np.ones_like(y)).fit()
        assert f_stat == pytest.approx(full.compare_f_test(restricted)[0], rel=1e-9)


def test_sup_f_reproduces_andrews_critical_value():
    # Andrews (1993) Table 1, one parameter, 15% trimming: 5% critical value 8.68. The 95%
    # quantile of sup-F over 2000 white-noise series of 400 points: 8.64 in a 3000-draw run
    rng = np.random.default_rng(5)
    n = 400
    first = np.arange(60, n - 60 + 1)
    sup = stats._shift_f(rng.standard_normal((2000, n)), first).max(axis=1)
    assert np.quantile(sup, 0.95) == pytest.approx(stats.ANDREWS_5PCT, abs=0.6)


def _placebo(values):
    return stats.placebo_tests(_series(values), BREAKS, n_sim=199, seed=1).set_index("term")


def test_sup_f_and_placebo_size_and_power():
    # 200 series each; measured on 300 (other seeds): sup-F Monte Carlo p < .05 in 4.0% of
    # white-noise series, 35% of AR(1) series with rho = 0.5 (independent-error critical values
    # do not hold for autocorrelated years); with a shift of 2 sd at 2010, 99% (white) and 92%
    # (AR(1)); 2010 ranked first among the 20 candidate years in 5.7% (no shift, the 1/20 of
    # chance) and 68% (shift) of white-noise series. Bands: about +-4 binomial sd at 200.
    def rates(rho, shift, seed):
        out = [_placebo(v + shift * (YEARS >= 2010)) for v in _noise(200, rho, seed)]
        sup = np.mean([o.loc["sup_F", "p_value"] < 0.05 for o in out])
        first = np.mean([o.loc["break_2010", "p_value"] == 1 / 20 for o in out])
        return sup, first

    sup, first = rates(0.0, 0.0, 51)
    assert sup <= 0.11 and first <= 0.12
    sup, _ = rates(0.5, 0.0, 52)
    assert 0.2 <= sup <= 0.5
    sup, first = rates(0.0, 2.0, 53)
    assert sup >= 0.95 and 0.5 <= first <= 0.85


def test_placebo_rank_of_a_real_and_of_a_trend_break():
    step = np.where(YEARS >= 2010, 1.0, 0.0) + 0.01 * _noise(1, 0.0, 61)[0]
    out = _placebo(step)
    assert out.loc["break_2010", "p_value"] == out.loc["break_2010", "min_p"] == 1 / 20
    assert out.loc["break_2010", "note"] == "rank 1 of 20 candidate years 1997-2016"
    assert "largest at 2010; exceeds" in out.loc["sup_F", "note"]
    # a straight line: every year "shifts" the mean, the middle years the most, so 2010 is
    # matched by most placebo years and is not specific to the break
    trend = _placebo(YEARS.astype(float))
    rank = round(trend.loc["break_2010", "p_value"] * 20)
    assert rank > 3
    constant = _placebo(np.ones(YEARS.size))
    assert constant["p_value"].isna().all() and constant["note"].str.contains("constant").all()


# --- segmented regression ------------------------------------------------------------------


def test_newey_west_lag_rule():
    # floor(4 * 0.29 ** (2/9)) = floor(3.04) = 3; floor(4 * 1) = 4
    assert stats.newey_west_lags(29) == 3
    assert stats.newey_west_lags(100) == 4


def test_segmented_recovers_known_coefficients():
    # y = 1 + 0.5 t + 2 [t >= 2010] - 0.3 (t - 2010)[..] - 1 [t >= 2015] + 0.2 (t - 2015)[..]
    # plus small noise; OLS returns the coefficients up to the noise.
    t = YEARS - 1992
    truth = {"trend": 0.5, "level_2010": 2.0, "slope_2010": -0.3,
             "level_2015": -1.0, "slope_2015": 0.2}  # fmt: skip
    y = (1 + 0.5 * t + 2 * (YEARS >= 2010) - 0.3 * (YEARS - 2010) * (YEARS >= 2010)
         - 1 * (YEARS >= 2015) + 0.2 * (YEARS - 2015) * (YEARS >= 2015))  # fmt: skip
    y = y + 0.01 * np.random.default_rng(0).standard_normal(YEARS.size)
    out = stats.segmented_regression(_series(y), BREAKS).set_index("term")
    assert out.index.tolist() == list(truth)
    np.testing.assert_allclose(out["estimate"], list(truth.values()), atol=0.03)
    assert (out["n_obs"] == 29).all()
    assert (out["ci_low"] < out["estimate"]).all() and (out["estimate"] < out["ci_high"]).all()


def test_segmented_matches_statsmodels_and_vectorised_hac():
    y = _noise(1, 0.3, 4)[0] + 2.0 * (YEARS >= 2010)
    X, _ = stats._segmented_design(YEARS, np.array(BREAKS), origin=1992)
    reference = sm.OLS(y, X).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True
    )
    out = stats.segmented_regression(_series(y), BREAKS)
    np.testing.assert_allclose(out["estimate"], reference.params[1:])
    np.testing.assert_allclose(out["se"], reference.bse[1:])
    np.testing.assert_allclose(out["p_value"], reference.pvalues[1:])
    # the bootstrap's batched Newey-West equals statsmodels column by column
    variance = stats._hac_variance(X, reference.resid[:, None], 3)[:, 0]
    np.testing.assert_allclose(np.sqrt(variance), reference.bse)


def test_segmented_finds_a_level_break():
    rng = np.random.default_rng(12)
    y = rng.standard_normal(YEARS.size) + 3.0 * (YEARS >= 2010)
    hac = stats.segmented_regression(_series(y), BREAKS).set_index("term")
    boot = stats.segmented_regression(_series(y), BREAKS, n_boot=999, seed=1).set_index("term")
    for out in (hac, boot):
        assert out.loc["level_2010", "p_value"] < 0.05
        assert out.loc["level_2010", "ci_low"] < 3.0 < out.loc["level_2010", "ci_high"]
    pd.testing.assert_series_equal(hac["se"], boot["se"])


def test_segmented_size_hac_and_bootstrap():
    # 300 series without a break; bands are the per-term rates of 2000 simulations (other
    # seeds) +-4 binomial sd at 300. HAC with Student t over-rejects at nominal 0.05: 0.15-0.38
    # for white noise, 0.26-0.51 for AR(1) with rho 0.5. The AR(1) sieve bootstrap-t gave
    # 0.072-0.078 and 0.06-0.12.
    white, ar1 = _noise(300, 0.0, 31), _noise(300, 0.5, 32)

    def hac(series):
        return stats.segmented_regression(series, BREAKS)

    hac_white = _rejection_rate(white, hac)
    assert hac_white.between(0.06, 0.49).all() and hac_white.mean() > 0.2, hac_white
    hac_ar1 = _rejection_rate(ar1, hac)
    assert hac_ar1.between(0.16, 0.63).all(), hac_ar1

    def boot(series):
        return stats.segmented_regression(series, BREAKS, n_boot=199, seed=5)

    boot_white = _rejection_rate(white, boot)
    assert boot_white.between(0.01, 0.14).all(), boot_white
    boot_ar1 = _rejection_rate(ar1, boot)
    assert (boot_ar1 <= 0.19).all(), boot_ar1


def test_segmented_too_few_years_gives_nan_with_note():
    values = np.full(YEARS.size, np.nan)
    values[:20] = np.arange(20.0)  # nothing after 2011
    out = stats.segmented_regression(_series(values), BREAKS)
    assert out["p_value"].isna().all() and out["estimate"].isna().all()
    assert out["note"].str.contains("too few").all()
    assert (out["n_obs"] == 20).all()


def test_segmented_exact_fit_gives_estimates_without_inference():
    # y = 0.5 * year is a pure trend: slope 0.5, no level or slope change, zero residuals
    out = stats.segmented_regression(_series(0.5 * YEARS), BREAKS).set_index("term")
    np.testing.assert_allclose(out["estimate"], [0.5, 0, 0, 0, 0], atol=1e-9)
    assert out["p_value"].isna().all() and out["se"].isna().all()
    assert out["note"].str.contains("exactly").all()
    constant = stats.segmented_regression(_series(np.zeros(YEARS.size)), BREAKS, n_boot=9, seed=1)
    assert constant["p_value"].isna().all()


@pytest.mark.parametrize("n_boot", [0, 199])
def test_segmented_exactly_fit_segment_gives_null_with_note(n_boot):
    # zero before 2010 (as the hub's brokerage in a layer without ties), noise after: the trend
    # is estimated from the zero segment alone, so its variance is zero in exact arithmetic and
    # round-off used to give sqrt of a negative number (a RuntimeWarning and a NaN without a
    # note) or of a tiny positive one (an absurdly small p-value)
    values = np.where(YEARS >= 2010, 5 + _noise(3, 0.0, 1)[0], 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = stats.segmented_regression(_series(values), BREAKS, n_boot=n_boot, seed=2)
    out = out.set_index("term")
    assert np.isnan(out.loc["trend", ["se", "p_value", "ci_low", "ci_high"]].astype(float)).all()
    assert "fit exactly" in out.loc["trend", "note"]
    np.testing.assert_allclose(out.loc["trend", "estimate"], 0, atol=1e-9)
    rest = out.drop(index="trend")
    assert rest["p_value"].notna().all() and rest["note"].isna().all()


# --- all series ----------------------------------------------------------------------------


def _metrics_table() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    frames = []
    for layer, metric, variant, threshold in [
        ("trade", "hub_share", "weighted", np.nan),
        ("trade", "hub_share", "binary", 0.5),
        ("alliance", "star_likeness", "binary", 0.0),
    ]:
        values = rng.standard_normal(YEARS.size) + 2.0 * (YEARS >= 2010)
        frames.append(
            pd.DataFrame(
                {
                    "layer": layer,
                    "metric": metric,
                    "variant": variant,
                    "threshold": threshold,
                    "year": YEARS,
                    "value": values,
                }
            )
        )
    short = frames[-1].iloc[:15].assign(metric="spoke_density")  # 1992-2006 only
    return pd.concat([*frames, short], ignore_index=True)


def test_run_period_tests_layout_order_and_determinism():
    metrics = _metrics_table()
    periods, tests = stats.run_period_tests(metrics, BREAKS, n_perm=99, seed=7)
    assert periods.columns.tolist() == stats.SERIES_KEY + stats.PERIOD_COLUMNS
    assert tests.columns.tolist() == stats.SERIES_KEY + stats.TEST_COLUMNS
    keys = periods[["layer", "metric", "variant"]].drop_duplicates().apply(tuple, axis=1).tolist()
    assert keys == [
        ("alliance", "spoke_density", "binary"),
        ("alliance", "star_likeness", "binary"),
        ("trade", "hub_share", "binary"),
        ("trade", "hub_share", "weighted"),
    ]
    assert (periods["period"].iloc[:3] == ["1992-2009", "2010-2014", "2015-2020"]).all()
    # 3 permutation contrasts + 5 segmented terms + 2 placebo breaks + sup-F per series
    assert tests.groupby(["layer", "metric", "variant"]).size().eq(11).all()
    # the short series is laid on all years: its later periods are empty -> NaN with a note
    short = tests[tests["metric"] == "spoke_density"]
    assert short["note"].notna().all()
    # ... except the sup-F search, which scans the years the series has
    assert short.loc[short["test"] != "sup_f", "p_value"].isna().all()
    assert short.loc[short["test"] == "sup_f", "p_value"].notna().all()
    again = stats.run_period_tests(metrics.sample(frac=1, random_state=1), BREAKS, n_perm=99,
                                   seed=7)  # fmt: skip
    pd.testing.assert_frame_equal(periods, again[0])
    pd.testing.assert_frame_equal(tests, again[1])
    # a series' result does not depend on the other series in the table
    alone = stats.run_period_tests(metrics[metrics["layer"] == "trade"], BREAKS, n_perm=99, seed=7)
    pd.testing.assert_frame_equal(alone[1], tests[tests["layer"] == "trade"].reset_index(drop=True))


def _varied_metrics() -> pd.DataFrame:
    """Series in the shapes real metrics take, each under several patterns of missing years:
    noise, integer counts (ties), zero before 2010 (an exactly fit stretch), an exact step (the
    mean-shift F of a perfect fit), constants, an exact trend, all missing; complete, with gaps,
    one year left in 2010-2014, nothing after 2006 (rows absent), nothing before 2000."""
    rng = np.random.default_rng(17)
    after = YEARS >= 2010
    shapes = {
        "white": rng.standard_normal(YEARS.size),
        "ar1": _noise(1, 0.5, 3)[0] + 1.5 * after,
        "counts": rng.poisson(3.0 * after + 0.5).astype(float),
        "zero_then_noise": np.where(after, 5 + rng.standard_normal(YEARS.size), 0.0),
        "step": np.where(after, 0.7, 0.1),
        "constant": np.full(YEARS.size, 0.1),
        "trend": 0.5 * YEARS,
        "all_missing": np.full(YEARS.size, np.nan),
    }
    missing = {
        "complete": np.zeros(YEARS.size, dtype=bool),
        "gaps": np.isin(YEARS, [1995, 2003, 2012, 2018]),
        "short_middle": (YEARS >= 2010) & (YEARS <= 2013),
        "early_only": YEARS >= 2007,
        "late_start": YEARS < 2000,
    }
    frames = []
    for i, (shape, values) in enumerate(shapes.items()):
        for j, (layer, gone) in enumerate(missing.items()):
            frame = pd.DataFrame(
                {"layer": layer, "metric": shape, "variant": "binary",
                 "threshold": np.nan if (i + j) % 3 == 0 else float(j), "year": YEARS,
                 "value": np.where(gone, np.nan, values)}
            )  # fmt: skip
            frames.append(frame[~gone] if layer == "early_only" else frame)
    # more complete noise series than one batch holds
    for k in range(7):
        frames.append(frames[0].assign(metric=f"white_{k}", value=rng.standard_normal(YEARS.size)))
    return pd.concat(frames, ignore_index=True)


def _period_tests_series_by_series(metrics, breaks, *, n_perm, seed, scheme, segmented_p):
    """What run_period_tests computes, from the per-series functions one series at a time."""
    all_years = np.sort(metrics["year"].unique())
    n_boot = n_perm if segmented_p == "ar_bootstrap" else 0
    periods, tests = [], []
    for key, group in metrics.groupby(stats.SERIES_KEY, dropna=False, sort=True):
        series = group.set_index("year")["value"].reindex(all_years).rename_axis("year")
        series = series.reset_index()
        perm_seed, boot_seed, sup_seed = stats.series_seed(seed, key).spawn(3)
        parts = [
            stats.permutation_test(series, breaks, n_perm=n_perm, seed=perm_seed, scheme=scheme),
            stats.segmented_regression(series, breaks, n_boot=n_boot, seed=boot_seed),
            stats.placebo_tests(series, breaks, n_sim=n_perm, seed=sup_seed),
        ]
        labels = dict(zip(stats.SERIES_KEY, key, strict=True))
        periods.append(stats.period_summary(series, breaks).assign(**labels))
        tests.append(pd.concat(parts, ignore_index=True).assign(**labels))
    return (
        pd.concat(periods, ignore_index=True)[stats.SERIES_KEY + stats.PERIOD_COLUMNS],
        pd.concat(tests, ignore_index=True)[stats.SERIES_KEY + stats.TEST_COLUMNS],
    )


@pytest.mark.parametrize("scheme", stats.SCHEMES)
@pytest.mark.parametrize("segmented_p", ["ar_bootstrap", "hac"])
def test_run_period_tests_equals_the_per_series_functions(monkeypatch, scheme, segmented_p):
    # the batched run (series that miss the same years share one design, batches of 3 series
    # here) gives each series what the per-series functions give it with its own seeds: the
    # same rows, notes, n_obs, min_p and NaN, the numbers to round-off
    monkeypatch.setattr(stats, "_BATCH_BYTES", 3 * 8 * 99 * (29 + 50 + 4 * 29 + 4 * 6))
    metrics = _varied_metrics()
    options = {"n_perm": 99, "seed": 11, "scheme": scheme, "segmented_p": segmented_p}
    periods, tests = stats.run_period_tests(metrics, BREAKS, **options)
    want_periods, want_tests = _period_tests_series_by_series(metrics, BREAKS, **options)
    pd.testing.assert_frame_equal(periods, want_periods, check_exact=False, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(tests, want_tests, check_exact=False, rtol=1e-9, atol=1e-12)
    for column in ["estimate", "se", "ci_low", "ci_high", "p_value", "min_p"]:
        assert np.allclose(tests[column], want_tests[column], rtol=1e-9, atol=1e-12,
                           equal_nan=True), column  # fmt: skip
    pd.testing.assert_series_equal(tests["n_obs"], want_tests["n_obs"])
    pd.testing.assert_series_equal(tests["min_p"], want_tests["min_p"], rtol=1e-15)
    pd.testing.assert_series_equal(tests["note"], want_tests["note"])
    # the table holds the degenerate cases it is meant to
    notes = " | ".join(tests["note"].dropna().unique())
    for note in ["fewer than 2 non-missing years", "too few non-missing years to identify",
                 "fits the series exactly", "are fit exactly", "or a constant series",
                 "outside the trimmed window"]:  # fmt: skip
        assert note in notes, note
    assert tests.groupby(stats.SERIES_KEY, dropna=False).ngroups == 47
    assert stats._batch_size(29, 6, 99) == 3


def test_nan_quantiles_row_by_row():
    draws = np.random.default_rng(2).standard_normal((6, 50))
    draws[1, [3, 7]] = np.nan
    draws[4, :49] = np.nan
    q = [0.975, 0.025]
    np.testing.assert_array_equal(stats._quantiles(draws, q), np.nanquantile(draws, q, axis=1))


def test_series_seed_is_stable_across_processes():
    key = ("trade", "hub_share", "weighted", float("nan"))
    here = stats.series_seed(7, key).generate_state(4).tolist()
    code = (
        "from hubspoke.inference.stats import series_seed; "
        "print(series_seed(7, ('trade', 'hub_share', 'weighted', float('nan')))"
        ".generate_state(4).tolist())"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()  # fmt: skip
    assert there == str(here)
    assert (
        stats.series_seed(7, ("trade", "hub_share", "binary", 0.5)).generate_state(4).tolist()
        != here
    )


def test_bad_arguments_are_value_errors_not_config_errors():
    # the workflow validates the configuration first; a library caller gets a ValueError
    series = _series(_noise(1, 0.5, seed=1)[0])
    with pytest.raises(ValueError, match="unknown permutation scheme 'colour'"):
        stats.permutation_test(series, BREAKS, n_perm=10, seed=1, scheme="colour")
    with pytest.raises(ValueError, match="n_perm must be at least 2, got 1"):
        stats.permutation_test(series, BREAKS, n_perm=1, seed=1)
    with pytest.raises(ValueError, match="a seed is required"):
        stats.segmented_regression(series, BREAKS, n_boot=10)
    with pytest.raises(ValueError, match="segmented_p must be"):
        stats.run_period_tests(series.assign(layer="x", metric="m", variant="v", threshold=1.0),
                               BREAKS, n_perm=10, seed=1, segmented_p="exact")  # fmt: skip
