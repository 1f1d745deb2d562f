"""Per-year fingerprints of the input tables, for minimal reruns.

The workflow computes one fingerprint per year while it builds its job graph and passes it to
the job that analyses the year as a parameter: Snakemake reruns a job whose parameters
changed, so editing one year's trade figures reruns only the job of that year, while the
(cheap) cross-year jobs rerun because their inputs changed.

A year's fingerprint covers exactly the rows that year's networks read
(:data:`hubspoke.layers.INPUT_ROWS`): trade and World totals of that year with in-scope
reporters (and in-scope partners), treaties and membership spells in force in that year (by the
configured activity rule), and the whole of every other table. It is computed from the validated
tables (:func:`hubspoke.validate.load_inputs`), one 64-bit hash per row
(``pandas.util.hash_pandas_object`` of the typed values) and a SHA-256 over the hashes of a
year's rows in file order, so it is linear in the rows and does not depend on how the file is
written (line endings, a byte-order mark, ``1.50`` or ``1.5``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hubspoke.layers import INPUT_ROWS


def _row_hashes(table: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(table, index=False).to_numpy()


def _digest(hashes: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(hashes).tobytes()).hexdigest()


def _yearly_rows(hashes: np.ndarray, year: np.ndarray, years: Sequence[int]) -> dict[int, str]:
    """Digest of the rows of each year; ``year`` is each row's year (rows kept in file order)."""
    order = np.argsort(year, kind="stable")
    hashes, year = hashes[order], year[order]
    low = np.searchsorted(year, years, side="left")
    high = np.searchsorted(year, years, side="right")
    return {int(y): _digest(hashes[a:b]) for y, a, b in zip(years, low, high, strict=True)}


def _table_fingerprints(name: str, table: pd.DataFrame, years, states, rule) -> dict[int, str]:
    hashes = _row_hashes(table)
    if name not in INPUT_ROWS:  # read whole by every year
        return dict.fromkeys((int(y) for y in years), _digest(hashes))
    rows = INPUT_ROWS[name]
    keep = rows.in_scope(table, states)
    read = rows.years_of(table[keep], years, rule)
    return _yearly_rows(hashes[keep][read["row"].to_numpy()], read["year"].to_numpy(), years)


def year_fingerprints(
    tables: Mapping[str, pd.DataFrame], years: Sequence[int], states: Sequence[str], rule: str
) -> dict[int, str]:
    """``{year: sha256}`` over the rows of every input table that the year's job reads."""
    years = [int(y) for y in years]
    per_table = {
        name: _table_fingerprints(name, tables[name], years, list(states), rule)
        for name in sorted(tables)
    }
    return {
        y: hashlib.sha256("".join(per_table[n][y] for n in sorted(per_table)).encode()).hexdigest()
        for y in years
    }
