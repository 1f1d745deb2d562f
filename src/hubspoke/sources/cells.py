"""Cell parsers shared by the institution importers (COW IGO, ATOP, DCAD, DESTA/HUGGO, MIGO).

Every reader loads its file as text (``dtype=str``) with the pandas index set to the 1-based file
line (header = line 1), so a bad cell is reported as ``InputError(file, row=line, column, value)``.

Partial dates. The sources give dates at day, month or year precision. A partial date is widened
outward: a date that opens an interval (signature, entry into force, entry, start) takes the first
day of the stated month or year, a date that closes one (exit, end) takes the last day. The
precision (``day`` | ``month`` | ``year``) travels in a companion column.

COW state codes. ``countries.cow_to_iso3`` maps historical states (Czechoslovakia, the GDR, ...)
to ``None``. Czechoslovakia, dissolved on 1 January 1993, was the last COW state without
an ISO 3166-1 successor code, so a code without an ISO3 code on a row dated after that day is an
unknown code and is reported; earlier rows keep a missing state. A row is dated by the last day it
runs (memberships; ``NaT`` = still running) or by its signature (agreements).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke.countries import cow_to_iso3
from hubspoke.errors import InputError

MISSING = ("", "NA")
PRECISIONS = ("day", "month", "year")
LAST_STATELESS_DAY = pd.Timestamp("1993-01-01")  # dissolution of Czechoslovakia
UNKNOWN_PART = 99

# One pattern per accepted text layout of a (partial) date, tried in order.
_DATE_LAYOUTS = (
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})",  # dd.mm.yyyy
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})",  # yyyy-mm-dd
    r"(?P<year>\d{4})-(?P<month>\d{2})",  # yyyy-mm
    r"(?P<year>\d{4})",  # yyyy
)


def read_text_table(path: Path | str, **kwargs) -> pd.DataFrame:
    """Read a delimited file as strings, index = 1-based file line; drop all-empty rows.

    A missing file or a row with too many fields raises ``InputError``.
    """
    if not Path(path).is_file():
        raise InputError(str(path), "file not found")
    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skip_blank_lines=False, **kwargs
        )
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        raise InputError(
            str(path),
            f"not a well-formed table ({str(err).strip()})",
            row=int(found.group(1)) if found else None,
        ) from err
    table.index = pd.RangeIndex(2, len(table) + 2)
    return table[(table != "").any(axis=1)]


def require_columns(table: pd.DataFrame, columns: Iterable[str], source: Path | str) -> None:
    """Raise for the first expected column missing from the header."""
    for column in columns:
        if column not in table.columns:
            raise InputError(str(source), "expected column is missing", row=1, column=column)


def report_first(mask: pd.Series, values: pd.Series, source, column: str, message: str) -> None:
    """Raise ``InputError`` for the first row where ``mask`` is true (index = file line)."""
    mask = mask.astype("boolean").fillna(False).astype(bool)
    if mask.any():
        line = mask.idxmax()
        value = values[mask.to_numpy()].iloc[0]  # a line may hold several values (a list cell)
        value = value.item() if hasattr(value, "item") else value
        raise InputError(str(source), message, row=int(line), column=column, value=value)


def to_int(
    values: pd.Series, source: Path | str, column: str, *, required: bool = False
) -> pd.Series:
    """Integer cells to ``Int64``; ``""`` and ``NA`` are missing (an error when ``required``)."""
    text = values.str.strip()
    missing = text.isin(MISSING)
    if required:
        report_first(missing, values, source, column, "missing value")
    report_first(~missing & ~text.str.fullmatch(r"-?\d+"), values, source, column, "not an integer")
    return pd.to_numeric(text.where(~missing), errors="coerce").astype("Int64")


def to_text(values: pd.Series, source: Path | str, column: str) -> pd.Series:
    """Stripped text cells as ``string``; an empty or ``NA`` cell raises ``InputError``."""
    text = values.str.strip()
    report_first(text.isin(MISSING), values, source, column, "missing value")
    return text.astype("string")


def check_allowed(values: pd.Series, allowed: Iterable, source, column: str) -> None:
    """Raise for the first non-missing value (code or label) outside ``allowed``."""
    allowed = list(allowed)
    bad = values.notna() & ~values.isin(allowed)
    report_first(bad, values, source, column, f"unknown value (expected one of {allowed})")


def dates_from_parts(
    year: pd.Series,
    month: pd.Series,
    day: pd.Series,
    *,
    closes: bool,
    source: Path | str,
    column: str,
    raw: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """(dates, precision) from ``Int64`` year/month/day parts; month or day 0/missing = unknown.

    ``closes`` widens partial dates to the last day of their period (see module docstring);
    ``raw`` is the text reported for an impossible date (default: the parts).
    """
    month = month.where(month.notna() & (month != 0))
    day = day.where(month.notna() & day.notna() & (day != 0))
    known = year.notna()
    precision = pd.Series(
        np.select([known & day.notna(), known & month.notna(), known], list(PRECISIONS), None),
        index=year.index,
        dtype="string",
    )
    parts = pd.DataFrame(
        {"year": year, "month": month.fillna(12 if closes else 1), "day": day.fillna(1)}
    )
    dates = pd.to_datetime(parts.where(known).astype("float64"), errors="coerce")
    bad = known & dates.isna()
    if raw is None:
        raw = year.astype("string") + "-" + month.astype("string") + "-" + day.astype("string")
    report_first(bad, raw.fillna(""), source, column, "not a valid calendar date")
    if closes:
        dates = dates.mask(day.isna(), dates + pd.offsets.MonthEnd(0))
    return dates.astype("datetime64[ns]"), precision


def parse_dates(
    values: pd.Series, *, closes: bool, source: Path | str, column: str
) -> tuple[pd.Series, pd.Series]:
    """(dates, precision) from text in the layouts dd.mm.yyyy, yyyy-mm-dd, yyyy-mm or yyyy.

    A month or day written 99 is unknown (HUGGO writes ``2020-99-99`` for "some day in 2020").
    """
    text = values.str.strip()
    missing = text.isin(MISSING)
    parts = pd.DataFrame(index=text.index, columns=["year", "month", "day"], dtype="string")
    for layout in _DATE_LAYOUTS:
        found = text.str.extract(f"^{layout}$").reindex(columns=parts.columns)
        parts = parts.fillna(found)
    report_first(~missing & parts["year"].isna(), values, source, column, "not a date")
    as_int = {name: pd.to_numeric(parts[name]).astype("Int64") for name in parts.columns}
    for name in ("month", "day"):
        as_int[name] = as_int[name].mask(as_int[name] == UNKNOWN_PART)
    return dates_from_parts(
        as_int["year"],
        as_int["month"],
        as_int["day"],
        closes=closes,
        source=source,
        column=column,
        raw=values,
    )


def cow_states(codes: pd.Series, dated: pd.Series, source: Path | str, column: str) -> pd.Series:
    """COW state codes (``Int64``) to ISO3 (``string``); see the module docstring for the rule.

    ``dated`` places each row in time (``NaT`` = still running).
    """
    present = codes.dropna()
    iso3 = pd.Series(cow_to_iso3(present.astype(int)), index=present.index, dtype="string")
    states = iso3.reindex(codes.index)
    unknown = codes.notna() & states.isna() & ~(dated <= LAST_STATELESS_DAY)
    report_first(unknown, codes, source, column, "COW state code without an ISO3 code")
    return states
