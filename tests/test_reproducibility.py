"""Byte-identical outputs, their provenance, and runs killed mid-way then rerun."""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import small_workdir, staged_file
from test_workflow import snakemake, tool

import hubspoke
from hubspoke.dag.chunks import year_chunks
from hubspoke.dag.fingerprint import year_fingerprints
from hubspoke.layers import NETWORK_INPUTS
from hubspoke.tables import read_provenance, sha256_file, sha256_json, software_versions
from hubspoke.validate import load_inputs

pytestmark = pytest.mark.slow

# Together these need every parquet output (only the figures and the publish step are left out,
# to save time), written under the staging folder. They go before --configfile, which takes
# several values.
STAGING = ".staging/results"
PARQUET_TARGETS = [
    f"{STAGING}/tests/{name}.parquet" for name in ("claims", "reference_checks", "gravity")
]
YEARS = list(range(2012, 2017))  # tests/fixtures/workflow/small.yaml
STATES = ["ARM", "BLR", "KAZ", "RUS"]
CHUNKS = year_chunks(YEARS, 2)  # years_per_job in small.yaml


def parquet_hashes(cwd: Path, folder: str = STAGING) -> dict[str, str]:
    results = cwd / folder
    return {
        str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*.parquet"))
    }


@pytest.fixture(scope="module")
def second_run(tmp_path_factory) -> Path:
    cwd = small_workdir(tmp_path_factory.mktemp("second_run"))
    snakemake(cwd, *PARQUET_TARGETS, "--configfile", "small.yaml")
    return cwd


def test_two_clean_runs_give_byte_identical_parquet_files(small_run, second_run):
    first = parquet_hashes(small_run)
    # 9 validated inputs, 8 tables for each year, 8 combined ones, 4 period and claim tests,
    # the statements the reference checks cannot check, the DiD, the gravity benchmark's 2, the
    # main specification's verdicts, the grid's robustness and specifications tables
    assert len(first) == 9 + 8 * len(CHUNKS) + 8 + 4 + 1 + 1 + 2 + 3
    assert parquet_hashes(second_run) == first


def test_a_finished_run_publishes_every_staged_file(small_run):
    published = parquet_hashes(small_run, "results")
    staged = {
        rel: hashlib.sha256(staged_file(small_run, rel).read_bytes()).hexdigest()
        for rel in published
    }
    assert staged == published
    # every staged table is published, but a specification's own claims (in robustness)
    unpublished = set(parquet_hashes(small_run)) - {
        str(staged_file(small_run, rel).relative_to(small_run / STAGING)) for rel in published
    }
    assert unpublished == {"specs/main/verdicts.parquet"}


def test_every_output_carries_provenance(small_run):
    results = small_run / "results"
    raw = small_run / "data" / "raw"
    paths = {t: raw / f"{t}.csv" for t in (*NETWORK_INPUTS, "gdp", "geography", "borders")}
    inputs = load_inputs(paths, states=STATES, years=YEARS)
    fingerprints = year_fingerprints(
        {t: inputs[t] for t in NETWORK_INPUTS}, YEARS, STATES, "any_day"
    )
    for path in results.rglob("*.parquet"):
        prov = read_provenance(path)
        assert prov["package"] == "hubspoke" and prov["version"] == hubspoke.__version__
        assert prov["software"] == software_versions()
        assert set(prov["software"]) >= {"python", "numpy", "pandas", "igraph", "statsmodels"}
        assert len(prov["params_sha256"]) == 64
        part, name = path.parent.name, path.stem
        if part == "inputs":  # the raw file's hash
            assert prov["inputs"] == {name: sha256_file(paths[name])}
        elif path.parent.parent.name == "years":  # the hashes of the rows its years read
            own = {str(y): fingerprints[y] for y in CHUNKS[part]}
            assert prov["inputs"] == {"year_rows": sha256_json(own)}
        elif part in ("networks", "metrics") or name == "nulls":  # the per-job files
            assert prov["inputs"] == {
                c: sha256_file(results / "years" / c / path.name) for c in CHUNKS
            }
        else:  # tests: the files read
            assert prov["inputs"], path
            assert all(len(h) == 64 for h in prov["inputs"].values())


def test_provenance_is_stable(small_run, second_run):
    for path in (small_run / STAGING).rglob("*.parquet"):
        twin = second_run / path.relative_to(small_run)
        assert read_provenance(path) == read_provenance(twin)


def year_files(cwd: Path) -> int:
    return len(list((cwd / STAGING / "specs" / "main" / "years").glob("*/*.parquet")))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_run_then_rerun_equals_clean_run(small_run, tmp_path, sig):
    """Kill the whole run (Snakemake and its jobs, as Ctrl-C or a crash of the machine would)
    once one job's years are done and others are under way, then rerun."""
    cwd = small_workdir(tmp_path)
    cmd = [tool("snakemake"), "--cores", "2", *PARQUET_TARGETS, "--configfile", "small.yaml"]
    proc = subprocess.Popen(
        cmd, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while year_files(cwd) <= 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not (cwd / STAGING / "tests" / "claims.parquet").exists(), "killed too late"
    assert year_files(cwd) < 8 * len(CHUNKS), "killed too late"
    if sig == signal.SIGKILL:
        # Snakemake had no chance to remove its lock; it tells the user to unlock.
        locked = snakemake(cwd, *PARQUET_TARGETS, "--configfile", "small.yaml", check=False)
        assert locked.returncode != 0 and "--unlock" in locked.stdout + locked.stderr
        snakemake(cwd, "--configfile", "small.yaml", "--unlock")
    snakemake(cwd, *PARQUET_TARGETS, "--configfile", "small.yaml")
    assert parquet_hashes(cwd) == parquet_hashes(small_run)
    assert not list((cwd / STAGING).rglob("*.tmp")), "temporary files left behind"
