"""Source coverage: which layer-years their sources cover, and how the claims read them.

Tiny inputs with two treaty sources: ``A`` covers 1990-2000, ``B`` 1990-2020. States X, Y, Z;
years 1999-2002.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_claims import BREAKS, RANK1, claim, hub_table, periods_table

from hubspoke import coverage, validate
from hubspoke.errors import InputError
from hubspoke.inference import claims
from hubspoke.settings import Networks

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
STATES = ["X", "Y", "Z"]
YEARS = [1999, 2000, 2001, 2002]
nan = np.nan

SOURCES = pd.DataFrame(
    {
        "source": ["A", "B", "IMF DOTS", "curated"],
        "first_year": [1990, 1990, 1960, 1991],
        "last_year": [2000, 2020, 2020, 2026],
        "citation": ["a", "b", "c", "d"],
    }
)


def _date(text):
    return pd.Timestamp(text) if text else pd.NaT


def _treaties(rows):
    return pd.DataFrame(
        {
            "state_a": [r[0] for r in rows],
            "state_b": [r[1] for r in rows],
            "signed": pd.Series([pd.NaT] * len(rows), dtype="datetime64[ns]"),
            "in_force": pd.Series([_date(r[2]) for r in rows], dtype="datetime64[ns]"),
            "ended": pd.Series([_date(r[3]) for r in rows], dtype="datetime64[ns]"),
            "source": pd.Series([r[4] for r in rows], dtype="string"),
        }
    )


def _inputs(treaties=(), memberships=(), trade=()):
    members = pd.DataFrame(
        {
            "org_id": [m[0] for m in memberships],
            "state": [m[1] for m in memberships],
            "kind": "full",
            "start": pd.Series([pd.Timestamp(m[2]) for m in memberships], dtype="datetime64[ns]"),
            "end": pd.Series([pd.NaT] * len(memberships), dtype="datetime64[ns]"),
            "source": pd.Series([m[3] for m in memberships], dtype="string"),
        }
    )
    orgs = pd.DataFrame(
        {
            "org_id": ["DEEP", "FORUM"],
            "depth": [4, 0],
            "scope": "regional_post_soviet",
            "implemented": pd.array(["yes", None], dtype="string"),
        }
    )
    flows = pd.DataFrame(
        trade, columns=["reporter", "partner", "year", "flow", "value_usd_m", "source"]
    )
    return {
        "treaties": _treaties(treaties),
        "memberships": members,
        "organisations": orgs,
        "trade": flows.astype({"year": "int64", "value_usd_m": "float64"}),
        "sources": SOURCES,
    }


def _coverage(inputs, layers):
    settings = Networks.from_params(
        {
            "states": STATES,
            "hub": STATES[0],
            "layers": layers,
            "rule": "any_day",
            "reconciliation": "importer_first",
            "cif_fob_factor": 1.0,
            "membership_kinds": ["full"],
            "membership_scopes": ["regional_post_soviet"],
            "membership_implementation": ["yes"],
            "subregions": [],
        }
    )
    out = coverage.layer_coverage(inputs, YEARS, settings)
    return out.set_index(["layer", "year"])


def test_source_key_is_the_text_before_the_first_separator():
    text = pd.Series(["curated: Treaty on ...", "DESTA+HUGGO; end: 2004", "IMF DOTS", "MIGO"])
    assert coverage.source_key(text).tolist() == ["curated", "DESTA+HUGGO", "IMF DOTS", "MIGO"]


def test_treaty_coverage_is_the_share_of_rows_in_force_from_covering_sources():
    # A: X-Y from 1995 (open); B: Y-Z from 2000; A: X-Z 1999-1999 (ended)
    inputs = _inputs(
        treaties=[
            ("X", "Y", "1995-01-01", None, "A"),
            ("Y", "Z", "2000-06-01", None, "B; note"),
            ("X", "Z", "1999-01-01", "1999-12-31", "A"),
        ]
    )
    got = _coverage(inputs, ["treaty"]).loc["treaty"]
    # 1999: two A rows, A covers -> 1; 2000: A and B, both cover -> 1;
    # 2001, 2002: A (ended in 2000) and B -> 1/2, A uncovered
    assert got["coverage"].tolist() == [1.0, 1.0, 0.5, 0.5]
    assert got["uncovered_sources"].isna().tolist() == [True, True, False, False]
    assert got.loc[2001, "uncovered_sources"] == "A"


def test_a_year_without_rows_has_no_coverage_share_but_names_ended_sources():
    inputs = _inputs(treaties=[("X", "Y", "1995-01-01", "1999-06-30", "A")])
    got = _coverage(inputs, ["treaty"]).loc["treaty"]
    assert got.loc[1999, "coverage"] == 1.0
    assert np.isnan(got.loc[2000, "coverage"])  # no row in force: undefined, not 0 or 1
    assert pd.isna(got.loc[2000, "uncovered_sources"])  # A still covers 2000
    assert got.loc[2001, "uncovered_sources"] == "A"
    cov = coverage.covered(got["coverage"], got["uncovered_sources"], 1.0)
    # 2000: no row and no ended source -> covered; 2001: no row but A has ended -> not
    assert cov.tolist() == [True, True, False, False]


def test_membership_layers_count_their_own_organisations():
    inputs = _inputs(
        memberships=[
            ("DEEP", "X", "1995-01-01", "curated: treaty"),
            ("DEEP", "Y", "1995-01-01", "curated: treaty"),
            ("FORUM", "X", "1995-01-01", "A"),
            ("FORUM", "Y", "1995-01-01", "A"),
        ]
    )
    got = _coverage(inputs, ["membership", "membership_depth"])
    # membership counts both bodies: from 2001 the FORUM rows' source A has ended
    assert got.loc["membership", "coverage"].tolist() == [1.0, 1.0, 0.5, 0.5]
    # membership_depth counts only bodies of depth > 0: all curated
    assert got.loc["membership_depth", "coverage"].tolist() == [1.0] * 4
    assert got.loc["membership_depth", "uncovered_sources"].isna().all()


def test_trade_coverage_counts_reports_with_a_value_among_the_states():
    trade = [
        ("X", "Y", 2001, "export_fob", 5.0, "IMF DOTS"),
        ("X", "Z", 2001, "export_fob", nan, "A"),  # no value: not a row the layer reads
        ("X", "W", 2001, "export_fob", 5.0, "A"),  # W is not a state
    ]
    got = _coverage(_inputs(trade=trade), ["trade"]).loc["trade"]
    assert got.loc[2001, "coverage"] == 1.0
    assert np.isnan(got.loc[2000, "coverage"])
    assert got["uncovered_sources"].isna().all()  # A feeds no row of the layer


def test_annotate_appends_the_columns_of_the_layer_year():
    cov = pd.DataFrame(
        {"year": [2000], "layer": ["treaty"], "coverage": [0.5], "uncovered_sources": ["A"]}
    ).astype({"layer": "string", "uncovered_sources": "string"})
    table = pd.DataFrame({"year": [2000, 2000], "layer": ["treaty", "trade"], "value": [1, 2]})
    out = coverage.annotate(table, cov)
    assert out.columns.tolist() == ["year", "layer", "value", "coverage", "uncovered_sources"]
    assert out["coverage"].tolist()[0] == 0.5 and np.isnan(out["coverage"].tolist()[1])


@pytest.mark.parametrize(
    ("share", "ended", "min_share", "expected"),
    [
        (1.0, None, 1.0, True),
        (0.9, "A", 1.0, False),
        (0.9, "A", 0.9, True),
        (nan, None, 1.0, True),
        (nan, "A", 1.0, False),
    ],
)
def test_covered_rule(share, ended, min_share, expected):
    got = coverage.covered(pd.Series([share]), pd.Series([ended], dtype="string"), min_share).item()
    assert got is expected or got == expected


def test_an_unlisted_source_is_an_error_naming_file_row_column_and_value(tmp_path):
    raw = REPO / "data" / "raw"
    paths = {t: raw / f"{t}.csv" for t in ("sources", "treaties", "organisations")}
    lines = (raw / "treaties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("ATOP-5.1", "ATOP-9.9", 1)
    assert "ATOP-9.9" in lines[3]
    paths["treaties"] = tmp_path / "treaties.csv"
    paths["treaties"].write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        validate.load_inputs(paths, states=["RUS", "UKR"], years=[2000])
    message = str(err.value)
    assert "treaties.csv" in message and "row 4" in message
    assert "'source'" in message and "ATOP-9.9" in message


def test_every_source_of_the_default_tables_is_listed():
    raw = REPO / "data" / "raw"
    tables = {t: validate.load_table(raw / f"{t}.csv", t) for t in ("sources", "memberships")}
    known = set(tables["sources"]["source"])
    for name in validate.SOURCED_TABLES:
        table = validate.load_table(raw / f"{name}.csv", name)
        assert set(coverage.source_key(table["source"])) <= known


# --- the claims' rule ---------------------------------------------------------------------

SERIES = ("L1", "spoke_density", "binary", 1.0)


def _period_tests(ci_low, ci_high, p):
    cols = ["layer", "metric", "variant", "threshold", "test", "term", "estimate", "ci_low",
            "ci_high", "p_value"]  # fmt: skip
    rows = [(*SERIES, "segmented", "level_2004", (ci_low + ci_high) / 2, ci_low, ci_high, p)]
    return pd.DataFrame(rows, columns=cols).assign(se=0.01, min_p=0.0, n_obs=8, note="")


def _hub(uncovered_years):
    """L1's spoke density and rank 1 in 2000-2007; ``uncovered_years`` are not covered."""
    table = hub_table(
        {
            ("L1", "spoke_density", "binary", 1.0): dict.fromkeys(range(2000, 2008), 0.1),
            ("L1", "rank_strength", "weighted", nan): dict.fromkeys(range(2000, 2008), 1.0),
        }
    )
    gap = table["year"].isin(uncovered_years)
    return table.assign(
        coverage=np.where(gap, 0.5, 1.0),
        uncovered_sources=pd.Series(np.where(gap, "DCAD-1.0", None), dtype="string"),
    )


def _evaluate(test, period_tests, uncovered_years, min_coverage=1.0):
    return claims.evaluate_claims(
        [claim(test)],
        hub="HUB",
        breaks=BREAKS,
        alpha=0.05,
        periods=periods_table(),
        period_tests=period_tests,
        nulls=pd.DataFrame(columns=["year", "layer", "variant", "metric"]),
        hub_metrics=_hub(uncovered_years),
        min_coverage=min_coverage,
    )


JUMP = {
    "kind": "period_test",
    "metric": "spoke_density",
    "layers": ["L1"],
    "variant": "binary",
    "test": "segmented",
    "term": "level_{break}",
    "breaks": [2004],
    "direction": "positive",
    "min_effect": 0.05,
}


def test_no_change_over_uncovered_years_is_no_evidence_against_the_claim():
    # an interval [-0.02, 0.02] rules out a jump of 0.05: not supported when covered
    flat = _period_tests(-0.02, 0.02, 0.9)
    assert _evaluate(JUMP, flat, [])["verdict"].item() == "not supported"
    # the years after the 2004 break (2004-2005) not covered: inconclusive, with the reason
    out = _evaluate(JUMP, flat, [2005])
    assert out["verdict"].item() == "inconclusive"
    assert "do not cover 2005 (DCAD-1.0)" in out["reason"].item()
    # an uncovered year outside the period after the break does not matter
    assert _evaluate(JUMP, flat, [2007])["verdict"].item() == "not supported"
    # a lower min_share counts the half-covered year as covered
    assert _evaluate(JUMP, flat, [2005], min_coverage=0.5)["verdict"].item() == "not supported"


def test_a_significant_change_over_uncovered_years_keeps_its_verdict():
    down = _period_tests(-0.2, -0.1, 0.001)  # significant the other way
    assert _evaluate(JUMP, down, [2005])["verdict"].item() == "not supported"
    up = _period_tests(0.1, 0.2, 0.001)
    assert _evaluate(JUMP, up, [2005])["verdict"].item() == "supported"


def test_uncovered_years_are_missing_in_condition_tests():
    test = {**RANK1, "layers": ["L1"]}  # first period 2000-2003, rank 1 every year
    assert _evaluate(test, _period_tests(0, 0, 1), [])["verdict"].item() == "supported"
    out = _evaluate(test, _period_tests(0, 0, 1), [2001])
    # 3 of 4 years satisfy, the fourth is not covered: it decides
    assert out["verdict"].item() == "inconclusive"
    assert out["n_obs"].item() == 3
    assert "1 missing, 1 of them not covered by the layer's sources" in out["evidence"].item()


# --- the declared windows against the source files (CI has ../shared/data) -------------

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data (the original source files) is not here"
)


@needs_shared
def test_declared_windows_match_the_source_files():
    windows = validate.load_table(REPO / "data" / "raw" / "sources.csv", "sources")
    last = windows.set_index("source")["last_year"]
    cow = pd.read_csv(SHARED / "cow-igo-v3" / "state_year_formatv3.csv", usecols=["year"])
    migo = pd.read_csv(SHARED / "migo" / "MIGO_memberships.csv", usecols=["Year"])
    atop = pd.read_csv(SHARED / "atop-5.1" / "atop5_1m.csv", usecols=["yrent", "yrexit"])
    dcad = pd.read_csv(SHARED / "dcad-1.0" / "DCAD-v1.0-main.csv", usecols=["signYear"])
    desta = pd.read_csv(
        SHARED / "desta" / "DESTA.csv", sep=";", usecols=["year"], encoding="latin-1"
    )
    assert last["COW-IGO-v3"] == cow["year"].max() == 2014
    assert last["MIGO"] == migo["Year"].max() == 2010
    assert last["ATOP-5.1"] == max(atop["yrent"].max(), atop["yrexit"].max()) == 2018
    assert last["DCAD-1.0"] == dcad["signYear"].max() == 2010
    assert last["DESTA"] == last["DESTA+HUGGO"] == int(desta["year"].max()) == 2020


def test_default_trade_ends_with_the_dots_window():
    windows = validate.load_table(REPO / "data" / "raw" / "sources.csv", "sources")
    trade = validate.load_table(REPO / "data" / "raw" / "trade.csv", "trade")
    dots = windows.set_index("source").loc["IMF DOTS"]
    assert trade["year"].min() >= dots["first_year"]
    assert trade["year"].max() == dots["last_year"]
