"""The comparison across runs (hubspoke.inference.comparison): hand-made result tables of two
runs with values derived by hand, the comparison workflow, and one small example
(USA/CAN/MEX, every layer) run end to end on inputs built from ../shared/data."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from test_config import ROOT, check

from hubspoke import outputs
from hubspoke.errors import InputError
from hubspoke.inference import comparison
from hubspoke.inference.comparison import Measure

SHARE = Measure("trade", "hub_share", "weighted")
STAR = Measure("trade", "star_likeness", "binary", 0.05)
TREATY = Measure("treaty", "spoke_density", "binary", 1.0)
SHARE_SERIES = ("trade", "hub_share", "weighted", np.nan)


def periods_table(rows):
    """rows: (layer, metric, variant, threshold, period, start, end, mean, sd, n_years)."""
    columns = ["layer", "metric", "variant", "threshold", "period", "start_year", "end_year"]
    columns += ["mean", "sd", "n_years"]
    return pd.DataFrame(rows, columns=columns)


def period_tests_table(rows):
    """rows: (layer, metric, variant, threshold, test, term, estimate, ci_low, ci_high,
    p_value, min_p)."""
    columns = ["layer", "metric", "variant", "threshold", "test", "term", "estimate"]
    columns += ["ci_low", "ci_high", "p_value", "min_p"]
    return pd.DataFrame(rows, columns=columns)


def nodes_table(hub, others):
    states = [hub, *others]
    return pd.DataFrame(
        {
            "year": 2000,
            "layer": "trade",
            "node": states,
            "is_hub": [s == hub for s in states],
        }
    )


def nulls_table(rows):
    """rows: (year, layer, variant, metric, z)."""
    return pd.DataFrame(rows, columns=["year", "layer", "variant", "metric", "z"])


@pytest.fixture
def runs():
    """Run a: hub A among 4 states, breaks 2003 and 2005 over 2000-2006 (three periods), trade
    and treaty layers. Run b: hub X among 3 states, one break 2002 over 2000-2003 (two
    periods), trade only, its hub share unmeasured after the break."""
    nan = np.nan
    a = {
        "periods": periods_table(
            [
                ("trade", "hub_share", "weighted", nan, "2000-2002", 2000, 2002, 0.6, 0.1, 3),
                ("trade", "hub_share", "weighted", nan, "2003-2004", 2003, 2004, 0.5, 0.0, 2),
                ("trade", "hub_share", "weighted", nan, "2005-2006", 2005, 2006, 0.4, 0.1, 2),
                ("trade", "star_likeness", "binary", 0.05, "2000-2002", 2000, 2002, 0.9, 0, 3),
                ("trade", "star_likeness", "binary", 0.05, "2003-2004", 2003, 2004, 0.8, 0, 2),
                ("trade", "star_likeness", "binary", 0.05, "2005-2006", 2005, 2006, 0.7, 0, 2),
                # another threshold of the same series: not the measure
                ("trade", "star_likeness", "binary", 0.1, "2000-2002", 2000, 2002, 0.1, 0, 3),
                ("treaty", "spoke_density", "binary", 1.0, "2000-2002", 2000, 2002, 0.2, 0, 3),
                ("treaty", "spoke_density", "binary", 1.0, "2003-2004", 2003, 2004, 0.4, 0, 2),
                ("treaty", "spoke_density", "binary", 1.0, "2005-2006", 2005, 2006, 0.6, 0, 2),
            ]
        ),
        "period_tests": period_tests_table(
            [
                (*SHARE_SERIES, "permutation", "2003-2004 vs 2000-2002", -0.1, -0.3, 0.1, 0.4, 0.2),
                (
                    *SHARE_SERIES,
                    "permutation",
                    "2005-2006 vs 2003-2004",
                    -0.1,
                    -0.2,
                    0.0,
                    0.3,
                    0.25,
                ),
                (*SHARE_SERIES, "permutation", "2005-2006 vs 2000-2002", -0.2, -0.4, 0.0, 0.1, 0.2),
                # a segmented term of the same series: not the period test compared
                (*SHARE_SERIES, "segmented", "level_2003", 5.0, 4.0, 6.0, 0.01, 0.0),
            ]
        ),
        "nodes": nodes_table("A", ["B", "C", "D"]),
        "nulls": nulls_table(
            [
                (2000, "trade", "weighted", "hub_share", 2.0),
                (2001, "trade", "weighted", "hub_share", 4.0),
                (2002, "trade", "weighted", "hub_share", nan),  # no z that year
                (2005, "trade", "weighted", "hub_share", 1.0),
                (2000, "trade", "binary", "star_likeness", 3.0),
            ]
        ),
        "claims": pd.DataFrame(
            {
                "claim_id": ["H1", "H2", "H2"],
                "statement": ["A leads", "A is a star", "A is a star"],
                "verdict": ["supported", "supported", "inconclusive"],
                "claim_verdict": ["supported", "inconclusive", "inconclusive"],
            }
        ),
    }
    b = {
        "periods": periods_table(
            [
                ("trade", "hub_share", "weighted", nan, "2000-2001", 2000, 2001, 0.9, 0.0, 2),
                ("trade", "hub_share", "weighted", nan, "2002-2003", 2002, 2003, nan, nan, 0),
            ]
        ),
        "period_tests": period_tests_table(
            [
                (*SHARE_SERIES, "permutation", "2002-2003 vs 2000-2001", nan, nan, nan, nan, nan),
            ]
        ),
        "nodes": nodes_table("X", ["Y", "Z"]),
        "nulls": nulls_table([]),
        "claims": pd.DataFrame(
            {
                "claim_id": ["H1"],
                "statement": ["X leads"],
                "verdict": ["not supported"],
                "claim_verdict": ["not supported"],
            }
        ),
    }
    return {"a": a, "b": b}


def test_every_run_has_every_measure_in_each_of_its_own_periods(runs):
    table = comparison.compare_runs(runs, [SHARE, STAR, TREATY])
    declared = outputs.columns("comparison")
    assert list(table.columns) == list(declared)
    assert (table.dtypes == [pd.api.types.pandas_dtype(d) for d in declared.values()]).all()
    # run a: 3 measures x 3 periods; run b: 3 measures x 2 periods (rows for what it lacks)
    assert len(table) == 9 + 6
    a = table[table["run"] == "a"]
    assert set(a["hub"]) == {"A"} and set(a["n_states"]) == {4}
    share = a[a["metric"] == "hub_share"]
    assert share["period"].tolist() == ["2000-2002", "2003-2004", "2005-2006"]
    assert share["period_role"].tolist() == ["before", "between", "after"]
    assert share["period_index"].tolist() == [0, 1, 2]
    assert share["break_year"].tolist()[1:] == [2003, 2005]
    assert share["break_year"].isna().tolist() == [True, False, False]
    assert share["mean"].tolist() == [0.6, 0.5, 0.4]
    assert share["n_years"].tolist() == [3, 2, 2]
    # the change is the permutation test against the period before (not the segmented term,
    # not the test against the first period)
    assert share["baseline_period"].isna().tolist() == [True, False, False]
    assert share["baseline_period"].tolist()[1:] == ["2000-2002", "2003-2004"]
    assert np.isnan(share["change"].iloc[0])
    assert share["change"].tolist()[1:] == [-0.1, -0.1]
    assert share["change_p_value"].tolist()[1:] == [0.4, 0.3]
    assert share["change_min_p"].tolist()[1:] == [0.2, 0.25]
    assert share["change_ci_low"].tolist()[1:] == [-0.3, -0.2]
    # null z: mean over the period's years with a z (2000: 2, 2001: 4; 2002 none) = 3
    assert share["null_z"].iloc[0] == 3.0 and share["null_n_years"].iloc[0] == 2
    assert np.isnan(share["null_z"].iloc[1]) and share["null_n_years"].iloc[1] == 0
    assert share["null_z"].iloc[2] == 1.0
    # the binary measure at its threshold only (0.1 is another series)
    star = a[a["metric"] == "star_likeness"]
    assert star["mean"].tolist() == [0.9, 0.8, 0.7] and set(star["threshold"]) == {0.05}
    assert star["null_z"].iloc[0] == 3.0
    treaty = a[a["layer"] == "treaty"]
    assert treaty["mean"].tolist() == [0.2, 0.4, 0.6]
    # measured, but no period test in the table: null change, not 0
    assert treaty["change"].isna().all()


def test_missing_data_and_absent_layers_give_nulls_never_zeros(runs):
    table = comparison.compare_runs(runs, [SHARE, STAR, TREATY])
    b = table[table["run"] == "b"]
    assert b["period"].unique().tolist() == ["2000-2001", "2002-2003"]
    assert b["period_role"].unique().tolist() == ["before", "after"]
    share = b[b["metric"] == "hub_share"]
    assert share["mean"].tolist()[0] == 0.9
    # the period after the break has no measured year
    assert np.isnan(share["mean"].iloc[1]) and share["n_years"].iloc[1] == 0
    assert share["change"].isna().iloc[1]
    # a layer the run did not build: every row there, every value null, no year counted
    treaty = b[b["layer"] == "treaty"]
    assert len(treaty) == 2
    assert treaty[["mean", "sd", "change", "null_z"]].isna().all().all()
    assert (treaty[["n_years", "null_n_years"]] == 0).all().all()


def test_claims_side_by_side(runs):
    claims = comparison.compare_claims(runs)
    declared = outputs.columns("comparison_claims")
    assert list(claims.columns) == list(declared)
    assert (claims.dtypes == [pd.api.types.pandas_dtype(d) for d in declared.values()]).all()
    assert claims[["run", "hub", "claim_id", "claim_verdict"]].values.tolist() == [
        ["a", "A", "H1", "supported"],
        ["a", "A", "H2", "inconclusive"],
        ["b", "X", "H1", "not supported"],
    ]
    assert claims["n_rows"].tolist() == [1, 2, 1]
    assert claims["n_supported"].tolist() == [1, 1, 0]
    assert claims["n_not_supported"].tolist() == [0, 0, 1]
    assert claims["n_inconclusive"].tolist() == [0, 1, 0]


def test_period_roles():
    assert [comparison.period_role(k, 2) for k in range(2)] == ["before", "after"]
    roles = [comparison.period_role(k, 4) for k in range(4)]
    assert roles == ["before", "between", "between", "after"]


def test_a_run_without_one_hub_is_refused(runs):
    runs["a"]["nodes"] = runs["a"]["nodes"].assign(is_hub=False)
    with pytest.raises(InputError, match="expected one hub, found 0"):
        comparison.compare_runs(runs, [SHARE])


def test_the_comparison_configuration_is_checked():
    schema = ROOT / "workflow" / "schemas" / "comparison.schema.yaml"
    cfg = yaml.safe_load((ROOT / "config" / "comparison.yaml").read_text())
    checked = comparison.Comparison.from_config(comparison.validate_comparison(cfg, schema))
    assert checked.runs[0] == comparison.RunResults("post_soviet", "results")
    assert Measure("trade", "hub_share", "weighted") in checked.measures
    # every example of config/examples/ (but the long world run) is compared, each in its folder
    examples = {p.stem for p in (ROOT / "config" / "examples").glob("*.yaml")}
    compared = {r.name: r.results for r in checked.runs}
    assert examples - {"world"} <= set(compared)
    for name in examples - {"world"}:
        assert compared[name] == f"results/examples/{name}"
    twice = {**cfg, "runs": [*cfg["runs"], {"name": "post_soviet", "results": "x"}]}
    with pytest.raises(InputError, match=r"value .post_soviet.: a run name listed twice"):
        comparison.validate_comparison(twice, schema)
    with pytest.raises(InputError, match=r"runs\.0\.colour"):
        comparison.validate_comparison(
            {**cfg, "runs": [{"name": "a", "results": "r", "colour": 1}]}, schema
        )


def test_every_example_is_a_valid_configuration_with_its_own_folder_and_claims():
    from snakemake.utils import update_config

    default = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    folders = set()
    for path in sorted((ROOT / "config" / "examples").glob("*.yaml")):
        cfg = yaml.safe_load(path.read_text())
        merged = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
        update_config(merged, cfg)  # how snakemake lays --configfile over the default
        if merged["states"] == "all":
            merged["states"] = default["states"]  # the reporters need the world input
            merged["brokerage"]["subregions"] = default["brokerage"]["subregions"]
            merged["hub"] = default["hub"]
        checked = check(merged)
        assert set(checked["layers"]) == {
            "trade",
            "trade_flow",
            "trade_dependence",
            "treaty",
            "membership",
            "membership_depth",
        }, path.name
        assert checked["output_dir"] == f"results/examples/{path.stem}"
        assert checked["claims"] == f"config/examples/claims/{path.stem}.yaml"
        assert (ROOT / checked["claims"]).is_file()
        assert max(checked["breaks"]) <= checked["years"]["end"] - 5  # years after the break
        folders.add(checked["output_dir"])
    assert len(folders) >= 5


# --- the comparison workflow and a small example end to end ----------------------------------

NAFTA_STATES = "CAN,MEX,USA"
INPUT_NAMES = ["trade", "trade_world", "treaties", "organisations", "memberships", "sources"]
INPUT_NAMES += ["gdp", "geography", "borders"]


@pytest.fixture(scope="module")
def nafta_run(tmp_path_factory, shared_data):
    """The USA/CAN/MEX example, every layer, in a linked copy of the workflow, on the tables
    build_raw derives from ../shared/data for those three states (laid over the example's
    data/world inputs)."""
    from test_workflow import snakemake, workdir

    cwd = workdir(tmp_path_factory.mktemp("nafta"))
    build = subprocess.run(
        [
            *(sys.executable, "-m", "hubspoke.sources.build_raw", "--shared", str(shared_data)),
            *(
                "--out",
                "nafta",
                "--states",
                NAFTA_STATES,
                "--years",
                "1980-2020",
                "--bodies",
                "world",
            ),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    inputs = {name: f"nafta/{name}.csv" for name in INPUT_NAMES}
    (cwd / "inputs.yaml").write_text(yaml.safe_dump({"inputs": inputs}))
    snakemake(cwd, "--configfile", "config/examples/usa_nafta.yaml", "inputs.yaml")
    return cwd


def compare(cwd, runs, check=True):
    from test_workflow import snakemake

    (cwd / "cmp.yaml").write_text(yaml.safe_dump({"output_dir": "results/cmp", "runs": runs}))
    return snakemake(cwd, "-s", "workflow/compare.smk", "--configfile", "cmp.yaml", check=check)


def test_the_nafta_example_runs_every_layer_and_compares(nafta_run):
    results = nafta_run / "results" / "examples" / "usa_nafta"
    periods = pd.read_parquet(results / "tests" / "periods.parquet")
    assert set(periods["layer"]) == {
        "trade",
        "trade_flow",
        "trade_dependence",
        "treaty",
        "membership",
        "membership_depth",
    }
    assert periods["period"].unique().tolist() == ["1980-1988", "1989-1993", "1994-2020"]
    claims = pd.read_parquet(results / "tests" / "claims.parquet")
    assert set(claims["claim_id"]) == {"H1", "H2", "H3", "H5"}
    assert claims.loc[claims["claim_id"] == "H1", "statement"].str.startswith("USA is").all()
    # the same folder twice is refused before any job, with one line
    twice = [{"name": n, "results": "results/examples/usa_nafta"} for n in ("one", "two")]
    done = compare(nafta_run, twice, check=False)
    assert done.returncode != 0 and "results folder listed twice" in done.stderr
    # a run not yet made is named
    done = compare(nafta_run, [{"name": "later", "results": "results/examples/none"}], False)
    assert done.returncode != 0 and "no finished run in results/examples/none/" in done.stderr
    # the example beside a second name for it: the same rows twice
    (nafta_run / "results" / "copy").symlink_to("examples/usa_nafta")
    compare(nafta_run, [twice[0], {"name": "two", "results": "results/copy"}])
    table = pd.read_parquet(nafta_run / "results" / "cmp" / "comparison.parquet")
    one, two = (
        table[table["run"] == r].drop(columns="run").reset_index(drop=True) for r in ("one", "two")
    )
    pd.testing.assert_frame_equal(one, two)
    n_measures = len(yaml.safe_load((ROOT / "config" / "comparison.yaml").read_text())["measures"])
    assert len(one) == 3 * n_measures
    assert set(one["hub"]) == {"USA"} and set(one["n_states"]) == {3}
    # the period means are the run's own
    share = one[(one["layer"] == "trade") & (one["metric"] == "hub_share")]
    expected = periods[
        (periods["layer"] == "trade")
        & (periods["metric"] == "hub_share")
        & (periods["variant"] == "weighted")
    ]
    assert share["mean"].tolist() == expected["mean"].tolist()
    claims_cmp = pd.read_parquet(nafta_run / "results" / "cmp" / "comparison_claims.parquet")
    assert len(claims_cmp) == 2 * claims["claim_id"].nunique()
    assert (nafta_run / "results" / "cmp" / "comparison.csv").is_file()
