"""COW IGO v3 state-year importer and year spells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hubspoke.countries import POST_SOVIET
from hubspoke.errors import InputError
from hubspoke.sources.cow_igo import cow_igo_spells, read_cow_igo_state_year, year_spells

FIXTURE = "cow_igo/state_year.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def panel():
    return read_cow_igo_state_year(FIXTURES / FIXTURE, igos=["cis", "eaec"])


def test_tidy_table_types_and_decoding(panel):
    assert list(panel.columns) == ["state", "ccode", "year", "igo", "status"]
    assert str(panel["state"].dtype) == "string"
    assert panel["year"].dtype == "int64"
    # Czechoslovakia (315) has no ISO3 code and its rows end in 1992: dropped, not an error.
    assert set(panel["state"]) == {"RUS", "UKR", "GEO", "TKM"}
    # 4 states x 4 years x 2 IGOs
    assert len(panel) == 32
    ukr = panel[(panel["state"] == "UKR") & (panel["igo"] == "eaec")].set_index("year")
    assert list(ukr["status"]) == ["observer", "observer", "missing", "observer"]
    tkm = panel[(panel["state"] == "TKM") & (panel["igo"] == "eaec")].set_index("year")
    assert tkm.loc[2011, "status"] == "not_in_existence"
    assert panel["igo"].unique().tolist() == ["cis", "eaec"]


def test_only_requested_igos_and_states():
    table = read_cow_igo_state_year(FIXTURES / FIXTURE, igos=["nato"], states=["GEO"])
    assert set(table["igo"]) == {"nato"}
    assert set(table["state"]) == {"GEO"}
    assert (table["status"] == "none").all()


def test_spells_by_hand(panel):
    # cis: RUS full 2011-2014 runs to the file's last year -> open; UKR associate likewise;
    # GEO full 2011, none 2012-13, full 2014 -> [2011, 2011] and [2014, open];
    # TKM full 2011-12 then associate 2013-14 -> [2011, 2012] full, [2013, open] associate.
    # eaec: RUS full -> open; UKR observer 2011-12, missing (-9) 2013, observer 2014 -> the
    # missing year breaks the spell: [2011, 2012] and [2014, open]. TKM 0/-1 -> no spell.
    spells = cow_igo_spells(panel)
    got = {
        (r.igo, r.state, r.kind, r.start_year, None if pd.isna(r.end_year) else r.end_year)
        for r in spells.itertuples()
    }
    assert got == {
        ("cis", "GEO", "full", 2011, 2011),
        ("cis", "GEO", "full", 2014, None),
        ("cis", "RUS", "full", 2011, None),
        ("cis", "TKM", "full", 2011, 2012),
        ("cis", "TKM", "associate", 2013, None),
        ("cis", "UKR", "associate", 2011, None),
        ("eaec", "RUS", "full", 2011, None),
        ("eaec", "UKR", "observer", 2011, 2012),
        ("eaec", "UKR", "observer", 2014, None),
    }


def test_year_spells_explicit_last_year():
    # With the coverage ending in 2015, a spell ending in 2014 is closed.
    members = pd.DataFrame(
        {"igo": ["x", "x"], "state": ["RUS", "RUS"], "kind": ["full", "full"], "year": [2013, 2014]}
    )
    spells = year_spells(members, ["igo", "state"], last_year=2015)
    assert spells.loc[0, "end_year"] == 2014
    assert year_spells(members, ["igo", "state"], last_year=2014)["end_year"].isna().all()


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        ("365,2012,russia,1,1,0", "365,2012,russia,x,1,0", 3, "cis", "x"),  # not a number
        ("369,2012,ukraine,2,3,0", "369,2012,ukraine,2,5,0", 7, "eaec", 5),  # unknown code
        ("372,2011,georgia,1,0,0", "372,2011,georgia,,0,0", 10, "cis", ""),  # empty cell
        ("701,2013,turkmenistan", "abc,2013,turkmenistan", 16, "ccode", "abc"),
        ("701,2013,turkmenistan", "999,2013,turkmenistan", 16, "ccode", 999),  # unknown COW
        ("365,2014,russia", "365,20x4,russia", 5, "year", "20x4"),
    ],
)
def test_malformed_cells_are_reported(edit_fixture, old, new, row, column, value):
    path = edit_fixture(FIXTURE, old, new)
    with pytest.raises(InputError) as err:
        read_cow_igo_state_year(path, igos=["cis", "eaec"])
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)
    assert str(path) in str(err.value)


def test_unknown_igo_column():
    with pytest.raises(InputError) as err:
        read_cow_igo_state_year(FIXTURES / FIXTURE, igos=["guam"])
    assert (err.value.row, err.value.column) == (1, "guam")


@pytest.mark.shared
def test_real_file_post_soviet_cis(shared_data):
    path = shared_data / "cow-igo-v3" / "state_year_formatv3.csv"
    panel = read_cow_igo_state_year(path, igos=["cis", "csto", "eaec"], states=POST_SOVIET)
    assert panel["year"].max() == 2014
    spells = cow_igo_spells(panel).set_index(["igo", "state", "kind"])
    # COW codes Georgia in the CIS 1995-2007 (it joined in December 1993 and left on
    # 18 August 2009; see data/curated/README.md) and keeps open the spells running in 2014.
    assert spells.loc[("cis", "GEO", "full"), ["start_year", "end_year"]].tolist() == [1995, 2007]
    assert pd.isna(spells.loc[("cis", "RUS", "full"), "end_year"])
    assert spells.loc[("cis", "UKR", "associate"), "start_year"] == 1993


def test_bad_cell_of_another_state_is_still_reported(edit_fixture):
    path = edit_fixture(FIXTURE, "372,2013,georgia,0,0,0", "372,2013,georgia,0,x,0")
    with pytest.raises(InputError) as err:
        read_cow_igo_state_year(path, igos=["eaec"], states=["RUS"])
    assert (err.value.row, err.value.column, err.value.value) == (12, "eaec", "x")
