"""ATOP 5.1 member-level importer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hubspoke.errors import InputError
from hubspoke.sources.atop import read_atop_members

FIXTURE = "atop/atop_members.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def members():
    return read_atop_members(FIXTURES / FIXTURE)


def test_columns_and_types(members):
    assert list(members.columns) == [
        "atopid", "state", "ccode", "entry", "entry_precision", "exit", "exit_precision",
        "bilat", "defense", "offense", "neutral", "nonagg", "consul",
    ]  # fmt: skip
    assert members["entry"].dtype == "datetime64[ns]"
    assert members["defense"].dtype == bool
    # Czechoslovakia (315) keeps a missing state: its row ends on 31 December 1992.
    assert members.loc[members["ccode"] == 315, "state"].isna().all()


def test_dates_and_precision(members):
    by = members.set_index(["atopid", "ccode", "entry"])
    # yrexit 0: still in force at the end of the data -> NaT, no precision.
    in_force = by.loc[(4220, 365, pd.Timestamp("2002-10-07"))]
    assert pd.isna(in_force["exit"]) and pd.isna(in_force["exit_precision"])
    uzb = members[(members["atopid"] == 4220) & (members["state"] == "UZB")]
    assert uzb["exit"].tolist() == [pd.Timestamp("1999-04-20"), pd.Timestamp("2012-06-28")]
    # moent/dayent 0 -> year precision, entry on 1 January; exit month known, day empty ->
    # month precision, the last day of June.
    blr = members[(members["atopid"] == 9001) & (members["state"] == "BLR")].iloc[0]
    assert (blr["entry"], blr["entry_precision"]) == (pd.Timestamp("1994-01-01"), "year")
    assert (blr["exit"], blr["exit_precision"]) == (pd.Timestamp("1996-06-30"), "month")
    # dayent empty -> first day of March; moexit 0 -> year precision, 31 December.
    rus = members[(members["atopid"] == 9001) & (members["state"] == "RUS")].iloc[0]
    assert (rus["entry"], rus["entry_precision"]) == (pd.Timestamp("1994-03-01"), "month")
    assert (rus["exit"], rus["exit_precision"]) == (pd.Timestamp("1996-12-31"), "year")
    assert bool(rus["bilat"]) and bool(rus["neutral"]) and not bool(rus["defense"])


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        ("4220,,704,1992,5,15", "4220,,704,1992,13,15", 3, "yrent/moent/dayent", "1992-13-15"),
        ("4220,,704,2006,8,17", "4220,,abc,2006,8,17", 5, "member", "abc"),
        ("4220,,704,2006,8,17", "4220,,999,2006,8,17", 5, "member", 999),  # unknown COW code
        ("9001,,370,1994,0,0,1996,6,,0,1", "9001,,370,1994,0,0,1996,6,,0,2", 6, "bilat", 2),
        (
            "9001,,365,1994,3,,1996,0,0",
            "9001,,365,1994,3,,1996,2,30",
            7,
            "yrexit/moexit/dayexit",
            "1996-2-30",
        ),
    ],
)
def test_malformed_cells_are_reported(edit_fixture, old, new, row, column, value):
    path = edit_fixture(FIXTURE, old, new)
    with pytest.raises(InputError) as err:
        read_atop_members(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


@pytest.mark.shared
def test_collective_security_treaty(shared_data):
    atop = read_atop_members(shared_data / "atop-5.1" / "atop5_1m.csv")
    cst = atop[atop["atopid"] == 4220]
    first = cst[cst["entry"] == pd.Timestamp("1992-05-15")]
    # Tashkent, 15 May 1992: Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan.
    assert set(first["state"]) == {"ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    later = cst.groupby("state")["entry"].min()
    assert later["AZE"] == pd.Timestamp("1993-09-24")
    assert later["GEO"] == pd.Timestamp("1993-12-09")
    assert later["BLR"] == pd.Timestamp("1994-01-03")
    # Azerbaijan, Georgia and Uzbekistan left in 1999; Uzbekistan was back 2006-2012.
    left = cst[cst["exit"] == pd.Timestamp("1999-04-20")]
    assert set(left["state"]) == {"AZE", "GEO", "UZB"}
    uzb = cst[cst["state"] == "UZB"].sort_values("entry")
    assert uzb["exit"].iloc[-1] == pd.Timestamp("2012-06-28")
