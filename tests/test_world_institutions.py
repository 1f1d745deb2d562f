"""The worldwide treaty, organisation and membership tables (registry ``world``)."""

from __future__ import annotations

import pandas as pd
import pytest

from hubspoke.countries import iso3_codes
from hubspoke.coverage import source_key
from hubspoke.errors import InputError
from hubspoke.sources.build_raw import build_sources, write_table
from hubspoke.sources.institutions import (
    CURATED_DIR,
    derive_institutions,
    read_registry,
    succeed,
)
from hubspoke.validate import load_table

YEARS = (1960, 2020)
T = pd.Timestamp
WORLD_BODIES = ("AFTA", "ASEAN", "CAN", "CARICOM", "COMESA", "EAC", "ECOWAS", "EFTA", "EU",
                "GCC", "MERCOSUR", "NAFTA", "SACU", "SADC")  # fmt: skip


@pytest.fixture(scope="module")
def world(request, tmp_path_factory):
    """The world tables as build_raw writes and reads them back (derived once)."""
    shared = request.getfixturevalue("shared_data")
    out = tmp_path_factory.mktemp("world")
    tables = derive_institutions(shared, sorted(iso3_codes()), YEARS, bodies="world")
    loaded = {name: write_table(t, out / f"{name}.csv", name) for name, t in tables.items()}
    build_sources(out)
    loaded["sources"] = load_table(out / "sources.csv", "sources")
    return loaded


def spells(world, org_id, state):
    m = world["memberships"]
    rows = m[(m["org_id"] == org_id) & (m["state"] == state)]
    return [(r.start, None if pd.isna(r.end) else r.end) for r in rows.itertuples()]


def test_every_world_body_has_members_and_a_cited_row(world):
    orgs = world["organisations"].set_index("org_id")
    members = world["memberships"].groupby("org_id")["state"].nunique()
    for org in WORLD_BODIES:
        assert members[org] >= 3, org
        assert orgs.loc[org, "scope"] == "regional"
        assert len(orgs.loc[org, "source"]) > 40


def test_eu_2004_enlargement_on_1_may(world):
    for state in ("CZE", "EST", "CYP", "LVA", "LTU", "HUN", "MLT", "POL", "SVN", "SVK"):
        assert spells(world, "EU", state) == [(T("2004-05-01"), None)], state


def test_eu_founders_and_other_enlargements(world):
    # one body from the Treaty of Rome: the successive treaties' spells are joined
    for state in ("BEL", "DEU", "FRA", "ITA", "LUX", "NLD"):
        assert spells(world, "EU", state) == [(T("1958-01-01"), None)], state
    for state in ("AUT", "FIN", "SWE"):
        assert spells(world, "EU", state) == [(T("1995-01-01"), None)], state
    for state in ("BGR", "ROU"):
        assert spells(world, "EU", state) == [(T("2007-01-01"), None)], state
    assert spells(world, "EU", "HRV") == [(T("2013-07-01"), None)]
    assert spells(world, "EU", "GBR") == [(T("1973-01-01"), T("2020-01-31"))]


def test_nafta_and_usmca_are_one_body(world):
    for state in ("CAN", "MEX", "USA"):
        assert spells(world, "NAFTA", state) == [(T("1994-01-01"), None)], state


def test_mercosur_venezuela_as_desta_huggo_code_it(world):
    # DESTA 604+1: signed 2006, in force 2012; HUGGO's day for Venezuela
    assert spells(world, "MERCOSUR", "VEN") == [(T("2012-07-31"), None)]
    assert spells(world, "MERCOSUR", "BRA") == [(T("1991-12-06"), None)]
    # Bolivia has no HUGGO date of its own: DESTA's year, not the treaty's founding day
    assert spells(world, "MERCOSUR", "BOL") == [(T("2015-01-01"), None)]


def test_successive_treaties_and_withdrawals(world):
    # ECOWAS: Lagos 1975 then Cotonou (in force 23 Aug 1995); Mauritania withdrew in 2000
    assert spells(world, "ECOWAS", "NGA") == [(T("1975-06-20"), None)]
    assert spells(world, "ECOWAS", "MRT") == [(T("1975-06-20"), T("2000-12-31"))]
    # SACU 1969 (in force 1 March 1970), Namibia from its independence day, the 2002 Agreement
    assert spells(world, "SACU", "BWA") == [(T("1970-03-01"), None)]
    assert spells(world, "SACU", "NAM") == [(T("1990-07-06"), None)]
    # EFTA: the members that left for the EC (DESTA years)
    assert spells(world, "EFTA", "GBR") == [(T("1960-01-01"), T("1973-12-31"))]
    assert spells(world, "EFTA", "NOR") == [(T("1960-01-01"), None)]
    # Venezuela left the Andean Community in 2006
    assert spells(world, "CAN", "VEN")[-1][1] == T("2006-12-31")


def test_case_tables_do_not_see_the_world_bodies(shared_data):
    case = derive_institutions(shared_data, ["DEU", "FRA", "EST"], (1992, 2020))
    assert "MERCOSUR" not in set(case["organisations"]["org_id"])
    # the case registry keeps COW's EU (year precision) for the committed post-Soviet tables
    eu = case["memberships"][case["memberships"]["org_id"] == "EU"]
    assert set(eu["source"]) == {"COW-IGO-v3"}


def test_world_rows_name_listed_sources_and_never_start_before_them(world):
    windows = world["sources"].set_index("source")
    m = world["memberships"]
    key = source_key(m["source"])
    assert key.isin(windows.index).all()
    assert (m["start"].dt.year >= key.map(windows["first_year"])).all()
    t = world["treaties"]
    start = t["in_force"].fillna(t["signed"])
    tkey = source_key(t["source"])
    assert (start.dt.year >= tkey.map(windows["first_year"])).all()


def test_world_coverage_marks_years_after_a_source_ends(world):
    # COW IGO ends in 2014: an ASEAN spell from COW runs on open, and the coverage window
    # (not the spell) says the years after 2014 are not covered by its source
    m = world["memberships"]
    asean = m[m["org_id"] == "ASEAN"]
    assert set(source_key(asean["source"])) == {"COW-IGO-v3"}
    assert asean["end"].isna().any()
    assert world["sources"].set_index("source").loc["COW-IGO-v3", "last_year"] == 2014


def test_world_bodies_are_on_one_continent(world, shared_data):
    # the stated rule of scope `regional`: every member in one region of mledoze/countries
    # (Africa, Americas, Asia, Europe, Oceania; Cyprus in Europe)
    places = pd.read_json(shared_data / "mledoze-countries" / "countries.json")
    region = places.set_index("cca3")["region"]
    m = world["memberships"]
    members = m[m["org_id"].isin(WORLD_BODIES) & m["kind"].eq("full")]
    spread = members.assign(region=members["state"].map(region)).groupby("org_id")["region"]
    assert (spread.nunique() == 1).all(), spread.unique()


def test_world_registry_validates():
    registry = read_registry(CURATED_DIR / "organisations_world.csv")
    assert set(registry["org_id"]) == set(WORLD_BODIES)
    assert registry.set_index("org_id").loc["EU", "desta"] == (293, 327, 335, 324)


def test_a_bad_treaty_in_a_list_names_its_row(edit_fixture):
    path = edit_fixture("institutions/curated/organisations.csv", "Fixture,,10", "Fixture,,10;x")
    with pytest.raises(InputError) as err:
        read_registry(path)
    assert (err.value.row, err.value.column, err.value.value) == (4, "desta", "x")


def test_succeed_ends_a_spell_the_day_before_the_next_treaty():
    spells = pd.DataFrame(
        {"org_id": "X", "state": ["A", "A", "B"], "kind": "full",
         "start": [T("1975-06-20"), T("1995-08-23"), T("1975-06-20")],
         "start_precision": ["day", "day", "day"], "end": [pd.NaT, T("2000-12-31"), pd.NaT],
         "end_precision": [None, "year", None], "source": "S", "rank": 1}
    )  # fmt: skip
    out = succeed(spells, pd.Series([0, 1, 0]))
    assert out[["state", "start", "end", "end_precision"]].values.tolist() == [
        ["A", T("1975-06-20"), T("1995-08-22"), "day"],
        ["A", T("1995-08-23"), T("2000-12-31"), "year"],
        ["B", T("1975-06-20"), pd.NaT, None],
    ]
