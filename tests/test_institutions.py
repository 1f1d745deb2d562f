"""derive_institutions: treaties, organisations and memberships from the source files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from hubspoke import networks
from hubspoke.countries import POST_SOVIET
from hubspoke.errors import InputError
from hubspoke.sources.build_raw import write_table
from hubspoke.sources.institutions import (
    CURATED_DIR,
    FILES,
    correct_ends,
    derive_institutions,
    merge_spells,
    not_before,
    read_curated_spells,
    read_registry,
)
from hubspoke.validate import load_table

FIXTURES = Path(__file__).parent / "fixtures"
CURATED = FIXTURES / "institutions" / "curated"
# Fixture file of each source, copied to the publisher's layout under a fake shared folder.
SOURCE_FIXTURES = {
    "cow_igo": "cow_igo/state_year.csv",
    "desta": "desta/desta_list.csv",
    "huggo": "desta/huggo_members.csv",
    "atop": "atop/atop_members.csv",
    "dcad": "dcad/dcad_main.csv",
    "migo": "migo/migo_memberships.csv",
}
T = pd.Timestamp
NaT = pd.NaT


@pytest.fixture
def shared(tmp_path):
    for source, fixture in SOURCE_FIXTURES.items():
        target = tmp_path / "shared" / FILES[source]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / fixture, target)
    return tmp_path / "shared"


@pytest.fixture
def tables(shared):
    return derive_institutions(shared, POST_SOVIET, (1992, 2020), curated=CURATED)


def rows(frame, columns):
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[columns].itertuples(False)]


def test_memberships_by_hand(tables):
    # Sources (see the fixtures): COW cis/eaec 2011-2014 (open when running in 2014), DESTA 10
    # (CU, HUGGO force "2010") and 20 (EurAsEC), ATOP 4220 (CSTO), MIGO GUAM (last year 2000),
    # curated SES.
    # Precedence per (org, state): EurAsEC RUS has DESTA (2001-) and COW (2011-) -> DESTA; UKR
    # only COW (observer 2011-12, missing 2013, 2014-). ATOP phases of RUS abut on 2002-10-07
    # -> merged. Corrections: CIS GEO ends 2012-06-30 (the latest GEO spell starting by then is
    # 2011's); EurAsEC RUS ends 2014-12-31; GUAM AZE continues. The curated SES UKR spell of
    # 1990 lies before the window and is dropped.
    got = rows(tables["memberships"], ["org_id", "state", "kind", "start", "end",
                                       "date_precision"])  # fmt: skip
    assert got == [
        ("CIS", "GEO", "full", T("2011-01-01"), T("2012-06-30"), "year"),
        ("CIS", "GEO", "full", T("2014-01-01"), None, "year"),
        ("CIS", "RUS", "full", T("2011-01-01"), None, "year"),
        ("CIS", "TKM", "full", T("2011-01-01"), T("2012-12-31"), "year"),
        ("CIS", "TKM", "associate", T("2013-01-01"), None, "year"),
        ("CIS", "UKR", "associate", T("2011-01-01"), None, "year"),
        ("CSTO", "RUS", "full", T("1992-05-15"), None, "day"),
        ("CSTO", "UZB", "full", T("1992-05-15"), T("1999-04-20"), "day"),
        ("CSTO", "UZB", "full", T("2006-08-17"), T("2012-06-28"), "day"),
        ("CU", "BLR", "full", T("2010-01-01"), None, "year"),
        ("CU", "KAZ", "full", T("2010-01-01"), None, "year"),
        ("CU", "RUS", "full", T("2010-01-01"), None, "year"),
        ("EURASEC", "BLR", "full", T("2001-01-01"), None, "year"),
        ("EURASEC", "KAZ", "full", T("2001-01-01"), None, "year"),
        ("EURASEC", "RUS", "full", T("2001-01-01"), T("2014-12-31"), "year"),
        ("EURASEC", "UKR", "observer", T("2011-01-01"), T("2012-12-31"), "year"),
        ("EURASEC", "UKR", "observer", T("2014-01-01"), None, "year"),
        ("EURASEC", "UZB", "full", T("2006-01-01"), T("2008-12-31"), "year"),
        ("GUAM", "AZE", "full", T("1997-01-01"), None, "year"),
        ("GUAM", "MDA", "full", T("1997-01-01"), T("1999-12-31"), "year"),
        ("GUAM", "UZB", "full", T("1999-01-01"), None, "year"),
        ("SES", "RUS", "full", T("2012-01-01"), None, "day"),
    ]
    source = tables["memberships"].set_index(["org_id", "state", "start"])["source"]
    assert source[("CU", "BLR", T("2010-01-01"))] == "DESTA+HUGGO"
    assert source[("EURASEC", "UZB", T("2006-01-01"))] == "DESTA"
    assert source[("EURASEC", "RUS", T("2001-01-01"))] == "DESTA; end: Fixture: EurAsEC ends"
    assert source[("GUAM", "AZE", T("1997-01-01"))] == "MIGO; continues: Fixture: GUAM continues"
    assert source[("SES", "RUS", T("2012-01-01"))].startswith("curated: ")


def test_treaties_by_hand(tables):
    # DESTA 30 (bilateral, ARM-RUS) with HUGGO dates; 40/80 are not between two in-scope
    # states. ATOP 9001 (bilat): BLR entry 1994 (1 Jan), RUS March 1994 (1 Mar) -> in force
    # from the later, 1994-03-01, to the earlier exit, June 1996 (30 Jun). DCAD: the estimate
    # 2010 is the fixture's last year -> no end; 2000 and 2001 -> 31 December.
    got = rows(tables["treaties"], ["treaty_id", "state_a", "state_b", "kind", "signed",
                                    "in_force", "ended", "source"])  # fmt: skip
    assert got == [
        ("ATOP-9001", "BLR", "RUS", "alliance", None, T("1994-03-01"), T("1996-06-30"),
         "ATOP-5.1"),
        ("DCAD-1245", "RUS", "UKR", "defence_cooperation", T("1995-05-01"), None,
         T("2001-12-31"), "DCAD-1.0"),
        ("DCAD-1246", "BLR", "RUS", "defence_cooperation", T("1997-12-19"), T("1999-05-14"),
         None, "DCAD-1.0"),
        ("DCAD-1250", "ARM", "RUS", "defence_cooperation", T("1994-01-01"), None,
         T("2000-12-31"), "DCAD-1.0"),
        ("DESTA-30", "ARM", "RUS", "trade_agreement", T("1992-09-30"), T("1993-03-25"), None,
         "DESTA+HUGGO"),
    ]  # fmt: skip
    names = tables["treaties"].set_index("treaty_id")["name"]
    assert names["ATOP-9001"] == "ATOP alliance 9001 (neutral)"
    assert names["DCAD-1245"] == "DCA sector (PROCUREMENT/RESEARCH)"


def test_organisations_and_layout(tables, tmp_path):
    orgs = tables["organisations"]
    assert list(orgs.columns) == [
        "org_id", "name", "domain", "depth", "leader", "scope", "implemented",
        "implementation_source", "source",
    ]  # fmt: skip
    assert orgs.set_index("org_id").loc["SES", ["depth", "leader", "scope"]].tolist() == [
        3, "RUS", "regional_post_soviet",
    ]  # fmt: skip
    # The tables pass the project's loader (written the way build_raw writes them).
    for name, frame in tables.items():
        loaded = write_table(frame, tmp_path / f"{name}.csv", name, states=POST_SOVIET)
        assert len(loaded) == len(frame)


def test_window_keeps_overlapping_spells(shared):
    # In 2013 only: CIS GEO (ended mid-2012) and EurAsEC UZB (2006-2008) drop out; the 2014 UKR
    # observer spell starts after the window; EurAsEC UKR 2011-2012 ends before it.
    tables = derive_institutions(shared, POST_SOVIET, (2013, 2013), curated=CURATED)
    kept = set(rows(tables["memberships"], ["org_id", "state", "start"]))
    assert ("CIS", "GEO", T("2011-01-01")) not in kept
    assert ("EURASEC", "UZB", T("2006-01-01")) not in kept
    assert ("EURASEC", "UKR", T("2014-01-01")) not in kept
    assert ("CIS", "TKM", T("2013-01-01")) in kept
    assert tables["treaties"]["treaty_id"].tolist() == ["DCAD-1246", "DESTA-30"]


def spell(org, state, kind, start, end, source="S", rank=1):
    return {
        "org_id": org, "state": state, "kind": kind, "start": T(start),
        "start_precision": "day", "end": T(end) if end else NaT,
        "end_precision": "day" if end else None, "source": source, "rank": rank,
    }  # fmt: skip


def test_merge_spells():
    spells = pd.DataFrame(
        [
            spell("A", "RUS", "full", "2000-01-01", "2002-10-07"),
            spell("A", "RUS", "full", "2002-10-08", None),  # abuts (next day) -> merged, open
            spell("A", "UZB", "full", "2000-01-01", "2001-01-01"),
            spell("A", "UZB", "full", "2000-06-01", "2000-12-31"),  # inside -> merged
            spell("A", "UZB", "full", "2001-01-03", "2002-01-01"),  # one-day gap -> separate
            spell("A", "UZB", "observer", "2001-01-02", "2001-01-02"),  # other kind
        ]
    )
    got = rows(merge_spells(spells), ["state", "kind", "start", "end"])
    assert got == [
        ("RUS", "full", T("2000-01-01"), None),
        ("UZB", "full", T("2000-01-01"), T("2001-01-01")),
        ("UZB", "full", T("2001-01-03"), T("2002-01-01")),
        ("UZB", "observer", T("2001-01-02"), T("2001-01-02")),
    ]


def test_correct_ends_picks_latest_spell_and_reports_misses():
    spells = pd.DataFrame(
        [
            spell("A", "GEO", "full", "1995-01-01", "2007-12-31"),
            spell("A", "GEO", "full", "2012-01-01", None),
        ]
    )
    ends = pd.DataFrame(
        {"line": [2], "org_id": ["A"], "state": ["GEO"], "end": [T("2009-08-18")],
         "end_precision": ["day"], "source": ["cite"]}
    )  # fmt: skip
    fixed = correct_ends(spells, ends, "ends.csv")
    assert rows(fixed, ["start", "end", "source"]) == [
        (T("1995-01-01"), T("2009-08-18"), "S; end: cite"),
        (T("2012-01-01"), None, "S"),
    ]
    with pytest.raises(InputError) as err:
        correct_ends(spells, ends.assign(end=T("1990-01-01")), "ends.csv")
    assert (err.value.row, err.value.column, err.value.value) == (2, "state", "GEO")


def test_not_before():
    dates = pd.Series([T("1994-01-01"), T("1994-01-01"), T("1995-01-01")])
    signed = pd.Series([T("1994-03-03"), T("1994-03-03"), T("1994-03-03")])
    partial = pd.Series([True, False, True])
    # Only a partial date widened before the signature moves; a day date is left to validation.
    assert not_before(dates, signed, partial).tolist() == [
        T("1994-03-03"), T("1994-01-01"), T("1995-01-01"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "row", "column", "value"),
    [
        (
            "memberships.csv",
            "SES,RUS,full,2012-01-01",
            "SES,RUS,member,2012-01-01",
            2,
            "kind",
            "member",
        ),
        ("memberships.csv", "SES,RUS,full,2012-01-01", "SES,RUS,full,2012", 2, "start", "2012"),
        ("memberships.csv", "SES,RUS,full", "XYZ,RUS,full", 2, "org_id", "XYZ"),
        ("memberships.csv", "SES,RUS,full", "SES,RUX,full", 2, "state", "RUX"),
        ("memberships.csv", "2012-01-01,,day", "2012-01-01,2011-12-31,day", 2, "end", "2011-12-31"),
    ],
)
def test_malformed_curated_spells(edit_fixture, file, old, new, row, column, value):
    registry = read_registry(CURATED / "organisations.csv")
    path = edit_fixture(f"institutions/curated/{file}", old, new)
    with pytest.raises(InputError) as err:
        read_curated_spells(path, registry, POST_SOVIET)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value"),
    [
        ("economic,2,RUS", "economic,7,RUS", 4, "depth", 7),
        ("economic,2,RUS", "economic,2,XXX", 4, "leader", "XXX"),
        ("0,,extra_regional", "0,,worldwide", 7, "scope", "worldwide"),
        # an economic integration agreement needs an implementation record and its citation
        ("regional_post_soviet,yes,Fixture,,10", "regional_post_soviet,,Fixture,,10", 4,
         "implemented", ""),
        ("regional_post_soviet,yes,Fixture,,10", "regional_post_soviet,maybe,Fixture,,10", 4,
         "implemented", "maybe"),
        ("regional_post_soviet,yes,Fixture,,10", "regional_post_soviet,yes,,,10", 4,
         "implementation_source", ""),
        # a body of depth 0 has none
        ("political,0,RUS,regional_post_soviet,,", "political,0,RUS,regional_post_soviet,no,",
         2, "implemented", "no"),
    ],
)  # fmt: skip
def test_malformed_registry(edit_fixture, old, new, row, column, value):
    path = edit_fixture("institutions/curated/organisations.csv", old, new)
    with pytest.raises(InputError) as err:
        read_registry(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)


def test_correction_without_spell_is_reported(shared, tmp_path):
    curated = tmp_path / "curated"
    shutil.copytree(CURATED, curated)
    with (curated / "membership_ends.csv").open("a") as ends:
        ends.write("NATO,EST,2010-01-01,day,Fixture: no such spell\n")
    with pytest.raises(InputError) as err:
        derive_institutions(shared, POST_SOVIET, (1992, 2020), curated=curated)
    assert (err.value.row, err.value.column, err.value.value) == (5, "state", "EST")


# --- the real data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(request):
    shared_data = request.getfixturevalue("shared_data")
    return derive_institutions(shared_data, POST_SOVIET, (1992, 2020))


def active(memberships, org, year):
    """States in ``org`` on any day of ``year`` (the default activity rule)."""
    m = memberships[memberships["org_id"] == org]
    on = (m["start"] <= T(year, 12, 31)) & ~(m["end"] < T(year, 1, 1))
    return set(m.loc[on, "state"])


def only(memberships, org, state):
    """The single spell of ``state`` in ``org``."""
    spells = memberships[(memberships["org_id"] == org) & (memberships["state"] == state)]
    assert len(spells) == 1
    return spells.iloc[0]


@pytest.mark.shared
def test_real_tables_validate(real, tmp_path):
    for name, frame in real.items():
        write_table(frame, tmp_path / f"{name}.csv", name, states=POST_SOVIET)


@pytest.mark.shared
def test_real_eurasian_memberships(real):
    m = real["memberships"]
    assert active(m, "EAEU", 2015) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert active(m, "EAEU", 2014) == set()
    assert only(m, "EAEU", "ARM")["start"] == T("2015-01-02")
    assert only(m, "EAEU", "KGZ")["start"] == T("2015-08-12")
    assert active(m, "CU", 2010) == {"BLR", "KAZ", "RUS"}
    assert {y for y in range(1992, 2021) if "UZB" in active(m, "EURASEC", y)} == {
        2006, 2007, 2008,
    }  # fmt: skip
    assert active(m, "EURASEC", 2015) == set()  # EurAsEC ceased on 1 January 2015
    geo = only(m, "CIS", "GEO")
    assert (geo["end"].year, geo["end"].month) == (2009, 8)  # Georgia left in August 2009
    assert pd.isna(only(m, "CIS", "RUS")["end"])  # COW's 2014 is not an end
    assert "UKR" not in active(m, "CIS", 2019)


@pytest.mark.shared
def test_real_security_and_guam(real):
    m = real["memberships"]
    cst = m[(m["org_id"] == "CSTO") & (m["start"] == T("1992-05-15"))]
    assert set(cst["state"]) == {"ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    assert set(cst["source"]) == {"ATOP-5.1"}
    for year in range(1999, 2005):  # MIGO: GUUAM with Uzbekistan from 1999
        assert active(m, "GUAM", year) == {"AZE", "GEO", "MDA", "UKR", "UZB"}
    assert active(m, "GUAM", 1997) == {"AZE", "GEO", "MDA", "UKR"}
    assert active(m, "GUAM", 2006) == {"AZE", "GEO", "MDA", "UKR"}


def test_every_curated_row_is_cited():
    for name in ("organisations.csv", "memberships.csv", "membership_ends.csv"):
        table = pd.read_csv(CURATED_DIR / name, dtype=str, keep_default_na=False)
        assert (table["source"].str.len() > 20).all(), name


def test_missing_source_file_is_reported(shared):
    (shared / FILES["migo"]).unlink()
    with pytest.raises(InputError, match="file not found") as err:
        derive_institutions(shared, POST_SOVIET, (1992, 2020), curated=CURATED)
    assert err.value.source.endswith("MIGO_memberships.csv")


# --- the committed tables (data/raw): each corrected date, each added body ------------------

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def raw():
    return {
        name: load_table(RAW / f"{name}.csv", name) for name in ("organisations", "memberships")
    }


def spells(memberships, org, state):
    m = memberships[(memberships["org_id"] == org) & (memberships["state"] == state)]
    return [(k, s.date().isoformat(), None if pd.isna(e) else e.date().isoformat())
            for k, s, e in m[["kind", "start", "end"]].itertuples(False)]  # fmt: skip


def test_raw_customs_union_and_ses_end_with_the_eaeu(raw):
    m = raw["memberships"]
    for state in ("BLR", "KAZ", "RUS"):
        assert spells(m, "CU", state) == [("full", "2010-01-01", "2014-12-31")]
        assert spells(m, "SES", state) == [("full", "2012-01-01", "2014-12-31")]
    assert active(m, "CU", 2015) == active(m, "SES", 2015) == set()
    # from 2015 the customs union is the EAEU's: Armenia and Kyrgyzstan enter it on accession
    assert spells(m, "EAEU", "ARM") == [("full", "2015-01-02", None)]
    assert spells(m, "EAEU", "KGZ") == [("full", "2015-08-12", None)]
    assert active(m, "EAEU", 2016) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}


def depth_strength_2016(raw, implementation):
    counted = networks.counted_organisations(
        raw["organisations"], ["regional_post_soviet", "regional_other"], implementation
    )
    active_2016 = networks.active_memberships(
        raw["memberships"], POST_SOVIET, [2016], "any_day", ["full", "participant"], counted
    )
    edges = networks.membership_edges(active_2016, raw["organisations"], depth_weighted=True)
    ends = pd.concat([edges[["source", "weight"]], edges[["target", "weight"]].set_axis(
        ["source", "weight"], axis=1)])  # fmt: skip
    strength = ends.groupby("source")["weight"].sum()
    return {s: strength[s] for s in ("ARM", "BLR", "KAZ", "KGZ", "RUS")}


def test_raw_equal_depth_strength_of_eaeu_members_in_2016(raw):
    # Before the fix BLR/KAZ/RUS had 34 (CU 2 + SES 3 + EAEU 4 + CIS FTA 1 with each other)
    # against 24 for ARM/KGZ. Now every EAEU member has 6 with each of the four others (EAEU 4,
    # CIS FTA 1, 1994 CIS FTA 1), 2 with MDA, TJK, UKR and UZB (the two FTAs) and 1 with AZE
    # and TKM (1994 FTA): 34 each (default configuration).
    assert set(depth_strength_2016(raw, ["yes", "partial"]).values()) == {34.0}
    # Counting legal existence adds the 1993 Economic Union (depth 4, never carried out) with
    # the ten other states that signed it: 34 + 40, still equal.
    assert set(depth_strength_2016(raw, ["yes", "partial", "no"]).values()) == {74.0}


def test_raw_cis_dates(raw):
    m = raw["memberships"]
    assert spells(m, "CIS", "GEO") == [("full", "1993-12-09", "2009-08-18")]  # not 1995
    assert spells(m, "CIS", "AZE") == [("full", "1993-09-24", None)]  # not 1991
    # founders that never ratified the Charter take part as participants (Charter Art. 7)
    assert spells(m, "CIS", "UKR") == [
        ("full", "1991-12-08", "1993-01-21"), ("participant", "1993-01-22", "2018-05-19"),
    ]  # fmt: skip
    assert spells(m, "CIS", "TKM") == [
        ("full", "1991-12-21", "1993-01-21"),
        ("participant", "1993-01-22", "2005-08-25"),
        ("associate", "2005-08-26", None),
    ]
    assert spells(m, "CISFTA", "UZB") == [("full", "2013-05-31", None)]  # 2013 Protocol


def test_raw_pre_2010_bodies(raw):
    m, orgs = raw["memberships"], raw["organisations"].set_index("org_id")
    assert active(m, "CU1995", 1995) == {"BLR", "KAZ", "RUS"}
    assert active(m, "CU1995", 1996) == {"BLR", "KAZ", "KGZ", "RUS"}
    assert active(m, "CU1995", 1999) == {"BLR", "KAZ", "KGZ", "RUS", "TJK"}
    assert active(m, "CU1995", 2002) == set()  # became EurAsEC (in force 30 May 2001)
    assert active(m, "ECU1993", 1994) >= {"ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS"}
    assert spells(m, "ECU1993", "UKR") == [("associate", "1994-01-01", None)]
    # in force between a 2011 party and a non-party, so not ended (data/curated/README.md)
    assert spells(m, "CISFTA1994", "RUS") == [("full", "1994-12-30", None)]
    assert active(m, "CISFTA1994", 2016) == set(POST_SOVIET) - {"EST", "GEO", "LTU", "LVA"}
    assert {y for y in range(1992, 2021) if "RUS" in active(m, "CACO", y)} == {2004, 2005, 2006}
    assert active(m, "CACO", 2007) == set()
    assert spells(m, "BAFTA", "LVA") == [("full", "1994-04-01", "2004-04-30")]
    assert active(m, "CBSS", 1992) == {"EST", "LTU", "LVA", "RUS"}
    # the two customs unions share a legal depth, not an implementation record
    assert orgs.loc["CU1995", "depth"] == orgs.loc["CU", "depth"] == 2
    assert (orgs.loc["CU1995", "implemented"], orgs.loc["CU", "implemented"]) == ("partial", "yes")
    assert (orgs.loc["ECU1993", "depth"], orgs.loc["ECU1993", "implemented"]) == (4, "no")
    assert orgs.loc[["CISFTA1994", "BAFTA", "CACO"], "depth"].tolist() == [1, 1, 3]


def test_raw_every_organisation_has_a_scope(raw):
    orgs = raw["organisations"].set_index("org_id")
    assert orgs["scope"].notna().all()
    assert orgs.loc["WTO", "scope"] == "global"
    assert set(orgs.loc[["EU", "NATO", "COE"], "scope"]) == {"extra_regional"}
    assert set(orgs.loc[["BSEC", "ECO", "SCO", "CBSS"], "scope"]) == {"regional_other"}
    economic = orgs["depth"] > 0
    assert orgs.loc[economic, ["implemented", "implementation_source"]].notna().all().all()
    assert orgs.loc[~economic, ["implemented", "implementation_source"]].isna().all().all()
