"""The period-test stage's series: which series are tested."""

import numpy as np
import pandas as pd
import pytest

from hubspoke.measures import centralization, hubness
from hubspoke.stages.test_periods import metric_series


@pytest.mark.parametrize("directed", [False, True])
def test_weighted_strength_centralization_duplicates_hub_share(directed):
    # random weights with the hub (node 0) made the strongest: Freeman strength
    # centralization is (n * hub_share - 2) / (n - 2) exactly, so its period tests would
    # repeat those of hub_share
    rng = np.random.default_rng(3)
    n = 7
    for _ in range(20):
        W = rng.exponential(size=(n, n)) * (rng.random((n, n)) < 0.6)
        W[0, 1:] += 5.0
        W[1:, 0] += 5.0
        np.fill_diagonal(W, 0.0)
        if not directed:
            W = np.triu(W) + np.triu(W).T
        share = hubness.hub_share(W, 0)
        cent = centralization.centralization(W, "strength", directed=directed, weighted=True)
        assert cent == pytest.approx((n * share - 2) / (n - 2))


def test_metric_series_leaves_out_the_duplicate_weighted_strength_centralization():
    rows = [
        ("trade", "weighted", np.nan, measure, 2000, 0.5) for measure in ("strength", "betweenness")
    ] + [("trade", "binary", 0.05, "degree", 2000, 0.4)]
    cent = pd.DataFrame(rows, columns=["layer", "variant", "threshold", "measure", "year", "value"])
    hub = pd.DataFrame(
        [("trade", "weighted", np.nan, "hub_share", 2000, 0.6)],
        columns=["layer", "variant", "threshold", "metric", "year", "value"],
    )
    brokerage = pd.DataFrame(
        [("RUS", "total", "bloc", 3, "trade", 0.05, 2000)],
        columns=["node", "role", "partition", "count", "layer", "threshold", "year"],
    )
    series = metric_series(cent, hub, brokerage, "RUS")
    assert sorted(series["metric"]) == [
        "betweenness_centralization", "degree_centralization", "hub_brokerage_total_bloc",
        "hub_share",
    ]  # fmt: skip


def test_the_configured_default_permutation_scheme_is_circular():
    # years are autocorrelated: exchanging them freely over-rejects (tests/test_stats.py), so a
    # configuration that omits tests.permutation_scheme gets the circular shifts
    from pathlib import Path

    import yaml

    from hubspoke.config import validate_config
    from hubspoke.inference import stats

    root = Path(__file__).resolve().parents[1]
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text())
    del cfg["tests"]["permutation_scheme"]
    checked = validate_config(cfg, root / "workflow" / "schemas" / "config.schema.yaml")
    assert checked["tests"]["permutation_scheme"] == "circular" == stats.DEFAULT_SCHEME
