"""MIGO state-year importer and spells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hubspoke.errors import InputError
from hubspoke.sources.migo import migo_spells, read_migo

FIXTURE = "migo/migo_memberships.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def migo():
    return read_migo(FIXTURES / FIXTURE)


def test_states_from_state_id_or_cow_code(migo):
    assert list(migo.columns) == ["igo", "state", "year", "kind", "begin", "end", "cow_code"]
    states = migo.drop_duplicates("cow_code").set_index("cow_code")["state"]
    assert states[373] == "AZE"  # stateID is ISO3
    assert states[359] == "MDA"  # empty stateID -> cowID 359
    assert states[347] == "XKX"  # "KOS" is not ISO3 -> cowID 347 (Kosovo)
    assert pd.isna(states[265])  # the GDR in 1985: no ISO3 code, kept missing
    assert migo.loc[migo["cow_code"] == 347, "kind"].eq("observer").all()


def test_spells_by_hand(migo):
    # The fixture's last year is 2000: spells running in 2000 are open.
    # GUAM AZE 1997-1998 -> closed 1998; MDA 1997-1999 -> closed 1999; UZB 1999-2000 -> open.
    # ABC XKX observer 1999-2000 -> open; the GDR row has no state and forms no spell.
    spells = migo_spells(migo)
    got = {
        (r.igo, r.state, r.kind, r.start_year, None if pd.isna(r.end_year) else r.end_year)
        for r in spells.itertuples()
    }
    assert got == {
        ("GUAM", "AZE", "full", 1997, 1998),
        ("GUAM", "MDA", "full", 1997, 1999),
        ("GUAM", "UZB", "full", 1999, None),
        ("ABC", "XKX", "observer", 1999, None),
    }
    # With coverage to 2010, the UZB spell is closed in 2000.
    later = migo_spells(migo, last_year=2010).set_index(["igo", "state"])
    assert later.loc[("GUAM", "UZB"), "end_year"] == 2000


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        ("GUAM,AZE,Azerbaijan,1,1998", "GUAM,AZE,Azerbaijan,4,1998", 3, "membership", 4),
        ("GUAM,AZE,Azerbaijan,1,1998", "GUAM,AZE,Azerbaijan,1,19x8", 3, "Year", "19x8"),
        (
            "GUAM,UZB,Uzbekistan,1,2000,1992,2010,704",
            "GUAM,,Uzbekistan,1,2000,1992,2010,999",
            8,
            "cowID",
            999,
        ),  # no stateID and an unknown COW code in 2000
        ("GUAM,AZE,Azerbaijan,1,1998", "GUAM,AZE,Azerbaijan,1,1997", 3, "stateID", "AZE"),
    ],
)
def test_malformed_cells_are_reported(edit_fixture, old, new, row, column, value):
    path = edit_fixture(FIXTURE, old, new)
    with pytest.raises(InputError) as err:
        read_migo(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


@pytest.mark.shared
def test_guam_members(shared_data):
    migo = read_migo(shared_data / "migo" / "MIGO_memberships.csv")
    assert migo["year"].max() == 2010
    guam = migo_spells(migo)
    guam = guam[guam["igo"] == "GUAM"].set_index("state")
    # MIGO records GUAM 1997-2006 (it became a formal organisation in 2006): Azerbaijan,
    # Georgia and Ukraine 1997-2006, Moldova 1997-2005, Uzbekistan (GUUAM) 1999-2006.
    spans = {s: (r.start_year, r.end_year) for s, r in guam.iterrows()}
    assert spans == {
        "AZE": (1997, 2006), "GEO": (1997, 2006), "UKR": (1997, 2006),
        "MDA": (1997, 2005), "UZB": (1999, 2006),
    }  # fmt: skip
