"""End-to-end workflow runs (tiny .test config and the real default config) and the lint gates."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LINKED = ["Snakefile", "workflow", "src", "data", "config", ".test", "profiles"]


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


def snakemake(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [tool("snakemake"), "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    cwd = workdir(tmp_path_factory.mktemp("tiny"))
    snakemake(cwd, "--configfile", ".test/config.yaml")
    return cwd


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


def test_tiny_run_builds_every_table(tiny_run):
    results = tiny_run / "results"
    edges = pd.read_parquet(results / "networks" / "edges.parquet")
    assert set(edges["year"]) == set(range(2006, 2019))
    assert set(edges["layer"]) == {
        "trade",
        "trade_flow",
        "treaty",
        "membership",
        "membership_depth",
    }
    undirected = edges[edges["layer"] != "trade_flow"]
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
