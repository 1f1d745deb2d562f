"""Stage ``assess_robustness``: every claim at every specification of the grid
(:mod:`hubspoke.dag.specs`) side by side (``tests/robustness.parquet``), and the claims table
of the main specification with the grid's agreement and the robustness rule applied
(:func:`hubspoke.inference.robustness.apply_robustness`)."""

from __future__ import annotations

import pandas as pd

from hubspoke import tables
from hubspoke.dag.specs import SETTINGS_COLUMNS
from hubspoke.inference import claims, robustness
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, pd.DataFrame]:
    names = job.params["specs"]
    by_spec = {
        name: tables.read_parquet(p) for name, p in zip(names, job.inputs["specs"], strict=True)
    }
    specs = pd.DataFrame(job.params["table"])
    min_agreement = {
        claim["id"]: claim.get("min_agreement", robustness.DEFAULT_MIN_AGREEMENT)
        for claim in claims.load_claims(job.inputs["claims"])
    }
    table = robustness.robustness_table(by_spec, specs)
    main = robustness.apply_robustness(
        by_spec[specs.loc[specs["is_main"], "spec"].iat[0]], table, specs, min_agreement
    )
    return {
        "claims": main,
        "robustness": table,
        # (no rows: the main specification alone)
        "specifications": pd.DataFrame(job.params["settings"], columns=SETTINGS_COLUMNS),
    }
