"""Graph files: every format read back with networkx, python-igraph and R igraph equals the
edges table, isolated states included, and an unknown weight stays unknown in every format."""

import math
import shutil
import subprocess
import xml.etree.ElementTree as ET

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from test_reference_r import R_SCRIPTS

from hubspoke.stages import export_graphs

nan = np.nan
YEARS = [2000, 2001, 2002]
STATES = ["AAA", "BBB", "CCC", "DDD"]  # DDD never has a tie: an isolate in every year


def _edges():
    rows = [
        # trade: undirected, one unknown weight (2001), one reported zero (2002: no tie)
        (2000, "trade", "AAA", "BBB", 10.5, "importer"),
        (2000, "trade", "AAA", "CCC", 2.0, "exporter"),
        (2001, "trade", "AAA", "BBB", nan, "missing"),
        (2001, "trade", "AAA", "CCC", 3.25, "mixed"),
        (2002, "trade", "AAA", "BBB", 12.0, "importer"),
        (2002, "trade", "AAA", "CCC", 0.0, "importer"),
        # trade_flow: directed, both directions of a pair, one unknown
        (2000, "trade_flow", "BBB", "AAA", 4.0, "importer"),
        (2000, "trade_flow", "AAA", "BBB", nan, "missing"),
        (2002, "trade_flow", "CCC", "AAA", 1e-05, "exporter"),
        # treaty: no weight source; no tie at all in 2001
        (2000, "treaty", "AAA", "CCC", 1.0, None),
        (2002, "treaty", "BBB", "CCC", 2.0, None),
    ]
    columns = ["year", "layer", "source", "target", "weight", "weight_source"]
    df = pd.DataFrame(rows, columns=columns)
    return df.astype({"layer": "string", "source": "string", "target": "string"}).assign(
        weight_source=lambda d: d["weight_source"].astype("string")
    )


def _nodes():
    rows = [
        (y, layer, s, s == "AAA")
        for y in YEARS
        for layer in ("trade", "trade_flow", "treaty")
        for s in STATES
    ]
    return pd.DataFrame(rows, columns=["year", "layer", "node", "is_hub"]).astype(
        {"layer": "string", "node": "string"}
    )


def _partitions():
    rows = [(y, "bloc", s, "depth_1" if s in ("AAA", "BBB") and y >= 2001 else "depth_0")
            for y in YEARS for s in STATES]  # fmt: skip
    rows += [(y, "subregions", s, "X") for y in YEARS for s in STATES]
    df = pd.DataFrame(rows, columns=["year", "partition", "node", "group"])
    return df.astype({"partition": "string", "node": "string", "group": "string"})


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graphs")
    edges, nodes, partitions = _edges(), _nodes(), _partitions()
    layers = ["trade", "trade_flow", "treaty"]
    export_graphs.write_graphs(folder, layers, YEARS, edges, nodes, partitions)
    return folder, edges, nodes, partitions


# --- what the files must hold, from the tables ------------------------------------------------


def expected_edges(edges, layer, year):
    """{(source, target): weight or None} of the ties: rows whose weight is not a reported 0."""
    e = edges[(edges["layer"] == layer) & (edges["year"] == year)]
    e = e[e["weight"].isna() | (e["weight"] != 0)]
    return {
        (s, t): None if pd.isna(w) else float(w)
        for s, t, w in zip(e["source"], e["target"], e["weight"], strict=True)
    }


def expected_sources(edges, layer, year):
    e = edges[(edges["layer"] == layer) & (edges["year"] == year)]
    e = e[e["weight"].isna() | (e["weight"] != 0)]
    return {
        (s, t): None if pd.isna(w) else str(w)
        for s, t, w in zip(e["source"], e["target"], e["weight_source"], strict=True)
    }


def expected_nodes(nodes, partitions, layer, year):
    """{iso3: (is_hub, bloc or None)} of every state in that layer and year."""
    n = nodes[(nodes["layer"] == layer) & (nodes["year"] == year)]
    bloc = partitions[(partitions["partition"] == "bloc") & (partitions["year"] == year)]
    bloc = dict(zip(bloc["node"], bloc["group"], strict=True))
    return {s: (bool(h), bloc.get(s)) for s, h in zip(n["node"], n["is_hub"], strict=True)}


def _key(s, t, directed):
    return (s, t) if directed else tuple(sorted((s, t)))


def _normalise(edge_map, directed):
    return {_key(s, t, directed): w for (s, t), w in edge_map.items()}


# --- readers ----------------------------------------------------------------------------------


def networkx_graphml(path):
    g = nx.read_graphml(path)
    directed = g.is_directed()
    edges = {_key(s, t, directed): d.get("weight") for s, t, d in g.edges(data=True)}
    sources = {_key(s, t, directed): d.get("weight_source") for s, t, d in g.edges(data=True)}
    nodes = {n: (d["is_hub"], d.get("bloc")) for n, d in g.nodes(data=True)}
    names = {n: (d["iso3"], d.get("name")) for n, d in g.nodes(data=True)}
    assert all(isinstance(d["is_hub"], bool) for _, d in g.nodes(data=True))
    assert all(isinstance(w, float) for w in edges.values() if w is not None)
    return directed, nodes, edges, sources, names


def igraph_graphml(path):
    g = ig.Graph.Read_GraphML(str(path))
    ids = g.vs["id"]
    directed = g.is_directed()
    weights = g.es["weight"] if "weight" in g.es.attributes() else [None] * g.ecount()
    edges = {
        _key(ids[e.source], ids[e.target], directed): None if math.isnan(w) else w
        for e, w in zip(g.es, weights, strict=True)
    }
    bloc = g.vs["bloc"] if "bloc" in g.vs.attributes() else [""] * g.vcount()
    # igraph reads an absent string as ""
    nodes = {i: (h, b or None) for i, h, b in zip(ids, g.vs["is_hub"], bloc, strict=True)}
    return directed, nodes, edges


def gexf_weights(path):
    """{(source, target): {year: weight}} of a dynamic GEXF, read with ElementTree: networkx's
    reader declares the edge attribute ``weight`` static whatever the file says (a workaround
    for Gephi 0.7), so it keeps only the last year's value of a dynamic weight."""
    ns = {"g": export_graphs.GEXF_NS}
    out = {}
    for edge in ET.parse(path).getroot().iterfind(".//g:edge", ns):
        values = edge.iterfind("g:attvalues/g:attvalue[@for='weight']", ns)
        years = {}
        for v in values:
            assert v.get("start") == v.get("end")
            years[int(v.get("start"))] = float(v.get("value"))
        out[(edge.get("source"), edge.get("target"))] = years
    return out


def gexf_year(graph, weights, year):
    """Nodes, {edge: weight or None} and {edge: weight_source} of one year of a dynamic GEXF
    read by networkx (``weights`` from :func:`gexf_weights`)."""

    def alive(d):
        return any(a <= year <= b for a, b in d["spells"])

    def at_year(values):
        found = [v for v, a, b in values if a <= year <= b]
        assert len(found) <= 1
        return found[0] if found else None

    directed = graph.is_directed()
    nodes = {
        n: (d["is_hub"], at_year(d.get("bloc", []))) for n, d in graph.nodes(data=True) if alive(d)
    }
    ties = [(s, t, d) for s, t, d in graph.edges(data=True) if alive(d)]
    # networkx may swap the ends of an undirected edge: the id keeps the file's order
    ends = [tuple(d["id"].split("-")) for _, _, d in ties]
    edges = {
        _key(s, t, directed): weights[e].get(year) for (s, t, _), e in zip(ties, ends, strict=True)
    }
    sources = {_key(s, t, directed): at_year(d.get("weight_source", [])) for s, t, d in ties}
    return nodes, edges, sources


def csv_graph(folder, layer, year, directed):
    """The node and edge lists, read with pandas and loaded into python-igraph."""
    n = pd.read_csv(folder / layer / f"{year}_nodes.csv", keep_default_na=False)
    n = n.rename(columns={"name": "country"})  # igraph keeps the ids (first column) as "name"
    assert n["is_hub"].dtype == bool  # pandas reads true/false as booleans
    e = pd.read_csv(
        folder / layer / f"{year}_edges.csv",
        dtype={"source": str, "target": str},
        keep_default_na=False,
        na_values={"weight": [""]},
        float_precision="round_trip",  # pandas' default parser may miss the last digit
    )
    g = ig.Graph.DataFrame(e, directed=directed, vertices=n, use_vids=False)
    edges = {
        _key(g.vs[x.source]["name"], g.vs[x.target]["name"], directed): (
            None if math.isnan(x["weight"]) else x["weight"]
        )
        for x in g.es
    }
    nodes = {v["name"]: (v["is_hub"], v["bloc"] or None) for v in g.vs}
    return nodes, edges


# --- the tiny fixture -------------------------------------------------------------------------

LAYERS = {"trade": False, "trade_flow": True, "treaty": False}


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("year", YEARS)
def test_graphml_read_by_networkx_and_igraph_equals_the_tables(fixture_files, layer, year):
    folder, edges, nodes, partitions = fixture_files
    directed = LAYERS[layer]
    want_edges = _normalise(expected_edges(edges, layer, year), directed)
    want_nodes = expected_nodes(nodes, partitions, layer, year)
    path = folder / layer / f"{year}.graphml"

    is_directed, got_nodes, got_edges, got_sources, names = networkx_graphml(path)
    assert is_directed == directed
    assert got_nodes == want_nodes
    assert got_edges == want_edges
    if layer == "treaty":
        assert set(got_sources.values()) <= {None}  # no weight source, no attribute
    else:
        assert got_sources == _normalise(expected_sources(edges, layer, year), directed)
    assert names == {s: (s, None) for s in STATES}  # made-up codes have no country name

    is_directed, got_nodes, got_edges = igraph_graphml(path)
    assert is_directed == directed
    assert got_nodes == want_nodes
    assert got_edges == want_edges


@pytest.mark.parametrize("layer", LAYERS)
def test_dynamic_gexf_read_by_networkx_equals_the_tables_in_every_year(fixture_files, layer):
    folder, edges, nodes, partitions = fixture_files
    graph = nx.read_gexf(folder / f"{layer}.gexf")
    weights = gexf_weights(folder / f"{layer}.gexf")
    assert graph.is_directed() == LAYERS[layer]
    for year in YEARS:
        got_nodes, got_edges, got_sources = gexf_year(graph, weights, year)
        assert got_nodes == expected_nodes(nodes, partitions, layer, year)
        assert got_edges == _normalise(expected_edges(edges, layer, year), LAYERS[layer])
        if layer != "treaty":
            want = _normalise(expected_sources(edges, layer, year), LAYERS[layer])
            assert got_sources == want


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("year", YEARS)
def test_csv_lists_read_into_igraph_keep_isolates_and_unknown_weights(fixture_files, layer, year):
    folder, edges, nodes, partitions = fixture_files
    got_nodes, got_edges = csv_graph(folder, layer, year, LAYERS[layer])
    assert got_nodes == expected_nodes(nodes, partitions, layer, year)
    assert got_edges == _normalise(expected_edges(edges, layer, year), LAYERS[layer])


def test_fixture_exercises_isolates_zero_and_unknown_weights(fixture_files):
    """The cases the other tests are about are in the fixture, by hand: DDD is isolated,
    AAA-BBB's 2001 trade is unknown and AAA-CCC's 2002 trade a reported zero (no edge)."""
    folder = fixture_files[0]
    g = nx.read_graphml(folder / "trade" / "2001.graphml")
    assert g.degree("DDD") == 0
    assert "weight" not in g.edges["AAA", "BBB"]
    assert g.edges["AAA", "BBB"]["weight_source"] == "missing"
    assert g.edges["AAA", "CCC"]["weight"] == 3.25
    assert not nx.read_graphml(folder / "trade" / "2002.graphml").has_edge("AAA", "CCC")
    assert nx.read_graphml(folder / "treaty" / "2001.graphml").number_of_edges() == 0
    flows = nx.read_graphml(folder / "trade_flow" / "2000.graphml")
    assert flows.edges["BBB", "AAA"]["weight"] == 4.0 and "weight" not in flows.edges["AAA", "BBB"]
    lines = (folder / "trade" / "2001_edges.csv").read_text().splitlines()
    assert "AAA,BBB,,missing" in lines


def test_no_file_spells_a_missing_value_as_text(fixture_files):
    """What the library writers do with NaN (networkx writes 'nan', igraph 'NaN') is absent."""
    folder = fixture_files[0]
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text().lower()
            assert "nan" not in text.replace("name", ""), path
            assert "<na>" not in text and "none" not in text, path


def test_networkx_writer_would_mangle_the_missing_weight():
    """Why the files are written by hand: networkx's GraphML writer turns an unknown weight into
    the number NaN, which readers take for a value."""
    g = nx.Graph()
    g.add_edge("A", "B", weight=nan)
    text = "\n".join(nx.generate_graphml(g))
    assert ">nan<" in text.lower()


def test_files_are_byte_identical_on_every_call(fixture_files, tmp_path):
    folder, edges, nodes, partitions = fixture_files
    paths = export_graphs.write_graphs(tmp_path, ["trade"], YEARS, edges, nodes, partitions)
    assert [p.relative_to(tmp_path) for p in paths] == [
        p.relative_to(folder) for p in export_graphs.layer_paths(folder, "trade", YEARS).values()
    ]
    for p in paths:
        assert p.read_bytes() == (folder / p.relative_to(tmp_path)).read_bytes()


def test_year_runs_merge_consecutive_years():
    assert export_graphs.year_runs([1995, 1992, 1993, 1997, 1996]) == [(1992, 1993), (1995, 1997)]
    assert export_graphs.year_runs([]) == []


# --- R igraph -----------------------------------------------------------------------------------


def r_igraph_graphml(path, workdir):
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript not found: the R cross-check of the GraphML files needs R igraph")
    result = subprocess.run(
        [rscript, str(R_SCRIPTS / "graphml.R"), str(path), str(workdir)],
        capture_output=True,
        text=True,
    )
    if result.returncode == 3:
        pytest.skip("R package igraph is not installed")
    assert result.returncode == 0, result.stderr
    nodes = pd.read_csv(workdir / "r_nodes.csv", keep_default_na=False, na_values=["NA"])
    edges = pd.read_csv(
        workdir / "r_edges.csv",
        keep_default_na=False,
        na_values=["NA"],
        float_precision="round_trip",
    )
    graph = pd.read_csv(workdir / "r_graph.csv").iloc[0]
    return nodes, edges, graph


def check_r_reading(path, workdir, want_nodes, want_edges, directed):
    nodes, edges, graph = r_igraph_graphml(path, workdir)
    assert bool(graph["directed"]) == directed
    assert graph["weight_class"] == "numeric" and graph["is_hub_class"] == "logical"
    got_nodes = {
        i: (bool(h), None if pd.isna(b) or b == "" else b)  # igraph reads an absent string as ""
        for i, h, b in zip(nodes["id"], nodes["is_hub"], nodes["bloc"], strict=True)
    }
    assert got_nodes == want_nodes
    assert (nodes["iso3"] == nodes["id"]).all()
    got_edges = {
        _key(s, t, directed): None if pd.isna(w) else float(w)
        for s, t, w in zip(edges["source"], edges["target"], edges["weight"], strict=True)
    }
    assert got_edges == want_edges


@pytest.mark.parametrize(("layer", "year"), [("trade", 2001), ("trade_flow", 2000)])
def test_r_igraph_reads_the_graphml_with_na_for_unknown_weights(
    fixture_files, tmp_path, layer, year
):
    folder, edges, nodes, partitions = fixture_files
    want_edges = _normalise(expected_edges(edges, layer, year), LAYERS[layer])
    assert None in want_edges.values()  # the case under test: an unknown weight
    check_r_reading(
        folder / layer / f"{year}.graphml",
        tmp_path,
        expected_nodes(nodes, partitions, layer, year),
        want_edges,
        LAYERS[layer],
    )


# --- the tiny workflow run ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_tables(tiny_run):
    results = tiny_run / "results"
    return (
        results / "graphs",
        pd.read_parquet(results / "networks" / "edges.parquet"),
        pd.read_parquet(results / "networks" / "nodes.parquet"),
        pd.read_parquet(results / "networks" / "partitions.parquet"),
    )


def test_tiny_run_graph_files_equal_the_edges_table(tiny_tables):
    folder, edges, nodes, partitions = tiny_tables
    years = sorted(edges["year"].unique())
    compared = 0
    for layer in sorted(nodes["layer"].unique()):
        directed = layer in ("trade_flow", "trade_dependence")
        dynamic = nx.read_gexf(folder / f"{layer}.gexf")
        weights = gexf_weights(folder / f"{layer}.gexf")
        for year in years:
            want_edges = _normalise(expected_edges(edges, layer, year), directed)
            want_nodes = expected_nodes(nodes, partitions, layer, year)
            path = folder / layer / f"{year}.graphml"
            _, got_nodes, got_edges, _, _ = networkx_graphml(path)
            assert (got_nodes, got_edges) == (want_nodes, want_edges), (layer, year)
            _, got_nodes, got_edges = igraph_graphml(path)
            assert (got_nodes, got_edges) == (want_nodes, want_edges), (layer, year)
            got_nodes, got_edges, _ = gexf_year(dynamic, weights, year)
            assert (got_nodes, got_edges) == (want_nodes, want_edges), (layer, year)
            assert csv_graph(folder, layer, year, directed) == (want_nodes, want_edges)
            compared += len(want_edges)
    assert compared > 500
    _, _, _, _, names = networkx_graphml(folder / "trade" / f"{years[0]}.graphml")
    assert names["RUS"] == ("RUS", "Russia") and names["KAZ"] == ("KAZ", "Kazakhstan")


def test_tiny_run_r_igraph_reads_a_trade_graphml(tiny_tables, tmp_path):
    folder, edges, nodes, partitions = tiny_tables
    year = int(edges["year"].min())
    check_r_reading(
        folder / "trade" / f"{year}.graphml",
        tmp_path,
        expected_nodes(nodes, partitions, "trade", year),
        _normalise(expected_edges(edges, "trade", year), False),
        False,
    )


def test_names_with_markup_characters_read_back_unchanged(tmp_path):
    nodes = pd.DataFrame(
        {"iso3": ["AAA", "BBB"], "name": ['A & "B" <C>', "Côte d'Ivoire"], "is_hub": [True, False]}
    ).assign(bloc=pd.Series([None, "depth_1"], dtype="string"))
    edges = pd.DataFrame(
        {"source": ["AAA"], "target": ["BBB"], "weight": [1.5], "weight_source": ["importer"]}
    )
    (tmp_path / "g.graphml").write_text(export_graphs.graphml(nodes, edges, directed=False))
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.nodes["AAA"]["name"] == 'A & "B" <C>' and g.nodes["BBB"]["name"] == "Côte d'Ivoire"
    assert "bloc" not in g.nodes["AAA"] and g.nodes["BBB"]["bloc"] == "depth_1"
    years = nodes.assign(year=2000)
    (tmp_path / "g.gexf").write_text(
        export_graphs.gexf(years, edges.assign(year=2000), directed=False)
    )
    d = nx.read_gexf(tmp_path / "g.gexf")
    assert d.nodes["AAA"]["name"] == 'A & "B" <C>' and d.nodes["AAA"]["label"] == 'A & "B" <C>'
