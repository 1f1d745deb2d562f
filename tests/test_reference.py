"""Reference checks: every spec kind on a tiny synthetic trade table, computed by hand."""

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from hubspoke.errors import InputError, SettingError
from hubspoke.inference import reference

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
        "year_rule": "stated",
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


@pytest.fixture
def two_years(trade, world):
    """The synthetic tables in 2013 and, every figure divided by 1.21, in 2011."""
    base = trade.assign(year=2011, value_usd_m=trade["value_usd_m"] / 1.21)
    base_world = world.assign(year=2011, value_usd_m=world["value_usd_m"] / 1.21)
    return pd.concat([base, trade]), pd.concat([base_world, world])


AAA_BBB = {"kind": "bilateral_trade", "a": "AAA", "b": "BBB", "reporter": "AAA"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # AAA's view of AAA-BBB trade: 160 in 2013, 160 / 1.21 in 2011
        ({"kind": "growth_ratio", "of": AAA_BBB, "base_year": 2011}, 1.21),
        ({"kind": "growth", "of": AAA_BBB, "base_year": 2011, "annualized": False}, 21.0),
        # 1.21 over two years is 1.1 a year
        ({"kind": "growth", "of": AAA_BBB, "base_year": 2011, "annualized": True}, 10.0),
    ],
)
def test_growth_by_hand(two_years, spec, expected):
    row = found(spec, *two_years)
    assert row["found_value"] == pytest.approx(expected, rel=1e-12)
    assert "against 2011: AAA-reported exports (FOB) to BBB 82.6" in row["basis"]


def test_growth_from_a_missing_base_is_nan(trade, world):
    # no 2011 figures at all: the growth is unknown, never a growth from zero
    row = found({"kind": "growth_ratio", "of": AAA_BBB, "base_year": 2011}, trade, world)
    assert math.isnan(row["found_value"])
    assert row["within_tolerance"] is pd.NA


@pytest.mark.parametrize(
    ("spec", "relation", "stated", "within"),
    [
        # found 160: "more than" is strict, "at most" inclusive
        (AAA_BBB, "more_than", 159.0, True),
        (AAA_BBB, "more_than", 160.0, False),
        (AAA_BBB, "at_most", 160.0, True),
        (AAA_BBB, "at_most", 159.0, False),
        # CCC ranks 3rd among AAA's partners: "one of the three largest" holds, of two not
        ({"kind": "partner_rank", "reporter": "AAA", "partner": "CCC"}, "at_most", 3, True),
        ({"kind": "partner_rank", "reporter": "AAA", "partner": "CCC"}, "at_most", 2, False),
        # about, the default: |160 - 170| = 10 > 0
        (AAA_BBB, "about", 170.0, False),
    ],
)
def test_relations(trade, world, spec, relation, stated, within):
    c = check(spec, value=stated, relation=relation)
    row = reference.evaluate_reference_checks([c], trade, world).iloc[0]
    assert row["within_tolerance"] == within
    assert row["relation"] == relation


def test_relation_with_tolerance(trade, world):
    # more than 165 with 10 of slack: 160 > 155
    c = check(AAA_BBB, value=165.0, relation="more_than", tolerance={"absolute": 10})
    assert reference.evaluate_reference_checks([c], trade, world).iloc[0]["within_tolerance"]


def test_relation_defaults_to_about(trade, world):
    row = reference.evaluate_reference_checks([check(AAA_BBB, value=160.0)], trade, world)
    assert row.iloc[0]["relation"] == "about"


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
    assert out["year_rule"].tolist() == ["stated", "stated"]


def test_not_checkable_table():
    statements = reference.load_not_checkable(FIXTURES / "checks.yaml")
    out = reference.not_checkable_table(statements)
    assert list(out.columns) == reference.NOT_CHECKABLE_COLUMNS
    assert out.iloc[0].tolist() == [
        "aaa_treaties",
        "AAA and BBB signed more than 200 treaties.",
        "the trade tables hold no treaties",
        "synthetic test fixture",
    ]
    assert (out.dtypes == "string").all()


def test_not_checkable_is_optional(tmp_path):
    document = yaml.safe_load((FIXTURES / "checks.yaml").read_text())
    del document["not_checkable"]
    path = tmp_path / "checks.yaml"
    path.write_text(yaml.safe_dump(document))
    assert reference.load_not_checkable(path) == []
    assert len(reference.load_checks(path)) == 2


# --- validation ----------------------------------------------------------------------------


GROWTH_2011 = {"kind": "growth_ratio", "of": AAA_BBB, "base_year": 2013}
AAA_CCC_SHARE = {"kind": "share", "reporter": "AAA", "partner": "CCC", "of": "total"}


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
        (lambda c: c.pop("year_rule"), "year_rule", "missing key"),
        (lambda c: c.update(year_rule="agreement"), "year_rule", "is not one of"),
        (lambda c: c.update(year_rule="paragraph"), "paragraph", "year_rule 'paragraph' needs"),
        (lambda c: c.update(paragraph=[5, 9]), "paragraph", "goes with year_rule 'paragraph'"),
        (
            lambda c: c.update(year_rule="paragraph", paragraph=[9, 5]),
            "paragraph",
            "first line after last",
        ),
        (lambda c: c.update(year_rule="paragraph", paragraph=[9]), "paragraph", "too short"),
        (lambda c: c.update(relation="less_than"), "relation", "is not one of"),
        (
            lambda c: c.update(unit="ratio", spec=GROWTH_2011),
            "spec.base_year",
            "must be before the year",
        ),
        (lambda c: c.update(window=[2010, 2013]), "window", "goes with year_rule 'paragraph'"),
        (
            lambda c: c.update(year_rule="paragraph", paragraph=[1, 2], window=[2010, 2012]),
            "window",
            "year outside the window",
        ),
        (
            lambda c: c.update(
                year_rule="paragraph",
                paragraph=[1, 2],
                window=[2010, 2013],
                unit="ratio",
                spec={**GROWTH_2011, "base_year": 2011},
            ),
            "spec.base_year",
            "every year of the window",
        ),
        (
            lambda c: c.update(
                unit="ratio",
                spec={**GROWTH_2011, "base_year": 2003, "of": {**AAA_CCC_SHARE}},
            ),
            "spec.of.kind",
            "is not one of",
        ),
        (
            lambda c: c.update(
                unit="ratio",
                spec={**GROWTH_2011, "base_year": 2003, "of": {**AAA_BBB, "reporter": "CCC"}},
            ),
            "spec.of.reporter",
            "reporter must be a, b or 'reconciled'",
        ),
        (lambda c: c.update(spec={**GROWTH_2011, "base_year": 2003}), "unit", "gives unit 'ratio'"),
        (
            lambda c: c.update(unit="ratio", spec={**GROWTH_2011, "base_year": 2003, "of": {}}),
            "spec.of.kind",
            "missing key",
        ),
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


@pytest.mark.parametrize(
    "text",
    [
        "- id: x\n",
        "not_checkable: [{id: x}]\n",  # the checks are not optional
        "checks: [{id: x}]\nremarks: [x]\n",
    ],
)
def test_top_level_must_be_checks(tmp_path, text):
    path = tmp_path / "checks.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="the key 'checks' \\(and optionally 'not_checkable'\\)"):
        reference.load_checks(path)


def test_not_checkable_must_be_a_non_empty_list(tmp_path):
    document = yaml.safe_load((FIXTURES / "checks.yaml").read_text())
    document["not_checkable"] = []
    path = tmp_path / "checks.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError, match="expected a non-empty list") as err:
        reference.load_checks(path)
    assert err.value.key == "not_checkable"


@pytest.mark.parametrize(
    ("mutate", "key", "words"),
    [
        (lambda s: s.pop("reason"), "reason", "missing key"),
        (lambda s: s.update(reason=""), "reason", "'' should be non-empty"),
        (lambda s: s.update(year=2013), "year", "unknown key"),
        (lambda s: s.update(id="aaa_bbb_trade"), "id", "duplicate id"),
    ],
)
def test_bad_not_checkable_names_file_statement_and_key(tmp_path, mutate, key, words):
    document = yaml.safe_load((FIXTURES / "checks.yaml").read_text())
    mutate(document["not_checkable"][0])
    path = tmp_path / "checks.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError) as err:
        reference.load_checks(path)
    assert (err.value.source, err.value.key) == (str(path), key)
    entry = document["not_checkable"][0].get("id")
    assert f"statement {entry!r}: {words}" in str(err.value)
    assert words in str(err.value)


def test_unknown_reconciliation(trade, world):
    with pytest.raises(SettingError, match="reconciliation"):
        reference.evaluate_reference_checks([], trade, world, reconciliation="mean")


SHIPPED = REPO / "config" / "reference_checks.yaml"


def test_shipped_checks_are_valid():
    checks = reference.load_checks(SHIPPED)
    assert len(checks) == len({c["id"] for c in checks})
    assert len(reference.load_not_checkable(SHIPPED)) >= 1


def test_shipped_stated_years_are_in_the_statement():
    for c in reference.load_checks(SHIPPED):
        if c["year_rule"] == "stated":
            assert str(c["year"]) in c["statement"], c["id"]


@pytest.mark.parametrize("check_id", ["kaz_share_rus", "arm_export_share_rus"])
def test_undated_shares_follow_the_paragraph_rule(check_id):
    # Neither share names a year; each paragraph's latest year is 2019 and it states the
    # window 1996-2019 ("from $2.39B in 1996 to $13.9B in 2019"), so the share is checked in
    # 2019 and reported in every year 1996-2019, not in 2012 where DOTS happens to agree.
    c = {c["id"]: c for c in reference.load_checks(SHIPPED)}[check_id]
    assert (c["year_rule"], c["year"], c["window"]) == ("paragraph", 2019, [1996, 2019])


def test_window_rows(two_years):
    trade, world = two_years
    c = check(AAA_BBB, value=160.0, year=2013, year_rule="paragraph", paragraph=[1, 2])
    c["window"] = [2011, 2013]
    out = reference.evaluate_reference_checks([c], trade, world)
    assert out["year"].tolist() == [2011, 2012, 2013]
    assert out["year_rule"].tolist() == ["window", "window", "paragraph"]
    # 2012 has no figures: reported as unknown, not dropped
    assert out["within_tolerance"].tolist() == [False, pd.NA, True]
    assert out["found_value"].iloc[0] == pytest.approx(160 / 1.21)


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
WINDOW = re.compile(r"from \S+ in ((?:19|20)\d\d) to \S+ in ((?:19|20)\d\d)")


def paragraph_text(lines: list[str], first: int, last: int) -> str:
    """Lines ``first``-``last`` (1-based) of the paper without its footnotes: in the
    extracted text a footnote block opens with a line of 20 or more blanks and ends where the
    next page starts (a line opening with one blank then text)."""
    kept, in_notes = [], False
    for line in lines[first - 1 : last]:
        if len(line) >= 20 and not line.strip():
            in_notes = True
        elif in_notes and re.match(r" \S", line):
            in_notes = False
        if not in_notes:
            kept.append(line)
    return " ".join(line.strip() for line in kept if line.strip())


@pytest.fixture
def paper_lines(shared_data):
    path = shared_data.parent / "paper" / "source-paper.txt"
    if not path.is_file():
        pytest.skip(f"the source paper is not at {path}")
    return path.read_text(encoding="utf-8").splitlines()


def test_paragraph_text_drops_footnotes():
    lines = [
        "Text of 2013,",
        "                         ",
        "13 Source, accessed 2019.",
        " and 2014.",
    ]
    assert paragraph_text(lines, 1, 4) == "Text of 2013, and 2014."


@pytest.mark.shared
def test_shipped_years_follow_the_rule_in_the_paper(paper_lines):
    undated = [c for c in reference.load_checks(SHIPPED) if c["year_rule"] == "paragraph"]
    assert {"kaz_share_rus", "arm_export_share_rus", "arm_import_share_rus"} <= {
        c["id"] for c in undated
    }
    for c in undated:
        text = paragraph_text(paper_lines, *c["paragraph"])
        assert c["year"] == max(int(y) for y in YEAR.findall(text)), c["id"]
        window = WINDOW.search(text)
        expected = [int(y) for y in window.groups()] if window else None
        assert c.get("window") == expected, c["id"]


# --- the real data -------------------------------------------------------------------------


@pytest.mark.shared
def test_shipped_checks_on_the_built_trade_tables(shared_data, capsys):
    raw = REPO / "data" / "raw"
    if not (raw / "trade.csv").is_file():
        pytest.skip(f"{raw / 'trade.csv'} not built yet (python -m hubspoke.sources.build_raw)")
    from hubspoke.validate import load_table

    trade = load_table(raw / "trade.csv", "trade")
    world = load_table(raw / "trade_world.csv", "trade_world")
    checks = reference.load_checks(REPO / "config" / "reference_checks.yaml")
    rows = reference.evaluate_reference_checks(checks, trade, world)
    assert rows["found_value"].notna().all(), rows.loc[rows["found_value"].isna(), "basis"]
    # the rows the workflow's job reads (its years and reporters) give the same results
    years = set().union(*map(reference.years_read, checks))
    reporters = set().union(*map(reference.reporters_read, checks))
    read = trade[trade["year"].isin(years) & trade["reporter"].isin(reporters)]
    assert len(read) < len(trade) / 2
    pd.testing.assert_frame_equal(reference.evaluate_reference_checks(checks, read, world), rows)
    out = rows[rows["year_rule"] != "window"].set_index("check_id")
    assert len(out) == len(checks)
    with capsys.disabled(), pd.option_context("display.width", 250, "display.max_colwidth", 60):
        print(
            out[["year", "stated_value", "found_value", "relative_difference", "within_tolerance"]]
        )
    # Read off the publisher's workbook (imf-dots/DOTS_18.xlsx, Belarus, row "Russian
    # Federation", column 2013): exports FOB 16837.46, imports CIF 22904.9581.
    assert out.loc["blr_exports_rus_2013", "found_value"] == pytest.approx(16837.46, abs=0.01)
    assert out.loc["blr_rus_trade_2013", "found_value"] == pytest.approx(39742.4181, abs=0.01)
    # ... and its World row: exports 37132.3006 + imports 43022.5503 = 80154.8509
    assert out.loc["blr_share_rus_2013", "found_value"] == pytest.approx(
        100 * 39742.4181 / 80154.8509, abs=1e-3
    )
    # ... and its columns 2012 (exports FOB 16308.8945) and 2003 (exports FOB 4879.857799,
    # imports CIF 7601.9168)
    assert out.loc["blr_exports_rus_growth_2013", "found_value"] == pytest.approx(
        100 * (16837.46 / 16308.8945 - 1), abs=1e-6
    )
    assert out.loc["blr_rus_trade_growth_2003_2013", "found_value"] == pytest.approx(
        39742.4181 / (4879.857799 + 7601.9168), abs=1e-6
    )


def test_the_schema_of_a_checks_file_agrees_with_the_code_that_evaluates_it():
    """The reference-checks schema (inference/reference.yaml) is the one declaration of the
    file: every kind of spec has a unit and a schema, every unit is a unit of a spec."""
    kinds = reference.CHECK_SCHEMA["properties"]["spec"]["properties"]["kind"]["enum"]
    assert set(kinds) == set(reference.SPEC_SCHEMAS) == set(reference.SPEC_UNITS)
    units = reference.CHECK_SCHEMA["properties"]["unit"]["enum"]
    assert set(units) == set(reference.SPEC_UNITS.values())
