"""Stage ``test_periods``: period summaries and break tests of every yearly metric series."""

from __future__ import annotations

import pandas as pd

from hubspoke.inference import stats
from hubspoke.settings import PeriodTests
from hubspoke.stages.runner import Job

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


def run(job: Job) -> dict[str, pd.DataFrame]:
    settings = PeriodTests.from_params(job.params["settings"])
    t = job.read()
    series = metric_series(t["centralization"], t["hub"], t["brokerage"], settings.hub)
    periods, tests = stats.run_period_tests(
        series,
        settings.breaks,
        n_perm=settings.permutations,
        seed=settings.seed,
        scheme=settings.permutation_scheme,
    )
    return {"periods": periods, "tests": tests}
