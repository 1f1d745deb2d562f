"""Graph files of the yearly networks, for Gephi, Cytoscape, R igraph/statnet and networkx.

Per layer and year: a GraphML file and plain node and edge lists (CSV); per layer: one dynamic
GEXF file whose years are time intervals, for Gephi's timeline. Every state is a node in every
year, isolated or not. An edge is a row of ``edges`` whose weight is positive or unknown: a
reported zero is no tie and has no edge.

Unknown weights stay unknown. The writers of igraph, networkx and Gephi turn a missing value into
``NaN`` text or a default, so the files are written here:

- GraphML: the edge has no ``weight`` data element (R igraph reads NA, python-igraph NaN,
  networkx no ``weight`` key); its ``weight_source`` is ``missing``.
- GEXF: the edge exists in that year (its spell covers it) but has no ``weight`` value for it;
  ``weight_source`` is ``missing`` then. Gephi shows such an edge with its default weight 1, so
  filter on ``weight_source`` before reading weights there.
- CSV: the ``weight`` field is empty.

Node attributes: ``iso3``, ``name`` (the country's short English name, ``hubspoke.countries``),
``is_hub``, ``bloc`` (the year's group of the ``bloc`` partition, absent when the partition is
not built). Edge attributes: ``weight`` (the layer's unit), ``weight_source`` (trade layers only).
Output bytes depend only on the tables: rows are sorted, floats written in their shortest
round-trip form.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from hubspoke.countries import iso3_to_name
from hubspoke.layers import get as layer_of
from hubspoke.settings import GraphFiles
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)

NODE_COLUMNS = ["iso3", "name", "is_hub", "bloc"]
EDGE_COLUMNS = ["source", "target", "weight", "weight_source"]
GEXF_NS = "http://www.gexf.net/1.2draft"


def node_table(nodes: pd.DataFrame, partitions: pd.DataFrame) -> pd.DataFrame:
    """Every state of every layer and year with its attributes: columns ``year``, ``layer``
    and :data:`NODE_COLUMNS`, sorted."""
    bloc = partitions[partitions["partition"] == "bloc"]
    bloc = bloc.rename(columns={"node": "iso3", "group": "bloc"})[["year", "iso3", "bloc"]]
    out = nodes.rename(columns={"node": "iso3"})[["year", "layer", "iso3", "is_hub"]]
    out = out.merge(bloc, on=["year", "iso3"], how="left", validate="many_to_one")
    names = dict(zip(out["iso3"].unique(), iso3_to_name(out["iso3"].unique()), strict=True))
    out["name"] = out["iso3"].map(names).astype("string")
    out["bloc"] = out["bloc"].astype("string")
    return out.sort_values(["layer", "year", "iso3"], ignore_index=True)[
        ["year", "layer", *NODE_COLUMNS]
    ]


def edge_table(edges: pd.DataFrame) -> pd.DataFrame:
    """The ties of ``edges``: rows whose weight is positive or unknown (a reported zero is no
    tie), columns ``year``, ``layer`` and :data:`EDGE_COLUMNS`, sorted."""
    ties = edges[edges["weight"].isna() | (edges["weight"] != 0)]
    return ties.sort_values(["layer", "year", "source", "target"], ignore_index=True)[
        ["year", "layer", *EDGE_COLUMNS]
    ]


def _number(value: float) -> str:
    return repr(float(value))


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def _text(value) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _has_weight_source(edges: pd.DataFrame) -> bool:
    return bool(edges["weight_source"].notna().any())


# --- GraphML ---------------------------------------------------------------------------------

_GRAPHML_KEYS = [
    ("node", "iso3", "string"),
    ("node", "name", "string"),
    ("node", "is_hub", "boolean"),
    ("node", "bloc", "string"),
    ("edge", "weight", "double"),
    ("edge", "weight_source", "string"),
]


def graphml(nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool) -> str:
    """One year's network of one layer as GraphML: ``nodes`` with :data:`NODE_COLUMNS`, ``edges``
    with :data:`EDGE_COLUMNS`. A missing value has no data element."""
    keys = _GRAPHML_KEYS if _has_weight_source(edges) else _GRAPHML_KEYS[:-1]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        *(
            f'  <key id="{name}" for="{kind}" attr.name="{name}" attr.type="{typ}"/>'
            for kind, name, typ in keys
        ),
        f'  <graph id="G" edgedefault="{"directed" if directed else "undirected"}">',
    ]
    node_keys = [name for kind, name, _ in keys if kind == "node"]
    edge_keys = [name for kind, name, _ in keys if kind == "edge"]
    for row in nodes.itertuples(index=False):
        lines.append(f"    <node id={quoteattr(row.iso3)}>")
        lines += _graphml_data(row, node_keys)
        lines.append("    </node>")
    for row in edges.itertuples(index=False):
        lines.append(f"    <edge source={quoteattr(row.source)} target={quoteattr(row.target)}>")
        lines += _graphml_data(row, edge_keys)
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def _graphml_data(row, keys: Iterable[str]) -> list[str]:
    return [
        f'      <data key="{key}">{escape(_text(getattr(row, key)))}</data>'
        for key in keys
        if _present(getattr(row, key))
    ]


# --- GEXF ------------------------------------------------------------------------------------


def year_runs(years: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive years as closed intervals: [1992, 1993, 1995] -> [(1992, 1993), (1995, 1995)]."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return [(a, b) for a, b in runs]


def _spells(years: Iterable[int], indent: str) -> list[str]:
    return [
        f"{indent}<spells>",
        *(f'{indent}  <spell start="{a}" end="{b}"/>' for a, b in year_runs(years)),
        f"{indent}</spells>",
    ]


def _attvalues(values: Sequence[tuple[str, object, int | None]], indent: str) -> list[str]:
    """``(attribute, value, year)``: a year's value holds on [year, year]; None: always."""
    if not values:
        return []
    out = [f"{indent}<attvalues>"]
    for key, value, year in values:
        when = "" if year is None else f' start="{year}" end="{year}"'
        out.append(f'{indent}  <attvalue for="{key}" value={quoteattr(_text(value))}{when}/>')
    return [*out, f"{indent}</attvalues>"]


def gexf(nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool) -> str:
    """One layer over all its years as a dynamic GEXF 1.2 file (closed intervals of years,
    ``timeformat="double"``): ``nodes`` and ``edges`` with a ``year`` column. A node or edge
    lives on the runs of years it is in; ``bloc``, ``weight`` and ``weight_source`` are dynamic
    attributes with one value per year, absent in a year whose value is missing."""
    with_source = _has_weight_source(edges)
    edge_attrs = [("weight", "double"), *([("weight_source", "string")] if with_source else [])]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{GEXF_NS}" version="1.2">',
        f'  <graph mode="dynamic" defaultedgetype="{"directed" if directed else "undirected"}"'
        ' timeformat="double">',
        '    <attributes class="node" mode="static">',
        '      <attribute id="iso3" title="iso3" type="string"/>',
        '      <attribute id="name" title="name" type="string"/>',
        '      <attribute id="is_hub" title="is_hub" type="boolean"/>',
        "    </attributes>",
        '    <attributes class="node" mode="dynamic">',
        '      <attribute id="bloc" title="bloc" type="string"/>',
        "    </attributes>",
        '    <attributes class="edge" mode="dynamic">',
        *(f'      <attribute id="{a}" title="{a}" type="{t}"/>' for a, t in edge_attrs),
        "    </attributes>",
        "    <nodes>",
    ]
    for iso3, rows in nodes.groupby("iso3", sort=True):
        first = rows.iloc[0]
        static = [(k, first[k], None) for k in ("iso3", "name", "is_hub") if _present(first[k])]
        dynamic = [("bloc", r.bloc, r.year) for r in rows.itertuples() if _present(r.bloc)]
        label = first["name"] if _present(first["name"]) else iso3
        lines.append(f"      <node id={quoteattr(iso3)} label={quoteattr(label)}>")
        lines += _attvalues([*static, *dynamic], "        ")
        lines += _spells(rows["year"], "        ")
        lines.append("      </node>")
    lines.append("    </nodes>")
    lines.append("    <edges>")
    for (source, target), rows in edges.groupby(["source", "target"], sort=True):
        values = [("weight", r.weight, r.year) for r in rows.itertuples() if _present(r.weight)]
        if with_source:
            values += [
                ("weight_source", r.weight_source, r.year)
                for r in rows.itertuples()
                if _present(r.weight_source)
            ]
        lines.append(
            f"      <edge id={quoteattr(f'{source}-{target}')} source={quoteattr(source)}"
            f" target={quoteattr(target)}>"
        )
        lines += _attvalues(values, "        ")
        lines += _spells(rows["year"], "        ")
        lines.append("      </edge>")
    lines += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(lines)


# --- CSV -------------------------------------------------------------------------------------


def node_csv(nodes: pd.DataFrame) -> str:
    """Node list: ``id`` (ISO3, the column Gephi's and Cytoscape's importers look for), ``name``,
    ``is_hub`` (true/false), ``bloc`` (empty when missing)."""
    out = nodes[NODE_COLUMNS].rename(columns={"iso3": "id"})
    out["is_hub"] = out["is_hub"].map(_text)
    return out.to_csv(index=False, lineterminator="\n")


def edge_csv(edges: pd.DataFrame) -> str:
    """Edge list: ``source``, ``target``, ``weight`` (empty when unknown), ``weight_source``."""
    out = edges[EDGE_COLUMNS].copy()
    out["weight"] = [_number(w) if _present(w) else "" for w in out["weight"]]
    return out.to_csv(index=False, lineterminator="\n")


# --- files -----------------------------------------------------------------------------------


def layer_paths(folder: str | Path, layer: str, years: Iterable[int]) -> dict[str, Path]:
    """The files of one layer under ``folder``: ``<layer>.gexf`` and, per year,
    ``<layer>/<year>.graphml``, ``<layer>/<year>_nodes.csv``, ``<layer>/<year>_edges.csv``."""
    folder = Path(folder)
    paths = {"gexf": folder / f"{layer}.gexf"}
    for year in years:
        paths[f"{year}.graphml"] = folder / layer / f"{year}.graphml"
        paths[f"{year}_nodes.csv"] = folder / layer / f"{year}_nodes.csv"
        paths[f"{year}_edges.csv"] = folder / layer / f"{year}_edges.csv"
    return paths


def layer_files(
    layer: str, years: Sequence[int], nodes: pd.DataFrame, edges: pd.DataFrame
) -> dict[str, str]:
    """The text of every file of one layer, keyed as :func:`layer_paths`: ``nodes`` from
    :func:`node_table`, ``edges`` from :func:`edge_table` (all layers and years)."""
    directed = layer_of(layer).directed
    nodes = nodes[(nodes["layer"] == layer) & nodes["year"].isin(years)]
    edges = edges[(edges["layer"] == layer) & edges["year"].isin(years)]
    files = {"gexf": gexf(nodes, edges, directed=directed)}
    for year in years:
        n = nodes[nodes["year"] == year]
        e = edges[edges["year"] == year]
        files[f"{year}.graphml"] = graphml(n, e, directed=directed)
        files[f"{year}_nodes.csv"] = node_csv(n)
        files[f"{year}_edges.csv"] = edge_csv(e)
    return files


def write_graphs(
    folder: str | Path,
    layers: Sequence[str],
    years: Sequence[int],
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    partitions: pd.DataFrame,
) -> list[Path]:
    """Write every graph file of each of ``layers`` (see :func:`layer_paths`) from the
    ``edges``, ``nodes`` and ``partitions`` tables; returns the paths written."""
    nodes, edges = node_table(nodes, partitions), edge_table(edges)
    written = []
    for layer in layers:
        files = layer_files(layer, years, nodes, edges)
        paths = layer_paths(folder, layer, years)
        for key, text in files.items():
            paths[key].parent.mkdir(parents=True, exist_ok=True)
            paths[key].write_text(text, encoding="utf-8", newline="\n")
        log.info("wrote %d graph files of the layer %s", len(paths), layer)
        written += paths.values()
    return written


def run(job: Job) -> None:
    """Stage ``export_graphs``: the graph files of every layer, in one job (a layer's files
    take a fraction of a job's start-up, and every layer's come from the same tables)."""
    settings = GraphFiles.from_params(job.params["settings"])
    t = job.read("edges", "nodes", "partitions")
    write_graphs(
        job.outputs["graphs"],
        settings.layers,
        settings.years,
        t["edges"],
        t["nodes"],
        t["partitions"],
    )
