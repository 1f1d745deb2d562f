import math

import openpyxl
import pytest

from hubspoke.countries import POST_SOVIET
from hubspoke.errors import InputError
from hubspoke.sources.dots import read_dots_folder, read_dots_workbook

YEARS = ("2018", "2019")


def write_dots(
    path, reporter="Kazakhstan, Rep. of", sheets=None, *, unit="US Dollars, Millions", top_padding=0
):
    """Write a workbook in the IMF portal layout: reporter in B4, unit in B5, years from C7,
    partner rows below. ``sheets`` maps a sheet name to its partner rows (name, *values)."""
    if sheets is None:
        sheets = {
            "Exports, FOB": [("Russian Federation", 1.0, 2.0)],
            "Imports, CIF": [("Russian Federation", 3.0, 4.0)],
        }
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, partners in sheets.items():
        sheet = workbook.create_sheet(title)
        rows = [[None]] * top_padding + [
            [None],
            [None, f"{title} to Partner Countries"],
            [None],
            [None, reporter],
            [None, unit],
            [None],
            [None, None, *YEARS],
        ]
        rows += [[None, *partner] for partner in partners]
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def workbook(tmp_path):
    exports = [
        ("Australia", None, None),  # the repeated row IMF puts above World ...
        ("World", 100.0, "1,234.5"),
        ("Euro Area", 7, None),
        ("Russian Federation", 12.5, "0.62 e"),
        ("China, P.R.: Mainland", "1,234.5 e", ""),
        ("Australia", None, None),  # ... and the same row again in its place
        ("Kyrgyz Rep.", None, 3),
        ("Africa not specified", 0.5, None),
        ("USSR", 9.0, None),
        ("Nowhere Land", None, None),
    ]
    imports = [("Russian Federation", 20.25, None), ("Belarus, Rep. of", None, "2 e")]
    return read_dots_workbook(
        write_dots(
            tmp_path / "DOTS_7.xlsx", sheets={"Exports, FOB": exports, "Imports, CIF": imports}
        )
    )


def value(frame, partner, year, flow="export_fob"):
    row = frame[(frame["partner"] == partner) & (frame["year"] == year) & (frame["flow"] == flow)]
    assert len(row) == 1
    return row["value_usd_m"].iloc[0], bool(row["is_estimate"].iloc[0])


def test_values_numbers_separators_estimates_and_empty(workbook):
    flows = workbook.flows
    assert value(flows, "RUS", 2018) == (12.5, False)
    assert value(flows, "RUS", 2019) == (0.62, True)  # "0.62 e"
    assert value(flows, "CHN", 2018) == (1234.5, True)  # "1,234.5 e"
    assert value(flows, "KGZ", 2019) == (3.0, False)  # an int cell
    assert value(flows, "RUS", 2018, "import_cif") == (20.25, False)
    assert value(flows, "BLR", 2019, "import_cif") == (2.0, True)
    # Empty cells and blank strings are missing, never 0.
    for partner, year, flow in [
        ("CHN", 2019, "export_fob"),
        ("KGZ", 2018, "export_fob"),
        ("AUS", 2018, "export_fob"),
        ("RUS", 2019, "import_cif"),
    ]:
        number, estimate = value(flows, partner, year, flow)
        assert math.isnan(number) and not estimate


def test_columns_types_and_order(workbook):
    flows = workbook.flows
    assert list(flows.columns) == [
        "reporter",
        "partner",
        "year",
        "flow",
        "value_usd_m",
        "is_estimate",
    ]
    assert (flows["reporter"] == "KAZ").all()
    assert str(flows["year"].dtype) == "int64"
    assert str(flows["value_usd_m"].dtype) == "float64"
    assert str(flows["is_estimate"].dtype) == "bool"
    keys = flows[["reporter", "partner", "year", "flow"]]
    assert not keys.duplicated().any()
    assert keys.equals(keys.sort_values(list(keys.columns)).reset_index(drop=True))
    # partner countries: AUS (once), RUS, CHN, KGZ in exports; RUS, BLR in imports; 2 years each
    assert len(flows) == (4 + 2) * 2


def test_duplicate_partner_row_is_collapsed(workbook):
    aus = workbook.flows[workbook.flows["partner"] == "AUS"]
    assert len(aus) == 2  # one row per year, not two


def test_aggregates_and_unmapped(workbook):
    aggregates = workbook.aggregates
    assert set(aggregates["aggregate"]) == {"World", "Euro Area", "Africa not specified"}
    world = aggregates[aggregates["aggregate"] == "World"].set_index("year")["value_usd_m"]
    assert world.to_dict() == {2018: 100.0, 2019: 1234.5}
    unmapped = workbook.unmapped.set_index("partner_name")
    assert set(unmapped.index) == {"USSR", "Nowhere Land"}
    assert unmapped.loc["USSR", "n_values"] == 1
    assert unmapped.loc["USSR", "first_year"] == 2018
    assert unmapped.loc["Nowhere Land", "n_values"] == 0
    assert (workbook.unmapped["reporter"] == "KAZ").all()


def test_conflicting_duplicate_rows(tmp_path):
    sheets = {
        "Exports, FOB": [("Australia", 1.0, None), ("World", 5, 5), ("Australia", 2.0, None)],
        "Imports, CIF": [],
    }
    with pytest.raises(InputError) as err:
        read_dots_workbook(write_dots(tmp_path / "d.xlsx", sheets=sheets))
    assert "rows 8 and 10" in str(err.value)
    assert err.value.row == 10


@pytest.mark.parametrize("bad", ["abc", "1.2.3", "1,23", "e", "1 2"])
def test_malformed_cell_names_file_sheet_row_year_and_value(tmp_path, bad):
    sheets = {
        "Exports, FOB": [("World", 5, 5)],
        "Imports, CIF": [("World", 5, 5), ("Armenia, Rep. of", 1.0, bad)],
    }
    path = write_dots(tmp_path / "DOTS_3.xlsx", sheets=sheets)
    with pytest.raises(InputError) as err:
        read_dots_workbook(path)
    message = str(err.value)
    assert str(path) in message and "Imports, CIF" in message
    assert err.value.row == 9  # header rows 1-7, World on 8, Armenia on 9
    assert "2019" in err.value.column and "D" in err.value.column
    assert err.value.value == bad


def test_missing_sheet(tmp_path):
    path = write_dots(tmp_path / "d.xlsx", sheets={"Exports, FOB": [("World", 1, 2)]})
    with pytest.raises(InputError, match="sheet 'Imports, CIF' missing"):
        read_dots_workbook(path)


def test_shifted_header(tmp_path):
    path = write_dots(tmp_path / "d.xlsx", top_padding=1)
    with pytest.raises(InputError) as err:
        read_dots_workbook(path)
    # With one extra row on top, row 4 is blank: the reporter is missing where expected.
    assert err.value.row == 4


def test_shifted_year_row(tmp_path):
    path = tmp_path / "d.xlsx"
    write_dots(path)
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        sheet.delete_rows(6)  # the years move up to row 6
    workbook.save(path)
    with pytest.raises(InputError) as err:
        read_dots_workbook(path)
    assert err.value.row == 7 and "year" in str(err.value)


def test_wrong_unit(tmp_path):
    path = write_dots(tmp_path / "d.xlsx", unit="US Dollars, Billions")
    with pytest.raises(InputError) as err:
        read_dots_workbook(path)
    assert err.value.row == 5 and err.value.value == "US Dollars, Billions"


def test_aggregate_reporter_is_refused(tmp_path):
    path = write_dots(tmp_path / "d.xlsx", reporter="Euro Area")
    with pytest.raises(InputError, match="not a country"):
        read_dots_workbook(path)


def test_folder_identifies_reporters_from_row_4(tmp_path):
    write_dots(
        tmp_path / "DOTS_1.xlsx",
        reporter="Russian Federation",
        sheets={"Exports, FOB": [("Kazakhstan, Rep. of", 5, 6)], "Imports, CIF": []},
    )
    write_dots(tmp_path / "DOTS_2.xlsx", reporter="Kazakhstan, Rep. of")
    write_dots(tmp_path / "DOTS_3.xlsx", reporter="World")
    both = read_dots_folder(tmp_path)
    assert set(both.flows["reporter"]) == {"RUS", "KAZ"}
    russia = read_dots_folder(tmp_path, ["RUS"])
    assert russia.flows[["partner", "year", "value_usd_m"]].values.tolist() == [
        ["KAZ", 2018, 5.0],
        ["KAZ", 2019, 6.0],
    ]
    with pytest.raises(InputError, match="no DOTS workbook for reporter"):
        read_dots_folder(tmp_path, ["RUS", "UZB"])


def test_folder_reporter_exported_twice(tmp_path):
    write_dots(tmp_path / "DOTS_1.xlsx", reporter="Nicaragua")
    write_dots(tmp_path / "DOTS_2.xlsx", reporter="Nicaragua")
    assert len(read_dots_folder(tmp_path).flows) == 4  # read once
    write_dots(
        tmp_path / "DOTS_2.xlsx",
        reporter="Nicaragua",
        sheets={"Exports, FOB": [("Russian Federation", 9.0, 2.0)], "Imports, CIF": []},
    )
    with pytest.raises(InputError, match="different figures"):
        read_dots_folder(tmp_path)


@pytest.mark.shared
def test_real_post_soviet_workbooks(dots_post_soviet):
    flows = dots_post_soviet.flows
    assert set(flows["reporter"]) == set(POST_SOVIET)
    # Russia's exports to Kazakhstan in 2019, IMF DOTS: 13,682.5 US$ million.
    number, estimate = value(flows[flows["reporter"] == "RUS"], "KAZ", 2019)
    assert number == pytest.approx(13682.5, abs=0.05) and not estimate
    assert not flows.duplicated(["reporter", "partner", "year", "flow"]).any()
    assert (flows["value_usd_m"].dropna() >= 0).all()
    # Historical partners are reported, not mapped to successors.
    assert {"USSR", "Czechoslovakia", "Yugoslavia"} <= set(
        dots_post_soviet.unmapped["partner_name"]
    )
    assert "World" in set(dots_post_soviet.aggregates["aggregate"])


def test_sheets_with_different_reporters(tmp_path):
    path = write_dots(tmp_path / "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Imports, CIF"]["B4"] = "Armenia, Rep. of"
    workbook.save(path)
    with pytest.raises(InputError, match="reporter differs") as err:
        read_dots_workbook(path)
    assert "Imports, CIF" in str(err.value) and err.value.row == 4
