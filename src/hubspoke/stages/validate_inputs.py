"""Stage ``validate_inputs``: every raw input table checked and written as typed parquet
(:func:`hubspoke.validate.validate_inputs`), with the raw file's hash as provenance."""

from __future__ import annotations

import pandas as pd

from hubspoke import validate
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, tuple[pd.DataFrame, dict]]:
    return validate.validate_inputs({name: job.inputs[name] for name in job.outputs})
