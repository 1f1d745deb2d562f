"""The period-test stage: metric series, the trade difference-in-differences panel, the tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hubspoke import gravity, stats, tables
from hubspoke.settings import PeriodTests

SERIES_COLUMNS = ["layer", "metric", "variant", "threshold", "year", "value"]


def metric_series(
    centralization: pd.DataFrame, hub_metrics: pd.DataFrame, brokerage: pd.DataFrame, hub: str
) -> pd.DataFrame:
    """The yearly series the period tests run on, long: ``SERIES_COLUMNS``.

    Centralizations become ``{measure}_centralization``; hub metrics keep their names; the
    hub's brokerage becomes ``hub_brokerage_{role}_{partition}``. The weighted strength
    centralization is left out: whenever the hub is the strongest state it equals
    ``(n * hub_share - 2) / (n - 2)``, an increasing affine function of ``hub_share`` with
    the same tests, so testing both would pad the family of tests with a duplicate.
    """
    duplicate = (centralization["measure"] == "strength") & (
        centralization["variant"] == "weighted"
    )
    centralization = centralization[~duplicate]
    cent = centralization.assign(metric=centralization["measure"] + "_centralization")
    b = brokerage[brokerage["node"] == hub]
    b = b.assign(
        metric="hub_brokerage_" + b["role"] + "_" + b["partition"],
        variant="binary",
        value=b["count"].astype(float),
    )
    series = pd.concat(
        [cent[SERIES_COLUMNS], hub_metrics[SERIES_COLUMNS], b[SERIES_COLUMNS]], ignore_index=True
    )
    series = series.astype({"metric": "string", "variant": "string", "layer": "string"})
    return series.sort_values(SERIES_COLUMNS[:5], ignore_index=True, na_position="first")


def trade_did(
    edges: pd.DataFrame, memberships: pd.DataFrame, settings: PeriodTests
) -> pd.DataFrame:
    """The difference in differences of the spokes' trade (:mod:`hubspoke.gravity`) as rows of
    the period tests (series ``trade`` / ``bilateral_trade`` / weighted)."""
    did = settings.did
    panel = gravity.flow_panel(edges, settings.hub)
    years = sorted(panel["year"].unique())
    spokes = sorted(set(panel["exporter"]) | set(panel["importer"]))
    blocs = {
        bloc.year: gravity.member_years(
            memberships,
            bloc.org,
            spokes,
            years,
            rule=settings.rule,
            kinds=settings.membership_kinds,
        )
        for bloc in did.blocs
    }
    rows = gravity.did_gravity(
        panel,
        blocs,
        placebo_draws=did.placebo_draws,
        seed=settings.seed,
        leads=did.leads,
        lags=did.lags,
        leave_out=did.leave_out,
    )
    rows = rows.astype({"n_obs": "int64", "note": "string"})
    return rows.assign(
        layer="trade", metric="bilateral_trade", variant="weighted", threshold=np.nan
    )[stats.SERIES_KEY + stats.TEST_COLUMNS]


def test_did(
    paths: Mapping[str, str], settings: PeriodTests
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The difference in differences of the spokes' trade as its own job (it runs beside the
    period tests): rows in the layout of the period tests, none when ``tests.did`` is null."""
    t = {name: tables.read_parquet(p) for name, p in paths.items()}
    if settings.did is None:
        rows = pd.DataFrame(columns=stats.SERIES_KEY + stats.TEST_COLUMNS)
    else:
        rows = trade_did(t["edges"], t["memberships"], settings)
    return {"did": (rows, tables.file_provenance(settings.params(), paths))}


def test_periods(
    paths: Mapping[str, str], settings: PeriodTests
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Period summaries and tests of every series."""
    t = {name: tables.read_parquet(p) for name, p in paths.items()}
    series = metric_series(t["centralization"], t["hub"], t["brokerage"], settings.hub)
    periods, tests = stats.run_period_tests(
        series,
        settings.breaks,
        n_perm=settings.permutations,
        seed=settings.seed,
        scheme=settings.permutation_scheme,
    )
    prov = tables.file_provenance(settings.params(), paths)
    return {"periods": (periods, prov), "tests": (tests, prov)}


def benchmark_gravity(paths: Mapping[str, str], hub: str) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The gravity benchmark (:func:`hubspoke.gravity.gravity_benchmark`): the hub's and the
    spokes' shares of the flows against what the GDPs and geography predict, and the fit."""
    t = {name: tables.read_parquet(p) for name, p in paths.items()}
    panel = gravity.benchmark_panel(t["edges"], t["gdp"], t["geography"], t["borders"])
    shares, fit = gravity.gravity_benchmark(panel, hub)
    shares = shares.astype({"measure": "string"})
    fit = fit.astype({"term": "string"})
    prov = tables.file_provenance({"hub": hub}, paths)
    return {"gravity": (shares, prov), "gravity_fit": (fit, prov)}
