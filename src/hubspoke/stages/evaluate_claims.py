"""Stage ``evaluate_claims``: every claim of the claims file judged against one
specification's result tables (:func:`hubspoke.inference.claims.evaluate_claims`); the claims'
binary tests follow the specification's default thresholds
(:func:`~hubspoke.inference.claims.at_thresholds`)."""

from __future__ import annotations

import pandas as pd

from hubspoke.inference import claims
from hubspoke.settings import Claims
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, pd.DataFrame]:
    settings = Claims.from_params(job.params["settings"])
    main = Claims.from_params(job.params["main"])
    claims_cfg = claims.at_thresholds(
        claims.load_claims(job.inputs["claims"]), main.thresholds(), settings.thresholds()
    )
    t = job.read("periods", "tests", "did", "nulls", "hub")
    table = claims.evaluate_claims(
        claims_cfg,
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
