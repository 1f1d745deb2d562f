"""End-to-end workflow runs (tiny .test config and the real default config) and the lint gates."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LINKED = ["workflow", "src", "data", "config", ".test", "profiles"]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
    return found


def workdir(tmp: Path) -> Path:
    """A scratch copy of the workflow (symlinks), so tests never touch the repo's results/."""
    for name in LINKED:
        (tmp / name).symlink_to(ROOT / name)
    return tmp


def snakemake(
    cwd: Path, *args: str, check: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    cmd = [tool("snakemake"), "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def test_lint_is_clean():
    proc = subprocess.run([tool("snakemake"), "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Congratulations" in proc.stdout + proc.stderr


def test_snakefmt_is_clean():
    proc = subprocess.run(
        [tool("snakefmt"), "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_clean():
    proc = subprocess.run([tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_rule_logs_what_it_read_and_wrote(tiny_run):
    logs = sorted((tiny_run / "logs" / "results").rglob("*.log"))
    assert len(logs) >= 12
    for log in logs:
        text = log.read_text()
        # the runner lists every output it leaves, with its size
        assert "finished in" in text and "output " in text and " bytes)" in text, log.name
    assert "read and checked" in (tiny_run / "logs/results/validate_inputs.log").read_text()


def test_tiny_run_builds_every_table(tiny_run):
    results = tiny_run / "results"
    edges = pd.read_parquet(results / "networks" / "edges.parquet")
    assert set(edges["year"]) == set(range(2006, 2019))
    assert set(edges["layer"]) == {
        "trade",
        "trade_flow",
        "trade_dependence",
        "treaty",
        "membership",
        "membership_depth",
    }
    undirected = edges[~edges["layer"].isin(["trade_flow", "trade_dependence"])]
    assert (undirected["source"] < undirected["target"]).all()
    cent = pd.read_parquet(results / "metrics" / "centralization.parquet")
    assert cent["value"].dropna().between(0, 1).all()
    hub = pd.read_parquet(results / "metrics" / "hub.parquet")
    assert {"hub_share", "spoke_density", "star_likeness", "rank_degree"} <= set(hub["metric"])
    brokerage = pd.read_parquet(results / "metrics" / "brokerage.parquet")
    assert set(brokerage["role"]) >= {"coordinator", "itinerant", "gatekeeper", "liaison", "total"}
    claims = pd.read_parquet(results / "tests" / "claims.parquet")
    assert set(claims["verdict"]) <= {"supported", "not supported", "inconclusive"}
    assert len(pd.read_parquet(results / "tests" / "reference_checks.parquet")) > 0
    for fig in ("series", "trade_networks", "brokerage"):
        assert (results / "figures" / f"{fig}.png").stat().st_size > 0


# Python prints a warning as "<file>:<line>: <Category>Warning: <message>".
PYTHON_WARNING = re.compile(r"\b\w*Warning: ")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The real default configuration (15 states, 1992-2020), as a user runs it, except that
    a RuntimeWarning anywhere (hubspoke, numpy, statsmodels, Snakemake) is an error; the
    output of both commands is kept in ``run.log``."""
    cwd = workdir(tmp_path_factory.mktemp("default"))
    env = {**os.environ, "PYTHONWARNINGS": "error::RuntimeWarning"}
    runs = [snakemake(cwd, env=env), snakemake(cwd, "--report", "results/report.html", env=env)]
    (cwd / "run.log").write_text("".join(p.stdout + p.stderr for p in runs))
    return cwd


def test_default_run_prints_no_python_warning(default_run):
    log = (default_run / "run.log").read_text()
    assert "Finished job" in log  # the log holds the run's output
    assert not PYTHON_WARNING.findall(log), [
        line for line in log.splitlines() if PYTHON_WARNING.search(line)
    ]


def test_default_run_claims_and_reference_checks_are_well_formed(default_run):
    results = default_run / "results"
    edges = pd.read_parquet(results / "networks" / "edges.parquet")
    assert set(edges["year"]) == set(range(1992, 2021))
    trade = edges[edges["layer"] == "trade"]
    # all 105 pairs of the 15 states appear in the trade layer
    assert len(set(zip(trade["source"], trade["target"], strict=True))) == 105
    claims = pd.read_parquet(results / "tests" / "claims.parquet")
    assert set(claims["claim_id"]) >= {"H1", "H2", "H3", "H4", "H5"}
    assert claims["verdict"].isin(["supported", "not supported", "inconclusive"]).all()
    for claim, rows in claims.groupby("claim_id"):
        assert rows["claim_verdict"].nunique() == 1, claim
    p = claims["p_value"].dropna()
    assert p.between(0, 1).all()
    checks = pd.read_parquet(results / "tests" / "reference_checks.parquet")
    assert not checks.duplicated(["check_id", "year"]).any()
    rule_rows = checks[checks["year_rule"] != "window"]
    assert len(rule_rows) == rule_rows["check_id"].nunique() >= 14
    assert checks["found_value"].notna().all()
    # facts the data must reproduce (DOTS): Belarus is Kazakhstan's 24th partner in 2013
    rank = rule_rows.set_index("check_id").loc["kaz_rank_blr_2013"]
    assert rank["found_value"] == 24 and rank["within_tolerance"]
    assert (results / "figures" / "trade_networks.png").stat().st_size > 0
    report = (results / "report.html").read_text()
    not_checkable = pd.read_parquet(results / "tests" / "reference_not_checkable.parquet")
    assert "blr_rus_trade_2014_jan_sep" in set(not_checkable["statement_id"])
    for item in (
        "claims.csv",
        "reference_checks.csv",
        "reference_not_checkable.csv",
        "series.png",
        "brokerage.png",
    ):
        assert item in report


def test_default_run_marks_the_layer_years_whose_sources_ended(default_run):
    results = default_run / "results"
    hub = pd.read_parquet(results / "metrics" / "hub.parquet")
    cells = hub.drop_duplicates(["layer", "year"]).set_index(["layer", "year"])
    # DCAD ends in 2010: about half the treaty rows in force from 2011 are its own
    assert cells.loc[("treaty", 2010), "coverage"] == 1.0
    assert 0.4 < cells.loc[("treaty", 2011), "coverage"] < 0.6
    assert cells.loc[("treaty", 2011), "uncovered_sources"] == "DCAD-1.0"
    # COW IGO ends in 2014
    assert "COW-IGO-v3" in cells.loc[("membership", 2015), "uncovered_sources"]
    assert cells.loc[("membership", 2014), "uncovered_sources"] == "MIGO"  # MIGO ends in 2010
    trade = cells.loc["trade"]
    assert (trade["coverage"] == 1.0).all() and trade["uncovered_sources"].isna().all()
    for table in ("centralization", "brokerage"):
        frame = pd.read_parquet(results / "metrics" / f"{table}.parquet")
        assert {"coverage", "uncovered_sources"} <= set(frame.columns)
    nulls = pd.read_parquet(results / "tests" / "nulls.parquet")
    assert {"coverage", "uncovered_sources"} <= set(nulls.columns)
    sources = pd.read_parquet(results / "inputs" / "sources.parquet")
    assert "DCAD-1.0" in set(sources["source"])
    # the treaty layer's "no jump at 2010" is no evidence: its sources stop in 2011-2014
    claims = pd.read_parquet(results / "tests" / "claims.parquet")
    treaty = claims[(claims["claim_id"] == "H3") & (claims["layer"] == "treaty")]
    at_2010 = treaty[treaty["break_year"] == 2010]
    assert (at_2010["verdict"] == "inconclusive").all()
    assert at_2010["reason"].str.contains("do not cover 2011-2014 \\(DCAD-1.0\\)").all()


def _binary_networks(results, cases):
    """Rebuild the binary networks of (year, layer) cases from the run's tables."""
    from hubspoke import layers as registry

    edges = pd.read_parquet(results / "networks" / "edges.parquet")
    nodes = pd.read_parquet(results / "networks" / "nodes.parquet")
    states = sorted(nodes["node"].unique())
    out = {}
    for year, layer, theta in cases:
        e = edges[edges["year"] == year]
        W = registry.adjacency(e, states, layer)
        base = nodes[(nodes["year"] == year) & (nodes["layer"] == layer)]
        base = base.set_index("node")["binarisation_base"].reindex(states).to_numpy()
        out[(year, layer, theta)] = registry.binarise(W, layer, theta, base)
    return states, out


REAL_CASES = [
    (1995, "trade", 0.05),
    (2005, "trade", 0.05),
    (2012, "trade", 0.05),
    (2018, "trade", 0.05),
    (2005, "treaty", 1.0),
    (2016, "membership", 3.0),
]


def test_real_networks_match_r_igraph_and_sna(default_run, tmp_path):
    """Centralization and brokerage of real yearly networks equal R igraph / sna."""
    from test_reference_r import SNA_COLUMNS, run_r, write_matrix

    from hubspoke.measures.brokerage import broker_ties

    results = default_run / "results"
    states, nets = _binary_networks(results, REAL_CASES)
    ids = [f"y{y}_{layer}" for y, layer, _ in REAL_CASES]
    pd.DataFrame({"id": ids, "directed": False}).to_csv(tmp_path / "cases.csv", index=False)
    groups = pd.read_parquet(results / "networks" / "partitions.parquet")
    for case_id, (key, B) in zip(ids, nets.items(), strict=True):
        write_matrix(tmp_path / f"{case_id}.csv", np.maximum(B, B.T))
        # brokerage runs on the ties of the default rule (brokerage.ties: either), subregions
        write_matrix(tmp_path / f"{case_id}_dir.csv", broker_ties(B, "either").astype(int))
        g = groups[(groups["year"] == key[0]) & (groups["partition"] == "subregions")]
        g.set_index("node")["group"].reindex(states).rename("group").to_frame().to_csv(
            tmp_path / f"{case_id}_dir_groups.csv", index=False
        )
    run_r("centrality.R", tmp_path)
    r = pd.read_csv(tmp_path / "centralization.csv")
    r = r[(r["source"] == "igraph") & (r["mode"] == "all")].set_index(["id", "measure"])["value"]
    cent = pd.read_parquet(results / "metrics" / "centralization.parquet")
    cent = cent[cent["variant"] == "binary"].set_index(["year", "layer", "threshold", "measure"])
    compared = 0
    for case_id, (year, layer, theta) in zip(ids, REAL_CASES, strict=True):
        for measure in ("degree", "betweenness", "closeness", "eigenvector"):
            ours = cent.loc[(year, layer, theta, measure), "value"]
            theirs = r.loc[(case_id, measure)]
            if np.isnan(ours):
                continue  # undefined here (e.g. a repeated leading eigenvalue): not compared
            assert ours == pytest.approx(theirs, abs=1e-9), (case_id, measure)
            compared += 1
    assert compared >= 20

    pd.DataFrame({"id": [f"{i}_dir" for i in ids]}).to_csv(tmp_path / "cases.csv", index=False)
    run_r("brokerage.R", tmp_path)
    brokerage = pd.read_parquet(results / "metrics" / "brokerage.parquet")
    brokerage = brokerage[brokerage["partition"] == "subregions"]
    roles = ["coordinator", "itinerant", "gatekeeper", "representative", "liaison", "total"]
    for case_id, (year, layer, theta) in zip(ids, REAL_CASES, strict=True):
        sna = pd.read_csv(tmp_path / f"{case_id}_dir_sna.csv")
        ours = brokerage[
            (brokerage["year"] == year)
            & (brokerage["layer"] == layer)
            & (brokerage["threshold"] == theta)
        ]
        counts = ours.pivot(index="node", columns="role", values="count").reindex(states)
        expected = ours.pivot(index="node", columns="role", values="expected").reindex(states)
        for role, col in zip(roles, SNA_COLUMNS, strict=True):
            assert (counts[role].to_numpy() == sna[f"raw_{col}"].to_numpy()).all(), (case_id, role)
            np.testing.assert_allclose(expected[role], sna[f"exp_{col}"], rtol=1e-9, atol=1e-12)
