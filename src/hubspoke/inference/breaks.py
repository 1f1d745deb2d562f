"""The periods between break years: which period each year falls into.

Light on purpose (numpy and pandas only): the figures label periods without loading the
statistics stack of :mod:`hubspoke.inference.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hubspoke.errors import SettingError


def check_breaks(breaks: Sequence[int]) -> np.ndarray:
    arr = np.asarray(breaks)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise SettingError("breaks", "breaks must be a non-empty list of years", list(breaks))
    if np.any(np.diff(arr) <= 0):
        raise SettingError("breaks", "breaks must be strictly increasing", arr.tolist())
    return arr.astype(np.int64)


def period_bounds(years: np.ndarray, breaks: Sequence[int]) -> tuple[np.ndarray, pd.DataFrame]:
    """Period index of each year and the table ``period, start_year, end_year`` (in order)."""
    cuts = check_breaks(breaks)
    years = np.asarray(years, dtype=np.int64)
    index = np.searchsorted(cuts, years, side="right")
    found = np.bincount(index, minlength=cuts.size + 1) > 0
    if not found.all():
        empty = int(np.flatnonzero(~found)[0])
        bounds = [f"from {cuts[empty - 1]}"] if empty > 0 else []
        bounds += [f"before {cuts[empty]}"] if empty < cuts.size else []
        raise SettingError(
            "breaks",
            f"the period {' '.join(bounds)} holds none of the years {years.min()}-{years.max()}",
            cuts.tolist(),
        )
    # every period holds a year (checked above), so min/max over each period's years exist
    start = np.full(cuts.size + 1, np.iinfo(np.int64).max)
    end = np.full(cuts.size + 1, np.iinfo(np.int64).min)
    np.minimum.at(start, index, years)
    np.maximum.at(end, index, years)
    bounds = pd.DataFrame(
        {
            "period": [f"{a}-{b}" for a, b in zip(start, end, strict=True)],
            "start_year": start,
            "end_year": end,
        }
    )
    return index, bounds


def period_labels(years: Sequence[int] | np.ndarray, breaks: Sequence[int]) -> np.ndarray:
    """Label ``"{start}-{end}"`` of the period each year falls into (same order as ``years``).

    Raises InputError naming the config key ``breaks`` when a period holds none of the years.
    """
    index, bounds = period_bounds(np.asarray(years), breaks)
    return bounds["period"].to_numpy(dtype=str)[index]
