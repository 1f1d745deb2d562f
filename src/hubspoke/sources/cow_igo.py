"""Correlates of War IGO v3, state-year format (``state_year_formatv3.csv``).

Pevehouse, Nordstrom, McManus & Jamison (2020), "Tracking organizations in the world: The
Correlates of War IGO Version 3.0 datasets", Journal of Peace Research 57(3):492-503.

One row per state-year (``ccode, year, state``), one column per IGO holding the status code
1 full, 2 associate, 3 observer, 0 not a member, -1 IGO not in existence, -9 missing. The file
covers 1816-2014: spells still running in its last year are open, not ended in 2014.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from hubspoke.errors import InputError
from hubspoke.sources.cells import check_allowed, cow_states, read_text_table, to_int

STATUS_CODES = {
    1: "full",
    2: "associate",
    3: "observer",
    0: "none",
    -1: "not_in_existence",
    -9: "missing",
}
STATUS = pd.CategoricalDtype(list(STATUS_CODES.values()))
MEMBER_KINDS = ("full", "associate", "observer")
_ID_COLUMNS = ("ccode", "year", "state")


def read_cow_igo_state_year(
    path: Path | str,
    igos: Iterable[str] | None = None,
    states: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Tidy ``[state, ccode, year, igo, status]``, sorted by igo, state, year.

    ``igos`` are the file's lower-case IGO column names (all when ``None``); only those columns
    are read. ``states`` (ISO3) keeps those states. Rows of historical states without an ISO3
    code (all before 1993) are dropped. ``status`` is categorical with the labels of
    ``STATUS_CODES``; an empty or unknown status cell in a requested column raises
    ``InputError``, whichever state it belongs to.
    """
    header = pd.read_csv(path, nrows=0).columns
    columns = [c for c in header if c not in _ID_COLUMNS] if igos is None else list(igos)
    for igo in columns:
        if igo not in header:
            raise InputError(str(path), "IGO column not in the file", row=1, column=igo)
    table = read_text_table(path, usecols=["ccode", "year", *columns])
    ccode = to_int(table["ccode"], path, "ccode", required=True)
    year = to_int(table["year"], path, "year", required=True)
    year_end = pd.to_datetime(year.astype("string") + "-12-31")
    state = cow_states(ccode, year_end, path, "ccode")
    keep = state.notna() if states is None else state.isin(list(states)).fillna(False)
    keep = keep.astype(bool)
    long = pd.concat(
        [_status_column(table[igo], path, igo).loc[keep] for igo in columns],
        keys=columns,
        names=["igo", "line"],
    ).reset_index(level="igo")
    frame = pd.DataFrame(
        {
            "state": state[keep].reindex(long.index).astype("string"),
            "ccode": ccode[keep].reindex(long.index).astype("int64"),
            "year": year[keep].reindex(long.index).astype("int64"),
            "igo": long["igo"].astype("string"),
            "status": long["status"],
        }
    )
    return frame.sort_values(["igo", "state", "year"], kind="stable").reset_index(drop=True)


def _status_column(cells: pd.Series, path: Path | str, igo: str) -> pd.DataFrame:
    codes = to_int(cells, path, igo, required=True)
    check_allowed(codes, STATUS_CODES, path, igo)
    labels = codes.astype("int64").map(STATUS_CODES).astype(STATUS)
    return labels.rename_axis("line").to_frame("status")


def year_spells(members: pd.DataFrame, keys: Sequence[str], last_year: int) -> pd.DataFrame:
    """Collapse ``[*keys, kind, year]`` rows into spells ``[*keys, kind, start_year, end_year]``.

    A spell is a run of consecutive years with the same ``kind``; a gap or a change of kind
    starts a new one. ``end_year`` is missing (open) for spells that run to ``last_year``, the
    last year the source covers.
    """
    rows = members.sort_values([*keys, "year"], kind="stable")
    same = (rows[list(keys)] == rows[list(keys)].shift()).all(axis=1)
    same &= rows["kind"] == rows["kind"].shift()
    same &= rows["year"] == rows["year"].shift() + 1
    spell = (~same).cumsum().rename("spell")
    spells = rows.groupby(spell, sort=True).agg(
        **{key: (key, "first") for key in (*keys, "kind")},
        start_year=("year", "min"),
        end_year=("year", "max"),
    )
    spells["end_year"] = spells["end_year"].astype("Int64").mask(spells["end_year"] == last_year)
    spells["start_year"] = spells["start_year"].astype("int64")
    for column in (*keys, "kind"):
        spells[column] = spells[column].astype("string")
    return spells.reset_index(drop=True)


def cow_igo_spells(df: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """Membership spells ``[igo, state, kind, start_year, end_year]`` from the tidy table.

    Only full, associate and observer years form spells; a ``missing`` (-9) year breaks a spell.
    Spells running in ``last_year`` (default: the table's last year, 2014 for the full file)
    have an open end.
    """
    members = df[df["status"].isin(MEMBER_KINDS)].rename(columns={"status": "kind"})
    members = members.assign(kind=members["kind"].astype("string"))
    last = int(df["year"].max()) if last_year is None else last_year
    return year_spells(members[["igo", "state", "kind", "year"]], ["igo", "state"], last)
