"""The period-test stage: metric series, the trade difference-in-differences panel, the tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hubspoke import stats, tables

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


def did_panel(edges: pd.DataFrame, memberships: pd.DataFrame, hub: str, bloc: str) -> pd.DataFrame:
    """Spoke-spoke trade dyads: ``[year, pair, value, treated]``.

    The treated group is static: pairs of two spokes that are both members of ``bloc`` at
    some time in the data (for the EAEU: ARM, BLR, KAZ, KGZ). Pairs with a missing weight are
    dropped, never set to zero; reported zero trade stays in the panel (PPML uses it).
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
        series,
        params["breaks"],
        n_perm=params["n_perm"],
        seed=params["seed"],
        scheme=params["permutation_scheme"],
    )
    if params["did_bloc"] is not None:  # null: no difference-in-differences
        panel = did_panel(t["edges"], t["memberships"], params["hub"], params["did_bloc"])
        did = stats.did_dyads(panel, treated_col="treated", breaks=params["breaks"])
        did = did.assign(
            layer="trade", metric="bilateral_trade", variant="weighted", threshold=np.nan
        )
        tests = pd.concat([tests, did[tests.columns]], ignore_index=True)
    prov = tables.provenance(params, **{n: tables.sha256_file(p) for n, p in paths.items()})
    return {"periods": (periods, prov), "tests": (tests, prov)}
