"""Benchmarks of the hubspoke workflow and kernels; prints one table measured in one run.

    python bench/bench.py [--cores 2] [--world data/world] [--skip-workflow] [--skip-kernels]

Rows (each figure a ratio where a peer exists, peer time / hubspoke time):

- workflow: first the floor F, the no-op of a one-rule Snakemake workflow on this machine
  (median of 5); then a cold run of the default configuration, a no-op rerun and
  ``snakemake -n`` (medians of 5, each run right after a no-op of the floor workflow, and the
  median of those pairs' ratios), and a rerun after one year's trade figures change (wall
  seconds, jobs run, each also as a multiple of F), in a scratch copy of the working tree so
  that the repository's results/ are untouched;
- kernels: Gould-Fernandez brokerage (counts and expectations, ``brokerage_stats``, without
  building the result table) and degree / betweenness centralization at n = 15, 50,
  200 against R ``sna`` (through Rscript, bench/kernels.R) and networkx where it has the
  measure, with the largest difference of the values; Burt's constraint against networkx;
- nulls: the null models of one year at n = 200 with 1000 replicates (seconds, peak memory);
- world: the workflow on the world input (``--world``, built by ``python -m
  hubspoke.sources.build_raw --states all --years 1960-2020 --bodies world``) with
  config/examples/world.yaml, every layer (wall seconds, jobs, peak memory of the whole process
  tree).

Times are per call, the mean over enough calls to take about half a second, after one warm-up
call. The machine is whatever runs this; bench/README.md records one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import psutil

from hubspoke.measures import brokerage, centralization, hubness

ROOT = Path(__file__).resolve().parents[1]
# (nodes, density) of the random directed graphs: density 0.3 at every size, and a sparse
# graph at n = 200 with 8 ties per node, about a world trade network at a 5% share threshold
CASES = ((15, 0.3), (50, 0.3), (200, 0.3), (200, 0.04))
N_GROUPS = 4
CHANGED_YEAR = 2005


# --- measuring ---------------------------------------------------------------------------------


def per_call(f, budget: float = 0.5) -> float:
    """Mean seconds per call of ``f`` over about ``budget`` seconds (after a warm-up call)."""
    start = time.perf_counter()
    f()
    first = time.perf_counter() - start
    reps = max(3, int(budget / max(first, 1e-6)))
    start = time.perf_counter()
    for _ in range(reps):
        f()
    return (time.perf_counter() - start) / reps


def run_tree(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; returns wall seconds, peak resident memory of its whole process tree (GiB,
    sampled every 0.1 s) and its combined output. Raises when the command fails."""
    start = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        peak = 0
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in tree))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.1)
        wall = time.perf_counter() - start
        log.seek(0)
        output = log.read()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{output[-3000:]}")
    return wall, peak / 2**30, output


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


# --- kernels -----------------------------------------------------------------------------------


def random_case(n: int, density: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    A = (rng.random((n, n)) < density).astype(float)
    np.fill_diagonal(A, 0.0)
    return A, rng.integers(0, N_GROUPS, n)


def sna_results(cases: dict[str, tuple[np.ndarray, np.ndarray]], workdir: Path):
    """sna's values and per-call times for each case, or None when Rscript/sna is missing."""
    if shutil.which("Rscript") is None:
        return None
    for key, (A, groups) in cases.items():
        np.savetxt(workdir / f"{key}.csv", A.astype(int), fmt="%d", delimiter=",")
        pd.DataFrame({"group": groups}).to_csv(workdir / f"{key}_groups.csv", index=False)
    reps = [max(3, 20_000 // len(A)) if len(A) < 200 else 5 for A, _ in cases.values()]
    pd.DataFrame({"id": list(cases), "reps": reps}).to_csv(workdir / "cases.csv", index=False)
    done = subprocess.run(
        ["Rscript", str(ROOT / "bench" / "kernels.R"), str(workdir)], capture_output=True
    )
    if done.returncode:
        return None
    timings = pd.read_csv(workdir / "timings.csv").set_index(["id", "kernel"])["seconds"]
    return {
        key: {
            "brokerage": pd.read_csv(workdir / f"{key}_brokerage.csv"),
            "centralization": pd.read_csv(workdir / f"{key}_centralization.csv").set_index(
                "measure"
            )["value"],
            "seconds": timings.loc[key],
        }
        for key in cases
    }


def brokerage_difference(A, groups, sna: pd.DataFrame) -> str:
    """Largest differences from sna: counts (must be 0) and expectations / sds (relative)."""
    counts = brokerage.gould_fernandez(A, groups)
    expected, sd = brokerage.brokerage_expectations(A, groups)
    # sna's columns w_I, w_O, b_IO, b_OI, b_O, t; ROLES order: w_I, w_O, b_OI, b_IO, b_O
    order = ["w_I", "w_O", "b_OI", "b_IO", "b_O"]
    raw = sna[[f"raw_{c}" for c in order]].to_numpy()
    count_diff = int(np.abs(counts - raw).max())
    rel = max(
        _relative(expected, sna[[f"exp_{c}" for c in [*order, "t"]]].to_numpy()),
        _relative(sd, sna[[f"sd_{c}" for c in [*order, "t"]]].to_numpy()),
    )
    return f"counts {count_diff}, exp/sd {rel:.0e}"


def _relative(ours, theirs) -> float:
    scale = np.maximum(np.abs(theirs), 1e-300)
    return float(np.max(np.abs(ours - theirs) / scale))


def freeman_networkx(G: nx.Graph, measure: str) -> float:
    """Freeman centralization from networkx node scores (undirected maxima of the module)."""
    n = G.number_of_nodes()
    if measure == "degree":
        scores = np.array([d for _, d in G.degree()], dtype=float)
        tmax = (n - 1) * (n - 2)
    else:
        scores = np.array(list(nx.betweenness_centrality(G, normalized=False).values()))
        tmax = (n - 1) ** 2 * (n - 2) / 2
    return float((scores.max() - scores).sum() / tmax)


def kernel_rows(workdir: Path) -> list[dict]:
    cases = {f"n{n}_d{round(d * 100)}": random_case(n, d, seed=n) for n, d in CASES}
    sna = sna_results(cases, workdir)
    rows = []
    for key, (A, groups) in cases.items():
        n = len(A)
        size = f"n={n}, density {A.sum() / (n * (n - 1)):.2f}"
        U = np.maximum(A, A.T)
        G = nx.from_numpy_array(U)
        ours = per_call(lambda A=A, g=groups: brokerage.brokerage_stats(A, g))
        row = {"benchmark": "brokerage (Gould-Fernandez)", "size": size, "hubspoke": ours}
        if sna is not None:
            peer = sna[key]["seconds"]["brokerage"]
            row |= {
                "peer": "R sna::brokerage",
                "peer_value": peer,
                "ratio": peer / ours,
                "difference": brokerage_difference(A, groups, sna[key]["brokerage"]),
            }
        rows.append(row)
        for measure in ("degree", "betweenness"):
            value = centralization.centralization(U, measure)
            ours = per_call(lambda U=U, m=measure: centralization.centralization(U, m))
            label = f"{measure} centralization"
            if sna is not None:
                peer = sna[key]["seconds"][measure]
                diff = abs(value - sna[key]["centralization"][measure])
                rows.append(
                    {"benchmark": label, "size": size, "hubspoke": ours,
                     "peer": "R sna::centralization", "peer_value": peer, "ratio": peer / ours,
                     "difference": f"{diff:.0e}"}
                )  # fmt: skip
            peer = per_call(lambda G=G, m=measure: freeman_networkx(G, m))
            diff = abs(value - freeman_networkx(G, measure))
            rows.append(
                {"benchmark": label, "size": size, "hubspoke": ours, "peer": "networkx",
                 "peer_value": peer, "ratio": peer / ours, "difference": f"{diff:.0e}"}
            )  # fmt: skip
        W = U * np.random.default_rng(n + 1).integers(1, 100, (n, n))
        W = np.triu(W, 1) + np.triu(W, 1).T
        GW = nx.from_numpy_array(W)
        ours = per_call(lambda W=W: hubness.constraint(W))
        peer = per_call(lambda GW=GW: nx.constraint(GW, weight="weight"), budget=0.2)
        theirs = np.array([v for _, v in sorted(nx.constraint(GW, weight="weight").items())])
        diff = np.nanmax(np.abs(hubness.constraint(W) - theirs))
        rows.append(
            {"benchmark": "constraint (Burt, weighted)", "size": size, "hubspoke": ours,
             "peer": "networkx", "peer_value": peer, "ratio": peer / ours,
             "difference": f"{diff:.0e}"}
        )  # fmt: skip
    return rows


NULLS_SCRIPT = """
import resource, time, numpy as np
from hubspoke.measures import nulls, yearly
rng = np.random.default_rng(1)
n = 200
A = np.triu(rng.random((n, n)) < 0.1, 1); A = (A | A.T).astype(float)
W = A * rng.lognormal(3, 2, (n, n)); W = np.triu(W, 1); W = W + W.T
start = time.perf_counter()
for variant, M, model in (("binary", A, "density"), ("weighted", W, "weights")):
    nulls.run_nulls({2000: M}, 0, metrics=yearly.NULL_METRICS[variant], n_replicates=1000,
                    seed=1, preserve=model)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def null_rows() -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-c", NULLS_SCRIPT], capture_output=True, text=True, check=True
    )
    seconds, kib = out.stdout.split()
    return [
        {"benchmark": "nulls of one year (binary G(n,m) + weighted permutation), 1000 replicates",
         "size": "n=200", "hubspoke": float(seconds),
         "note": f"peak memory {int(kib) / 2**20:.2f} GiB"}
    ]  # fmt: skip


# --- workflow ----------------------------------------------------------------------------------


def scratch_copy(dest: Path) -> Path:
    """The working tree's files (tracked and untracked, minus ignored ones) copied to dest."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


FLOOR_SNAKEFILE = """
rule all:
    input:
        "done.txt",


rule make:
    output:
        "done.txt",
    shell:
        "touch {output}"
"""
REPEATS = 5


def snakemake(copy: Path, cores: int, *extra: str) -> tuple[float, float, int]:
    # Python as users run it: with PYTHONDONTWRITEBYTECODE set (some shells and containers set
    # it) every job would compile the library's modules afresh, about 8% of a cold run
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(copy / "src")
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(cores), *extra]
    wall, peak, output = run_tree(cmd, copy, env)
    return wall, peak, output.count("Finished jobid")


def median_run(copy: Path, cores: int, *extra: str) -> tuple[float, float, int]:
    """Median wall seconds of :data:`REPEATS` runs (peak memory and jobs of the last)."""
    runs = [snakemake(copy, cores, *extra) for _ in range(REPEATS)]
    return float(np.median([r[0] for r in runs])), runs[-1][1], runs[-1][2]


def paired_run(copy: Path, floor_copy: Path, cores: int, *extra: str) -> tuple:
    """:data:`REPEATS` runs, each right after a no-op of the floor workflow: the median wall
    seconds, peak memory and jobs of the last run, and the median of the ratios pair by pair.
    The machine's speed drifts during a benchmark (F moved from 0.8 to 1.1 s within an hour
    here), so a ratio of two medians measured minutes apart can move by a fifth."""
    floors, runs = [], []
    for _ in range(REPEATS):
        floors.append(snakemake(floor_copy, cores)[0])
        runs.append(snakemake(copy, cores, *extra))
    walls = np.array([wall for wall, _, _ in runs])
    _, peak, jobs = runs[-1]
    return float(np.median(walls)), peak, jobs, float(np.median(walls / np.array(floors)))


def floor(workdir: Path, cores: int) -> tuple[float, Path]:
    """F: the median no-op of a one-rule Snakemake workflow, Snakemake's own start-up; and the
    folder of that workflow."""
    folder = workdir / "floor"
    folder.mkdir()
    (folder / "Snakefile").write_text(FLOOR_SNAKEFILE)
    snakemake(folder, cores)
    return median_run(folder, cores)[0], folder


def change_one_year(trade_csv: Path, year: int) -> None:
    """Scale one reported flow between two of the states (the file's reporters) in ``year``
    (the file stays valid)."""
    df = pd.read_csv(trade_csv, dtype=str, keep_default_na=False)
    among = df["partner"].isin(set(df["reporter"]))
    hit = df.index[among & (df["year"] == str(year)) & (df["value_usd_m"] != "")][0]
    df.loc[hit, "value_usd_m"] = repr(float(df.loc[hit, "value_usd_m"]) * 1.5 + 1.0)
    df.to_csv(trade_csv, index=False, lineterminator="\n")


# The workflow targets of the performance issue, as multiples of the floor F: the main
# specification alone (bench/main_only.yaml), then the default configuration with its grid.
MAIN_ONLY = ("--configfile", "bench/main_only.yaml")
TARGETS = {
    "cold run of the main specification": 6,
    "no-op rerun": 1.3,
    "dry run (snakemake -n)": 1.3,
    f"rerun after {CHANGED_YEAR} trade changes": 4,
    "cold default run with the specification grid": 30,
    "no-op rerun with the grid": 1.3,
}


def workflow_rows(workdir: Path, cores: int) -> list[dict]:
    f, floor_copy = floor(workdir, cores)
    rows = [
        {"benchmark": "floor F: no-op of a one-rule Snakemake workflow", "size": f"{cores} cores",
         "hubspoke": f, "note": f"median of {REPEATS}"}
    ]  # fmt: skip
    copy = scratch_copy(workdir / "repo")
    grid = scratch_copy(workdir / "grid")

    def once(where, *extra):  # a long run: its ratio to the F of the run's start
        wall, peak, jobs = snakemake(where, cores, *extra)
        return wall, peak, jobs, wall / f

    def paired(where, *extra):
        return paired_run(where, floor_copy, cores, *extra)

    for label, where, prepare, extra, measure in (
        ("cold run of the main specification", copy, None, MAIN_ONLY, once),
        ("no-op rerun", copy, None, MAIN_ONLY, paired),
        ("dry run (snakemake -n)", copy, None, (*MAIN_ONLY, "-n"), paired),
        (f"rerun after {CHANGED_YEAR} trade changes", copy, change_one_year, MAIN_ONLY, once),
        ("cold default run with the specification grid", grid, None, (), once),
        ("no-op rerun with the grid", grid, None, (), paired),
    ):  # fmt: skip
        if prepare is not None:
            prepare(where / "data" / "raw" / "trade.csv", CHANGED_YEAR)
        wall, peak, jobs, ratio = measure(where, *extra)
        met = "met" if ratio <= TARGETS[label] else "not met"
        how = " (median of the ratios to F, run by run)" if measure is paired else ""
        rows.append(
            {"benchmark": f"workflow: {label}", "size": f"{cores} cores", "hubspoke": wall,
             "note": f"{ratio:.2f} F{how} (target {TARGETS[label]:g} F: {met}); {jobs} jobs, "
             f"peak memory {peak:.2f} GiB"}
        )  # fmt: skip
    return rows


def world_rows(workdir: Path, world: Path, cores: int) -> list[dict]:
    copy = scratch_copy(workdir / "world")
    shutil.copytree(world, copy / "data" / "world", dirs_exist_ok=True)
    wall, peak, jobs = snakemake(copy, cores, "--configfile", "config/examples/world.yaml")
    return [
        {"benchmark": "workflow: world network, every layer, 1000-replicate nulls", "size": "",
         "hubspoke": wall, "note": f"{jobs} jobs, peak memory {peak:.2f} GiB"}
    ]  # fmt: skip


# --- table -------------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    df = pd.DataFrame(rows).reindex(
        columns=["benchmark", "size", "hubspoke", "peer", "peer_value", "ratio", "difference",
                 "note"]
    )  # fmt: skip
    lines = [
        "| benchmark | size | hubspoke (s) | peer | peer (s) | peer / hubspoke | difference "
        "| note |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for r in df.itertuples(index=False):
        cells = [
            r.benchmark,
            r.size,
            _num(r.hubspoke),
            _text(r.peer),
            _num(r.peer_value),
            "" if pd.isna(r.ratio) else f"{r.ratio:.1f}x",
            _text(r.difference),
            _text(r.note),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _num(x) -> str:
    if pd.isna(x):
        return ""
    return f"{x:.3g}" if x < 1 else f"{x:.1f}"


def _text(x) -> str:
    return "" if pd.isna(x) else str(x)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--world", type=Path, help="folder of the world input (data/world)")
    parser.add_argument("--skip-workflow", action="store_true")
    parser.add_argument("--skip-kernels", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hubspoke-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_workflow:
            rows += workflow_rows(workdir, args.cores)
        if not args.skip_kernels:
            rows += kernel_rows(workdir)
            rows += null_rows()
        if args.world is not None:
            rows += world_rows(workdir, args.world.resolve(), args.cores)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
