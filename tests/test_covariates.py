"""GDP (World Bank) and geography (mledoze/countries) importers and the derived tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hubspoke.countries import POST_SOVIET
from hubspoke.errors import InputError
from hubspoke.sources.build_raw import covariate_tables
from hubspoke.sources.geography import read_countries_json
from hubspoke.sources.worldbank_gdp import read_worldbank_gdp
from hubspoke.validate import load_table

FIXTURES = Path(__file__).parent / "fixtures" / "covariates"
RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
YEARS = (1992, 2020)


@pytest.fixture
def gdp():
    return read_worldbank_gdp(FIXTURES / "gdp.csv")


@pytest.fixture
def places():
    return read_countries_json(FIXTURES / "countries.json")


def test_gdp_keeps_countries_in_usd_millions(gdp):
    # aggregates (ECS, WLD) and CHI (Channel Islands, no ISO3 code) are left out
    assert gdp["state"].tolist() == ["ARM", "ARM", "LVA", "XKX"]
    assert gdp["year"].tolist() == [1992, 1993, 1995, 2008]
    assert gdp["gdp_usd_m"].iloc[0] == 1272835453.426344 / 1e6
    assert gdp["gdp_usd_m"].iloc[2] == 5236.31728


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "not a positive finite number"), ("-5", "not a positive"), ("1e400", "finite"),
     ("abc", "not a positive")],
)  # fmt: skip
def test_gdp_bad_value_names_the_line(tmp_path, value, message):
    text = (FIXTURES / "gdp.csv").read_text().replace("5236317280", value)
    path = tmp_path / "gdp.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        read_worldbank_gdp(path)
    assert err.value.row == 7 and err.value.column == "Value"


def test_gdp_second_row_for_a_year_is_an_error(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_text((FIXTURES / "gdp.csv").read_text() + "Armenia,ARM,1993,1.0\n")
    with pytest.raises(InputError, match="second row") as err:
        read_worldbank_gdp(path)
    assert err.value.row == 9


def test_geography_records_and_borders(places):
    geography, borders = places
    assert geography["state"].tolist() == ["ARM", "AZE", "CHL", "GEO", "RUS", "SJM", "XKX"]
    row = geography.set_index("state").loc["CHL"]
    assert (row["latitude"], row["longitude"], row["landlocked"]) == (-30.0, -71.0, False)
    assert np.isnan(geography.set_index("state").loc["SJM", "area_km2"])  # -1: unknown
    # each border once, sorted, even where the source lists it from one side only (RUS)
    assert list(borders.itertuples(index=False, name=None)) == [
        ("ARM", "AZE"), ("ARM", "GEO"), ("AZE", "GEO"), ("AZE", "RUS"), ("GEO", "RUS"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("cca3", "XYZ", "unknown ISO3"), ("latlng", [40], "latlng"), ("landlocked", "yes", "true"),
     ("area", 0, "positive"), ("borders", ["QQQ"], "unknown ISO3")],
)  # fmt: skip
def test_geography_bad_record_names_it(tmp_path, field, value, message):
    records = json.loads((FIXTURES / "countries.json").read_text())
    records[2][field] = value
    path = tmp_path / "countries.json"
    path.write_text(json.dumps(records))
    with pytest.raises(InputError, match=message) as err:
        read_countries_json(path)
    assert err.value.row == 3 and err.value.column == field


def test_covariate_tables_restrict_to_states_and_years(gdp, places):
    tables = covariate_tables(gdp, *places, ["ARM", "AZE", "RUS"], (1993, 2020))
    assert tables["gdp"][["state", "year"]].values.tolist() == [["ARM", 1993]]
    assert tables["geography"]["state"].tolist() == ["ARM", "AZE", "RUS"]
    assert tables["borders"][["state_a", "state_b"]].values.tolist() == [
        ["ARM", "AZE"],
        ["AZE", "RUS"],
    ]


def test_committed_tables_validate_and_keep_missing_years_absent():
    gdp = load_table(RAW / "gdp.csv", "gdp", states=POST_SOVIET, years=YEARS)
    counts = gdp.groupby("state")["year"].agg(["min", "max", "count"])
    # the World Bank has no figures for Estonia before 1993, Latvia and Lithuania before 1995
    assert counts.loc["EST", "min"] == 1993 and counts.loc["LVA", "min"] == 1995
    assert counts.loc["LTU", "min"] == 1995
    assert (counts["max"] == 2020).all() and len(gdp) == 15 * 29 - 7
    geography = load_table(RAW / "geography.csv", "geography", states=POST_SOVIET)
    assert sorted(geography["state"]) == sorted(POST_SOVIET)
    borders = load_table(RAW / "borders.csv", "borders", states=POST_SOVIET)
    pairs = set(zip(borders["state_a"], borders["state_b"], strict=True))
    assert {("KAZ", "RUS"), ("BLR", "RUS"), ("ARM", "GEO")} <= pairs
    assert ("ARM", "RUS") not in pairs  # no land border


@pytest.mark.shared
def test_real_sources(shared_data):
    gdp = read_worldbank_gdp(shared_data / "worldbank-gdp" / "gdp.csv")
    # World Bank WDI NY.GDP.MKTP.CD: the USA in 2023, USD 27,360,935 million
    usa = gdp[(gdp["state"] == "USA") & (gdp["year"] == 2023)]["gdp_usd_m"]
    assert usa.item() == pytest.approx(27_360_935, rel=1e-9)
    assert not gdp["state"].isin(["WLD", "ECS", "EUU", "CHI"]).any()
    geography, borders = read_countries_json(shared_data / "mledoze-countries" / "countries.json")
    assert len(geography) == 250 and geography["state"].is_unique
    kaz = geography.set_index("state").loc["KAZ"]
    assert bool(kaz["landlocked"]) and (kaz["latitude"], kaz["longitude"]) == (48.0, 68.0)
    assert (borders["state_a"] < borders["state_b"]).all()
    assert pd.Series(["XKX"]).isin(geography["state"]).all()  # UNK in the source


def test_validation_bounds_allow_southern_and_western_coordinates(tmp_path):
    path = tmp_path / "geography.csv"
    header = "state,latitude,longitude,landlocked,area_km2,source\n"
    path.write_text(header + "CHL,-30.0,-71.0,false,,mledoze/countries\n")
    table = load_table(path, "geography")
    assert (table["latitude"].item(), table["longitude"].item()) == (-30.0, -71.0)
    assert np.isnan(table["area_km2"].item())
    path.write_text(header + "CHL,-30.0,-181.0,false,756102.0,mledoze/countries\n")
    with pytest.raises(InputError, match="between -180 and 180") as err:
        load_table(path, "geography")
    assert (err.value.row, err.value.column) == (2, "longitude")
    gdp = tmp_path / "gdp.csv"
    gdp.write_text("state,year,gdp_usd_m,source\nARM,1992,-1272.8,World Bank\n")
    with pytest.raises(InputError, match="negative value"):
        load_table(gdp, "gdp")
