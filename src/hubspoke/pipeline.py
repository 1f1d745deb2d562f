"""Glue between the workflow's stages: each function is what one workflow script calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from hubspoke import networks, tables, validate, yearly

NETWORK_PARAMS = (
    "states",
    "hub",
    "layers",
    "rule",
    "reconciliation",
    "membership_kinds",
    "subregions",
)
MEASURE_PARAMS = (
    "states",
    "hub",
    "layers",
    "binarisation",
    "partition_names",
    "null_replicates",
    "null_seed",
    "null_models",
)
YEARLY_TABLES = ("trade", "trade_world")  # read only the job's year of these


def analyse_year(
    paths: Mapping[str, str], year: int, params: Mapping
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """One year's networks (``edges``, ``nodes``, ``partitions``) and all its measures.

    Reads and validates the raw input tables itself (rather than the validation job's output)
    so that the workflow can rerun it only when its year's fingerprint changes. The provenance
    records the parameters and, as the input hash, the year's fingerprint (``params``
    ``"fingerprint"``, from :mod:`hubspoke.fingerprint`) rather than the hashes of the whole
    files, so a year's files do not change when another year's data do.
    """
    inputs = {name: validate.load_table(p, name) for name, p in paths.items()}
    for name in YEARLY_TABLES:
        inputs[name] = inputs[name][inputs[name]["year"] == year]
    built = networks.build_networks(inputs, years=[year], **{k: params[k] for k in NETWORK_PARAMS})
    measures = yearly.compute_year(
        built["edges"],
        built["nodes"],
        built["partitions"],
        year=year,
        **{k: params[k] for k in MEASURE_PARAMS},
    )
    settings = {k: v for k, v in dict(params).items() if k != "fingerprint"}
    prov = tables.provenance({**settings, "year": year}, year_rows=params["fingerprint"])
    return {name: (df, prov) for name, df in {**built, **measures}.items()}


def combine(paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate per-year tables (in the given order) with a provenance of their hashes."""
    frames = [tables.read_parquet(p) for p in paths]
    prov = tables.provenance(None, **{Path(p).parent.name: tables.sha256_file(p) for p in paths})
    return pd.concat(frames, ignore_index=True), prov
