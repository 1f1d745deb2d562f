"""Stage ``combine_years``: the per-chunk tables of the yearly jobs joined into one table each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from hubspoke import networks, tables
from hubspoke.stages.runner import Job


def combine(name: str, paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate the per-year pieces of table ``name`` (in the given order) with a provenance
    of their hashes; ``edges`` gains the cross-year ``source_switch`` flag."""
    frames = [tables.read_parquet(p) for p in paths]
    prov = tables.file_provenance(None, {Path(p).parent.name: p for p in paths})
    combined = pd.concat(frames, ignore_index=True)
    if name == "edges":
        combined = networks.flag_source_switches(combined)
    return combined, prov


def run(job: Job) -> dict[str, tuple[pd.DataFrame, dict]]:
    return {name: combine(name, job.inputs[name]) for name in job.outputs}
