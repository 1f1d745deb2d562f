"""Glue between the workflow's stages: each function is what one workflow script calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke import networks, stats, tables, validate

SERIES_COLUMNS = ["layer", "metric", "variant", "threshold", "year", "value"]


def validate_inputs(paths: Mapping[str, str]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Load and validate each input table; returns name -> (table, provenance)."""
    out = {}
    for name, path in paths.items():
        df = validate.load_table(path, name)
        out[name] = (df, tables.provenance(None, **{name: tables.sha256_file(path)}))
    return out


def build_networks(
    paths: Mapping[str, str], params: Mapping
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Yearly networks from the validated inputs: combined tables and one slice per year.

    Keys are ``edges``/``nodes``/``partitions`` and ``years/{year}/{table}``. A year's slice records
    the content hash of that year's data only, so a change to one year's inputs leaves the
    other years' files byte-identical (and their downstream jobs are not rerun).
    """
    inputs = {name: tables.read_parquet(p) for name, p in paths.items()}
    built = networks.build_networks(inputs, **params)
    prov_all = tables.provenance(
        params, **{n: tables.read_provenance(p)["inputs"][n] for n, p in paths.items()}
    )
    out = {name: (df, prov_all) for name, df in built.items()}
    for name, df in built.items():
        for year, part in df.groupby("year", sort=True):
            part = part.reset_index(drop=True)
            prov = tables.provenance(params, **{name: tables.sha256_frame(part)})
            out[f"years/{year}/{name}"] = (part, prov)
    return out


def combine(paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate per-year tables (in the given order) with a provenance of their hashes."""
    frames = [tables.read_parquet(p) for p in paths]
    prov = tables.provenance(None, **{Path(p).parent.name: tables.sha256_file(p) for p in paths})
    return pd.concat(frames, ignore_index=True), prov


def metric_series(
    centralization: pd.DataFrame, hub_metrics: pd.DataFrame, brokerage: pd.DataFrame, hub: str
) -> pd.DataFrame:
    """The yearly series the period tests run on, long: ``SERIES_COLUMNS``.

    Centralizations become ``{measure}_centralization``; hub metrics keep their names; the
    hub's brokerage becomes ``hub_brokerage_{role}_{partition}``.
    """
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


def did_panel(edges: pd.DataFrame, memberships: pd.DataFrame, hub: str, bloc: str) -> pd.DataFrame:
    """Spoke-spoke trade dyads: ``[year, pair, value, treated]``.

    The treated group is static: pairs of two spokes that are both members of ``bloc`` at
    some time in the data (for the EAEU: ARM, BLR, KAZ, KGZ). Pairs with a missing weight are
    dropped, never set to zero; reported zero trade is not an edge and so is not in the panel.
    """
    members = set(memberships.loc[memberships["org_id"] == bloc, "state"])
    t = edges[(edges["layer"] == "trade") & (edges["source"] != hub) & (edges["target"] != hub)]
    t = t[t["weight"].notna()]
    treated = t["source"].isin(members) & t["target"].isin(members)
    return pd.DataFrame(
        {
            "year": t["year"].to_numpy(),
            "pair": (t["source"] + "-" + t["target"]).to_numpy(),
            "value": t["weight"].to_numpy(),
            "treated": treated.astype(int).to_numpy(),
        }
    )


def test_periods(paths: Mapping[str, str], params: Mapping) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Period summaries and tests of every series, plus the trade difference-in-differences."""
    t = {name: tables.read_parquet(p) for name, p in paths.items()}
    series = metric_series(t["centralization"], t["hub"], t["brokerage"], params["hub"])
    periods, tests = stats.run_period_tests(
        series, params["breaks"], n_perm=params["n_perm"], seed=params["seed"]
    )
    panel = did_panel(t["edges"], t["memberships"], params["hub"], params["did_bloc"])
    did = stats.did_dyads(panel, treated_col="treated", breaks=params["breaks"])
    did = did.assign(layer="trade", metric="bilateral_trade", variant="weighted", threshold=np.nan)
    tests = pd.concat([tests, did[tests.columns]], ignore_index=True)
    prov = tables.provenance(params, **{n: tables.sha256_file(p) for n, p in paths.items()})
    return {"periods": (periods, prov), "tests": (tests, prov)}
