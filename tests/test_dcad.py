"""DCAD v1.0 main-file importer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hubspoke.errors import InputError
from hubspoke.sources.dcad import read_dcad

FIXTURE = "dcad/dcad_main.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def dcad():
    return read_dcad(FIXTURES / FIXTURE)


def test_rows_in_file_order(dcad):
    assert dcad["dca_id"].tolist() == [
        "DCADv1.0-1246", "DCADv1.0-1250", "DCADv1.0-1245", "DCADv1.0-0591",
    ]  # fmt: skip
    assert dcad[["state_a", "state_b"]].iloc[0].tolist() == ["RUS", "BLR"]
    # West Germany (260) has no ISO3 code; the agreement was signed in 1989.
    assert pd.isna(dcad.loc[3, "state_b"]) and dcad.loc[3, "ccode_b"] == 260


def test_dates_precision_and_codes(dcad):
    assert dcad["signed"].tolist() == [
        pd.Timestamp("1997-12-19"),  # day
        pd.Timestamp("1994-01-01"),  # year only -> 1 January
        pd.Timestamp("1995-05-01"),  # month only -> first of the month
        pd.Timestamp("1989-03-13"),
    ]
    assert dcad["signed_precision"].tolist() == ["day", "year", "month", "day"]
    assert dcad.loc[0, "in_force"] == pd.Timestamp("1999-05-14")
    assert dcad["in_force"].iloc[1:].isna().all()
    # terminated: 0 -> False, -99 and -88 -> missing (never False), 1 -> True.
    assert dcad["terminated"].tolist()[0] is False
    assert dcad["terminated"].iloc[1:3].isna().all()
    assert dcad["terminated"].iloc[3]
    assert dcad["category"].tolist()[2] == "PROCUREMENT/RESEARCH"
    assert dcad["end_year_estimate"].tolist() == [2010, 2000, 2001, 1995]


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        ("19,12,1997,14,5,1999,general", "19,12,1997,14,5,1999,other", 2, "type", "other"),
        (
            "19,12,1997,14,5,1999",
            "19,13,1997,14,5,1999",
            2,
            "signYear/signMonth/signDay",
            "1997-13-19",
        ),
        ("365,RUS,371,ARM", "365,RUS,x71,ARM", 3, "ccode2", "x71"),
        ("365,RUS,371,ARM", "365,RUS,999,ARM", 3, "ccode2", 999),  # unknown COW code, 1994
        (",-99,,2000,", ",7,,2000,", 3, "terminated", 7),
    ],
)
def test_malformed_cells_are_reported(edit_fixture, old, new, row, column, value):
    path = edit_fixture(FIXTURE, old, new)
    with pytest.raises(InputError) as err:
        read_dcad(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


@pytest.mark.shared
def test_real_file(shared_data):
    dcad = read_dcad(shared_data / "dcad-1.0" / "DCAD-v1.0-main.csv")
    assert dcad["dca_id"].is_unique
    assert dcad["end_year_estimate"].max() == 2010
    # Only agreements signed before 1993 lack an ISO3 state (West Germany, Czechoslovakia).
    stateless = dcad[dcad["state_a"].isna() | dcad["state_b"].isna()]
    assert (stateless["signed"] < pd.Timestamp("1993-01-01")).all()


def test_row_with_extra_field(edit_fixture):
    path = edit_fixture(FIXTURE, ",,,,DCADv1.0-1250", ",,,,DCADv1.0-1250,extra")
    with pytest.raises(InputError, match="not a well-formed table") as err:
        read_dcad(path)
    assert err.value.row == 3
