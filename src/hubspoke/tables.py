"""Parquet outputs with stable bytes and provenance in the schema metadata.

Every table the workflow writes goes through :func:`write_parquet`: the index is dropped, rows
keep the order the caller sorted them in, and the schema metadata key ``hubspoke`` holds a JSON
object with the package version, the versions of the Python packages that compute the numbers,
a hash of the parameters the job used and the SHA-256 of the data it read. Nothing
time-dependent is written, so the same inputs, configuration and software give byte-identical
files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
from collections.abc import Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hubspoke import __version__, outputs

log = logging.getLogger(__name__)

METADATA_KEY = b"hubspoke"
# The packages whose versions can change a number in an output (constraints.txt pins them).
COMPUTING_PACKAGES = ("igraph", "numpy", "pandas", "pyarrow", "scipy", "statsmodels", "snakemake")


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_json(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


@cache
def software_versions() -> dict[str, str]:
    """Versions of Python and of :data:`COMPUTING_PACKAGES` in this environment."""
    versions = {name: version(name) for name in COMPUTING_PACKAGES}
    return {"python": platform.python_version(), **versions}


def provenance(params: Mapping | None = None, **inputs: str) -> dict:
    """Provenance record: package version, software versions, parameter hash, input hashes
    (name -> sha256)."""
    return {
        "package": "hubspoke",
        "version": __version__,
        "software": software_versions(),
        "params_sha256": sha256_json(params or {}),
        "inputs": dict(sorted(inputs.items())),
    }


def file_provenance(params: Mapping | None, paths: Mapping[str, str | Path]) -> dict:
    """:func:`provenance` of a job that read the files ``paths`` (name -> path) whole."""
    return provenance(params, **{name: sha256_file(path) for name, path in paths.items()})


def write_parquet(df: pd.DataFrame, path: str | Path, prov: Mapping) -> None:
    """Write ``df`` atomically (temporary file, then rename) with provenance metadata.

    A file ``<folder>/<name>.parquet`` of a declared output table (:mod:`hubspoke.outputs`,
    e.g. ``networks/edges.parquet``) must have the declared columns and gets their dtypes."""
    path = Path(path)
    declaration = outputs.declared().get(path.stem)
    if declaration is not None and declaration["folder"] == path.parent.name:
        df = outputs.conform(df, path.stem)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[METADATA_KEY] = json.dumps(prov, sort_keys=True).encode()
    table = table.replace_schema_metadata(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    log.info("wrote %s: %d rows, %d columns", path, table.num_rows, table.num_columns)


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """A CSV copy of a table for reading by eye and for the HTML report (parquet stays the
    interface)."""
    df.to_csv(path, index=False, lineterminator="\n")


def read_provenance(path: str | Path) -> dict:
    return json.loads(pq.read_schema(path).metadata[METADATA_KEY])


def read_parquet(
    path: str | Path, *, columns: list[str] | None = None, filters: list | None = None
) -> pd.DataFrame:
    """The table of ``path``, or its ``columns`` and the rows that pass ``filters`` (pyarrow's
    row filters, e.g. ``[("year", "in", [2000, 2001])]``, applied before the rows become
    pandas objects)."""
    df = pd.read_parquet(path, columns=columns, filters=filters)
    log.info("read %s: %d rows, %d columns", path, len(df), df.shape[1])
    return df
