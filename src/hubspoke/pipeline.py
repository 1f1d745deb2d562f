"""Glue between the workflow's stages: each function is what one workflow script calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from hubspoke import coverage, networks, tables, validate, yearly
from hubspoke import layers as registry

NETWORK_PARAMS = (
    "states",
    "hub",
    "layers",
    "rule",
    "reconciliation",
    "cif_fob_factor",
    "membership_kinds",
    "membership_scopes",
    "membership_implementation",
    "subregions",
)
MEASURE_PARAMS = (
    "states",
    "hub",
    "layers",
    "binarisation",
    "partition_names",
    "brokerage_ties",
    "null_replicates",
    "null_seed",
    "null_models",
    "min_observed_share",
    "require_hub_pairs",
)
YEARLY_TABLES = ("trade", "trade_world")  # read only the job's years of these
COVERAGE_PARAMS = (
    "states",
    "layers",
    "rule",
    "membership_kinds",
    "membership_scopes",
    "membership_implementation",
)
COVERED_TABLES = ("centralization", "hub", "brokerage", "nulls")  # gain the coverage columns


def analyse_years(
    paths: Mapping[str, str], years: Sequence[int], params: Mapping
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The networks (``edges``, ``nodes``, ``partitions``) and all measures of some years.

    One workflow job analyses a few consecutive years (:mod:`hubspoke.chunks`) so that process
    start-up and imports are paid once per job, not once per year. It reads and validates the
    raw input tables itself (rather than the validation job's output) so that the workflow can
    rerun it only when the fingerprint of one of its years changes (``params``
    ``"fingerprints"``: year -> fingerprint, from :mod:`hubspoke.fingerprint`). The provenance
    records the parameters and those fingerprints rather than the hashes of whole files, so a
    job's files do not change when another year's data do.
    """
    years = sorted(int(y) for y in years)
    inputs = {name: validate.load_table(p, name) for name, p in paths.items()}
    for name in YEARLY_TABLES:
        inputs[name] = inputs[name][inputs[name]["year"].isin(years)]
    built = registry.build_networks(inputs, years=years, **{k: params[k] for k in NETWORK_PARAMS})
    covered = coverage.layer_coverage(
        inputs, years=years, **{k: params[k] for k in COVERAGE_PARAMS}
    )
    parts = []
    for year in years:
        own = {name: df[df["year"] == year].reset_index(drop=True) for name, df in built.items()}
        measures = yearly.compute_year(
            own["edges"],
            own["nodes"],
            own["partitions"],
            year=year,
            **{k: params[k] for k in MEASURE_PARAMS},
        )
        measures = {
            name: coverage.annotate(df, covered) if name in COVERED_TABLES else df
            for name, df in measures.items()
        }
        parts.append({**own, **measures})
    fingerprints = {str(y): params["fingerprints"][y] for y in years}
    settings = {k: v for k, v in dict(params).items() if k != "fingerprints"}
    prov = tables.provenance(
        {**settings, "years": years}, year_rows=tables.sha256_json(fingerprints)
    )
    return {
        name: (pd.concat([p[name] for p in parts], ignore_index=True), prov) for name in parts[0]
    }


def combine(name: str, paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate the per-year pieces of table ``name`` (in the given order) with a provenance
    of their hashes; ``edges`` gains the cross-year ``source_switch`` flag."""
    frames = [tables.read_parquet(p) for p in paths]
    prov = tables.provenance(None, **{Path(p).parent.name: tables.sha256_file(p) for p in paths})
    combined = pd.concat(frames, ignore_index=True)
    if name == "edges":
        combined = networks.flag_source_switches(combined)
    return combined, prov
