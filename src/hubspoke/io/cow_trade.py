"""Correlates of War Dyadic Trade v4.0 (Barbieri & Keshk 2016), used to cross-check IMF DOTS.

Input ``cow_trade_v4_dyadic.csv(.gz)``: one row per non-directed dyad-year with ``ccode1, ccode2,
year, flow1, flow2, smoothflow1, smoothflow2`` in current US$ millions; ``flow1`` is the imports of
``ccode1`` from ``ccode2`` and ``flow2`` the imports of ``ccode2`` from ``ccode1``.

Missing values (documented rule):

* ``-9`` (COW's missing code) and empty fields are missing.
* A dyad-year whose two flows are both exactly 0 is missing, not "no trade": the codebook warns
  that double zeros mostly stand for flows nobody reported. Such rows keep ``both_zero = True`` so
  a caller can take the zeros at face value instead. The same rule is applied separately to the
  pair of smoothed flows.

Codes are converted with :func:`hubspoke.countries.cow_to_iso3`; codes of historical states (e.g.
260 German Federal Republic, 315 Czechoslovakia) have no ISO3 and stay ``<NA>`` next to their COW
codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke.countries import cow_to_iso3
from hubspoke.errors import InputError

COLUMNS = ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2"]
MISSING_CODE = -9
OUTPUT_COLUMNS = [
    "importer", "exporter", "year", "value_usd_m", "smoothed_usd_m", "both_zero",
    "importer_cow", "exporter_cow",
]  # fmt: skip


def read_cow_trade(path: str | Path) -> pd.DataFrame:
    """Directed flows ``[importer, exporter, year, value_usd_m, smoothed_usd_m, both_zero,
    importer_cow, exporter_cow]``: the importer's imports from the exporter, as reported by COW.

    Sorted by importer_cow, exporter_cow, year.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "COW trade file not found")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}", row=1)
    dyads = _numeric(raw[COLUMNS], path)
    _check_dyads(dyads, path)
    raw_flows = _with_missing(dyads["flow1"], dyads["flow2"])
    smoothed = _with_missing(dyads["smoothflow1"], dyads["smoothflow2"])
    both_zero = (dyads["flow1"] == 0) & (dyads["flow2"] == 0)
    one_way = [
        ("ccode1", "ccode2", raw_flows[0], smoothed[0]),
        ("ccode2", "ccode1", raw_flows[1], smoothed[1]),
    ]
    directed = pd.concat(
        [
            pd.DataFrame(
                {
                    "importer_cow": dyads[importer].astype(np.int64),
                    "exporter_cow": dyads[exporter].astype(np.int64),
                    "year": dyads["year"].astype(np.int64),
                    "value_usd_m": value,
                    "smoothed_usd_m": smooth,
                    "both_zero": both_zero,
                }
            )
            for importer, exporter, value, smooth in one_way
        ],
        ignore_index=True,
    )
    directed["importer"] = _iso3(directed["importer_cow"])
    directed["exporter"] = _iso3(directed["exporter_cow"])
    directed = directed.sort_values(["importer_cow", "exporter_cow", "year"], kind="stable")
    return directed[OUTPUT_COLUMNS].reset_index(drop=True)


def _numeric(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Parse every column as a number; empty fields become NaN, anything else is an error."""
    out = {}
    for column in frame.columns:
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text.replace("", np.nan).replace("NA", np.nan), errors="coerce")
        bad = numbers.isna() & ~text.isin(["", "NA"])
        bad |= ~np.isfinite(numbers.fillna(0))
        if bad.any():
            at = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                str(path), "not a number", row=at + 2, column=column, value=frame[column].iloc[at]
            )
        out[column] = numbers
    return pd.DataFrame(out)


def _check_dyads(dyads: pd.DataFrame, path: Path) -> None:
    keys = ["ccode1", "ccode2", "year"]
    for column in keys:
        blank = dyads[column].isna()
        if blank.any():
            at = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(str(path), "missing key", row=at + 2, column=column, value="")
    flows = ["flow1", "flow2", "smoothflow1", "smoothflow2"]
    negative = (dyads[flows] < 0) & (dyads[flows] != MISSING_CODE)
    if negative.to_numpy().any():
        at, col = np.argwhere(negative.to_numpy())[0]
        raise InputError(
            str(path),
            f"negative flow (only {MISSING_CODE} = missing is allowed)",
            row=int(at) + 2,
            column=flows[col],
            value=dyads[flows[col]].iloc[at],
        )
    duplicated = dyads.duplicated(keys, keep=False)
    if duplicated.any():
        rows = np.flatnonzero(duplicated.to_numpy())[:2] + 2
        raise InputError(
            str(path), f"dyad-year repeated in rows {rows[0]} and {rows[1]}", row=int(rows[1])
        )


def _with_missing(first: pd.Series, second: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Apply the missing-value rule to the two directions of a dyad-year."""
    both_zero = (first == 0) & (second == 0)
    return tuple(
        flow.where((flow != MISSING_CODE) & ~both_zero).astype(float) for flow in (first, second)
    )


def _iso3(codes: pd.Series) -> pd.Series:
    unique = codes.unique()
    mapping = dict(zip(unique, cow_to_iso3(unique), strict=True))
    return codes.map(mapping).astype("string")
