"""Evaluate declarative hub-and-spoke claims against the workflow's result tables.

A claims file (``config/claims.yaml``) is a mapping with the key ``claims``: a list of claims,
each ``{id, statement, tests, combine, p_adjust}``. ``statement`` may contain ``{hub}``, which
becomes the hub's code. Each *test* is one of three kinds; its selection keys pick series from
a result table: ``metric`` (required), ``layers`` (a list, or ``all``, the default),
``variant`` and ``threshold`` (optional; ``threshold: null`` selects the weighted series,
which have no threshold; an omitted key selects every value present). Every selected series
gives one row, and so does every listed layer that has no data (its verdict is inconclusive).

``condition``  (on ``results/metrics/hub.parquet``)
    A per-year condition ``metric op value`` (``op`` one of ``== != < <= > >=``) that must hold
    in at least ``min_share`` (default 1) of the years of ``period``.
``null_model``  (on ``results/tests/nulls.parquet``)
    The metric beats its null model in a year when ``p_value < alpha`` and the observed value
    lies on the ``direction`` side (``greater``, the default, or ``less``) of the null mean;
    this must hold in at least ``min_share`` (default 1) of the years of ``period``.
``period_test``  (on ``results/tests/period_tests.parquet``)
    The row of test ``test`` (``permutation``, ``segmented``, ``did``) and term ``term``;
    ``term`` may contain ``{break}`` (the break year), ``{before}`` and ``{after}`` (the labels
    of the periods either side of the break, e.g. ``"{after} vs {before}"`` gives
    ``"2010-2014 vs 1992-2009"``). One row per break in ``breaks`` (``all``, the default, or a
    list of break years) when the term has a placeholder. The change must be significant
    (``p < alpha``, after the claim's ``p_adjust``) with the sign of ``direction``
    (``positive`` or ``negative``). ``min_effect`` (>= 0, in the metric's unit, default 0) is
    the smallest change in that direction the claim is about.

``period`` (condition, null_model) is ``first`` (years before the first break, the default),
``last`` (from the last break on), ``all``, or ``{from: year, to: year}`` (inclusive, either
bound optional). The years are those of the source table; a year absent from a series counts
as missing.

Verdict of a row:
- condition / null_model, with ``n`` years in the period of which ``k`` satisfy the condition
  and ``m`` are missing: ``supported`` when ``k >= min_share * n`` (whatever the missing years
  hold), ``not supported`` when ``k + m < min_share * n`` (even if every missing year
  satisfied it), else ``inconclusive``; ``inconclusive`` when the period has no years.
- period_test: ``inconclusive`` when the row is absent or its estimate or p-value is missing,
  or when the test cannot reach significance (its smallest attainable p-value ``min_p`` is not
  below ``alpha``, e.g. circular shifts of 11 pooled years: 1/11); ``supported`` when
  ``p < alpha`` and the estimate has the claimed sign; ``not supported`` when the data speak
  against the claim: significant with the opposite sign, or not significant with a 95%
  interval that rules out every change of ``min_effect`` or more in the claimed direction
  (``ci_high < min_effect`` for ``positive``, ``ci_low > -min_effect`` for ``negative``; with
  the default 0, an interval wholly on the other side of zero); otherwise ``inconclusive``
  (not significant, and the interval still holds effects the claim is about). ``mde`` is the
  minimum detectable effect at 80% power, ``(z_{1-alpha/2} + z_0.8) * se`` (Bloom 1995), so
  the reader sees how large a change the test could have found. A row that would be
  ``supported`` is ``inconclusive`` ("not specific to the break") when more than a tenth of
  the placebo years shift the series' mean at least as much as the break year
  (``placebo_share > 0.1``; ``placebo_rank`` and ``placebo_share`` come from the ``placebo``
  rows of the period tests, ``stats.placebo_tests``).
- The difference in differences (``did``, :mod:`hubspoke.inference.gravity`): its ``p_value`` is
  randomization inference over placebo blocs and its interval cluster-robust, which with a
  few treated pairs is too narrow to rule an effect out, so a non-significant ``did`` row is
  ``inconclusive``, never ``not supported`` on its interval; a row that would be ``supported``
  is ``inconclusive`` when the event study finds that the bloc's pairs already diverged
  before the break (``pretrend_p < alpha``, from the ``did_pretrend`` rows).
Coverage (:mod:`hubspoke.coverage`, config ``coverage.min_share``): a layer-year that its
sources do not cover counts as missing in condition and null-model rows, and a period-test row
that would be ``not supported`` is ``inconclusive`` when its layer's sources do not cover some
year of the period after the break (a source that stops recording new treaties or memberships
leaves a flat series, which is no evidence that nothing changed).
``p_adjust: holm`` adjusts the p-values of a claim's period_test rows together (Holm's step-down,
:func:`holm`); use it with ``combine: any``. Per-year null-model p-values are
counted, not adjusted.

Verdict of a claim (``claim_verdict``, repeated on each of its rows): with ``combine: all``
(the default) ``supported`` when every row is, ``not supported`` when any row is not, else
``inconclusive``; with ``combine: any`` ``supported`` when any row is, ``not supported`` when
every row is not, else ``inconclusive``.

Output (:data:`CLAIM_COLUMNS`), one row per claim x test x series x break: ``period`` and
``period_mean`` are the period a level claim is about (its mean of the metric), or the period
after the break for a period test; ``baseline_period`` and ``baseline_mean`` the period before
the break (period tests only; means from ``results/tests/periods.parquet``). ``effect`` is the
share of observed years that satisfy the condition (condition, null_model) or the test's
estimate (period_test, with ``ci_low``, ``ci_high``, ``p_value`` and ``p_adjusted``).
``min_p`` is the test's smallest attainable p-value, ``mde`` and ``min_effect`` as above;
``reason`` says why a row is ``inconclusive`` (null otherwise). ``evidence`` explains the
verdict in one line.
"""

from __future__ import annotations

import math
import operator
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from hubspoke.config import check_against_schema, entry_name, load_schema, load_yaml_list
from hubspoke.coverage import covered
from hubspoke.errors import InputError, SettingError

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
TERM_FIELDS = {"break", "before", "after"}
SERIES = ["layer", "metric", "variant", "threshold"]
CLAIM_COLUMNS = [
    "claim_id", "statement", "kind", "layer", "metric", "variant", "threshold", "test", "term",
    "break_year", "baseline_period", "baseline_mean", "period", "period_mean", "effect",
    "ci_low", "ci_high", "p_value", "p_adjusted", "min_p", "mde", "min_effect", "placebo_rank",
    "placebo_share", "pretrend_p", "n_obs", "alpha", "verdict", "reason", "claim_verdict",
    "evidence",
]  # fmt: skip
# tests whose p_value is randomization inference (hubspoke.inference.gravity) and whose interval is
# cluster-robust, too narrow with a few treated pairs to rule an effect out
RANDOMIZATION_TESTS = ("did",)
MAX_PLACEBO_SHARE = 0.1  # more placebo years matching the break: not specific to it
_SHARE_RTOL = 1e-12
POWER = 0.8  # the power at which the minimum detectable effect is stated
# The weighted series shown beside a binary period test; the weighted strength centralization is
# not tested (it duplicates hub_share whenever the hub is the strongest state).
WEIGHTED_COUNTERPART = {"degree_centralization": "hub_share"}
DEFAULT_MIN_EFFECT = 0.0

# The schema of a claims file, declared in claims.yaml beside this module.
SCHEMA = load_schema(Path(__file__).with_suffix(".yaml"))
CLAIM_SCHEMA = SCHEMA["claim"]
TEST_SCHEMAS = SCHEMA["tests"]


# --- configuration -------------------------------------------------------------------------


def validate_claims(claims: Sequence, source: str = "claims") -> list[dict]:
    """Validate a list of claims; returns it unchanged or raises ``InputError``."""
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        where = entry_name("claim", claim, i)
        check_against_schema(claim, CLAIM_SCHEMA, source=source, where=where)
        for j, test in enumerate(claim["tests"]):
            key = f"tests.{j}"
            check_against_schema(
                test, TEST_SCHEMAS[test["kind"]], source=source, where=where, key=key
            )
            if test["kind"] == "period_test" and not _valid_term(test["term"]):
                raise InputError(
                    source,
                    f"{where}: term placeholders must be among {sorted(TERM_FIELDS)}, as "
                    "{name}, with literal braces doubled",
                    key=f"{key}.term",
                    value=test["term"],
                )
        if claim["id"] in seen:
            raise InputError(source, f"{where}: duplicate id", key="id", value=claim["id"])
        seen.add(claim["id"])
    return list(claims)


def _valid_term(term: str) -> bool:
    """Every placeholder is a bare ``{name}`` of :data:`TERM_FIELDS` (no ``{}``, index,
    attribute, conversion or format spec) and the term formats."""
    try:
        parts = list(string.Formatter().parse(term))
        term.format(**dict.fromkeys(TERM_FIELDS, "x"))
    except (ValueError, IndexError, KeyError, AttributeError):
        return False
    return all(
        field in TERM_FIELDS and not spec and conversion is None
        for _, field, spec, conversion in parts
        if field is not None
    )


def load_claims(path: str | Path) -> list[dict]:
    """Read and validate a claims YAML file (a mapping with the key ``claims``)."""
    return validate_claims(load_yaml_list(path, "claims"), str(path))


# --- selecting series ----------------------------------------------------------------------


def _with_series_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every ``SERIES`` column (absent ones as missing)."""
    missing = {c: np.nan if c == "threshold" else pd.NA for c in SERIES if c not in table}
    return table.assign(**missing) if missing else table


def _select(table: pd.DataFrame, test: Mapping) -> pd.DataFrame:
    mask = table["metric"] == test["metric"]
    layers = test.get("layers", "all")
    if layers != "all":
        mask &= table["layer"].isin(layers)
    if "variant" in test:
        mask &= table["variant"] == test["variant"]
    if "threshold" in test:
        mask &= _threshold_mask(table["threshold"], test["threshold"])
    return table[mask.fillna(False).astype(bool)]


def _threshold_mask(column: pd.Series, threshold) -> pd.Series:
    values = column.astype(float)
    if threshold is None:
        return values.isna()
    return pd.Series(np.isclose(values, float(threshold)), index=column.index)


def _series_keys(selected: pd.DataFrame, test: Mapping) -> list[tuple]:
    """(layer, variant, threshold) of every selected series, plus configured layers lacking data."""
    keys = (
        selected[["layer", "variant", "threshold"]]
        .drop_duplicates()
        .sort_values(["layer", "variant", "threshold"], na_position="first")
    )
    found = [tuple(_scalar(v) for v in row) for row in keys.itertuples(index=False)]
    layers = test.get("layers", "all")
    wanted = [] if layers == "all" else list(layers)
    placeholder = (test.get("variant"), test.get("threshold"))
    missing = [(layer, *placeholder) for layer in wanted if layer not in {k[0] for k in found}]
    if not found and not wanted:
        missing = [(None, *placeholder)]
    return sorted(found + missing, key=lambda k: (str(k[0]), str(k[1]), _sort_num(k[2])))


def _scalar(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _sort_num(value) -> float:
    return -math.inf if value is None else float(value)


def _series_rows(selected: pd.DataFrame, key: tuple) -> pd.DataFrame:
    layer, variant, threshold = key
    mask = selected["layer"] == layer
    mask &= selected["variant"].isna() if variant is None else selected["variant"] == variant
    mask &= _threshold_mask(selected["threshold"], threshold)
    return selected[mask.fillna(False).astype(bool)]


# --- periods -------------------------------------------------------------------------------


def _period_years(years: np.ndarray, period, breaks: Sequence[int]) -> np.ndarray:
    years = np.sort(np.unique(years))
    if period == "first":
        return years[years < breaks[0]]
    if period == "last":
        return years[years >= breaks[-1]]
    if period == "all":
        return years
    lo, hi = period.get("from", -math.inf), period.get("to", math.inf)
    return years[(years >= lo) & (years <= hi)]


def _label(years: np.ndarray) -> str | None:
    return f"{years.min()}-{years.max()}" if years.size else None


def _adjacent_periods(periods: pd.DataFrame, key: tuple, metric: str, brk: int):
    """(before, after) period rows either side of ``brk`` for a series, or ``None`` each.

    Falls back to the labels of all series when the series is not in ``periods`` (the
    difference-in-differences has no yearly series).
    """
    rows = _series_rows(periods[periods["metric"] == metric], key)
    if rows.empty:
        rows = periods.drop_duplicates(["period", "start_year", "end_year"]).assign(mean=np.nan)
    before = rows[rows["end_year"] < brk].sort_values(["end_year", "start_year"])
    after = rows[rows["start_year"] >= brk].sort_values(["start_year", "end_year"])
    return (
        before.iloc[-1] if len(before) else None,
        after.iloc[0] if len(after) else None,
    )


# --- verdicts ------------------------------------------------------------------------------


def _share_verdict(k: int, m: int, n: int, min_share: float) -> str:
    if n == 0:
        return INCONCLUSIVE
    need = min_share * n * (1 - _SHARE_RTOL)
    if k >= need:
        return SUPPORTED
    if k + m < need:
        return NOT_SUPPORTED
    return INCONCLUSIVE


def _combine(verdicts: Sequence[str], how: str) -> str:
    v = set(verdicts)
    if how == "all":
        if v == {SUPPORTED}:
            return SUPPORTED
        return NOT_SUPPORTED if NOT_SUPPORTED in v else INCONCLUSIVE
    if SUPPORTED in v:
        return SUPPORTED
    return NOT_SUPPORTED if v == {NOT_SUPPORTED} else INCONCLUSIVE


def _fmt(value, digits: int = 3) -> str:
    return "NA" if value is None or math.isnan(value) else f"{value:.{digits}g}"


def _describe_series(layer, variant, threshold) -> str:
    parts = [f"layer {layer}" if layer is not None else "no layer"]
    if variant is not None:
        parts.append(variant if threshold is None else f"{variant}, threshold {threshold:g}")
    return ", ".join(parts)


# --- the three kinds -----------------------------------------------------------------------


def _yearly_row(test, key, table, years, ok_of, column: str, what: str, hub: str, uncovered):
    """A condition or null-model row: ``ok_of(frame)`` marks the years satisfying the test
    (NA when the year is missing); ``column`` holds the yearly value averaged in ``period_mean``.
    A year that the layer's sources do not cover (``uncovered``: layer -> {year: sources})
    counts as missing.
    """
    rows = _series_rows(table, key).set_index("year")
    if rows.index.has_duplicates:
        raise InputError(
            "claims",
            f"two values for one year in {test['metric']} ({_describe_series(*key)})",
            column="year",
            value=int(rows.index[rows.index.duplicated()][0]),
        )
    rows = rows.reindex(years)
    not_covered = rows.index.isin(list(uncovered.get(key[0], {})))
    ok = ok_of(rows).mask(not_covered)
    n, k, m = len(years), int(ok.sum()), int(ok.isna().sum())
    observed = n - m
    min_share = test.get("min_share", 1.0)
    verdict = _share_verdict(k, m, n, min_share)
    reason = None
    if verdict == INCONCLUSIVE:
        reason = "no years in the period" if n == 0 else f"the {m} missing years decide it"
    label = _label(years)
    gaps = f"{m} missing" + (
        f", {int(not_covered.sum())} of them not covered by the layer's sources"
        if not_covered.any()
        else ""
    )
    evidence = (
        f"{hub} {what} in {k} of {n} years {label or '(no years)'}"
        + (f" ({gaps})" if m else "")
        + f"; needs at least {min_share:.0%} of the years ({_describe_series(*key)})"
    )
    return {
        "period": label,
        "period_mean": float(rows[column].mean()) if observed else np.nan,
        "effect": k / observed if observed else np.nan,
        "n_obs": observed,
        "term": what,
        "verdict": verdict,
        "reason": reason,
        "evidence": evidence,
    }


def _yearly_rows(test, table, breaks, ok_of, column, what, hub, uncovered) -> list[dict]:
    """:func:`_yearly_row` for every series the test selects, over its period's years."""
    selected = _select(table, test)
    years = _period_years(table["year"].to_numpy(), test.get("period", "first"), breaks)
    return [
        _keyed(
            test,
            key,
            _yearly_row(test, key, selected, years, ok_of, column, what, hub, uncovered),
        )
        for key in _series_keys(selected, test)
    ]


def _condition_rows(test, table, breaks, hub, uncovered) -> list[dict]:
    op, value = OPS[test["op"]], test["value"]

    def ok_of(rows):
        return op(rows["value"], value).astype("boolean").mask(rows["value"].isna())

    what = f"{test['metric']} {test['op']} {value:g}"
    return _yearly_rows(test, table, breaks, ok_of, "value", what, hub, uncovered)


def _null_rows(test, table, breaks, alpha, hub, uncovered) -> list[dict]:
    greater = test.get("direction", "greater") == "greater"

    def ok_of(rows):
        side = (
            rows["observed"] > rows["null_mean"]
            if greater
            else rows["observed"] < rows["null_mean"]
        )
        missing = rows[["observed", "null_mean", "p_value"]].isna().any(axis=1)
        return ((rows["p_value"] < alpha) & side).astype("boolean").mask(missing)

    what = f"{test['metric']} {'above' if greater else 'below'} its null model at p < {alpha:g}"
    return _yearly_rows(test, table, breaks, ok_of, "observed", what, hub, uncovered)


def _period_test_rows(test, table, periods, breaks, uncovered) -> list[dict]:
    every = _select(table, test)
    selected = every[every["test"] == test["test"]]
    placebos = every[every["test"] == "placebo"]
    pretrends = every[every["test"] == "did_pretrend"]
    has_break = any(f for _, f, _, _ in string.Formatter().parse(test["term"]) if f)
    chosen = test.get("breaks", "all")
    brks: list[int | None] = list(breaks if chosen == "all" else chosen) if has_break else [None]
    rows = []
    for key in _series_keys(selected, test):
        series = _series_rows(selected, key)
        for brk in brks:
            row = _period_test_row(test, series, periods, key, brk, uncovered)
            if brk is not None:
                row.update(_placebo(_series_rows(placebos, key), brk))
                row.update(_pretrend(_series_rows(pretrends, key), brk))
            if key[1] == "binary" and "verdict" not in row:
                row["counterpart"] = _weighted_counterpart(table, test, key[0], row["term"])
                row["thresholds"] = _other_thresholds(table, test, key, row["term"])
            rows.append(_keyed(test, key, row))
    return rows


def _placebo(rows: pd.DataFrame, brk: int) -> dict:
    """Rank of the break among the placebo years and the share of placebo years whose mean
    shift is at least as large (``stats.placebo_tests``: p = rank / K, min_p = 1 / K)."""
    hit = rows[rows["term"] == f"break_{brk}"]
    if hit.empty or pd.isna(hit["p_value"].iat[0]):
        return {}
    n_years = round(1 / float(hit["min_p"].iat[0]))
    rank = round(float(hit["p_value"].iat[0]) * n_years)
    return {"placebo_rank": rank, "placebo_share": (rank - 1) / (n_years - 1)}


def _pretrend(rows: pd.DataFrame, brk: int) -> dict:
    """The p-value of the event study's joint test that the bloc's pairs did not diverge
    before the break (``gravity.event_study``)."""
    hit = rows[rows["term"] == f"pretrend_{brk}"]
    if hit.empty or pd.isna(hit["p_value"].iat[0]):
        return {}
    return {"pretrend_p": float(hit["p_value"].iat[0])}


def _other_thresholds(table: pd.DataFrame, test: Mapping, key: tuple, term: str) -> str | None:
    """The same test of the same binary series at the layer's other thresholds, so a verdict
    that hinges on where the tie threshold lies shows it."""
    layer, variant, threshold = key
    hit = table[
        (table["layer"] == layer)
        & (table["metric"] == test["metric"])
        & (table["variant"] == variant)
        & (table["test"] == test["test"])
        & (table["term"] == term)
        & ~_threshold_mask(table["threshold"], threshold)
    ].sort_values("threshold")
    if hit.empty:
        return None
    results = [
        f"{r.threshold:g}: {r.estimate:+.3g}, p = {_fmt(float(r.p_value))}"
        for r in hit.itertuples()
    ]
    return "at other thresholds " + "; ".join(results)


def _weighted_counterpart(table: pd.DataFrame, test: Mapping, layer, term: str) -> dict | None:
    """The same test of the layer's weighted series, for the evidence of a binary row."""
    metric = WEIGHTED_COUNTERPART.get(test["metric"], test["metric"])
    hit = table[
        (table["layer"] == layer)
        & (table["metric"] == metric)
        & (table["variant"] == "weighted")
        & (table["test"] == test["test"])
        & (table["term"] == term)
    ]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return {"metric": metric, "estimate": float(r["estimate"]), "p": float(r["p_value"])}


def _counterpart_text(other: dict, significant: bool, estimate: float, alpha: float) -> str:
    """Which of the binary and the weighted series drives a binary row's verdict."""
    estimate_text = f"estimate {other['estimate']:+.3g}, p = {_fmt(other['p'])}"
    result = f"weighted {other['metric']}: {estimate_text}"
    other_significant = other["p"] < alpha
    if significant and not other_significant:
        return f"driven by the binary ties; {result}, not significant"
    if significant and other_significant:
        same = np.sign(other["estimate"]) == np.sign(estimate)
        return f"{result}, {'agrees' if same else 'significant the other way'}"
    if other_significant:
        return f"binary ties not significant but {result}"
    return result


def _period_test_row(test, series, periods, key, brk, uncovered) -> dict:
    """The test's row for one series and break, before the verdict (see ``_judge_period_test``);
    ``uncovered`` names the years of the period after the break that the layer's sources do not
    cover."""
    before = after = None
    if brk is not None:
        before, after = _adjacent_periods(periods, key, test["metric"], brk)
    out = {
        "break_year": brk,
        "baseline_period": None if before is None else before["period"],
        "baseline_mean": np.nan if before is None else float(before["mean"]),
        "period": None if after is None else after["period"],
        "period_mean": np.nan if after is None else float(after["mean"]),
        "term": test["term"],
    }
    if after is not None:
        out["uncovered"] = _uncovered_text(
            uncovered.get(key[0], {}), int(after["start_year"]), int(after["end_year"])
        )
    fields = {"break": brk, "before": out["baseline_period"], "after": out["period"]}
    used = [f for _, f, _, _ in string.Formatter().parse(test["term"]) if f]
    unknown = [f for f in used if fields[f] is None]
    if unknown:
        why = f"no period {unknown[0]} the break {brk} in the periods table"
        return _inconclusive(out, why, f"{test['test']} {test['term']}: {why}")
    out["term"] = test["term"].format(**fields)
    hit = series[series["term"] == out["term"]]
    if hit.empty:
        why = f"no result for {test['test']} {out['term']}"
        return _inconclusive(out, "no test result", why)
    r = hit.iloc[0]
    return {
        **out,
        "effect": float(r["estimate"]),
        "ci_low": float(r["ci_low"]),
        "ci_high": float(r["ci_high"]),
        "p_value": float(r["p_value"]),
        "min_p": float(r["min_p"]),
        "se": float(r["se"]),
        "n_obs": None if pd.isna(r["n_obs"]) else int(r["n_obs"]),
        "test_note": None if pd.isna(r["note"]) else str(r["note"]),
    }


def _uncovered_text(by_year: Mapping[int, str], first: int, last: int) -> str | None:
    """``"2015-2020 (COW-IGO-v3)"``: the years from ``first`` to ``last`` that the sources do
    not cover, with the sources that do not; None when they all are covered."""
    years = sorted(y for y in by_year if first <= y <= last)
    if not years:
        return None
    sources = sorted({s for y in years for s in by_year[y].split(", ")})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return f"{span} ({', '.join(sources)})"


def _uncovered_years(hub_metrics: pd.DataFrame, min_share: float) -> dict[str, dict[int, str]]:
    """layer -> {year: sources not covering it} of the layer-years not covered by their
    sources (:func:`hubspoke.coverage.covered`), from the coverage columns of the hub table."""
    if "coverage" not in hub_metrics:
        return {}
    cells = hub_metrics[["layer", "year", "coverage", "uncovered_sources"]].drop_duplicates(
        ["layer", "year"]
    )
    cells = cells[~covered(cells["coverage"], cells["uncovered_sources"], min_share)]
    out: dict[str, dict[int, str]] = {}
    for layer, year, sources in cells[["layer", "year", "uncovered_sources"]].itertuples(
        index=False
    ):
        out.setdefault(str(layer), {})[int(year)] = "" if pd.isna(sources) else str(sources)
    return out


def _inconclusive(row: dict, reason: str, evidence: str) -> dict:
    return {**row, "verdict": INCONCLUSIVE, "reason": reason, "evidence": evidence}


def min_detectable_effect(se: float, alpha: float, power: float = POWER) -> float:
    """Smallest true effect a two-sided level-``alpha`` test detects with probability ``power``:
    ``(z_{1 - alpha/2} + z_power) * se`` (Bloom 1995, Evaluation Review 19:547)."""
    z = NormalDist()
    return (z.inv_cdf(1 - alpha / 2) + z.inv_cdf(power)) * se


def _judge_period_test(row: dict, test: Mapping, alpha: float) -> dict:
    """Verdict, reason and evidence of a period-test row from its (adjusted) p-value and
    its interval against the test's ``min_effect``."""
    direction = test["direction"]
    min_effect = float(test.get("min_effect", DEFAULT_MIN_EFFECT))
    row = {**row, "min_effect": min_effect}
    if "verdict" in row:
        return row
    row["mde"] = min_detectable_effect(row["se"], alpha)
    est, p = row["effect"], row["p_adjusted"]
    where = f"{row['test']} {row['term']}"
    if math.isnan(est) or math.isnan(p):
        what = "estimate" if math.isnan(est) else "p-value"
        why = f" ({row['test_note']})" if row.get("test_note") else ""
        return _inconclusive(row, f"{what} undefined", f"{where}: {what} undefined{why}")
    if row["min_p"] >= alpha:
        why = f"the test cannot reach p < {alpha:g} (smallest attainable p {_fmt(row['min_p'])})"
        evidence = f"{where}: estimate {est:+.3g}, p = {_fmt(p)}: {why}"
        if row.get("thresholds"):
            evidence += f"; {row['thresholds']}"
        return _inconclusive(row, why, evidence)
    sign = 1 if direction == "positive" else -1
    claimed = f"{sign * min_effect:+g}"
    significant = p < alpha
    # the interval rules out every effect at least min_effect in the claimed direction; not
    # for a test whose p-value is randomization inference because its interval is not
    # trustworthy (the difference in differences: cluster-robust with a few treated pairs)
    ruled_out = row["test"] not in RANDOMIZATION_TESTS and (
        sign * (row["ci_high"] if sign > 0 else row["ci_low"]) < min_effect
    )
    share = row.get("placebo_share", math.nan)
    if significant:
        verdict = SUPPORTED if sign * est > 0 else NOT_SUPPORTED
        why = f"significant in the {'claimed' if verdict == SUPPORTED else 'opposite'} direction"
        if verdict == SUPPORTED and share > MAX_PLACEBO_SHARE:
            verdict = INCONCLUSIVE
            why = (
                f"not specific to the break: {share:.0%} of the placebo years show a mean shift "
                f"at least as large (rank {row['placebo_rank']})"
            )
        if verdict == SUPPORTED and row.get("pretrend_p", 1.0) < alpha:
            verdict = INCONCLUSIVE
            why = (
                f"the bloc's pairs already diverged before the break (event-study pre-trend "
                f"p = {_fmt(row['pretrend_p'])})"
            )
    elif ruled_out:
        verdict = NOT_SUPPORTED
        why = f"not significant, and the interval rules out an effect of {claimed} or beyond"
    elif row["test"] in RANDOMIZATION_TESTS:
        verdict = INCONCLUSIVE
        why = (
            f"not significant by randomization inference (smallest attainable p "
            f"{_fmt(row['min_p'])}); with so few treated pairs the cluster-robust interval "
            "cannot rule an effect out"
        )
    else:
        verdict = INCONCLUSIVE
        why = (
            f"not significant, but the interval does not rule out an effect of {claimed} or "
            f"beyond (minimum detectable effect {_fmt(row['mde'])} at {POWER:.0%} power)"
        )
    if verdict == NOT_SUPPORTED and not significant and row.get("uncovered"):
        verdict = INCONCLUSIVE
        why = (
            f"{why}, but the layer's sources do not cover {row['uncovered']}: a series its "
            "sources stop recording is no evidence against a change"
        )
    p_text = f"p = {_fmt(row['p_value'])}"
    if p != row["p_value"]:
        p_text += f" (Holm {_fmt(p)})"
    evidence = (
        f"{where}: estimate {est:+.3g} [{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}], "
        f"{p_text}, alpha {alpha:g}, expected {direction}: {why}"
    )
    if row.get("counterpart"):
        evidence += f" ({_counterpart_text(row['counterpart'], significant, est, alpha)})"
    if row.get("thresholds"):
        evidence += f"; {row['thresholds']}"
    if row["test"] in RANDOMIZATION_TESTS and row.get("test_note"):
        evidence += f"; {row['test_note']}"
    if "pretrend_p" in row and not why.startswith("the bloc's pairs"):
        evidence += f"; event-study pre-trend p = {_fmt(row['pretrend_p'])}"
    if "placebo_rank" in row and not why.startswith("not specific"):
        evidence += (
            f"; placebo breaks: {row['break_year']} ranks {row['placebo_rank']}, "
            f"{share:.0%} of the placebo years shift the mean at least as much"
        )
    reason = why if verdict == INCONCLUSIVE else None
    return {**row, "verdict": verdict, "reason": reason, "evidence": evidence}


def _keyed(test: Mapping, key: tuple, row: dict) -> dict:
    layer, variant, threshold = key
    return {
        "kind": test["kind"],
        "layer": layer,
        "metric": test["metric"],
        "variant": variant,
        "threshold": np.nan if threshold is None else float(threshold),
        "test": test.get("test", test["kind"]),
        **row,
    }


# --- evaluation ----------------------------------------------------------------------------


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values of ``p`` (finite): the k-th smallest times the
    number of p-values from it on, made non-decreasing in that order and capped at 1. The
    values of statsmodels' ``multipletests(p, method="holm")[1]`` (``tests/test_claims.py``),
    without its import (half a second in every claims job) and its ``gc.collect()`` call."""
    order = np.argsort(p, kind="stable")
    steps = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    adjusted = np.empty(p.size)
    adjusted[order] = np.minimum(steps, 1.0)
    return adjusted


def _claim_rows(claim, tables, hub, breaks, alpha) -> list[dict]:
    rows, tests = [], []
    uncovered = tables["uncovered"]
    for test in claim["tests"]:
        kind = test["kind"]
        if kind == "condition":
            new = _condition_rows(test, tables["hub_metrics"], breaks, hub, uncovered)
        elif kind == "null_model":
            new = _null_rows(test, tables["nulls"], breaks, alpha, hub, uncovered)
        else:
            new = _period_test_rows(
                test, tables["period_tests"], tables["periods"], breaks, uncovered
            )
        rows += new
        tests += [test] * len(new)
    p = np.array([r.get("p_value", np.nan) for r in rows], dtype=float)
    adjusted = p.copy()
    finite = np.isfinite(p)
    if claim.get("p_adjust", "none") == "holm" and finite.any():
        adjusted[finite] = holm(p[finite])
    out = []
    for row, test, p_adj in zip(rows, tests, adjusted, strict=True):
        row = {**row, "p_adjusted": float(p_adj)}
        if row["kind"] == "period_test":
            row = _judge_period_test(row, test, alpha)
        out.append(row)
    verdict = _combine([r["verdict"] for r in out], claim.get("combine", "all"))
    statement = claim["statement"].replace("{hub}", hub)
    return [
        {"claim_id": claim["id"], "statement": statement, **r, "alpha": alpha,
         "claim_verdict": verdict}
        for r in out
    ]  # fmt: skip


def check_breaks(claims: Sequence[Mapping], breaks: Sequence[int]) -> None:
    """``InputError`` when a claim's test names a break that is not among the configured ones."""
    for i, claim in enumerate(claims):
        for j, test in enumerate(claim["tests"]):
            chosen = test.get("breaks", "all")
            unknown = [] if chosen == "all" else sorted(set(chosen) - set(breaks))
            if unknown:
                where = entry_name("claim", claim, i)
                raise InputError(
                    "claims",
                    f"{where}: not one of the configured breaks {list(breaks)}",
                    key=f"tests.{j}.breaks",
                    value=unknown[0],
                )


def at_thresholds(
    claims_cfg: Sequence[Mapping], main: Mapping[str, float], spec: Mapping[str, float]
) -> list[dict]:
    """The claims for a specification whose layers' default binarisation thresholds are
    ``spec`` where the main specification's are ``main`` (layer -> threshold): a binary test
    written at the main default threshold of every layer it selects reads the specification's
    default threshold of those layers instead (when they share one), so that a claim about the
    default binary network follows the specification's choice of it. Other tests are kept."""
    moved = []
    for claim in claims_cfg:
        tests = []
        for test in claim["tests"]:
            layers = list(main) if test.get("layers", "all") == "all" else test["layers"]
            threshold = test.get("threshold")
            at_main = threshold is not None and all(main.get(lr) == threshold for lr in layers)
            targets = {spec[lr] for lr in layers if lr in spec}
            if test.get("variant") == "binary" and at_main and len(targets) == 1:
                test = {**test, "threshold": targets.pop()}
            tests.append(test)
        moved.append({**claim, "tests": tests})
    return moved


def evaluate_claims(
    claims_cfg: Sequence[Mapping],
    *,
    hub: str,
    breaks: Sequence[int],
    alpha: float,
    periods: pd.DataFrame,
    period_tests: pd.DataFrame,
    nulls: pd.DataFrame,
    hub_metrics: pd.DataFrame,
    min_coverage: float = 1.0,
    did: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The claims table (:data:`CLAIM_COLUMNS`), in the order of the claims and their tests.

    ``did`` holds the difference-in-differences rows (``tests/did.parquet``, in the layout of
    the period tests); claims read them as period tests.

    ``min_coverage`` is the configured ``coverage.min_share`` (:mod:`hubspoke.coverage`): the
    layer-years of ``hub_metrics`` whose coverage falls below it are missing for condition and
    null-model tests and keep a period test from reading as evidence of no change."""
    if not 0 < alpha < 1:
        raise SettingError("alpha", "alpha must lie in (0, 1)", alpha)
    claims = validate_claims(claims_cfg)
    check_breaks(claims, breaks)
    tables = {
        "hub_metrics": _with_series_columns(hub_metrics),
        "nulls": _with_series_columns(nulls),
        "period_tests": _with_series_columns(
            period_tests if did is None else pd.concat([period_tests, did], ignore_index=True)
        ),
        "periods": _with_series_columns(periods),
        "uncovered": _uncovered_years(hub_metrics, min_coverage),
    }
    breaks = sorted(breaks)
    rows = [r for claim in claims for r in _claim_rows(claim, tables, hub, breaks, alpha)]
    out = pd.DataFrame(rows).reindex(columns=CLAIM_COLUMNS)
    floats = [
        "threshold", "baseline_mean", "period_mean", "effect", "ci_low", "ci_high", "p_value",
        "p_adjusted", "min_p", "mde", "min_effect", "placebo_share", "pretrend_p", "alpha",
    ]  # fmt: skip
    strings = [
        c for c in CLAIM_COLUMNS if c not in [*floats, "break_year", "placebo_rank", "n_obs"]
    ]
    return out.astype(
        {
            **dict.fromkeys(strings, "string"),
            **dict.fromkeys(floats, "float64"),
            "break_year": "Int64",
            "placebo_rank": "Int64",
            "n_obs": "Int64",
        }
    )
