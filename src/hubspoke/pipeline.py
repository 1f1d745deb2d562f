"""Glue between the workflow's stages: each function is what one workflow script calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from hubspoke import networks, tables, validate


def validate_inputs(paths: Mapping[str, str]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Load and validate each input table; returns name -> (table, provenance)."""
    out = {}
    for name, path in paths.items():
        df = validate.load_table(path, name)
        out[name] = (df, tables.provenance(None, **{name: tables.sha256_file(path)}))
    return out


def build_networks(
    paths: Mapping[str, str], params: Mapping
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Yearly networks from the validated inputs: combined tables and one slice per year.

    Keys are ``edges``/``nodes``/``partitions`` and ``years/{year}/{table}``. A year's slice records
    the content hash of that year's data only, so a change to one year's inputs leaves the
    other years' files byte-identical (and their downstream jobs are not rerun).
    """
    inputs = {name: tables.read_parquet(p) for name, p in paths.items()}
    built = networks.build_networks(inputs, **params)
    prov_all = tables.provenance(
        params, **{n: tables.read_provenance(p)["inputs"][n] for n, p in paths.items()}
    )
    out = {name: (df, prov_all) for name, df in built.items()}
    for name, df in built.items():
        for year, part in df.groupby("year", sort=True):
            part = part.reset_index(drop=True)
            prov = tables.provenance(params, **{name: tables.sha256_frame(part)})
            out[f"years/{year}/{name}"] = (part, prov)
    return out


def combine(paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate per-year tables (in the given order) with a provenance of their hashes."""
    frames = [tables.read_parquet(p) for p in paths]
    prov = tables.provenance(None, **{Path(p).parent.name: tables.sha256_file(p) for p in paths})
    return pd.concat(frames, ignore_index=True), prov
