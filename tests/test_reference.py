"""Reference checks: every spec kind on a tiny synthetic trade table, computed by hand."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from hubspoke import reference
from hubspoke.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
REPO = Path(__file__).resolve().parents[1]
Y = 2013
nan = np.nan


@pytest.fixture
def trade():
    """Reporter AAA's figures with five partners, plus BBB's mirror figures.

    AAA  exports: BBB 100, CCC 50, DDD 30 (IMF estimate), EEE not reported, FFF 10
         imports: BBB 60,  CCC 80, DDD not reported,     EEE 200,          FFF 5
    BBB  exports to AAA 55, imports from AAA 110.
    """
    rows = [
        ("AAA", "BBB", "export_fob", 100.0, False),
        ("AAA", "BBB", "import_cif", 60.0, False),
        ("AAA", "CCC", "export_fob", 50.0, False),
        ("AAA", "CCC", "import_cif", 80.0, False),
        ("AAA", "DDD", "export_fob", 30.0, True),
        ("AAA", "DDD", "import_cif", nan, False),
        ("AAA", "EEE", "export_fob", nan, False),
        ("AAA", "EEE", "import_cif", 200.0, False),
        ("AAA", "FFF", "export_fob", 10.0, False),
        ("AAA", "FFF", "import_cif", 5.0, False),
        ("BBB", "AAA", "export_fob", 55.0, False),
        ("BBB", "AAA", "import_cif", 110.0, False),
    ]
    df = pd.DataFrame(rows, columns=["reporter", "partner", "flow", "value_usd_m", "is_estimate"])
    return df.assign(year=Y, source="test")


@pytest.fixture
def world():
    rows = [("AAA", "export_fob", 400.0), ("AAA", "import_cif", 500.0)]
    df = pd.DataFrame(rows, columns=["reporter", "flow", "value_usd_m"])
    return df.assign(year=Y, is_estimate=False, source="test")


def check(spec, value=1.0, unit=None, tolerance=None, **extra):
    unit = unit or reference.SPEC_UNITS[spec["kind"]]
    return {
        "id": extra.pop("id", "c"),
        "statement": "s",
        "value": value,
        "unit": unit,
        "year": extra.pop("year", Y),
        "spec": spec,
        "tolerance": tolerance or {"absolute": 0},
        "citation": "test",
        **extra,
    }


def found(spec, trade, world, reconciliation="importer_first", year=Y):
    out = reference.evaluate_reference_checks(
        [check(spec, year=year)], trade, world, reconciliation=reconciliation
    )
    return out.iloc[0]


FLOW = {"kind": "flow", "exporter": "AAA", "importer": "BBB"}


@pytest.mark.parametrize(
    ("spec", "reconciliation", "expected"),
    [
        # AAA->BBB: AAA's FOB figure 100, BBB's CIF figure 110
        ({**FLOW, "as_reported_by": "exporter"}, "importer_first", 100.0),
        ({**FLOW, "as_reported_by": "importer"}, "importer_first", 110.0),
        ({**FLOW, "as_reported_by": "reconciled"}, "importer_first", 110.0),
        ({**FLOW, "as_reported_by": "reconciled"}, "exporter_first", 100.0),
        ({**FLOW, "as_reported_by": "reconciled"}, "max", 110.0),
        # EEE->AAA: only AAA's CIF figure (200) exists, so every rule falls back to it
        (
            {"kind": "flow", "exporter": "EEE", "importer": "AAA", "as_reported_by": "reconciled"},
            "exporter_first",
            200.0,
        ),
        # bilateral trade: AAA's view 100 + 60; BBB's view 55 + 110;
        # reconciled (importer first): AAA->BBB 110 (BBB's CIF) + BBB->AAA 60 (AAA's CIF)
        ({"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "AAA"}, "max", 160.0),
        ({"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "BBB"}, "max", 165.0),
        (
            {"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "reconciled"},
            "importer_first",
            170.0,
        ),
        # reconciled, exporter first: AAA->BBB 100 (AAA's FOB) + BBB->AAA 55 (BBB's FOB)
        (
            {"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "reconciled"},
            "exporter_first",
            155.0,
        ),
        # shares of BBB in AAA's trade with the World (400 exports, 500 imports)
        (
            {"kind": "share", "reporter": "AAA", "partner": "BBB", "of": "total"},
            "max",
            100 * 160 / 900,
        ),
        ({"kind": "share", "reporter": "AAA", "partner": "BBB", "of": "exports"}, "max", 25.0),
        ({"kind": "share", "reporter": "AAA", "partner": "BBB", "of": "imports"}, "max", 12.0),
        # DDD's imports are not reported, but its export share is known: 30 / 400
        ({"kind": "share", "reporter": "AAA", "partner": "DDD", "of": "exports"}, "max", 7.5),
    ],
)
def test_specs_by_hand(trade, world, spec, reconciliation, expected):
    row = found(spec, trade, world, reconciliation)
    assert row["found_value"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("partner", "expected"),
    [
        # totals: BBB 160, CCC 130, FFF 15; DDD (30 + ?) and EEE (? + 200) are unknown.
        # EEE's reported 200 alone exceeds 160 and 130, so it ranks above BBB and CCC;
        # DDD's 30 exceeds only FFF's 15.
        ("BBB", 2),  # above: EEE
        ("CCC", 3),  # above: BBB, EEE
        ("FFF", 5),  # above: BBB, CCC, DDD, EEE
    ],
)
def test_partner_rank_by_hand(trade, world, partner, expected):
    row = found({"kind": "partner_rank", "reporter": "AAA", "partner": partner}, trade, world)
    assert row["found_value"] == expected


def test_partner_rank_says_who_was_left_out(trade, world):
    # for CCC (130) DDD's known 30 does not decide, so DDD is left out of the ranking
    row = found({"kind": "partner_rank", "reporter": "AAA", "partner": "CCC"}, trade, world)
    # the other partners with a reported flow: BBB, DDD, EEE, FFF; above CCC: BBB, EEE
    assert "2 of 4 other partner countries" in row["basis"]
    assert (
        "left out: 1 partner(s) with one flow not reported, the largest reported flow 30.0"
        in (row["basis"])
    )


@pytest.mark.parametrize(
    "spec",
    [
        # AAA's imports from DDD are not reported: the total is unknown, never 30 + 0
        {"kind": "bilateral_trade", "a": "AAA", "b": "DDD", "reporter": "AAA"},
        {"kind": "share", "reporter": "AAA", "partner": "DDD", "of": "total"},
        {"kind": "partner_rank", "reporter": "AAA", "partner": "DDD"},
        # nobody reports AAA->EEE
        {"kind": "flow", "exporter": "AAA", "importer": "EEE", "as_reported_by": "reconciled"},
        # a partner AAA has no row for at all
        {"kind": "partner_rank", "reporter": "AAA", "partner": "ZZZ"},
    ],
)
def test_missing_data_gives_nan_and_na(trade, world, spec):
    row = found(spec, trade, world)
    assert math.isnan(row["found_value"])
    assert row["within_tolerance"] is pd.NA
    assert "cannot compute" in row["basis"]


def test_share_without_world_total_is_nan(trade, world):
    row = found(
        {"kind": "share", "reporter": "AAA", "partner": "BBB", "of": "total"},
        trade,
        world,
        year=2014,
    )
    assert math.isnan(row["found_value"])


def test_estimates_are_flagged_in_basis(trade, world):
    spec = {"kind": "flow", "exporter": "AAA", "importer": "DDD", "as_reported_by": "exporter"}
    assert "30.0 (IMF estimate)" in found(spec, trade, world)["basis"]


@pytest.mark.parametrize(
    ("stated", "tolerance", "within"),
    [
        # found 160 (AAA's view of AAA-BBB trade)
        (160.0, {"absolute": 0}, True),
        (150.0, {"absolute": 10}, True),  # |160 - 150| = 10, at the bound
        (149.9, {"absolute": 10}, False),
        (200.0, {"relative": 0.2}, True),  # 40 = 0.2 * 200, at the bound
        (201.0, {"relative": 0.2}, False),  # 41 > 40.2
    ],
)
def test_tolerance(trade, world, stated, tolerance, within):
    spec = {"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "AAA"}
    c = check(spec, value=stated, tolerance=tolerance)
    row = reference.evaluate_reference_checks([c], trade, world).iloc[0]
    assert row["within_tolerance"] == within
    assert row["difference"] == pytest.approx(160.0 - stated)
    assert row["relative_difference"] == pytest.approx((160.0 - stated) / stated)
    ((kind, value),) = tolerance.items()
    assert (row["tolerance_kind"], row["tolerance"]) == (kind, value)


def test_result_layout_and_order(trade, world):
    checks = reference.load_checks(FIXTURES / "checks.yaml")
    out = reference.evaluate_reference_checks(checks, trade, world)
    assert list(out.columns) == reference.RESULT_COLUMNS
    assert out["check_id"].tolist() == ["aaa_bbb_trade", "aaa_rank_ccc"]
    assert out["found_value"].tolist() == [160.0, 3.0]
    assert out["within_tolerance"].tolist() == [True, False]
    assert str(out["within_tolerance"].dtype) == "boolean"
    assert out["year"].dtype == np.int64
    assert str(out["basis"].dtype) == "string"


# --- validation ----------------------------------------------------------------------------


def write_checks(tmp_path, mutate):
    document = yaml.safe_load((FIXTURES / "checks.yaml").read_text())
    mutate(document["checks"][1])
    path = tmp_path / "checks.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("mutate", "key", "words"),
    [
        (lambda c: c["spec"].update(kind="volume"), "spec.kind", "is not one of"),
        (lambda c: c.pop("tolerance"), "tolerance", "missing key"),
        (lambda c: c.update(colour="red"), "colour", "unknown key"),
        (lambda c: c["spec"].update(colour="red"), "spec.colour", "unknown key"),
        (lambda c: c["spec"].pop("partner"), "spec.partner", "missing key"),
        (lambda c: c.update(unit="percent"), "unit", "a partner_rank spec gives unit 'rank'"),
        (lambda c: c.update(tolerance={"absolute": 1, "relative": 0.1}), "tolerance", "too many"),
        (lambda c: c.update(year="2013"), "year", "is not of type 'integer'"),
        (lambda c: c.update(id="aaa_bbb_trade"), "id", "duplicate id"),
    ],
)
def test_bad_checks_name_file_check_and_key(tmp_path, mutate, key, words):
    path = write_checks(tmp_path, mutate)
    with pytest.raises(InputError) as err:
        reference.load_checks(path)
    assert err.value.source == str(path)
    assert err.value.key == key
    assert "check 'aaa_rank_ccc'" in str(err.value) or "check 'aaa_bbb_trade'" in str(err.value)
    assert words in str(err.value)


def test_bilateral_reporter_must_be_a_side(tmp_path):
    def mutate(c):
        c["spec"] = {"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "CCC"}
        c["unit"] = "usd_m"

    with pytest.raises(InputError, match="reporter must be a, b or 'reconciled'"):
        reference.load_checks(write_checks(tmp_path, mutate))


def test_top_level_must_be_checks(tmp_path):
    path = tmp_path / "checks.yaml"
    path.write_text("- id: x\n")
    with pytest.raises(InputError, match="single key 'checks'"):
        reference.load_checks(path)


def test_unknown_reconciliation(trade, world):
    with pytest.raises(InputError, match="reconciliation"):
        reference.evaluate_reference_checks([], trade, world, reconciliation="mean")


def test_shipped_checks_are_valid():
    checks = reference.load_checks(REPO / "config" / "reference_checks.yaml")
    assert len(checks) == len({c["id"] for c in checks})


# --- the real data -------------------------------------------------------------------------


@pytest.mark.shared
def test_shipped_checks_on_the_built_trade_tables(shared_data, capsys):
    raw = REPO / "data" / "raw"
    if not (raw / "trade.csv").is_file():
        pytest.skip(f"{raw / 'trade.csv'} not built yet (python -m hubspoke.build_raw)")
    from hubspoke.validate import load_table

    trade = load_table(raw / "trade.csv", "trade")
    world = load_table(raw / "trade_world.csv", "trade_world")
    checks = reference.load_checks(REPO / "config" / "reference_checks.yaml")
    out = reference.evaluate_reference_checks(checks, trade, world).set_index("check_id")
    with capsys.disabled(), pd.option_context("display.width", 250, "display.max_colwidth", 60):
        print(
            out[["year", "stated_value", "found_value", "relative_difference", "within_tolerance"]]
        )
    assert out["found_value"].notna().all(), out.loc[out["found_value"].isna(), "basis"]
    # Read off the publisher's workbook (imf-dots/DOTS_18.xlsx, Belarus, row "Russian
    # Federation", column 2013): exports FOB 16837.46, imports CIF 22904.9581.
    assert out.loc["blr_exports_rus_2013", "found_value"] == pytest.approx(16837.46, abs=0.01)
    assert out.loc["blr_rus_trade_2013", "found_value"] == pytest.approx(39742.4181, abs=0.01)
    # ... and its World row: exports 37132.3006 + imports 43022.5503 = 80154.8509
    assert out.loc["blr_share_rus_2013", "found_value"] == pytest.approx(
        100 * 39742.4181 / 80154.8509, abs=1e-3
    )
