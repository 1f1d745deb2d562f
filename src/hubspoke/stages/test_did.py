"""Stage ``test_did``: the difference in differences of the spokes' trade
(:mod:`hubspoke.inference.gravity`), in the layout of the period tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hubspoke import tables
from hubspoke.inference import gravity, stats
from hubspoke.settings import TradeDid
from hubspoke.stages.runner import Job


def trade_did(edges: pd.DataFrame, memberships: pd.DataFrame, settings: TradeDid) -> pd.DataFrame:
    """The rows of the period tests (series ``trade`` / ``bilateral_trade`` / weighted)."""
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
    return rows.assign(
        layer="trade", metric="bilateral_trade", variant="weighted", threshold=np.nan
    )[stats.SERIES_KEY + stats.TEST_COLUMNS]


def run(job: Job) -> dict[str, pd.DataFrame]:
    """Rows in the layout of the period tests; none when ``tests.did`` is null. A job of its
    own, so that it runs beside the period tests."""
    settings = TradeDid.from_params(job.params["settings"])
    if settings.did is None:
        return {"did": pd.DataFrame(columns=stats.SERIES_KEY + stats.TEST_COLUMNS)}
    edges = tables.read_parquet(job.inputs["edges"], **gravity.FLOW_READ)
    memberships = tables.read_parquet(job.inputs["memberships"])
    return {"did": trade_did(edges, memberships, settings)}
