import math
from pathlib import Path

import pandas as pd
import pytest

from hubspoke.errors import InputError
from hubspoke.validate import SCHEMAS, load_inputs, load_table

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
TRADE = (FIXTURES / "trade.csv").read_text()


def write(tmp_path, text, name="trade.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def fails(path, name="trade", **kwargs):
    with pytest.raises(InputError) as err:
        load_table(path, name, **kwargs)
    assert str(path) in str(err.value)
    return err.value


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_valid_fixtures_load(name):
    table = load_table(FIXTURES / f"{name}.csv", name)
    assert list(table.columns) == list(SCHEMAS[name].columns)
    assert len(table) == 2 + 2 * (name == "trade")


def test_trade_types_and_values():
    trade = load_table(FIXTURES / "trade.csv", "trade", states=["KAZ", "RUS"], years=(1992, 2020))
    assert str(trade["reporter"].dtype) == "string"
    assert str(trade["year"].dtype) == "int64"
    assert str(trade["value_usd_m"].dtype) == "float64"
    assert str(trade["is_estimate"].dtype) == "bool"
    assert trade["value_usd_m"].iloc[1] == 1234.5
    assert math.isnan(trade["value_usd_m"].iloc[2])  # empty is missing, not 0
    assert trade["is_estimate"].tolist() == [False, False, False, True]
    assert trade["partner"].iloc[3] == "USA"  # partners need not be in scope


def test_date_tables_types():
    treaties = load_table(FIXTURES / "treaties.csv", "treaties")
    assert str(treaties["signed"].dtype) == "datetime64[ns]"
    assert treaties["signed"].iloc[0] == pd.Timestamp("2001-02-03")
    assert pd.isna(treaties["ended"].iloc[0]) and pd.isna(treaties["in_force"].iloc[1])
    assert treaties["name"].iloc[0] == "Test agreement, with a comma"
    organisations = load_table(FIXTURES / "organisations.csv", "organisations")
    assert organisations["depth"].tolist() == [4, 0]
    assert organisations["leader"].tolist()[0] == "RUS" and pd.isna(organisations["leader"][1])
    memberships = load_table(FIXTURES / "memberships.csv", "memberships", states=["KAZ", "GEO"])
    assert pd.isna(memberships["end"].iloc[0])


def test_bom_is_stripped(tmp_path):
    trade = load_table(write(tmp_path, "\ufeff" + TRADE), "trade")
    assert trade.columns[0] == "reporter"


def test_crlf_line_endings(tmp_path):
    trade = load_table(write(tmp_path, TRADE.replace("\n", "\r\n")), "trade")
    assert trade["source"].iloc[-1] == "synthetic"  # no stray "\r"
    assert trade.equals(load_table(FIXTURES / "trade.csv", "trade"))


def test_missing_file(tmp_path):
    error = fails(tmp_path / "nothing.csv")
    assert "not found" in str(error)


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
def test_empty_file(tmp_path, text):
    assert "empty" in str(fails(write(tmp_path, text)))


def test_not_utf8(tmp_path):
    path = write(tmp_path, TRADE.replace("synthetic", "Sæo")[:200], encoding="latin-1")
    error = fails(path)
    assert "UTF-8" in str(error) and error.row == 2


def test_semicolon_delimiter(tmp_path):
    error = fails(write(tmp_path, TRADE.replace(",", ";")))
    assert "comma" in str(error) and "semicolon" in str(error) and error.row == 1
    assert error.value.startswith("reporter;partner")


def test_tab_delimiter(tmp_path):
    assert "tab" in str(fails(write(tmp_path, TRADE.replace(",", "\t"))))


def test_missing_column(tmp_path):
    text = "\n".join(line.rsplit(",", 1)[0] for line in TRADE.splitlines())
    error = fails(write(tmp_path, text))
    assert error.column == "source" and error.row == 1 and "missing" in str(error)


def test_misspelt_column_suggests_the_closest(tmp_path):
    error = fails(write(tmp_path, TRADE.replace("value_usd_m", "value_usd_mn", 1)))
    assert error.column == "value_usd_m"
    assert "closest found: 'value_usd_mn'" in str(error)


def test_unexpected_column(tmp_path):
    text = "\n".join(line + ",x" for line in TRADE.splitlines())
    error = fails(write(tmp_path, text.replace("source,x", "source,note")))
    assert error.column == "note"


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value", "message"),
    [
        ("1234.5", "12a", 3, "value_usd_m", "12a", "not a finite number"),
        ("1234.5", "NaN", 3, "value_usd_m", "NaN", "not a finite number"),
        ("1234.5", "inf", 3, "value_usd_m", "inf", "not a finite number"),
        ("1234.5", "-1234.5", 3, "value_usd_m", "-1234.5", "negative"),
        ("RUS,USA", "RUS,XYZ", 5, "partner", "XYZ", "unknown ISO3"),
        ("KAZ,RUS", "kaz,RUS", 2, "reporter", "kaz", "unknown ISO3"),
        ("2019,export_fob,0.62", "2019.5,export_fob,0.62", 5, "year", "2019.5", "integer"),
        ("export_fob,0.62", "exports,0.62", 5, "flow", "exports", "export_fob"),
        ("0.62,true", "0.62,yes", 5, "is_estimate", "yes", "true or false"),
        ("0.62,true,synthetic", "0.62,true,", 5, "source", "", "missing value"),
    ],
)
def test_bad_values_name_row_column_and_value(tmp_path, old, new, row, column, value, message):
    error = fails(write(tmp_path, TRADE.replace(old, new, 1)))
    assert (error.row, error.column, error.value) == (row, column, value)
    assert message in str(error)
    assert f"row {row}" in str(error) and repr(value) in str(error)


def test_reporter_out_of_scope(tmp_path):
    error = fails(FIXTURES / "trade.csv", states=["RUS"])
    assert (error.row, error.column, error.value) == (2, "reporter", "KAZ")


def test_year_out_of_range(tmp_path):
    path = write(tmp_path, TRADE.replace("RUS,USA,2019", "RUS,USA,2021"))
    error = fails(path, years=(1992, 2020))
    assert (error.row, error.column, error.value) == (5, "year", "2021")
    assert "1992-2020" in str(error)


def test_duplicate_key_names_both_lines(tmp_path):
    text = TRADE + "RUS,KAZ,2019,export_fob,3,false,synthetic\n"
    error = fails(write(tmp_path, text))
    assert error.row == 6 and "line 3" in str(error)
    assert error.value == "RUS, KAZ, 2019, export_fob"


def test_blank_line_is_reported_at_its_line(tmp_path):
    lines = TRADE.splitlines()
    error = fails(write(tmp_path, "\n".join([*lines[:3], "", *lines[3:]]) + "\n"))
    assert error.row == 4 and "missing value" in str(error)


def test_ragged_row(tmp_path):
    error = fails(write(tmp_path, TRADE + "RUS,KAZ,2018,export_fob,1,false,synthetic,extra\n"))
    assert error.row == 6


def test_start_after_end(tmp_path):
    text = (FIXTURES / "memberships.csv").read_text().replace("1993-01-01", "2010-01-01")
    error = fails(write(tmp_path, text, "memberships.csv"), "memberships")
    assert (error.row, error.column, error.value) == (3, "end", "2009-12-31")
    assert "start 2010-01-01 is after end" in str(error)


def test_signed_after_ended(tmp_path):
    text = (FIXTURES / "treaties.csv").read_text().replace("2002-01-01", "2011-01-01")
    error = fails(write(tmp_path, text, "treaties.csv"), "treaties")
    assert (error.row, error.column, error.value) == (3, "ended", "2010-12-31")


def test_bad_date(tmp_path):
    text = (FIXTURES / "memberships.csv").read_text().replace("2015-01-01", "2015-02-30")
    error = fails(write(tmp_path, text, "memberships.csv"), "memberships")
    assert (error.row, error.column, error.value) == (2, "start", "2015-02-30")
    text = (FIXTURES / "memberships.csv").read_text().replace("2015-01-01", "01.01.2015")
    assert fails(write(tmp_path, text, "memberships.csv"), "memberships").row == 2


def test_state_a_must_sort_before_state_b(tmp_path):
    text = (FIXTURES / "treaties.csv").read_text().replace("T2,ARM,RUS", "T2,RUS,ARM")
    error = fails(write(tmp_path, text, "treaties.csv"), "treaties")
    assert (error.row, error.column, error.value) == (3, "state_b", "ARM")


def test_depth_bounds(tmp_path):
    text = (FIXTURES / "organisations.csv").read_text().replace("economic,4", "economic,5")
    error = fails(write(tmp_path, text, "organisations.csv"), "organisations")
    assert (error.row, error.column, error.value) == (2, "depth", "5")


def test_scope_is_required_and_implementation_optional(tmp_path):
    organisations = load_table(FIXTURES / "organisations.csv", "organisations")
    assert organisations["scope"].tolist() == ["regional_post_soviet", "global"]
    assert organisations["implemented"].isna().tolist() == [False, True]
    text = (FIXTURES / "organisations.csv").read_text().replace(",,global", ",,")
    error = fails(write(tmp_path, text, "organisations.csv"), "organisations")
    assert (error.row, error.column, error.value) == (3, "scope", "")
    text = (FIXTURES / "organisations.csv").read_text().replace(",yes,", ",done,")
    error = fails(write(tmp_path, text, "organisations.csv"), "organisations")
    assert (error.row, error.column, error.value) == (2, "implemented", "done")


def test_unknown_table():
    with pytest.raises(InputError, match="unknown table"):
        load_table(FIXTURES / "trade.csv", "tariffs")


INPUTS = ("trade", "trade_world", "treaties", "organisations", "memberships")
LAYERS = ["trade", "trade_flow", "trade_dependence", "treaty", "membership", "membership_depth"]


def _inputs(tmp_path, **replaced):
    """Paths of the validation fixtures, with some tables replaced by the given text."""
    paths = {name: FIXTURES / f"{name}.csv" for name in INPUTS}
    for name, text in replaced.items():
        paths[name] = write(tmp_path, text, f"{name}.csv")
    return paths


def test_every_configured_layer_needs_input_rows_among_the_states(tmp_path):
    scope = {"states": ["KAZ", "RUS"], "years": [2019], "layers": LAYERS}
    load_inputs(_inputs(tmp_path), **scope)  # the fixtures have a row for every layer
    header = (FIXTURES / "treaties.csv").read_text().splitlines()[0] + "\n"
    with pytest.raises(InputError, match="for the layer 'treaty'") as err:
        load_inputs(_inputs(tmp_path, treaties=header), **scope)
    assert err.value.source.endswith("treaties.csv") and "empty_layers" in err.value.message
    # a layer declared empty may be
    load_inputs(_inputs(tmp_path, treaties=header), **scope, empty_layers=["treaty"])
    # rows that are not in force in the years do not count: T1 ends in 2018
    ended = (
        (FIXTURES / "treaties.csv").read_text().replace("2001-05-06,,", "2001-05-06,2018-12-31,")
    )
    with pytest.raises(InputError, match="for the layer 'treaty'"):
        load_inputs(_inputs(tmp_path, treaties=ended), **scope)
    # memberships of states outside the scope do not count either
    others = (FIXTURES / "memberships.csv").read_text().replace("ORG1,KAZ", "ORG1,UZB")
    with pytest.raises(InputError, match="for the layer 'membership'"):
        load_inputs(_inputs(tmp_path, memberships=others), **scope)


def test_world_totals_must_cover_every_year(tmp_path):
    trade = (FIXTURES / "trade.csv").read_text() + "RUS,KAZ,2020,export_fob,1.5,false,synthetic\n"
    with pytest.raises(InputError, match="no World totals of the states") as err:
        load_inputs(_inputs(tmp_path, trade=trade), states=["KAZ", "RUS"], years=[2019, 2020])
    assert (err.value.key, err.value.value) == ("years", 2020)


def test_the_input_table_reference_is_generated_from_the_schemas():
    from hubspoke.validate import SCHEMAS, markdown

    doc = (Path(__file__).resolve().parents[1] / "docs" / "interfaces.md").read_text()
    marker = "<!-- generated by python -m hubspoke.validate from hubspoke.validate.SCHEMAS -->\n"
    start = doc.index(marker) + len(marker)
    generated = doc[start : doc.index("\n\n", start) + 1]
    assert generated == markdown(), "stale: python -m hubspoke.validate"
    for name, schema in SCHEMAS.items():
        assert schema.about, name
        assert set(schema.meanings) <= set(schema.columns), name


def test_a_file_validated_before_is_read_from_its_validated_table(tmp_path, monkeypatch):
    from hubspoke import tables, validate

    raw = tmp_path / "sources.csv"
    raw.write_bytes((Path(__file__).resolve().parents[1] / "data/raw/sources.csv").read_bytes())
    validated = tmp_path / "inputs" / "sources.parquet"
    ((table, prov),) = validate.validate_inputs({"sources": raw}).values()
    tables.write_parquet(table, validated, prov)

    parsed = []
    real = validate.load_table
    monkeypatch.setattr(validate, "load_table", lambda *a, **k: parsed.append(a) or real(*a, **k))
    again = validate.load_checked(raw, "sources", validated=validated)
    pd.testing.assert_frame_equal(again, table)
    assert parsed == []  # unchanged file, same validation code: not parsed again

    with pytest.raises(InputError, match="larger than max_input_mb"):
        validate.load_checked(raw, "sources", validated=validated, max_bytes=10)
    parsed.clear()
    monkeypatch.setattr(validate, "validator_sha256", lambda: "other code")
    validate.load_checked(raw, "sources", validated=validated)
    assert len(parsed) == 1  # the validation code changed: checked again
    monkeypatch.undo()
    monkeypatch.setattr(validate, "load_table", lambda *a, **k: parsed.append(a) or real(*a, **k))
    raw.write_bytes(raw.read_bytes().replace(b"IMF DOTS,1960", b"IMF DOTS,1961"))
    assert validate.load_checked(raw, "sources", validated=validated) is not None
    assert len(parsed) == 2  # the file changed: checked again
    validated.write_bytes(b"not parquet")
    validate.load_checked(raw, "sources", validated=validated)
    assert len(parsed) == 3
    raw.write_bytes(raw.read_bytes() + b"IMF DOTS,1960,2020,duplicate\n")
    with pytest.raises(InputError, match="duplicate"):
        validate.load_checked(raw, "sources", validated=validated)


def test_reading_some_years_gives_their_rows_and_names_file_lines(tmp_path):
    # two years, interleaved: lines 2-4 of 2019, 5-6 of 2020, 7 of 2019
    header, *rows = TRADE.splitlines()
    later = [r.replace(",2019,", ",2020,") for r in rows[:2]]
    lines = [header, *rows[:3], *later, rows[3]]
    path = write(tmp_path, "\n".join(lines) + "\n")
    whole = load_table(path, "trade")
    for years in ([2019], [2020], [2019, 2020]):
        pd.testing.assert_frame_equal(
            load_table(path, "trade", read_years=years),
            whole[whole["year"].isin(years)].reset_index(drop=True),
        )
    # an error in a read year names its line in the file; rows of other years are skipped
    bad = [*lines[:6], lines[6].replace("true", "maybe")]
    path = write(tmp_path, "\n".join(bad) + "\n")
    error = fails(path, read_years=[2019])
    assert (error.row, error.column, error.value) == (7, "is_estimate", "maybe")
    assert len(load_table(path, "trade", read_years=[2020])) == 2
    # a repeat within the read years names both lines
    error = fails(write(tmp_path, "\n".join([*lines, lines[2]]) + "\n"), read_years=[2019])
    assert error.row == 8 and "line 3" in str(error)
    # a byte-order mark and CRLF line ends read as in the full read
    path = write(tmp_path, "\ufeff" + "\r\n".join(lines) + "\r\n")
    pd.testing.assert_frame_equal(
        load_table(path, "trade", read_years=[2020]),
        whole[whole["year"] == 2020].reset_index(drop=True),
    )
    # a missing column is named as in the full read
    error = fails(write(tmp_path, TRADE.replace("is_estimate", "estimate")), read_years=[2019])
    assert "required column missing" in str(error)
