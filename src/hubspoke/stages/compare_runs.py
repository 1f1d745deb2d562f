"""Stage ``compare_runs``: the same measures and period tests across several runs, side by side
(:mod:`hubspoke.inference.comparison`), read from each run's published tables."""

from __future__ import annotations

import pandas as pd

from hubspoke import tables
from hubspoke.inference import comparison
from hubspoke.stages.runner import Job

# the published tables of a run that the comparison reads, by input name
RUN_TABLES = ("periods", "period_tests", "nulls", "nodes", "claims")


def run(job: Job) -> dict[str, pd.DataFrame]:
    settings = comparison.Comparison.from_params(job.params["settings"])
    runs = {
        r.name: {t: tables.read_parquet(job.inputs[t][i]) for t in RUN_TABLES}
        for i, r in enumerate(settings.runs)
    }
    return {
        "comparison": comparison.compare_runs(runs, settings.measures),
        "claims": comparison.compare_claims(runs),
    }
