import argparse
import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hubspoke.countries import POST_SOVIET
from hubspoke.sources.build_raw import (
    main,
    parse_states,
    parse_years,
    trade_table,
    trade_world_table,
    unmapped_summary,
    write_table,
)
from hubspoke.validate import load_table

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def dots_flows(rows):
    return pd.DataFrame(
        rows, columns=["reporter", "partner", "year", "flow", "value_usd_m", "is_estimate"]
    )


@pytest.fixture
def flows():
    return dots_flows(
        [
            ("RUS", "KAZ", 2000, "export_fob", 10.0, False),
            ("RUS", "KAZ", 2000, "import_cif", np.nan, False),  # empty DOTS cell
            ("RUS", "CHN", 2000, "export_fob", 5.5, True),
            ("RUS", "CHN", 2000, "import_cif", np.nan, False),  # not reported: no row
            ("RUS", "USA", 1999, "export_fob", 7.0, False),  # outside the years: no row
            ("USA", "RUS", 2000, "export_fob", 3.0, False),  # reporter out of scope: no row
            ("KAZ", "RUS", 2001, "import_cif", 0.25, False),
        ]
    )


def test_trade_table_rows(flows):
    table = trade_table(flows, ["KAZ", "RUS"], (2000, 2001))
    keyed = table.set_index(["reporter", "partner", "year", "flow"])
    # Rows: every ordered pair of {KAZ, RUS} x 2 years x 2 flows = 2 * 2 * 2 = 8,
    # plus RUS's one reported value with a partner outside the scope (CHN 2000 exports) = 9.
    assert len(table) == 9
    assert not keyed.index.duplicated().any()
    assert keyed.loc[("RUS", "KAZ", 2000, "export_fob"), "value_usd_m"] == 10.0
    assert math.isnan(keyed.loc[("RUS", "KAZ", 2000, "import_cif"), "value_usd_m"])
    assert math.isnan(keyed.loc[("KAZ", "RUS", 2000, "export_fob"), "value_usd_m"])
    assert keyed.loc[("KAZ", "RUS", 2001, "import_cif"), "value_usd_m"] == 0.25
    assert keyed.loc[("RUS", "CHN", 2000, "export_fob"), "is_estimate"]
    assert ("RUS", "CHN", 2000, "import_cif") not in keyed.index
    assert not table["is_estimate"].isna().any()
    assert (table["source"] == "IMF DOTS").all()


def test_trade_world_table():
    aggregates = pd.DataFrame(
        {
            "reporter": ["RUS", "RUS", "RUS"],
            "aggregate": ["World", "Euro Area", "World"],
            "year": [2000, 2000, 1999],
            "flow": ["export_fob"] * 3,
            "value_usd_m": [100.0, 40.0, 90.0],
            "is_estimate": [False, False, False],
        }
    )
    table = trade_world_table(aggregates, ["KAZ", "RUS"], (2000, 2000))
    # 2 reporters x 1 year x 2 flows, only RUS's 2000 exports reported
    assert len(table) == 4
    assert table["value_usd_m"].notna().sum() == 1
    assert table.loc[table["value_usd_m"].notna(), "value_usd_m"].item() == 100.0


def test_writer_round_trips_floats_and_is_stable(tmp_path):
    values = [0.1, 1 / 3, 4.2e-05, 13682.530731, 6.584860343110321, 9876543.21, np.nan, 0.0]
    frame = pd.DataFrame(
        {
            "reporter": "RUS",
            "year": range(2000, 2000 + len(values)),
            "flow": "export_fob",
            "value_usd_m": values,
            "is_estimate": [True] + [False] * (len(values) - 1),
            "source": "synthetic",
        }
    ).iloc[::-1]  # the writer sorts by the key
    path = tmp_path / "trade_world.csv"
    loaded = write_table(frame, path, "trade_world")
    np.testing.assert_array_equal(loaded["value_usd_m"].to_numpy(), np.array(values))
    text = path.read_text()
    assert text.splitlines()[1] == "RUS,2000,export_fob,0.1,true,synthetic"
    assert "4.2e" not in text and "0.000042," in text  # no exponent notation
    assert "RUS,2006,export_fob,,false" in text  # missing stays empty, never 0
    assert "\r" not in text
    first = path.read_bytes()
    write_table(frame.sample(frac=1, random_state=1), path, "trade_world")
    assert path.read_bytes() == first


def test_writer_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "org_id": ["B", "A"],
            "state": ["KAZ", "RUS"],
            "kind": ["full", "observer"],
            "start": pd.to_datetime(["2015-01-01", "1993-12-03"]),
            "end": pd.to_datetime([None, "2009-08-18"]),
            "date_precision": ["day", "year"],
            "source": ["synthetic", "synthetic"],
        }
    )
    path = tmp_path / "memberships.csv"
    write_table(frame, path, "memberships")
    assert path.read_text().splitlines() == [
        "org_id,state,kind,start,end,date_precision,source",
        "A,RUS,observer,1993-12-03,2009-08-18,year,synthetic",
        "B,KAZ,full,2015-01-01,,day,synthetic",
    ]


def test_unmapped_summary():
    unmapped = pd.DataFrame(
        {
            "reporter": ["RUS", "KAZ", "RUS", "RUS"],
            "partner_name": ["Yugoslavia", "Yugoslavia", "USSR", "Eastern Germany"],
            "first_year": pd.array([1992, 1994, 1980, pd.NA], dtype="Int64"),
            "last_year": pd.array([1999, 1995, 1990, pd.NA], dtype="Int64"),
            "n_values": [16, 3, 20, 0],
        }
    )
    assert unmapped_summary(unmapped, (1992, 2020)) == [
        "Yugoslavia: 19 values, 1992-1999, reported by KAZ, RUS"
    ]


def test_parse_arguments():
    assert parse_states("rus, KAZ") == ("KAZ", "RUS")
    assert parse_states("all") is None  # every DOTS reporter
    assert parse_years("1992-2020") == (1992, 2020)
    for bad in ["RUS", "RUS,XXX"]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse_states(bad)
    for bad in ["1992", "2020-1992", "a-b"]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse_years(bad)


def test_missing_source_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["--shared", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "no DOTS workbooks" in capsys.readouterr().err


@pytest.mark.shared
def test_regenerate_is_byte_identical(shared_data, tmp_path):
    # the command as data/raw/README.md gives it, with its default states and years
    assert main(["--shared", str(shared_data), "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert written == sorted(p.name for p in RAW.glob("*.csv"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (RAW / name).read_bytes(), name


@pytest.fixture(scope="module")
def trade():
    return load_table(RAW / "trade.csv", "trade", states=POST_SOVIET, years=(1992, 2020))


def test_committed_trade_tables_validate(trade):
    world = load_table(
        RAW / "trade_world.csv", "trade_world", states=POST_SOVIET, years=(1992, 2020)
    )
    assert len(world) == 15 * 29 * 2
    # every ordered pair of the 15 states, 29 years, 2 flows is an explicit row
    among = trade[trade["partner"].isin(POST_SOVIET)]
    assert len(among) == 15 * 14 * 29 * 2


@pytest.mark.shared
def test_trade_values_are_the_dots_values(trade, dots_post_soviet):
    dots = dots_post_soviet.flows
    merged = trade.astype({"reporter": object, "partner": object}).merge(
        dots, on=["reporter", "partner", "year", "flow"], how="left", suffixes=("", "_dots")
    )
    np.testing.assert_array_equal(merged["value_usd_m"], merged["value_usd_m_dots"])
    # explicit rows for pairs DOTS does not list at all have no DOTS flag: not an estimate
    assert (merged["is_estimate"] == merged["is_estimate_dots"].eq(True)).all()
    assert merged["is_estimate"].sum() > 0


def test_russia_exports_to_kazakhstan_2019(trade):
    # IMF DOTS, Russia's exports (FOB) to Kazakhstan 2019: US$ 13,682.5 million.
    row = trade[
        (trade["reporter"] == "RUS")
        & (trade["partner"] == "KAZ")
        & (trade["year"] == 2019)
        & (trade["flow"] == "export_fob")
    ]
    assert row["value_usd_m"].item() == pytest.approx(13682.5, abs=0.05)


def test_all_105_pairs_are_covered(trade):
    reported = trade[trade["partner"].isin(POST_SOVIET) & trade["value_usd_m"].notna()]
    pairs = {
        tuple(sorted(pair)) for pair in zip(reported["reporter"], reported["partner"], strict=True)
    }
    assert pairs == set(combinations(POST_SOVIET, 2))
    assert len(pairs) == 105  # 15 * 14 / 2


def partner_rank(trade, reporter, partner, year):
    """Rank of ``partner`` among ``reporter``'s partners by reported exports + imports."""
    rows = trade[(trade["reporter"] == reporter) & (trade["year"] == year)]
    total = rows.groupby("partner")["value_usd_m"].sum(min_count=1).dropna()
    return int(total.rank(ascending=False, method="min")[partner]), len(total)


def test_belarus_kazakhstan_partner_ranks_2013(trade):
    # The source paper (citing 2013 national data): Belarus is Kazakhstan's 24th trade partner
    # and Kazakhstan is Belarus' 10th. Computed from the reporters' own DOTS figures.
    assert partner_rank(trade, "KAZ", "BLR", 2013) == (24, 185)
    assert partner_rank(trade, "BLR", "KAZ", 2013) == (10, 178)
    assert partner_rank(trade, "BLR", "RUS", 2013)[0] == 1
