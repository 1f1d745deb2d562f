"""Stage ``combine_years``: the per-chunk tables of the yearly jobs joined into one table each."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hubspoke import networks, tables
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)


def combine(name: str, paths: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Concatenate the per-year pieces of table ``name`` (in the given order) with a provenance
    of their hashes; ``edges`` gains the cross-year ``source_switch`` flag. The pieces are
    joined as Arrow tables and converted to pandas once (the world's edges have 6.7 million
    rows: one pandas copy of them, not two)."""
    combined = pa.concat_tables([pq.read_table(p) for p in paths]).to_pandas()
    log.info("read %d pieces of %s: %d rows", len(paths), name, len(combined))
    prov = tables.file_provenance(None, {Path(p).parent.name: p for p in paths})
    if name == "edges":
        combined = networks.flag_source_switches(combined)
    return combined, prov


def run(job: Job) -> Iterator[tuple[str, tuple[pd.DataFrame, dict]]]:
    # one table at a time: each is written before the next is read
    return ((name, combine(name, job.inputs[name])) for name in job.outputs)
