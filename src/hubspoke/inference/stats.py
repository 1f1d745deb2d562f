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
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import scipy.stats

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
_VALUE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "p_value", "min_p"]

_Seed = int | np.random.SeedSequence | None

# The tests below run on a batch of series that share their non-missing years (a (G, T) array
# of values whose rows have NaN in the same places), so one design, one set of candidate years
# and one set of contrasts serve them all; each series still draws from its own seed, in the
# same order and shapes as when it is tested alone. The public per-series functions are the
# batch of one; run_period_tests groups the series of a table into such batches.


# --- rows of the tests table ---------------------------------------------------------------


def _rows(
    test: str, terms: Sequence[str], n_series: int, n_obs: int, note: str | None = None
) -> dict[str, np.ndarray]:
    """Rows of one test for a batch of series: ``test`` and ``term`` (R,), the other columns of
    :data:`TEST_COLUMNS` (n_series, R), values NaN."""
    shape = (n_series, len(terms))
    rows = {column: np.full(shape, np.nan) for column in _VALUE_COLUMNS}
    rows["test"] = np.full(len(terms), test, dtype=object)
    rows["term"] = np.array(terms, dtype=object)
    rows["n_obs"] = np.full(shape, n_obs, dtype=np.int64)
    rows["note"] = np.full(shape, note, dtype=object)
    return rows


def _join_rows(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The rows of several tests side by side (in the order given) for the same batch."""
    return {column: np.concatenate([p[column] for p in parts], axis=-1) for column in parts[0]}


def _columns(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The masked columns of a (G, T) batch in row-major order: numpy sums the rows of a
    row-major array as it sums a single series, so a series' results do not depend on its
    batch (selecting columns by a mask returns a column-major array otherwise)."""
    return np.ascontiguousarray(values[:, mask])


def _test_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    """The table of :data:`TEST_COLUMNS`, series after series."""
    n_series = rows["n_obs"].shape[0]
    out = pd.DataFrame(
        {
            column: np.tile(rows[column], n_series)
            if rows[column].ndim == 1
            else rows[column].ravel()
            for column in TEST_COLUMNS
        }
    )
    out["note"] = out["note"].astype("string")
    return out


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


def _period_frame(values: np.ndarray, index: np.ndarray, bounds: pd.DataFrame) -> pd.DataFrame:
    """:data:`PERIOD_COLUMNS` of each row of ``values`` (G, T), series after series; years
    ``index``-ed into the periods of ``bounds``."""
    n_series, n_years = values.shape
    long = pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), n_years),
            "k": np.tile(index, n_series),
            "value": values.ravel(),
        }
    )
    summary = (
        long.groupby(["series", "k"])["value"]
        .agg(mean="mean", sd="std", n_years="count")
        .reset_index(drop=True)
    )
    out = pd.concat(
        [bounds.iloc[np.tile(np.arange(len(bounds)), n_series)].reset_index(drop=True), summary],
        axis=1,
    )
    out["n_years"] = out["n_years"].astype(np.int64)
    return out[PERIOD_COLUMNS]


def period_summary(series: pd.DataFrame, breaks: Sequence[int]) -> pd.DataFrame:
    """Mean, sample sd and number of non-missing years per period.

    ``series`` has columns ``year, value``. Periods are cut from all its years; years with a
    missing value still shape the labels but are excluded from ``mean``, ``sd`` and ``n_years``.
    """
    years, values = _series_arrays(series)
    index, bounds = period_bounds(years, breaks)
    return _period_frame(values[None, :], index, bounds)


# --- permutation test ----------------------------------------------------------------------


def _check_permutation(scheme: str, n_perm: int) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown permutation scheme {scheme!r}, expected one of {SCHEMES}")
    if n_perm < 2:
        raise ValueError(f"n_perm must be at least 2, got {n_perm}")


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
    early: np.ndarray,
    late: np.ndarray,
    *,
    n_perm: int,
    rngs: Sequence[np.random.Generator],
    scheme: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The differences of means (G,), their two-sided p-values (G,) and null distributions
    (G, P) for a batch of ``early`` (G, e) and ``late`` (G, l) groups."""
    pooled = np.concatenate([early, late], axis=1)
    n_series, n = pooled.shape
    observed = late.mean(axis=1) - early.mean(axis=1)
    if scheme == "iid":
        order = np.argsort(np.stack([rng.random((n_perm, n)) for rng in rngs]), axis=2)
    else:
        order = (np.arange(n)[None, :] + np.arange(n)[:, None]) % n
        order = np.broadcast_to(order, (n_series, n, n))
    shuffled = np.take_along_axis(pooled[:, None, :], order, axis=2)
    null = _mean_differences(shuffled.reshape(-1, n), early.shape[1]).reshape(n_series, -1)
    tol = _TIE_RTOL * np.maximum(1.0, np.abs(pooled).max(axis=1))
    count = np.count_nonzero(np.abs(null) >= (np.abs(observed) - tol)[:, None], axis=1)
    if scheme == "iid":
        return observed, (count + 1) / (n_perm + 1), null
    return observed, count / n, null  # the identity shift is row 0 and already counted


def _smallest_p(n_years: int, *, n_perm: int, scheme: str) -> float:
    return 1 / (n_perm + 1) if scheme == "iid" else 1 / n_years


def _shift_interval(
    observed: np.ndarray, null: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``se`` = sd of the differences over all circular shifts, normal interval around the
    estimate. The shifts keep the serial dependence, so this sd reflects it; it also holds any
    real effect, which widens it (conservative). NaN for a constant series: no variation to
    build an interval from."""
    se = null.std(axis=1)
    se = np.where(se > 0, se, np.nan)
    half = scipy.stats.norm.ppf(0.5 + CONFIDENCE / 2) * se
    return se, observed - half, observed + half


def _bootstrap(
    early: np.ndarray, late: np.ndarray, *, n_boot: int, rngs: Sequence[np.random.Generator]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap sd and percentile interval of the difference of means (years resampled
    with replacement within each period), (G,) each."""
    draws = [
        (
            rng.integers(0, early.shape[1], size=(n_boot, early.shape[1])),
            rng.integers(0, late.shape[1], size=(n_boot, late.shape[1])),
        )
        for rng in rngs
    ]
    means = [
        np.take_along_axis(group[:, None, :], np.stack(picks), axis=2).mean(axis=2)
        for group, picks in zip((early, late), zip(*draws, strict=True), strict=True)
    ]
    diff = means[1] - means[0]
    alpha = (1 - CONFIDENCE) / 2
    low, high = np.quantile(diff, [alpha, 1 - alpha], axis=1)
    return diff.std(ddof=1, axis=1), low, high


def _permutation_rows(
    values: np.ndarray,
    index: np.ndarray,
    periods: Sequence[str],
    *,
    n_perm: int,
    scheme: str,
    seeds: Sequence[_Seed],
) -> dict[str, np.ndarray]:
    """The ``permutation`` rows of a batch: ``values`` (G, T), years ``index``-ed into the
    ``periods``, one seed per series."""
    present = ~np.isnan(values[0])
    rngs = [np.random.default_rng(seed) for seed in seeds]
    parts = []
    for early_k, late_k in _contrasts(len(periods)):
        early = _columns(values, present & (index == early_k))
        late = _columns(values, present & (index == late_k))
        term = f"{periods[late_k]} vs {periods[early_k]}"
        n_obs = early.shape[1] + late.shape[1]
        if min(early.shape[1], late.shape[1]) < MIN_YEARS_PER_PERIOD:
            note = f"fewer than {MIN_YEARS_PER_PERIOD} non-missing years in a period"
            parts.append(_rows("permutation", [term], len(rngs), n_obs, note))
            continue
        rows = _rows("permutation", [term], len(rngs), n_obs)
        estimate, p_value, null = _permutation_null(
            early, late, n_perm=n_perm, rngs=rngs, scheme=scheme
        )
        if scheme == "iid":
            se, low, high = _bootstrap(early, late, n_boot=n_perm, rngs=rngs)
        else:
            se, low, high = _shift_interval(estimate, null)
        min_p = _smallest_p(n_obs, n_perm=n_perm, scheme=scheme)
        for column, value in zip(
            _VALUE_COLUMNS, (estimate, se, low, high, p_value, min_p), strict=True
        ):
            rows[column][:, 0] = value
        parts.append(rows)
    return _join_rows(parts)


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
    _check_permutation(scheme, n_perm)
    years, values = _series_arrays(series)
    index, bounds = period_bounds(years, breaks)
    rows = _permutation_rows(
        values[None, :],
        index,
        bounds["period"].tolist(),
        n_perm=n_perm,
        scheme=scheme,
        seeds=[seed],
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
    statsmodels' ``cov_type="HAC", use_correction=True`` column by column.

    Only the diagonal of ``bread @ meat @ bread`` is needed, and it is summed directly rather
    than through the meat, whose large entries from other segments cancel only in exact
    arithmetic: with ``a = bread @ X.T`` (each year's weight in each estimate), the variance of
    coefficient ``j`` is ``sum_lag w_lag sum_t a[j, t] a[j, t - lag] u[t] u[t - lag]`` (weight
    1 at lag 0, ``2 (1 - lag / (L + 1))`` after), a matrix product per lag for all columns.
    """
    n, k = X.shape
    a = np.linalg.inv(X.T @ X) @ X.T
    variance = (a * a) @ (residuals * residuals)
    for lag in range(1, maxlags + 1):
        weight = 2 * (1 - lag / (maxlags + 1))
        variance += (weight * a[:, lag:] * a[:, :-lag]) @ (residuals[lag:] * residuals[:-lag])
    return variance * n / (n - k)


def _exactly_fit(X: np.ndarray, residuals: np.ndarray, scale: float | np.ndarray) -> np.ndarray:
    """(k, B) mask: coefficient ``j`` is estimated only from years whose residuals are zero
    (``residuals`` (n, B), ``scale`` a number or one per column).

    In the segmented design each coefficient is a function of one or two segments only (the
    trend of the first; a level or slope change of the segments either side of its break).
    When those segments are fit exactly (a constant stretch, say zero brokerage before 2010)
    the coefficient's variance is zero in exact arithmetic and round-off makes it a tiny
    number of either sign, so its t statistic is meaningless rather than infinite.
    """
    influence = np.abs(np.linalg.pinv(X))  # (k, n): weight of each year in each estimate
    support = influence > _EXACT_FIT_RTOL * influence.max(axis=1, keepdims=True)
    size = np.abs(residuals)
    size = np.stack([size[years].max(axis=0, initial=0.0) for years in support])
    return size <= _EXACT_FIT_RTOL * scale


def _hac_se(
    X: np.ndarray, residuals: np.ndarray, maxlags: int, scale: float | np.ndarray
) -> np.ndarray:
    """Newey-West standard errors (k, B); NaN where :func:`_exactly_fit` or where the
    variance rounds to zero or below."""
    variance = _hac_variance(X, residuals, maxlags)
    testable = ~_exactly_fit(X, residuals, scale) & (variance > 0)
    return np.sqrt(np.where(testable, variance, np.nan))


_BURN_IN = 50  # AR(1) bootstrap draws discarded before a series' years


def _ar1_bootstrap_t(
    X: np.ndarray,
    params: np.ndarray,
    residuals: np.ndarray,
    *,
    maxlags: int,
    n_boot: int,
    rngs: Sequence[np.random.Generator],
    scale: np.ndarray,
) -> np.ndarray:
    """Bootstrap draws of the HAC t statistics ``(b* - b) / se*`` (k, G, n_boot) of a batch
    (``params`` (k, G), ``residuals`` (n, G), one generator and ``scale`` per series); NaN for
    a draw whose noise leaves a coefficient without residual variation (see :func:`_hac_se`).

    Residuals are modelled as AR(1) (the sieve bootstrap of Buhlmann 1997, Bernoulli 3:123,
    with one lag): centred innovations are resampled with replacement and filtered through the
    fitted AR(1), after a burn-in so the draws start from the stationary distribution.
    """
    (n, k), n_series = X.shape, residuals.shape[1]
    lagged, current = residuals[:-1], residuals[1:]
    rho = (current * lagged).sum(axis=0) / (lagged * lagged).sum(axis=0)
    rho = np.clip(rho, -0.99, 0.99)
    innovations = current - rho * lagged
    innovations -= innovations.mean(axis=0)
    own = np.ascontiguousarray(innovations.T)  # (G, n - 1)
    shape = (n + _BURN_IN, n_boot)
    noise = np.stack([own[g][rng.integers(0, n - 1, size=shape)] for g, rng in enumerate(rngs)], 1)
    for t in range(1, noise.shape[0]):  # the AR(1) filter, one rho per series
        noise[t] += rho[:, None] * noise[t - 1]
    Y = ((X @ params)[:, :, None] + noise[_BURN_IN:]).reshape(n, n_series * n_boot)
    solution = np.linalg.pinv(X) @ Y  # X has full column rank (checked by the caller)
    se = _hac_se(X, Y - X @ solution, maxlags, np.repeat(scale, n_boot))
    t_star = (solution - np.repeat(params, n_boot, axis=1)) / se
    return t_star.reshape(k, n_series, n_boot)


def _quantiles(draws: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """``np.nanquantile(draws, q, axis=1)``, with the rows without NaN in one call (nanquantile
    takes the rows one at a time)."""
    out = np.empty((len(q), draws.shape[0]))
    gaps = np.isnan(draws).any(axis=1)
    out[:, ~gaps] = np.quantile(draws[~gaps], q, axis=1)
    if gaps.any():
        out[:, gaps] = np.nanquantile(draws[gaps], q, axis=1)
    return out


def _hac_inference(
    X: np.ndarray,
    params: np.ndarray,
    residuals: np.ndarray,
    scale: np.ndarray,
    *,
    maxlags: int,
    n_boot: int,
    seeds: Sequence[_Seed],
) -> dict[str, np.ndarray]:
    """``se``, ``ci_low``, ``ci_high``, ``p_value``, ``min_p`` (k, G) of a batch of fits that
    leave residual variation (see :func:`segmented_regression`)."""
    n, k = X.shape
    se = _hac_se(X, residuals, maxlags, scale)
    t_value = params / se
    p_value = 2 * scipy.stats.t.sf(np.abs(t_value), n - k)
    half_width = scipy.stats.t.ppf(0.5 + CONFIDENCE / 2, n - k) * se
    low, high = params - half_width, params + half_width
    min_p = np.zeros_like(params)
    if n_boot > 0:
        t_star = _ar1_bootstrap_t(
            X,
            params,
            residuals,
            maxlags=maxlags,
            n_boot=n_boot,
            rngs=[np.random.default_rng(seed) for seed in seeds],
            scale=scale,
        )
        valid = np.isfinite(t_star).sum(axis=2)
        usable = np.isfinite(se) & (valid > 0)
        exceed = np.abs(t_star) >= (np.abs(t_value) * (1 - _TIE_RTOL))[:, :, None]
        p_value = np.where(usable, (exceed.sum(axis=2) + 1) / (valid + 1), np.nan)
        min_p = 1 / (valid + 1)
        alpha = (1 - CONFIDENCE) / 2
        quantiles = np.full((2, *params.shape), np.nan)
        quantiles[:, usable] = _quantiles(t_star[usable], [1 - alpha, alpha])
        low, high = params - quantiles * se
    return {"se": se, "ci_low": low, "ci_high": high, "p_value": p_value, "min_p": min_p}


def _segmented_rows(
    years: np.ndarray,
    values: np.ndarray,
    cuts: np.ndarray,
    *,
    maxlags: int | None,
    n_boot: int,
    seeds: Sequence[_Seed],
) -> dict[str, np.ndarray]:
    """The ``segmented`` rows of a batch: ``values`` (G, T) over ``years``, one seed per
    series (used with ``n_boot > 0``)."""
    present = ~np.isnan(values[0])
    X, names = _segmented_design(years[present], cuts, origin=int(years[0]))
    (n_obs, k), n_series = X.shape, values.shape[0]
    if n_obs == 0 or np.linalg.matrix_rank(X) < k or n_obs - k < 2:
        note = "too few non-missing years to identify every level and slope"
        return _rows("segmented", names[1:], n_series, n_obs, note)
    lags = newey_west_lags(n_obs) if maxlags is None else maxlags
    Y = values[:, present].T
    params = np.linalg.pinv(X) @ Y
    residuals = Y - X @ params
    scale = np.abs(Y).max(axis=0)
    exact = np.abs(residuals).max(axis=0) <= _EXACT_FIT_RTOL * scale
    note = "the model fits the series exactly: no residual variation to test against"
    rows = _rows("segmented", names[1:], n_series, n_obs, note)
    rows["estimate"][:] = params[1:].T
    fitted = np.flatnonzero(~exact)
    if fitted.size:
        inference = _hac_inference(
            X,
            params[:, fitted],
            residuals[:, fitted],
            scale[fitted],
            maxlags=lags,
            n_boot=n_boot,
            seeds=[seeds[i] for i in fitted],
        )
        for column, value in inference.items():
            rows[column][fitted] = value[1:].T
        exact_note = "the years this term is estimated from are fit exactly: no residual variation"
        rows["note"][fitted] = np.where(np.isfinite(inference["p_value"][1:].T), None, exact_note)
    return rows


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
    if n_boot > 0 and seed is None:
        raise ValueError("a seed is required for the bootstrap")
    years, values = _series_arrays(series)
    period_bounds(years, cuts)
    rows = _segmented_rows(
        years, values[None, :], cuts, maxlags=maxlags, n_boot=n_boot, seeds=[seed]
    )
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


def _candidates(n_obs: int, trim: float) -> np.ndarray:
    """Positions of the candidate shifts among ``n_obs`` years: at least ``ceil(trim n)``
    years (and one) either side."""
    k = max(math.ceil(trim * n_obs), 1)
    return np.arange(k, n_obs - k + 1)


def mean_shift_scan(series: pd.DataFrame, *, trim: float = TRIM) -> pd.DataFrame:
    """``year, f_stat``: the F of a single mean shift at each candidate year (module docstring).

    Empty when fewer than two candidate years remain after trimming.
    """
    years, values = _series_arrays(series)
    present = ~np.isnan(values)
    years, values = years[present], values[present]
    first = _candidates(values.size, trim)
    if first.size < 2:
        return pd.DataFrame({"year": np.empty(0, np.int64), "f_stat": np.empty(0)})
    return pd.DataFrame({"year": years[first], "f_stat": _shift_f(values[None, :], first)[0]})


def _placebo_rows(
    years: np.ndarray,
    values: np.ndarray,
    breaks: Sequence[int],
    *,
    n_sim: int,
    seeds: Sequence[_Seed],
    trim: float,
) -> dict[str, np.ndarray]:
    """The ``placebo`` and ``sup_f`` rows of a batch: ``values`` (G, T) over ``years``, one
    seed per series."""
    present = ~np.isnan(values[0])
    years, values = years[present], _columns(values, present)
    n_series, n_obs = values.shape
    rows = _join_rows(
        [
            _rows("placebo", [f"break_{b}" for b in breaks], n_series, n_obs),
            _rows("sup_f", ["sup_F"], n_series, n_obs),
        ]
    )
    first = _candidates(n_obs, trim)
    f = _shift_f(values, first) if first.size >= 2 else np.empty((n_series, 0))
    testable = np.flatnonzero(np.isfinite(f).all(axis=1) & (first.size >= 2))
    rows["note"][:] = "too few non-missing years, or a constant series: no mean shift to test"
    if testable.size == 0:
        return rows
    f, scan = f[testable], years[first]
    window = f"{scan[0]}-{scan[-1]}"
    for j, brk in enumerate(breaks):
        at = np.flatnonzero(scan == brk)
        if at.size == 0:
            rows["note"][testable, j] = f"the break is outside the trimmed window {window}"
            continue
        own = f[:, at[0]]
        rank = 1 + np.count_nonzero(
            np.delete(f, at[0], axis=1) >= (own * (1 - _TIE_RTOL))[:, None], axis=1
        )
        rows["estimate"][testable, j] = own
        rows["p_value"][testable, j] = rank / first.size
        rows["min_p"][testable, j] = 1 / first.size
        rows["note"][testable, j] = [
            f"rank {r} of {first.size} candidate years {window}" for r in rank
        ]
    sup = f.max(axis=1)
    normal = np.stack(
        [np.random.default_rng(seeds[i]).standard_normal((n_sim, n_obs)) for i in testable]
    )
    null = _shift_f(normal.reshape(-1, n_obs), first).max(axis=1).reshape(testable.size, n_sim)
    rows["estimate"][testable, -1] = sup
    rows["p_value"][testable, -1] = (np.count_nonzero(null >= sup[:, None], axis=1) + 1) / (
        n_sim + 1
    )
    rows["min_p"][testable, -1] = 1 / (n_sim + 1)
    rows["note"][testable, -1] = [
        f"largest at {date}; {'exceeds' if value > ANDREWS_5PCT else 'does not exceed'} "
        f"Andrews' asymptotic 5% critical value {ANDREWS_5PCT}"
        for date, value in zip(scan[f.argmax(axis=1)], sup, strict=True)
    ]
    return rows


def placebo_tests(
    series: pd.DataFrame,
    breaks: Sequence[int],
    *,
    n_sim: int,
    seed: int | np.random.SeedSequence,
    trim: float = TRIM,
) -> pd.DataFrame:
    """``placebo`` rows (one per break) and the ``sup_f`` row (module docstring)."""
    years, values = _series_arrays(series)
    rows = _placebo_rows(years, values[None, :], breaks, n_sim=n_sim, seeds=[seed], trim=trim)
    return _test_frame(rows)


# --- all series ----------------------------------------------------------------------------

# Memory one batch of run_period_tests may take. Its largest arrays are the bootstrap's: per
# draw of a series of n years and k coefficients, the n + burn-in years of noise and about
# 4 n + 4 k numbers for its fit and HAC variance (see _ar1_bootstrap_t). 604 series of
# 29 years with 2000 draws took as long in batches of 10-30 series as in larger ones.
_BATCH_BYTES = 64 * 2**20


def _batch_size(n_years: int, n_terms: int, n_draws: int) -> int:
    per_draw = (n_years + _BURN_IN) + 4 * n_years + 4 * n_terms
    return max(1, _BATCH_BYTES // (8 * max(n_draws, 1) * per_draw))


def _batches(values: np.ndarray, size: int) -> Iterator[np.ndarray]:
    """Indices of the rows of ``values`` (S, T) that miss the same years, ``size`` at most at a
    time."""
    _, pattern = np.unique(np.isnan(values), axis=0, return_inverse=True)
    for p in np.unique(pattern):
        members = np.flatnonzero(pattern == p)
        for start in range(0, members.size, size):
            yield members[start : start + size]


def _repeat_rows(frame: pd.DataFrame, times: int) -> pd.DataFrame:
    return frame.iloc[np.repeat(np.arange(len(frame)), times)].reset_index(drop=True)


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
    uses its own :func:`series_seed`, so a series' results do not depend on the other series:
    they equal :func:`period_summary`, :func:`permutation_test`, :func:`segmented_regression`
    and :func:`placebo_tests` with the seeds spawned from it (to round-off). The series that
    miss the same years are tested together, in batches of arrays.
    """
    if segmented_p not in ("ar_bootstrap", "hac"):
        raise ValueError(f"segmented_p must be 'ar_bootstrap' or 'hac', got {segmented_p!r}")
    _check_permutation(scheme, n_perm)
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
    index, bounds = period_bounds(all_years, breaks)
    cuts, periods = check_breaks(breaks), bounds["period"].tolist()
    grouped = metrics.groupby(SERIES_KEY, dropna=False, sort=True)
    # one row per series; object columns, as the key's parts are scalars
    keys = pd.DataFrame(list(grouped.size().index), columns=SERIES_KEY)
    values = np.full((len(keys), all_years.size), np.nan)
    values[grouped.ngroup().to_numpy(), np.searchsorted(all_years, metrics["year"].to_numpy())] = (
        metrics["value"].astype(np.float64).to_numpy()
    )
    seeds = [series_seed(seed, key).spawn(3) for key in keys.itertuples(index=False)]
    n_boot = n_perm if segmented_p == "ar_bootstrap" else 0
    size = _batch_size(all_years.size, 2 + 2 * cuts.size, max(n_perm, n_boot))
    rows = {}
    for batch in _batches(values, size):
        perm_seeds, boot_seeds, sup_seeds = zip(*(seeds[i] for i in batch), strict=True)
        batch_rows = _join_rows(
            [
                _permutation_rows(
                    values[batch], index, periods, n_perm=n_perm, scheme=scheme, seeds=perm_seeds
                ),
                _segmented_rows(
                    all_years, values[batch], cuts, maxlags=maxlags, n_boot=n_boot, seeds=boot_seeds
                ),
                _placebo_rows(
                    all_years, values[batch], breaks, n_sim=n_perm, seeds=sup_seeds, trim=TRIM
                ),
            ]
        )
        for column, value in batch_rows.items():
            if value.ndim == 1:  # test and term, the same in every batch
                rows[column] = value
            else:
                rows.setdefault(column, np.empty((len(keys), value.shape[1]), value.dtype))
                rows[column][batch] = value
    tests = pd.concat([_repeat_rows(keys, rows["test"].size), _test_frame(rows)], axis=1)
    periods = pd.concat(
        [_repeat_rows(keys, len(bounds)), _period_frame(values, index, bounds)], axis=1
    )
    return periods, tests
