"""The one runner of the workflow's jobs: every ``workflow/scripts/<rule>.py`` is a call to
:func:`run` with the stage function of ``hubspoke.stages.<rule>``.

A stage function takes a :class:`Job` (the job's data inputs, settings, outputs and
wildcards, without Snakemake) and returns the tables it computed, ``{output name: table}`` or
``{output name: (table, provenance)}`` (or an iterator of such pairs, written one at a time as
it yields them, so that a stage with large tables need not hold them all); it writes other
files (figures, HTML, graph files) to ``job.outputs`` itself. The runner writes each table
with :func:`hubspoke.tables.write_parquet` (and a CSV copy to the output ``<name>_csv`` when
the rule has one), with the job's provenance unless the stage gave its own
(:meth:`Job.provenance`), and logs to the rule's ``log:`` file what was read, how many rows,
what was written and how long it took. Bad input ends the job with
the one-line ``hubspoke: error: ...`` and exit status 1; a setting the library cannot work with
(:class:`~hubspoke.errors.SettingError`) is named there by its configuration key.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hubspoke import tables
from hubspoke.errors import InputError, SettingError
from hubspoke.settings import setting_key

log = logging.getLogger(__name__)

# The input every rule lists so that editing the library reruns it (not data).
CODE_INPUT = "code"

Table = "pd.DataFrame | tuple[pd.DataFrame, Mapping]"
Tables = Mapping[str, Table] | Iterator[tuple[str, Table]]


@dataclass(frozen=True)
class Job:
    """What a stage sees of its workflow job."""

    inputs: dict[str, str | list[str]]  # named data inputs (without ``code``: library files)
    params: dict  # the rule's params: the settings sections the stage reads
    outputs: dict[str, str | list[str]]  # named outputs
    wildcards: dict[str, str]
    log: str | None = None

    @classmethod
    def from_snakemake(cls, smk) -> Job:
        def plain(value):
            return value if isinstance(value, str) else list(value)

        return cls(
            inputs={k: plain(smk.input[k]) for k in smk.input.keys() if k != CODE_INPUT},
            params={k: smk.params[k] for k in smk.params.keys()},
            outputs={k: plain(smk.output[k]) for k in smk.output.keys()},
            wildcards={k: smk.wildcards[k] for k in smk.wildcards.keys()},
            log=smk.log[0] if smk.log else None,
        )

    def provenance(self) -> dict:
        """The provenance of a job that read its data inputs whole: its settings and the
        SHA-256 of every input file (:func:`hubspoke.tables.file_provenance`; the files of a
        list input as ``name[i]``)."""
        files = {}
        for name, paths in self.inputs.items():
            if isinstance(paths, str):
                files[name] = paths
            else:  # a list of files: each by its position
                files |= {f"{name}[{i}]": path for i, path in enumerate(paths)}
        return tables.file_provenance(self.params, files)

    def read(self, *names: str) -> dict[str, pd.DataFrame]:
        """The parquet inputs ``names`` (all data inputs when none are named)."""
        return {name: tables.read_parquet(self.inputs[name]) for name in names or self.inputs}


def _paths(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def write_tables(job: Job, computed: Tables) -> None:
    """Write each table a stage returned to the output of its name (and ``<name>_csv``)."""
    default = None  # the job's provenance, hashed once for all the tables that take it
    for name, value in computed.items() if isinstance(computed, Mapping) else computed:
        if isinstance(value, tuple):
            df, prov = value
        else:
            default = default or job.provenance()
            df, prov = value, default
        tables.write_parquet(df, job.outputs[name], prov)
        if f"{name}_csv" in job.outputs:
            tables.write_csv(df, job.outputs[f"{name}_csv"])
        del value, df  # an iterator's table is freed before it computes the next


def execute(job: Job, stage: Callable[[Job], Tables | None]) -> None:
    """Run ``stage`` on ``job``, write its tables and log it to ``job.log``."""
    logger = logging.getLogger("hubspoke")
    handler = logging.FileHandler(job.log, mode="w") if job.log else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the log file only, even where a dependency configures logging
    start = time.perf_counter()
    try:
        for name, paths in job.inputs.items():
            log.info("input %s: %s", name, " ".join(_paths(paths)))
        try:
            computed = stage(job)
        except SettingError as err:  # the library names the setting, the user the key
            key = setting_key(err.setting)
            raise InputError("config", err.message, key=key, value=err.value) from err
        write_tables(job, computed or {})
        for name, paths in job.outputs.items():
            for path in _paths(paths):
                log.info("output %s: %s (%d bytes)", name, path, Path(path).stat().st_size)
    except InputError as err:
        line = f"hubspoke: error: {err}"
        logger.error(line)
        print(line, file=sys.stderr)
        sys.exit(1)
    finally:
        log.info("finished in %.2f s", time.perf_counter() - start)
        logger.removeHandler(handler)
        handler.close()


def run(smk, stage: Callable[[Job], Tables | None]) -> None:
    """Run the stage function ``stage`` as the Snakemake job ``smk`` (a script's
    ``snakemake`` object)."""
    execute(Job.from_snakemake(smk), stage)
