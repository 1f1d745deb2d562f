"""Period summaries and break tests for yearly metric series and dyadic trade panels.

The breaks (config key ``breaks``, e.g. ``[2010, 2015]`` for the Customs Union and the EAEU)
cut the observed years into periods: before the first break, between breaks, and from the last
break on. A period is labelled ``"{start}-{end}"`` with the first and last year of the series
that falls into it (``1992-2009``, ``2010-2014``, ``2015-2020``).

Three tests, one table layout (:data:`TEST_COLUMNS`):

``permutation``
    Difference of period means for each pair of adjacent periods and for the last against the
    first period, two-sided. Two schemes:

    ``circular`` (the default, config key ``tests.permutation_scheme``) keeps the serial
    dependence of the years by shifting the pooled series circularly against the fixed period
    labels; all ``n`` shifts are enumerated, so the p-value is ``count / n`` and can never
    fall below ``1 / n`` (``min_p``): a contrast of 5 against 6 years cannot reach 0.05. Its
    measured size under AR(1) noise (rho = 0.5, 29 years) is 6-8%. ``se`` is the standard
    deviation of the difference over the shifts and the interval ``estimate +- 1.96 se``:
    over 1000 series without a break it covered 0 in 93-98% of them (white noise and AR(1)
    with rho = 0.5, the three contrasts), where the iid bootstrap covered 89% and 65-67%
    (``tests/test_stats.py``).

    ``iid`` exchanges years freely, p-value ``(count + 1) / (n_perm + 1)`` (Phipson & Smyth
    2010, Stat. Appl. Genet. Mol. Biol. 9:39), ``min_p = 1 / (n_perm + 1)``; the interval is
    a seeded percentile bootstrap that resamples years within each period and ``se`` its
    standard deviation. Exchanging years is valid for independent years only: with AR(1)
    noise (rho = 0.5) the nominal 5% test rejects 19-22% of the time (2000 simulations;
    ``tests/test_stats.py`` checks it), and the bootstrap interval is too narrow.

``min_p`` is the smallest p-value the test can attain (0 for the parametric tests); a test whose
``min_p`` is not below the significance level cannot reject whatever the data.

``segmented``
    Interrupted time series (segmented regression) by OLS,
    ``y_t = b0 + b1 t + sum_k [d_k 1(t >= b_k) + g_k (t - b_k) 1(t >= b_k)] + e_t``,
    terms ``trend`` (b1), ``level_<break>`` (d_k, the jump at the break) and ``slope_<break>``
    (g_k, the change of slope). Standard errors are Newey-West (HAC, Bartlett kernel) with the
    ``n / (n - k)`` small-sample correction, and p-values and intervals use Student's t with
    ``n - k`` degrees of freedom. Caveat: with ~29 yearly observations HAC tests over-reject
    (Kiefer, Vogelsang & Bunzel 2000, Econometrica 68:695); the measured size is in
    ``tests/test_stats.py``. Years with a missing value are dropped; the HAC kernel then treats
    the remaining years as consecutive.

``did``, ``did_event``, ``did_pretrend``
    The difference in differences of the spokes' trade (:mod:`hubspoke.inference.gravity`).

``placebo`` and ``sup_f``
    Is the break specific to its year? :func:`mean_shift_scan` computes, for every candidate
    year ``c`` of a trimmed window (at least ``ceil(0.15 n)`` non-missing years either side),
    the F statistic of a single shift of the mean at ``c`` (``y_t = a + d 1(t >= c) + e_t``).
    ``placebo``, term ``break_<b>``: ``estimate`` the F at the configured break, ``p_value``
    its placebo p-value ``rank / K`` (``rank`` = 1 + the candidate years other than ``b``
    whose F is at least as large, ``K`` candidates, so ``min_p = 1 / K``); ``note`` names the
    rank and the window. ``sup_f``, term ``sup_F``: the largest F over the window (Andrews
    1993, Econometrica 61:821) with the year it is attained in ``note``, and its p-value by
    Monte Carlo under independent normal errors for the same years (``(count + 1) / (R +
    1)``); Andrews' asymptotic 5% critical value for one shifted parameter and 15% trimming is
    8.68 (Table 1; ``tests/test_stats.py`` reproduces it by simulation). Under AR(1) noise
    (rho = 0.5, 29 years) the sup-F test rejects far more often than 5%: see the test.

Missing values are excluded and never filled; a series (or contrast) with too few observations
gets NaN results and a ``note`` saying why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.signal
import scipy.stats
import statsmodels.api as sm

from hubspoke.errors import InputError
from hubspoke.inference.breaks import check_breaks, period_bounds
from hubspoke.seeds import series_seed

SERIES_KEY = ["layer", "metric", "variant", "threshold"]
PERIOD_COLUMNS = ["period", "start_year", "end_year", "mean", "sd", "n_years"]
TEST_COLUMNS = [
    "test", "term", "estimate", "se", "ci_low", "ci_high", "p_value", "min_p", "n_obs", "note",
]  # fmt: skip
SCHEMES = ("iid", "circular")
DEFAULT_SCHEME = "circular"
MIN_YEARS_PER_PERIOD = 2
CONFIDENCE = 0.95
_TIE_RTOL = 1e-12
_EXACT_FIT_RTOL = 1e-9


# --- periods -------------------------------------------------------------------------------


def _series_arrays(series: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Years and values of one series in year order."""
    missing = {"year", "value"} - set(series.columns)
    if missing:
        raise InputError("series", f"missing columns {sorted(missing)}")
    ordered = series.sort_values("year", kind="stable")
    years = ordered["year"].to_numpy(dtype=np.int64)
    duplicated = years[1:][np.diff(years) == 0]
    if duplicated.size:
        raise InputError(
            "series", "a year appears twice in one series", column="year", value=int(duplicated[0])
        )
    return years, ordered["value"].to_numpy(dtype=np.float64)


def period_summary(series: pd.DataFrame, breaks: Sequence[int]) -> pd.DataFrame:
    """Mean, sample sd and number of non-missing years per period.

    ``series`` has columns ``year, value``. Periods are cut from all its years; years with a
    missing value still shape the labels but are excluded from ``mean``, ``sd`` and ``n_years``.
    """
    years, values = _series_arrays(series)
    index, bounds = period_bounds(years, breaks)
    summary = (
        pd.DataFrame({"k": index, "value": values})
        .groupby("k")["value"]
        .agg(mean="mean", sd="std", n_years="count")
        .reset_index(drop=True)
    )
    out = pd.concat([bounds, summary], axis=1)
    out["n_years"] = out["n_years"].astype(np.int64)
    return out[PERIOD_COLUMNS]


# --- permutation test ----------------------------------------------------------------------


def _contrasts(n_periods: int) -> list[tuple[int, int]]:
    """(earlier, later) period pairs: adjacent ones, then last vs first if not adjacent."""
    pairs = [(k, k + 1) for k in range(n_periods - 1)]
    if n_periods > 2:
        pairs.append((0, n_periods - 1))
    return pairs


def _mean_differences(values: np.ndarray, n_early: int) -> np.ndarray:
    """Mean of the later minus the earlier group, row by row of a (P, n) array."""
    return values[:, n_early:].mean(axis=1) - values[:, :n_early].mean(axis=1)


def _permutation_null(
    early: np.ndarray, late: np.ndarray, *, n_perm: int, rng: np.random.Generator, scheme: str
) -> tuple[float, np.ndarray]:
    """The two-sided p-value and the null distribution of the difference of means."""
    pooled = np.concatenate([early, late])
    n = pooled.size
    observed = late.mean() - early.mean()
    if scheme == "iid":
        order = np.argsort(rng.random((n_perm, n)), axis=1)
    else:
        order = (np.arange(n)[None, :] + np.arange(n)[:, None]) % n
    null = _mean_differences(pooled[order], early.size)
    tol = _TIE_RTOL * max(1.0, float(np.abs(pooled).max()))
    count = int(np.count_nonzero(np.abs(null) >= abs(observed) - tol))
    if scheme == "iid":
        return (count + 1) / (n_perm + 1), null
    return count / n, null  # the identity shift is row 0 and already counted


def _smallest_p(n_years: int, *, n_perm: int, scheme: str) -> float:
    return 1 / (n_perm + 1) if scheme == "iid" else 1 / n_years


def _shift_interval(observed: float, null: np.ndarray) -> tuple[float, float, float]:
    """``se`` = sd of the differences over all circular shifts, normal interval around the
    estimate. The shifts keep the serial dependence, so this sd reflects it; it also holds any
    real effect, which widens it (conservative)."""
    se = float(null.std())
    if not se > 0:  # a constant series: no variation to build an interval from
        return math.nan, math.nan, math.nan
    half = scipy.stats.norm.ppf(0.5 + CONFIDENCE / 2) * se
    return se, observed - half, observed + half


def _bootstrap(
    early: np.ndarray, late: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> tuple[float, float, float]:
    """Bootstrap sd and percentile interval of the difference of means (years resampled
    with replacement within each period)."""
    draws_early = early[rng.integers(0, early.size, size=(n_boot, early.size))].mean(axis=1)
    draws_late = late[rng.integers(0, late.size, size=(n_boot, late.size))].mean(axis=1)
    diff = draws_late - draws_early
    alpha = (1 - CONFIDENCE) / 2
    low, high = np.quantile(diff, [alpha, 1 - alpha])
    return float(diff.std(ddof=1)), float(low), float(high)


def _test_row(test: str, term: str, n_obs: int, note: str | None = None, **values: float) -> dict:
    row = dict.fromkeys(TEST_COLUMNS, math.nan)
    row.update(test=test, term=term, n_obs=n_obs, note=note, **values)
    return row


def _test_frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=TEST_COLUMNS)
    out["n_obs"] = out["n_obs"].astype(np.int64)
    out["note"] = out["note"].astype("string")
    return out


def permutation_test(
    series: pd.DataFrame,
    breaks: Sequence[int],
    *,
    n_perm: int,
    seed: int | np.random.SeedSequence,
    scheme: str = DEFAULT_SCHEME,
) -> pd.DataFrame:
    """Permutation tests of the difference of period means (see the module docstring).

    One row per contrast, term ``"<later> vs <earlier>"``; ``estimate`` = later mean minus
    earlier mean; ``scheme`` is ``"circular"`` (all circular shifts, HAC interval; ``n_perm``
    is not used) or ``"iid"`` (random relabelling, ``n_perm`` draws, bootstrap interval from
    ``n_perm`` resamples). Deterministic for a given ``seed``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown permutation scheme {scheme!r}, expected one of {SCHEMES}")
    if n_perm < 2:
        raise ValueError(f"n_perm must be at least 2, got {n_perm}")
    years, values = _series_arrays(series)
    index, bounds = period_bounds(years, breaks)
    present = ~np.isnan(values)
    groups = [values[present & (index == k)] for k in range(len(bounds))]
    rng = np.random.default_rng(seed)
    rows = []
    for early_k, late_k in _contrasts(len(bounds)):
        early, late = groups[early_k], groups[late_k]
        term = f"{bounds['period'].iat[late_k]} vs {bounds['period'].iat[early_k]}"
        n_obs = early.size + late.size
        if min(early.size, late.size) < MIN_YEARS_PER_PERIOD:
            note = f"fewer than {MIN_YEARS_PER_PERIOD} non-missing years in a period"
            rows.append(_test_row("permutation", term, n_obs, note))
            continue
        p_value, null = _permutation_null(early, late, n_perm=n_perm, rng=rng, scheme=scheme)
        if scheme == "iid":
            se, low, high = _bootstrap(early, late, n_boot=n_perm, rng=rng)
        else:
            se, low, high = _shift_interval(late.mean() - early.mean(), null)
        rows.append(
            _test_row(
                "permutation",
                term,
                n_obs,
                estimate=late.mean() - early.mean(),
                se=se,
                ci_low=low,
                ci_high=high,
                p_value=p_value,
                min_p=_smallest_p(n_obs, n_perm=n_perm, scheme=scheme),
            )
        )
    return _test_frame(rows)


# --- segmented regression ------------------------------------------------------------------


def newey_west_lags(n_obs: int) -> int:
    """Newey & West (1994, Rev. Econ. Stud. 61:631) rule ``floor(4 (T / 100) ** (2 / 9))``."""
    return math.floor(4 * (n_obs / 100) ** (2 / 9))


def _segmented_design(
    years: np.ndarray, cuts: np.ndarray, origin: int
) -> tuple[np.ndarray, list[str]]:
    """Columns const, trend (years since ``origin``), then level and slope per break."""
    after = years[:, None] >= cuts[None, :]
    level = after.astype(np.float64)
    slope = (years[:, None] - cuts[None, :]) * level
    columns = [np.ones(years.size), (years - origin).astype(np.float64)]
    names = ["const", "trend"]
    for k, cut in enumerate(cuts):
        columns += [level[:, k], slope[:, k]]
        names += [f"level_{cut}", f"slope_{cut}"]
    return np.column_stack(columns), names


def _hac_variance(X: np.ndarray, residuals: np.ndarray, maxlags: int) -> np.ndarray:
    """Newey-West variances of the coefficients, Bartlett kernel, ``n / (n - k)`` correction,
    for many residual vectors at once: ``residuals`` (n, B) -> (k, B). Equals the diagonal of
    statsmodels' ``cov_type="HAC", use_correction=True`` column by column."""
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    scores = X[:, :, None] * residuals[:, None, :]
    meat = np.einsum("tib,tjb->ijb", scores, scores)
    for lag in range(1, maxlags + 1):
        cross = np.einsum("tib,tjb->ijb", scores[lag:], scores[:-lag])
        meat += (1 - lag / (maxlags + 1)) * (cross + cross.transpose(1, 0, 2))
    variance = np.einsum("ik,klb,il->ib", bread, meat, bread, optimize=True)
    return variance * n / (n - k)


def _exactly_fit(X: np.ndarray, residuals: np.ndarray, scale: float) -> np.ndarray:
    """(k, B) mask: coefficient ``j`` is estimated only from years whose residuals are zero.

    In the segmented design each coefficient is a function of one or two segments only (the
    trend of the first; a level or slope change of the segments either side of its break).
    When those segments are fit exactly (a constant stretch, say zero brokerage before 2010)
    the coefficient's variance is zero in exact arithmetic and round-off makes it a tiny
    number of either sign, so its t statistic is meaningless rather than infinite.
    """
    influence = np.abs(np.linalg.pinv(X))  # (k, n): weight of each year in each estimate
    support = influence > _EXACT_FIT_RTOL * influence.max(axis=1, keepdims=True)
    size = np.where(support[:, :, None], np.abs(residuals)[None, :, :], 0.0).max(axis=1)
    return size <= _EXACT_FIT_RTOL * scale


def _hac_se(X: np.ndarray, residuals: np.ndarray, maxlags: int, scale: float) -> np.ndarray:
    """Newey-West standard errors (k, B); NaN where :func:`_exactly_fit` or where the
    variance rounds to zero or below."""
    variance = _hac_variance(X, residuals, maxlags)
    testable = ~_exactly_fit(X, residuals, scale) & (variance > 0)
    return np.sqrt(np.where(testable, variance, np.nan))


def _ar1_bootstrap_t(
    X: np.ndarray,
    params: np.ndarray,
    residuals: np.ndarray,
    *,
    maxlags: int,
    n_boot: int,
    rng: np.random.Generator,
    scale: float,
) -> np.ndarray:
    """Bootstrap draws of the HAC t statistics ``(b* - b) / se*`` (k, n_boot); NaN for a draw
    whose noise leaves a coefficient without residual variation (see :func:`_hac_se`).

    Residuals are modelled as AR(1) (the sieve bootstrap of Buhlmann 1997, Bernoulli 3:123,
    with one lag): centred innovations are resampled with replacement and filtered through the
    fitted AR(1), after a burn-in so the draws start from the stationary distribution.
    """
    lagged, current = residuals[:-1], residuals[1:]
    rho = float(np.clip(current @ lagged / (lagged @ lagged), -0.99, 0.99))
    innovations = current - rho * lagged
    innovations -= innovations.mean()
    burn_in = 50
    draws = innovations[rng.integers(0, innovations.size, size=(X.shape[0] + burn_in, n_boot))]
    noise = scipy.signal.lfilter([1.0], [1.0, -rho], draws, axis=0)[burn_in:]
    Y = (X @ params)[:, None] + noise
    solution = np.linalg.pinv(X) @ Y  # X has full column rank (checked by the caller)
    se = _hac_se(X, Y - X @ solution, maxlags, scale)
    return (solution - params[:, None]) / se


def segmented_regression(
    series: pd.DataFrame,
    breaks: Sequence[int],
    *,
    maxlags: int | None = None,
    n_boot: int = 0,
    seed: int | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Interrupted-time-series OLS with Newey-West standard errors (see the module docstring).

    ``maxlags`` defaults to :func:`newey_west_lags` of the number of non-missing years.
    Rows: ``trend``, then ``level_<b>``, ``slope_<b>`` for each break ``b``.

    With ``n_boot = 0`` p-values and intervals come from the HAC t statistic and Student's t
    (statsmodels ``OLS.fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True},
    use_t=True)``). Small-sample caveat: for 29 years, breaks at 2010 and 2015 and L = 3, the
    nominal 5% tests reject 15-38% of white-noise series and 26-51% of AR(1) series with
    rho = 0.5 (2000 simulations; the short post-break segments are high-leverage observations
    whose residuals HAC underestimates). With ``n_boot > 0`` (and a ``seed``) the same HAC t
    statistic is referred to an AR(1) sieve bootstrap-t distribution instead (p-value
    ``(count + 1) / (n_boot + 1)``, percentile-t interval), which brings the measured size to
    7-8% for white noise and 6-12% for AR(1) noise; ``se`` stays the HAC standard error.
    """
    cuts = check_breaks(breaks)
    years, values = _series_arrays(series)
    period_bounds(years, cuts)
    present = ~np.isnan(values)
    X, names = _segmented_design(years[present], cuts, origin=int(years[0]))
    values = values[present]
    n_obs = values.size
    if n_obs == 0 or np.linalg.matrix_rank(X) < X.shape[1] or n_obs - X.shape[1] < 2:
        note = "too few non-missing years to identify every level and slope"
        return _test_frame([_test_row("segmented", term, n_obs, note) for term in names[1:]])
    lags = newey_west_lags(n_obs) if maxlags is None else maxlags
    fit = sm.OLS(values, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    scale = float(np.abs(values).max())
    if np.abs(fit.resid).max() <= _EXACT_FIT_RTOL * scale:
        note = "the model fits the series exactly: no residual variation to test against"
        return _test_frame(
            [
                _test_row("segmented", names[j], n_obs, note, estimate=fit.params[j])
                for j in range(1, len(names))
            ]
        )
    se = _hac_se(X, fit.resid[:, None], lags, scale)[:, 0]
    t_value = fit.params / se
    p_values = 2 * scipy.stats.t.sf(np.abs(t_value), fit.df_resid)
    half_width = scipy.stats.t.ppf(0.5 + CONFIDENCE / 2, fit.df_resid) * se
    ci = np.column_stack([fit.params - half_width, fit.params + half_width])
    min_p = np.zeros(len(names))
    if n_boot > 0:
        if seed is None:
            raise ValueError("a seed is required for the bootstrap")
        t_star = _ar1_bootstrap_t(
            X,
            fit.params,
            fit.resid,
            maxlags=lags,
            n_boot=n_boot,
            rng=np.random.default_rng(seed),
            scale=scale,
        )
        valid = np.isfinite(t_star).sum(axis=1)
        usable = np.isfinite(se) & (valid > 0)
        exceed = np.abs(t_star) >= np.abs(t_value)[:, None] * (1 - _TIE_RTOL)
        p_values = np.where(usable, (exceed.sum(axis=1) + 1) / (valid + 1), np.nan)
        min_p = 1 / (valid + 1)
        alpha = (1 - CONFIDENCE) / 2
        quantiles = np.full((2, len(names)), np.nan)
        quantiles[:, usable] = np.nanquantile(t_star[usable], [1 - alpha, alpha], axis=1)
        ci = (fit.params - quantiles * se).T
    exact_note = "the years this term is estimated from are fit exactly: no residual variation"
    rows = [
        _test_row(
            "segmented",
            names[j],
            n_obs,
            None if np.isfinite(p_values[j]) else exact_note,
            estimate=fit.params[j],
            se=se[j],
            ci_low=ci[j, 0],
            ci_high=ci[j, 1],
            p_value=p_values[j],
            min_p=min_p[j],
        )
        for j in range(1, len(names))
    ]
    return _test_frame(rows)


# --- placebo breaks and the sup-F break search ---------------------------------------------

TRIM = 0.15
ANDREWS_5PCT = 8.68  # Andrews (1993) Table 1: sup-F, one shifted parameter, 15% trimming


def _shift_f(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """F of a mean shift before row position ``first`` for each row of ``values`` (B, n) and
    each split in ``first`` (K,): (B, K)."""
    n = values.shape[1]
    centred = values - values.mean(axis=1, keepdims=True)
    before = np.cumsum(centred, axis=1)[:, first - 1]  # sums of the first `first` years
    between = before**2 * n / (first * (n - first))
    within = (centred**2).sum(axis=1, keepdims=True) - between
    with np.errstate(divide="ignore", invalid="ignore"):
        return between / (within / (n - 2))


def mean_shift_scan(series: pd.DataFrame, *, trim: float = TRIM) -> pd.DataFrame:
    """``year, f_stat``: the F of a single mean shift at each candidate year (module docstring).

    Empty when fewer than two candidate years remain after trimming.
    """
    years, values = _series_arrays(series)
    present = ~np.isnan(values)
    years, values = years[present], values[present]
    k = max(math.ceil(trim * values.size), 1)
    first = np.arange(k, values.size - k + 1)
    if first.size < 2:
        return pd.DataFrame({"year": np.empty(0, np.int64), "f_stat": np.empty(0)})
    return pd.DataFrame({"year": years[first], "f_stat": _shift_f(values[None, :], first)[0]})


def placebo_tests(
    series: pd.DataFrame,
    breaks: Sequence[int],
    *,
    n_sim: int,
    seed: int | np.random.SeedSequence,
    trim: float = TRIM,
) -> pd.DataFrame:
    """``placebo`` rows (one per break) and the ``sup_f`` row (module docstring)."""
    scan = mean_shift_scan(series, trim=trim)
    n_obs = int(series["value"].notna().sum())
    terms = [f"break_{b}" for b in breaks]
    f = scan["f_stat"].to_numpy()
    if scan.empty or not np.isfinite(f).all():
        note = "too few non-missing years, or a constant series: no mean shift to test"
        rows = [_test_row("placebo", t, n_obs, note) for t in terms]
        return _test_frame([*rows, _test_row("sup_f", "sup_F", n_obs, note)])
    window = f"{scan['year'].iat[0]}-{scan['year'].iat[-1]}"
    rows = []
    for brk, term in zip(breaks, terms, strict=True):
        at = np.flatnonzero(scan["year"].to_numpy() == brk)
        if at.size == 0:
            note = f"the break is outside the trimmed window {window}"
            rows.append(_test_row("placebo", term, n_obs, note))
            continue
        own = f[at[0]]
        rank = 1 + int(np.count_nonzero(np.delete(f, at[0]) >= own * (1 - _TIE_RTOL)))
        note = f"rank {rank} of {f.size} candidate years {window}"
        rows.append(
            _test_row(
                "placebo", term, n_obs, note, estimate=own, p_value=rank / f.size,
                min_p=1 / f.size,
            )
        )  # fmt: skip
    sup = float(f.max())
    rng = np.random.default_rng(seed)
    k = max(math.ceil(trim * n_obs), 1)
    null = _shift_f(rng.standard_normal((n_sim, n_obs)), np.arange(k, n_obs - k + 1)).max(axis=1)
    date = int(scan["year"].iat[int(f.argmax())])
    verdict = "exceeds" if sup > ANDREWS_5PCT else "does not exceed"
    note = f"largest at {date}; {verdict} Andrews' asymptotic 5% critical value {ANDREWS_5PCT}"
    rows.append(
        _test_row(
            "sup_f", "sup_F", n_obs, note, estimate=sup,
            p_value=(np.count_nonzero(null >= sup) + 1) / (n_sim + 1), min_p=1 / (n_sim + 1),
        )
    )  # fmt: skip
    return _test_frame(rows)


# --- all series ----------------------------------------------------------------------------


def run_period_tests(
    metrics: pd.DataFrame,
    breaks: Sequence[int],
    *,
    n_perm: int,
    seed: int,
    maxlags: int | None = None,
    scheme: str = DEFAULT_SCHEME,
    segmented_p: str = "ar_bootstrap",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Period summaries and tests for every series of a long metrics table.

    ``metrics`` has columns ``layer, metric, variant, threshold, year, value``; one series is
    one (layer, metric, variant, threshold), ``threshold`` may be missing (weighted variants).
    Every series is laid on all years of the table (a year absent from a series is missing),
    so all series share the same period labels. Returns ``(periods, tests)`` with the series
    key in front of :data:`PERIOD_COLUMNS` / :data:`TEST_COLUMNS`, sorted by key (missing
    threshold last), then period or test order. ``segmented_p`` is ``"ar_bootstrap"``
    (``n_perm`` bootstrap draws, see :func:`segmented_regression`) or ``"hac"``. Each series
    uses its own :func:`series_seed`, so a series' results do not depend on the other series.
    """
    if segmented_p not in ("ar_bootstrap", "hac"):
        raise ValueError(f"segmented_p must be 'ar_bootstrap' or 'hac', got {segmented_p!r}")
    missing = set([*SERIES_KEY, "year", "value"]) - set(metrics.columns)
    if missing:
        raise InputError("metrics", f"missing columns {sorted(missing)}")
    duplicated = metrics.duplicated([*SERIES_KEY, "year"])
    if duplicated.any():
        first = metrics.loc[duplicated].iloc[0]
        raise InputError(
            "metrics",
            "a series has two values for one year",
            column="year",
            value=tuple(first[[*SERIES_KEY, "year"]]),
        )
    all_years = np.sort(metrics["year"].unique()).astype(np.int64)
    period_bounds(all_years, breaks)
    periods, tests = [], []
    for key, group in metrics.groupby(SERIES_KEY, dropna=False, sort=True):
        series = (
            group.set_index("year")["value"]
            .astype(np.float64)
            .reindex(all_years)
            .rename_axis("year")
            .reset_index()
        )
        rng_seed = series_seed(seed, key)
        perm_seed, boot_seed, sup_seed = rng_seed.spawn(3)
        n_boot = n_perm if segmented_p == "ar_bootstrap" else 0
        parts = [
            permutation_test(series, breaks, n_perm=n_perm, seed=perm_seed, scheme=scheme),
            segmented_regression(series, breaks, maxlags=maxlags, n_boot=n_boot, seed=boot_seed),
            placebo_tests(series, breaks, n_sim=n_perm, seed=sup_seed),
        ]
        labels = dict(zip(SERIES_KEY, key, strict=True))
        periods.append(period_summary(series, breaks).assign(**labels))
        tests.append(pd.concat(parts, ignore_index=True).assign(**labels))
    period_table = pd.concat(periods, ignore_index=True)[SERIES_KEY + PERIOD_COLUMNS]
    test_table = pd.concat(tests, ignore_index=True)[SERIES_KEY + TEST_COLUMNS]
    return period_table, test_table
