"""The same measures and the same period tests across several runs (regions, hubs, breaks).

Each run of the workflow (its ``output_dir``) tests its own periods: before its first break,
between its breaks, after its last. :func:`compare_runs` lays the published results of several
runs side by side in one long table, one row per run x measure x period, so that a reader can
ask whether one region's star (the post-Soviet one) is unusual: the period's mean, sd and
number of measured years of the measure (``tests/periods.parquet``), the permutation test of
the period against the one before it (``tests/period_tests.parquet``) and, for the binary and
weighted hub-and-spoke indices, the period's mean z against the run's null model
(``tests/nulls.parquet``: how far the index lies above what the states' sizes predict, which
makes regions of different sizes comparable). :func:`compare_claims` lists each run's claim
verdicts (``tests/claims.parquet``).

A measure a run did not compute (a layer it does not build) or a period without a measured year
gives null values, never 0: the rows are there, so every run has the same measures.
Pure functions: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hubspoke import outputs
from hubspoke.config import StrictValidator, check_against_schema, check_yaml_size, load_schema
from hubspoke.errors import InputError
from hubspoke.settings import Section, config_key

SERIES = ["layer", "metric", "variant", "threshold"]
ROLES = ("before", "between", "after")
# the period test laid beside each period: the circular-shift permutation test of the mean
# against the period before (stats.permutation_test; term "<period> vs <previous>")
CHANGE_TEST = "permutation"
# the null model whose z is laid beside a measure (nulls table: metric, variant)
NULL_Z = {
    ("star_likeness", "binary"),
    ("spoke_density", "binary"),
    ("degree_centralization", "binary"),
    ("star_likeness", "weighted"),
    ("hub_share", "weighted"),
}


@dataclass(frozen=True)
class Measure:
    """One series of ``tests/periods.parquet``: ``threshold`` None for weighted variants."""

    layer: str
    metric: str
    variant: str
    threshold: float | None = None


@dataclass(frozen=True)
class RunResults:
    """A run to compare: its name and its output folder."""

    name: str
    results: str


def _measures(value) -> tuple[Measure, ...]:
    return tuple(v if isinstance(v, Measure) else Measure(**v) for v in value)


def _runs(value) -> tuple[RunResults, ...]:
    return tuple(v if isinstance(v, RunResults) else RunResults(**v) for v in value)


@dataclass(frozen=True)
class Comparison(Section):
    """The configuration of the comparison workflow (``workflow/compare.smk``,
    ``config/comparison.yaml``, schema ``workflow/schemas/comparison.schema.yaml``)."""

    runs: tuple[RunResults, ...] = field(metadata=config_key("runs", _runs))
    measures: tuple[Measure, ...] = field(metadata=config_key("measures", _measures))
    output_dir: str = field(metadata=config_key("output_dir"))


def period_role(index: int, n_periods: int) -> str:
    """``before`` the first break, ``after`` the last, ``between`` otherwise."""
    if index == 0:
        return "before"
    return "after" if index == n_periods - 1 else "between"


def run_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """The periods of a run (``period, start_year, end_year``, in order), from its periods
    table: every series of a run has the same periods."""
    bounds = periods[["period", "start_year", "end_year"]].drop_duplicates()
    if bounds["period"].duplicated().any():
        raise InputError("periods", "a period label with two sets of years")
    return bounds.sort_values("start_year", ignore_index=True)


def run_hub(nodes: pd.DataFrame) -> tuple[str, int]:
    """The hub of a run and its number of states, from its ``networks/nodes`` table."""
    hubs = nodes.loc[nodes["is_hub"], "node"].unique()
    if len(hubs) != 1:
        raise InputError("nodes", f"expected one hub, found {len(hubs)}")
    return str(hubs[0]), int(nodes["node"].nunique())


def _same_threshold(column: pd.Series, threshold: float | None) -> pd.Series:
    if threshold is None:
        return column.isna()
    return pd.Series(np.isclose(column.astype(float), threshold), index=column.index)


def _select(table: pd.DataFrame, m: Measure) -> pd.DataFrame:
    rows = (
        (table["layer"] == m.layer)
        & (table["metric"] == m.metric)
        & (table["variant"] == m.variant)
    )
    return table[rows.fillna(False) & _same_threshold(table["threshold"], m.threshold)]


def _null_z(nulls: pd.DataFrame, m: Measure, start: int, end: int) -> tuple[float, int]:
    """Mean z of the measure against its null model over the period's years with a z."""
    if nulls is None or (m.metric, m.variant) not in NULL_Z:
        return np.nan, 0
    rows = nulls[
        (nulls["layer"] == m.layer)
        & (nulls["metric"] == m.metric)
        & (nulls["variant"] == m.variant)
        & nulls["year"].between(start, end)
    ]
    z = rows["z"].to_numpy(dtype="float64", na_value=np.nan)
    z = z[np.isfinite(z)]
    return (float(z.mean()) if len(z) else np.nan), len(z)


def compare_run(
    name: str,
    periods: pd.DataFrame,
    period_tests: pd.DataFrame,
    nodes: pd.DataFrame,
    measures: Sequence[Measure],
    nulls: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One run's rows of the comparison table (``comparison``, declared in
    :mod:`hubspoke.outputs`): every measure in every one of the run's periods, null where the
    run did not measure it."""
    hub, n_states = run_hub(nodes)
    bounds = run_periods(periods)
    n = len(bounds)
    rows = []
    for m in measures:
        summary = _select(periods, m).set_index("period")
        tests = _select(period_tests, m)
        tests = tests[tests["test"] == CHANGE_TEST].set_index("term")
        for k, p in enumerate(bounds.itertuples(index=False)):
            row = {
                "run": name,
                "hub": hub,
                "n_states": n_states,
                "layer": m.layer,
                "metric": m.metric,
                "variant": m.variant,
                "threshold": np.nan if m.threshold is None else m.threshold,
                "period_index": k,
                "period_role": period_role(k, n),
                "period": p.period,
                "start_year": p.start_year,
                "end_year": p.end_year,
                "break_year": p.start_year if k else pd.NA,
                "mean": np.nan,
                "sd": np.nan,
                "n_years": 0,
                "baseline_period": bounds["period"].iloc[k - 1] if k else pd.NA,
                "change": np.nan,
                "change_ci_low": np.nan,
                "change_ci_high": np.nan,
                "change_p_value": np.nan,
                "change_min_p": np.nan,
            }
            if p.period in summary.index:
                s = summary.loc[p.period]
                n_years = int(s["n_years"])
                row["n_years"] = n_years
                if n_years:  # a period without a measured year has no mean (never 0)
                    row["mean"], row["sd"] = s["mean"], s["sd"]
            term = f"{p.period} vs {row['baseline_period']}" if k else None
            if term in tests.index:
                t = tests.loc[term]
                row |= {
                    "change": t["estimate"],
                    "change_ci_low": t["ci_low"],
                    "change_ci_high": t["ci_high"],
                    "change_p_value": t["p_value"],
                    "change_min_p": t["min_p"],
                }
            row["null_z"], row["null_n_years"] = _null_z(nulls, m, p.start_year, p.end_year)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(outputs.columns("comparison")))


def compare_runs(
    runs: Mapping[str, Mapping[str, pd.DataFrame]], measures: Sequence[Measure]
) -> pd.DataFrame:
    """The comparison table (``comparison``, declared in :mod:`hubspoke.outputs`) of several
    runs: ``runs`` maps a run's name to its published tables ``periods``, ``period_tests``,
    ``nodes`` and (optional) ``nulls``. Runs in the given order, then measures in the given
    order, then periods in time."""
    if not measures:
        raise InputError("comparison", "no measures to compare")
    parts = [
        compare_run(
            name,
            t["periods"],
            t["period_tests"],
            t["nodes"],
            measures,
            t.get("nulls"),
        )
        for name, t in runs.items()
    ]
    if not parts:
        raise InputError("comparison", "no runs to compare")
    return outputs.conform(pd.concat(parts, ignore_index=True), "comparison")


def compare_claims(runs: Mapping[str, Mapping[str, pd.DataFrame]]) -> pd.DataFrame:
    """One row per run x claim (``comparison_claims``, declared in :mod:`hubspoke.outputs`):
    the claim's verdict and how many of its test rows are supported, not supported or
    inconclusive. ``runs`` as in :func:`compare_runs`, each with its ``claims`` table."""
    rows = []
    for name, t in runs.items():
        hub, _ = run_hub(t["nodes"])
        claims = t["claims"]
        for claim_id, c in claims.groupby("claim_id", sort=False):
            verdicts = c["verdict"].value_counts()
            rows.append(
                {
                    "run": name,
                    "hub": hub,
                    "claim_id": claim_id,
                    "statement": c["statement"].iloc[0],
                    "claim_verdict": c["claim_verdict"].iloc[0],
                    "n_rows": len(c),
                    "n_supported": int(verdicts.get("supported", 0)),
                    "n_not_supported": int(verdicts.get("not supported", 0)),
                    "n_inconclusive": int(verdicts.get("inconclusive", 0)),
                }
            )
    claims = outputs.columns("comparison_claims")
    return outputs.conform(pd.DataFrame(rows, columns=list(claims)), "comparison_claims")


def validate_comparison(config: Mapping, schema_path: str, source: str = "config") -> dict:
    """The comparison's configuration checked against its schema (one ``InputError`` line
    naming the key), with unique run names and results folders."""
    schema = load_schema(schema_path)
    check_yaml_size(config, source)
    check_against_schema(dict(config), schema, source=source, validator=StrictValidator(schema))
    settings = Comparison.from_config(config)
    for attribute, what in (("name", "run name"), ("results", "results folder")):
        values = [getattr(r, attribute) for r in settings.runs]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise InputError(source, f"a {what} listed twice", key="runs", value=repeated[0])
    return dict(config)
