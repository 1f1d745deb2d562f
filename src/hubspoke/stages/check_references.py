"""Stage ``check_references``: the source paper's figures checked against the validated trade
tables (:mod:`hubspoke.inference.reference`), and the statements that cannot be checked."""

from __future__ import annotations

import pandas as pd

from hubspoke import tables
from hubspoke.inference import reference
from hubspoke.settings import Benchmarks
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, pd.DataFrame | tuple[pd.DataFrame, dict]]:
    settings = Benchmarks.from_params(job.params["settings"])
    checks = job.inputs["checks"]
    loaded = reference.load_checks(checks)
    checked = reference.evaluate_reference_checks(
        loaded,
        tables.read_parquet(job.inputs["trade"], filters=reference.trade_rows_read(loaded)),
        tables.read_parquet(job.inputs["trade_world"]),
        reconciliation=settings.reconciliation,
    )
    statements = reference.not_checkable_table(reference.load_not_checkable(checks))
    # the statements depend on the checks file alone
    return {
        "reference_checks": checked,
        "not_checkable": (statements, tables.file_provenance(None, {"checks": checks})),
    }
