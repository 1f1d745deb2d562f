"""DESTA list, DESTA spells and HUGGO state-level dates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hubspoke.errors import InputError
from hubspoke.sources.desta import (
    desta_spells,
    huggo_member_dates,
    read_desta_list,
    read_huggo_members,
)

LIST = "desta/desta_list.csv"
HUGGO = "desta/huggo_members.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def desta():
    return read_desta_list(FIXTURES / LIST)


@pytest.fixture
def huggo():
    return read_huggo_members(FIXTURES / HUGGO)


def test_list_types(desta):
    assert desta.index[0] == 2  # the index is the file line
    assert desta.loc[5, "entry_type"] == "withdrawal"
    assert desta["entryforceyear"].dtype == "Int64"
    assert pd.isna(desta.loc[5, "entryforceyear"])  # "NA" is missing
    assert desta.loc[2, ["c1", "c2", "c3"]].tolist() == [112, 398, 643]
    assert desta.loc[7, "c3"] is pd.NA


def test_spells_by_hand(desta):
    # 10: base treaty (in force 2010) -> BLR, KAZ, RUS from 2010.
    # 20: base treaty in force 2001 -> BLR, KAZ, RUS; 20+1 accession (typememb 5, the acceding
    #     state has mc 1, no entry-into-force year -> its signature year 2006): UZB from 2006;
    #     20_1 withdrawal (mc 1, 2008) ends that spell in 2008.
    # 30: bilateral base treaty in force 1993; its protocol (31), the consolidated copy (31a)
    #     and the negotiation (50) add nobody.
    # 40: no entry-into-force year -> start missing; 900 is Kosovo (XKX) per the codebook.
    # 60: base treaty 2000 (MEX, DEU); 60+1 accession through membership of a regional
    #     agreement (typememb 6: the acceding state has mc 2) -> ROU from 2007; 60_1: one
    #     withdrawal entry for two states (mc 1) ends both DEU and ROU in 2010.
    # 70_1: withdrawal from a treaty that is not in the list -> ends nothing.
    # 80: 530 (Netherlands Antilles) has no ISO3 code -> only NLD.
    spells = desta_spells(desta)
    got = {
        (r.base_treaty, r.state, r.signed_year,
         None if pd.isna(r.start_year) else r.start_year,
         None if pd.isna(r.end_year) else r.end_year, r.treaty_number)
        for r in spells.itertuples()
    }  # fmt: skip
    assert got == {
        (10, "BLR", 2009, 2010, None, "10"),
        (10, "KAZ", 2009, 2010, None, "10"),
        (10, "RUS", 2009, 2010, None, "10"),
        (20, "BLR", 1999, 2001, None, "20"),
        (20, "KAZ", 1999, 2001, None, "20"),
        (20, "RUS", 1999, 2001, None, "20"),
        (20, "UZB", 2006, 2006, 2008, "20+1"),
        (30, "ARM", 1992, 1993, None, "30"),
        (30, "RUS", 1992, 1993, None, "30"),
        (40, "ALB", 2015, None, None, "40"),
        (40, "XKX", 2015, None, None, "40"),
        (60, "DEU", 2000, 2000, 2010, "60"),
        (60, "MEX", 2000, 2000, None, "60"),
        (60, "ROU", 2007, 2007, 2010, "60+1"),
        (80, "NLD", 1970, 1971, None, "80"),
    }
    uzb = spells[spells["state"] == "UZB"].iloc[0]
    assert uzb["name"] == "Eurasian Economic Community (EAEC)"  # the base treaty's name
    assert uzb["entry_type"] == "accession"


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        (
            '"30";30;"Armenia Russia";"base_treaty";0;1992;1993;"English";1;"Europe";0;NA;51;643',
            '"30";30;"Armenia Russia";"base_treaty";0;1992;1993;"English";1;"Europe";0;NA;51;6x3',
            6,
            "c2",
            "6x3",
        ),  # non-numeric code
        ('0;NA;51;643;NA;0;0;NA\n"31"', '0;NA;51;999;NA;0;0;NA\n"31"', 6, "c2", 999),
        ('"base_treaty";0;2009;2010', '"base treaty";0;2009;2010', 2, "entry_type", "base treaty"),
        ('"English";2;"Europe";1;"EAEU"', '"English";9;"Europe";1;"EAEU"', 2, "typememb", 9),
        ("112;398;643;0;0;0", "112;398;643;0;0;5", 2, "mc3", 5),
    ],
)
def test_malformed_list_cells(edit_fixture, old, new, row, column, value):
    path = edit_fixture(LIST, old, new)
    with pytest.raises(InputError) as err:
        read_desta_list(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


def test_huggo_dates_and_layouts(huggo):
    # The trailing all-empty row is skipped; rows are sorted by many_id, state_id.
    assert len(huggo) == 10
    row = huggo.set_index(["many_id", "state_id"])
    cu = row.loc[("BLRSKR_2009O", "BLR")]
    # "2009-11" -> month precision, first day; "2010" -> year, 1 January;
    # "31.12.9999" (still in force) -> missing end.
    assert (cu["signature"], cu["signature_precision"]) == (pd.Timestamp("2009-11-01"), "month")
    assert (cu["force"], cu["force_precision"]) == (pd.Timestamp("2010-01-01"), "year")
    assert pd.isna(cu["end"]) and pd.isna(cu["state_end"])
    # End dates widen to the last day: "2009-08" -> 31 August; "2020-99-99" -> 31 December.
    geo = row.loc[("CMMNIS_1994O", "GEO")]
    assert (geo["state_end"], geo["state_end_precision"]) == (pd.Timestamp("2009-08-31"), "month")
    gbr = row.loc[("ECLSBN_2007O", "GBR")]
    assert (gbr["state_end"], gbr["state_end_precision"]) == (pd.Timestamp("2020-12-31"), "year")
    # "2000-03-04" (ISO layout) is a day; the EC is a party without an ISO3 code.
    ec = row.loc[("ECTEST_2000O", "EC")]
    assert ec["signature"] == pd.Timestamp("2000-03-04") and pd.isna(ec["state"])
    assert row.loc[("BULTST_2001O", "BUL"), "state"] == "BGR"  # from StateName
    assert row.loc[("ARM-RUS[RSS]_1992O", "ARM"), "desta_id"] == 30


def test_state_dates_take_precedence(huggo):
    dates = huggo_member_dates(huggo).set_index(["many_id", "state"])
    arm = dates.loc[("ERSNEU_2014O", "ARM")]
    # Treaty: signed 29.05.2014, in force 01.01.2015; Armenia's own: 10.10.2014, 02.01.2015.
    assert arm["signature"] == pd.Timestamp("2014-10-10")
    assert (arm["force"], arm["force_precision"]) == (pd.Timestamp("2015-01-02"), "day")
    # Georgia has no StateForce: the treaty's 30.12.1994 applies; its own end applies.
    geo = dates.loc[("CMMNIS_1994O", "GEO")]
    assert geo["force"] == pd.Timestamp("1994-12-30")
    assert geo["end"] == pd.Timestamp("2009-08-31")


@pytest.mark.parametrize(
    ("old", "new", "column", "value"),
    [
        (
            "30.09.1992,ARM,30.09.1992,25.03.1993",
            "30.09.1992,ARM,30.09.1992,31.02.1993",
            "Force",
            "31.02.1993",
        ),
        (
            "30.09.1992,ARM,30.09.1992,25.03.1993",
            "30.09.1992,ARM,30.09.1992,1993/03/25",
            "Force",
            "1993/03/25",
        ),
        ("NA,10,2009-11,NA,2010", "NA,1x,2009-11,NA,2010", "destaID", "1x"),
    ],
)
def test_malformed_huggo_cells(edit_fixture, old, new, column, value):
    path = edit_fixture(HUGGO, old, new)
    with pytest.raises(InputError) as err:
        read_huggo_members(path)
    assert (err.value.column, err.value.value) == (column, value)
    text = path.read_bytes().decode().split("\r\n")
    assert new.split(",")[0] in text[err.value.row - 1]  # the reported line holds the cell


@pytest.mark.shared
def test_real_eurasian_agreements(shared_data):
    desta = read_desta_list(shared_data / "desta" / "DESTA.csv")
    spells = desta_spells(desta)

    def members(base_treaty):
        return spells[spells["base_treaty"] == base_treaty].set_index("state")

    # Uzbekistan in EurAsEC (434): accession 2006, withdrawal 2008.
    eaec = members(434)
    assert (eaec.loc["UZB", "start_year"], eaec.loc["UZB", "end_year"]) == (2006, 2008)
    # The 2010 customs union (104): Belarus, Kazakhstan, Russia.
    assert set(members(104).index) == {"BLR", "KAZ", "RUS"}
    assert (members(104)["start_year"] == 2010).all()
    # EAEU (1040): the three founders plus Armenia and Kyrgyzstan by accession.
    eaeu = members(1040)
    assert set(eaeu.index) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert set(eaeu.loc[eaeu["entry_type"] == "accession"].index) == {"ARM", "KGZ"}
    # Georgia's withdrawal from the 1994 CIS agreement (244) in 2009.
    assert members(244).loc["GEO", "end_year"] == 2009
    # One withdrawal entry can name several states: EFTA (375) withdrawal Austria Finland Sweden.
    assert members(375).loc[["AUT", "FIN", "SWE"], "end_year"].tolist() == [1995] * 3
    huggo = huggo_member_dates(
        read_huggo_members(shared_data / "desta" / "HUGGO_MEM_additional.csv")
    )
    eaeu_dates = huggo[huggo["desta_id"] == 1040].set_index("state")["force"]
    assert eaeu_dates["ARM"] == pd.Timestamp("2015-01-02")
    assert eaeu_dates["KGZ"] == pd.Timestamp("2015-08-12")
