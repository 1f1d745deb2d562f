"""Stage ``evaluate_claims``: every claim of the claims file judged against the result tables
(:func:`hubspoke.inference.claims.evaluate_claims`)."""

from __future__ import annotations

import pandas as pd

from hubspoke.inference import claims
from hubspoke.settings import Claims
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, pd.DataFrame]:
    settings = Claims.from_params(job.params["settings"])
    t = job.read("periods", "tests", "did", "nulls", "hub")
    table = claims.evaluate_claims(
        claims.load_claims(job.inputs["claims"]),
        hub=settings.hub,
        breaks=settings.breaks,
        alpha=settings.alpha,
        periods=t["periods"],
        period_tests=t["tests"],
        nulls=t["nulls"],
        hub_metrics=t["hub"],
        min_coverage=settings.min_coverage,
        did=t["did"],
    )
    return {"claims": table}
