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
    # only the rows the checks can read: the world's trade table has 5.3 million
    years = sorted(set().union(*(reference.years_read(check) for check in loaded)))
    reporters = sorted(set().union(*(reference.reporters_read(check) for check in loaded)))
    read = [("year", "in", years), ("reporter", "in", reporters)]
    checked = reference.evaluate_reference_checks(
        loaded,
        tables.read_parquet(job.inputs["trade"], filters=read),
        tables.read_parquet(job.inputs["trade_world"]),
        reconciliation=settings.reconciliation,
    )
    statements = reference.not_checkable_table(reference.load_not_checkable(checks))
    # the statements depend on the checks file alone
    return {
        "reference_checks": checked,
        "not_checkable": (statements, tables.file_provenance(None, {"checks": checks})),
    }
