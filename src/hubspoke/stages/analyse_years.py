"""Stage ``analyse_years``: the networks and all measures of a few consecutive years."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pandas as pd

from hubspoke import coverage, tables, validate
from hubspoke import layers as registry
from hubspoke.measures import yearly
from hubspoke.settings import Measures, Networks
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)

YEARLY_TABLES = ("trade", "trade_world")  # read only the job's years of these
COVERED_TABLES = ("centralization", "hub", "brokerage", "nulls")  # gain the coverage columns


def analyse_years(
    paths: Mapping[str, str],
    years: Sequence[int],
    fingerprints: Mapping[int, str],
    network_settings: Networks,
    measure_settings: Measures,
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The networks (``edges``, ``nodes``, ``partitions``) and all measures of some years.

    One workflow job analyses a few consecutive years (:mod:`hubspoke.dag.chunks`) so that process
    start-up and imports are paid once per job, not once per year. It reads and validates the
    raw input tables itself (rather than the validation job's output; of the trade tables only
    the rows of its years, the whole files having been checked before the run started) so that
    the workflow can rerun it only when the fingerprint of one of its years changes
    (``fingerprints``: year -> fingerprint, from :mod:`hubspoke.dag.fingerprint`). The
    provenance records the settings and those fingerprints rather than the hashes of whole
    files, so a job's files do not change when another year's data do.
    """
    years = sorted(int(y) for y in years)
    inputs = {
        name: validate.load_table(p, name, read_years=years if name in YEARLY_TABLES else None)
        for name, p in paths.items()
    }
    built = registry.build_networks(inputs, years, network_settings)
    covered = coverage.layer_coverage(inputs, years, network_settings)
    parts = []
    for year in years:
        own = {name: df[df["year"] == year].reset_index(drop=True) for name, df in built.items()}
        measures = yearly.compute_year(
            own["edges"], own["nodes"], own["partitions"], year, measure_settings
        )
        parts.append({**own, **measures})
        log.info("%d: networks and measures computed", year)
    own_fingerprints = {str(y): fingerprints[y] for y in years}
    settings = {
        "networks": network_settings.params(),
        "measures": measure_settings.params(),
        "years": years,
    }
    prov = tables.provenance(settings, year_rows=tables.sha256_json(own_fingerprints))
    combined = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
    return {
        name: (coverage.annotate(df, covered) if name in COVERED_TABLES else df, prov)
        for name, df in combined.items()
    }


def run(job: Job) -> dict[str, tuple[pd.DataFrame, dict]]:
    return analyse_years(
        job.inputs,
        job.params["years"],
        job.params["fingerprints"],
        Networks.from_params(job.params["networks"]),
        Measures.from_params(job.params["measures"]),
    )
