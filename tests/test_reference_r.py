"""Cross-checks of the kernels against R igraph and sna on random graphs (scripts in tests/r/).

Each R script runs once per module on matrices written to a temporary directory. The tests skip
when Rscript, igraph or sna is missing.
"""

import shutil
import subprocess
import warnings
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from hubspoke.measures.brokerage import brokerage_table
from hubspoke.measures.centralization import centrality, centralization
from hubspoke.measures.hubness import constraint

R_SCRIPTS = Path(__file__).resolve().parent / "r"
# sna's node-level columns in the order of hubspoke.measures.brokerage.TABLE_ROLES: gatekeeper is
# b_OI (broker with the receiver, A -> B -> B), representative b_IO (broker with the sender)
SNA_COLUMNS = ["w_I", "w_O", "b_OI", "b_IO", "b_O", "t"]


def run_r(script, workdir):
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript not found: the R cross-checks need R with igraph and sna")
    result = subprocess.run(
        [rscript, str(R_SCRIPTS / script), str(workdir)], capture_output=True, text=True
    )
    if result.returncode == 3:
        pytest.skip("R package igraph or sna is not installed")
    assert result.returncode == 0, result.stderr


def write_matrix(path, A):
    np.savetxt(path, A, delimiter=",", fmt="%.17g")


def random_graph(rng, n, p, *, is_directed):
    W = (rng.random((n, n)) < p) * rng.uniform(0.2, 5.0, (n, n))
    np.fill_diagonal(W, 0)
    if not is_directed:
        W = np.triu(W, 1)
        W = W + W.T
    return W


def centrality_cases():
    rng = np.random.default_rng(2024)
    cases = {}
    for k, (n, p) in enumerate([(6, 0.5), (8, 0.3), (10, 0.25), (12, 0.4), (15, 0.2), (15, 0.5)]):
        cases[f"u{k}"] = (random_graph(rng, n, p, is_directed=False), False)
    for k, (n, p) in enumerate([(6, 0.4), (8, 0.3), (10, 0.35), (12, 0.2), (15, 0.3)]):
        cases[f"d{k}"] = (random_graph(rng, n, p, is_directed=True), True)
    return cases


def connected(W, is_directed):
    mode = "directed" if is_directed else "undirected"
    graph = ig.Graph.Adjacency((W > 0).astype(int).tolist(), mode=mode)
    return graph.is_connected(mode="strong")


@pytest.fixture(scope="module")
def centrality_reference(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("r_centrality")
    cases = centrality_cases()
    for case_id, (W, _) in cases.items():
        write_matrix(workdir / f"{case_id}.csv", W)
    manifest = pd.DataFrame(
        {"id": list(cases), "directed": ["TRUE" if d else "FALSE" for _, d in cases.values()]}
    )
    manifest.to_csv(workdir / "cases.csv", index=False)
    run_r("centrality.R", workdir)
    return (
        cases,
        pd.read_csv(workdir / "centralization.csv"),
        pd.read_csv(workdir / "nodes.csv"),
    )


def ours(W, is_directed, measure, mode):
    mode = mode if measure in ("degree", "closeness") else "all"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return centralization(W, measure, directed=is_directed, mode=mode)


def test_cases_cover_connected_and_disconnected_graphs(centrality_reference):
    cases, _, _ = centrality_reference
    flags = [connected(W, d) for W, d in cases.values()]
    assert 3 <= sum(flags) < len(flags)


def test_centralization_matches_igraph(centrality_reference):
    cases, table, _ = centrality_reference
    rows = table[table["source"] == "igraph"]
    checked = 0
    for row in rows.itertuples():
        W, is_directed = cases[row.id]
        if row.measure == "eigenvector" and not connected(W, is_directed):
            continue  # igraph returns an arbitrary eigenvector there; we return NaN
        got = ours(W, is_directed, row.measure, row.mode)
        np.testing.assert_allclose(got, row.value, rtol=1e-6, err_msg=f"{row}")
        checked += 1
    assert checked >= 55


def test_centralization_matches_sna(centrality_reference):
    # sna agrees on degree and betweenness everywhere, on closeness for (strongly) connected
    # graphs only: sna scores a node that cannot reach everyone 0
    cases, table, _ = centrality_reference
    rows = table[(table["source"] == "sna") & (table["measure"] != "eigenvector")]
    checked = 0
    for row in rows.itertuples():
        W, is_directed = cases[row.id]
        if row.measure == "closeness" and not connected(W, is_directed):
            continue
        got = ours(W, is_directed, row.measure, row.mode)
        np.testing.assert_allclose(got, row.value, rtol=1e-9, err_msg=f"{row}")
        checked += 1
    assert checked >= 25


def test_sna_eigenvector_centralization_is_unit_length_scaled(centrality_reference):
    # sna: same eigenvector scaled to unit length, T = (n - 2) / sqrt 2 (undirected graphs)
    cases, table, nodes = centrality_reference
    rows = table[(table["source"] == "sna") & (table["measure"] == "eigenvector")]
    checked = 0
    for row in rows.itertuples():
        W, _ = cases[row.id]
        if not connected(W, False):
            continue
        vector = centrality(W, "eigenvector")
        unit = vector / np.linalg.norm(vector)
        sna_nodes = nodes[(nodes["id"] == row.id) & (nodes["source"] == "sna")]
        np.testing.assert_allclose(unit, sna_nodes["value"], rtol=1e-6)
        n = len(W)
        expected = (unit.max() * n - unit.sum()) / ((n - 2) / np.sqrt(2))
        np.testing.assert_allclose(expected, row.value, rtol=1e-6)
        checked += 1
    assert checked >= 2


def test_weighted_node_scores_and_constraint_match_igraph(centrality_reference):
    cases, _, nodes = centrality_reference
    rows = nodes[nodes["source"] == "igraph"]
    checked = 0
    for (case_id, measure), group in rows.groupby(["id", "measure"]):
        W, is_directed = cases[case_id]
        expected = group.sort_values("node")["value"].to_numpy()
        if measure == "eigenvector_weighted" and not connected(W, is_directed):
            continue
        name, *variant = measure.split("_")  # e.g. closeness_weighted_out, closeness_all
        kw = {"directed": is_directed, "weighted": "weighted" in variant}
        if name == "closeness":
            kw["mode"] = variant[-1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            got = constraint(W) if name == "constraint" else centrality(W, name, **kw)
        np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=f"{case_id} {measure}")
        checked += 1
    assert checked >= 40


def brokerage_cases():
    rng = np.random.default_rng(1989)
    cases = {}
    for k, (n, p, groups) in enumerate([(8, 0.3, 1), (12, 0.25, 2), (15, 0.2, 3), (20, 0.15, 4)]):
        A = (rng.random((n, n)) < p).astype(int)
        np.fill_diagonal(A, 0)
        labels = rng.choice(list("abcd")[:groups], n)
        labels[0] = "solo"  # a group of one: its coordinator expectation and sd are 0
        cases[f"b{k}"] = (A, labels)
    return cases


@pytest.fixture(scope="module")
def brokerage_reference(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("r_brokerage")
    cases = brokerage_cases()
    for case_id, (A, labels) in cases.items():
        write_matrix(workdir / f"{case_id}.csv", A)
        pd.DataFrame({"group": labels}).to_csv(workdir / f"{case_id}_groups.csv", index=False)
    pd.DataFrame({"id": list(cases)}).to_csv(workdir / "cases.csv", index=False)
    run_r("brokerage.R", workdir)
    return {case_id: pd.read_csv(workdir / f"{case_id}_sna.csv") for case_id in cases}, cases


@pytest.mark.parametrize("case_id", ["b0", "b1", "b2", "b3"])
def test_brokerage_matches_sna(brokerage_reference, case_id):
    sna, cases = brokerage_reference
    A, labels = cases[case_id]
    names = [f"n{i}" for i in range(len(A))]
    table = brokerage_table(A, labels, names)
    columns = ("count", "expected", "sd", "z")
    wide = {col: table[col].to_numpy().reshape(len(A), 6) for col in columns}
    reference = {
        col: sna[case_id][[f"{prefix}_{c}" for c in SNA_COLUMNS]].to_numpy()
        for col, prefix in [("count", "raw"), ("expected", "exp"), ("sd", "sd"), ("z", "z")]
    }
    np.testing.assert_array_equal(wide["count"], reference["count"])
    np.testing.assert_allclose(wide["expected"], reference["expected"], rtol=1e-12)
    np.testing.assert_allclose(wide["sd"], reference["sd"], rtol=1e-12)
    positive = wide["sd"] > 0
    np.testing.assert_allclose(wide["z"][positive], reference["z"][positive], rtol=1e-9)
    assert np.isnan(wide["z"][~positive]).all()  # sna gives NaN or +-Inf there
    assert (~positive).any() and wide["count"][:, 5].sum() > 0
