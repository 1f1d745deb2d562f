"""The workflow on a real single-node SLURM cluster, through Snakemake's own SLURM executor
plugin and profiles/slurm, gives byte-identical results to a local run.

The cluster (munge, slurmctld, slurmd from Debian's packages) is brought up by
ci/slurm/up.sh for the session and torn down by ci/slurm/down.sh, even when a test fails.
It needs root; when it cannot be started the test fails, it is never skipped."""

import subprocess
from pathlib import Path

import pytest
from test_workflow import ROOT, snakemake, tool, workdir

pytestmark = pytest.mark.slow

CLUSTER_SCRIPTS = ROOT / "ci" / "slurm"
PARTITION = "hubspoke_ci"
TIMEOUT_S = 600


def run_script(name: str, *args: str) -> None:
    cmd = ["bash", str(CLUSTER_SCRIPTS / name), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("slurm_cluster")
    try:
        run_script("up.sh", str(state), PARTITION)
        yield state
    finally:
        run_script("down.sh", str(state))


def snakemake_on_cluster(cwd: Path, *args: str) -> None:
    cmd = [
        tool("snakemake"),
        "--workflow-profile",
        "profiles/slurm",
        # The README's command plus what this cluster needs: its partition, group jobs no wider
        # than its one 2-CPU node, job states from squeue (there is no accounting database),
        # fast polling, and the SLURM logs kept as evidence that the jobs went through SLURM.
        "--default-resources",
        f"slurm_partition={PARTITION}",
        "--cores",
        "2",
        "--slurm-status-command",
        "squeue",
        "--slurm-init-seconds-before-status-checks",
        "2",
        "--slurm-keep-successful-logs",
        *args,
    ]
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"{' '.join(cmd)} did not finish in {TIMEOUT_S} s:\n{err.stderr}")
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")


def result_files(cwd: Path) -> dict[str, bytes]:
    results = cwd / "results"
    return {str(p.relative_to(results)): p.read_bytes() for p in results.rglob("*") if p.is_file()}


def test_cluster_run_equals_local_run(slurm_cluster, tmp_path_factory):
    local = workdir(tmp_path_factory.mktemp("local_run"))
    snakemake(local, "--configfile", ".test/config.yaml")
    cluster = workdir(tmp_path_factory.mktemp("slurm_run"))
    snakemake_on_cluster(cluster, "--configfile", ".test/config.yaml")

    # The 13 years of .test/config.yaml (2006-2018) are 3 yearly jobs (blocks of 8 years:
    # 2006-2007, 2008-2015, 2016-2018), grouped by up to 10: 1 group job.
    logs = cluster / ".snakemake" / "slurm_logs"
    assert len(list(logs.glob("group_years*/**/*.log"))) == 1
    assert list(logs.glob("rule_*/**/*.log")), "no single rule was submitted to SLURM"
    states = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%T"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert states and set(states) == {"COMPLETED"}, states

    expected = result_files(local)
    got = result_files(cluster)
    assert sorted(got) == sorted(expected)
    differing = [name for name in expected if got[name] != expected[name]]
    assert not differing, f"differ from the local run: {differing}"
