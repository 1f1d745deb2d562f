"""Informal intergovernmental organizations (MIGO): state-year memberships.

File ``MIGO_memberships.csv``.

Roger & Rowan, Journal of Conflict Resolution; distributed by globalgov/manyios (CC BY 4.0).
One row per IGO, member state and year (1925-2010): ``igoID, stateID, StateName, membership,
Year, Begin, End, cowID, active``. ``membership`` is decoded like COW IGO (1 full, 2 associate,
3 observer; e.g. Papua New Guinea, an ASEAN observer, is coded 3). ``Begin``/``End`` are kept as
given; they describe the state's years in the data, not the membership (GUAM rows of Azerbaijan
carry Begin 1992 although GUAM dates from 1997), so spells are built from ``Year``.

Quirk: ``stateID`` is not always ISO3 (``ALG`` for Algeria, ``KOS`` for Kosovo, ``DDR``/``RVN``
for the GDR and South Vietnam, empty for Sao Tome and Principe and Congo). ``state`` is
``stateID`` when that is an ISO3 code, otherwise the ISO3 code of ``cowID``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hubspoke.countries import iso3_codes
from hubspoke.sources.cells import (
    check_allowed,
    cow_states,
    read_text_table,
    report_first,
    require_columns,
    to_int,
    to_text,
)
from hubspoke.sources.cow_igo import year_spells

KINDS = {1: "full", 2: "associate", 3: "observer"}
_COLUMNS = ("igoID", "stateID", "membership", "Year", "Begin", "End", "cowID")


def read_migo(path: Path | str) -> pd.DataFrame:
    """Tidy ``[igo, state, year, kind, begin, end, cow_code]`` sorted by igo, state, year.

    A state that is neither a valid ``stateID`` nor derivable from ``cowID`` raises
    ``InputError`` (rows dated before 1993 may belong to historical states and keep a missing
    state). Two rows for the same igo, state and year raise ``InputError``.
    """
    table = read_text_table(path)
    require_columns(table, _COLUMNS, path)
    ints = {
        c: to_int(table[c], path, c, required=True)
        for c in ("membership", "Year", "Begin", "End", "cowID")
    }
    check_allowed(ints["membership"], KINDS, path, "membership")
    igo = to_text(table["igoID"], path, "igoID")
    state_id = table["stateID"].str.strip()
    year_end = pd.to_datetime(ints["Year"].astype("string") + "-12-31")
    from_cow = cow_states(ints["cowID"], year_end, path, "cowID")
    state = state_id.where(state_id.isin(iso3_codes()), from_cow).astype("string")
    frame = pd.DataFrame(
        {
            "igo": igo,
            "state": state,
            "year": ints["Year"].astype("int64"),
            "kind": ints["membership"].astype("int64").map(KINDS).astype("string"),
            "begin": ints["Begin"].astype("int64"),
            "end": ints["End"].astype("int64"),
            "cow_code": ints["cowID"].astype("int64"),
        }
    )
    duplicated = frame.duplicated(["igo", "state", "year"]) & frame["state"].notna()
    report_first(duplicated, table["stateID"], path, "stateID", "second row for igo/state/year")
    return frame.sort_values(["igo", "state", "year"], kind="stable").reset_index(drop=True)


def migo_spells(df: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """Spells ``[igo, state, kind, start_year, end_year]`` of consecutive years of one kind.

    Spells running in ``last_year`` (default: the table's last year, 2010 for the full file)
    have an open end. GUAM's rows stop in 2006, when it became a formal organisation, so its
    spells end in 2006.
    """
    members = df[df["state"].notna()][["igo", "state", "kind", "year"]]
    last = int(df["year"].max()) if last_year is None else last_year
    return year_spells(members, ["igo", "state"], last)
