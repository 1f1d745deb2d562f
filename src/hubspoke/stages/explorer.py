"""An interactive explorer of the results: one self-contained HTML file.

The page holds its data (JSON) and its JavaScript (plain DOM and SVG, no library) inline, so
it works offline from a file and needs no network. It shows, for the layer and year chosen with
a layer switch and a year slider:

- the network: the hub in the centre, the other states on a fixed circle sorted by subregion
  then ISO3 (the same place in every year and layer), tie width by the square root of the
  weight relative to the layer's largest weight over all years, directed ties as arcs with an
  arrowhead; a tie whose weight is unknown is a dashed grey line of fixed width, a reported zero
  is no tie and is not drawn. The SVG element carries the year, layer and the numbers of nodes,
  ties and unknown ties it draws (``data-*`` attributes, read by the browser test);
- the hub's indices over time in that layer (weighted, and binary at the layer's default
  threshold), one small chart each, the break years as dashed lines, missing years as gaps,
  the chosen year marked;
- the claims table with its verdicts.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from hubspoke.countries import iso3_to_name
from hubspoke.layers import get as layer_of
from hubspoke.settings import Figures
from hubspoke.stages.export_graphs import edge_table
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)

# (variant, metric) of the hub's indices charted; binary ones at the layer's default threshold
INDICES = (
    ("weighted", "hub_share"),
    ("weighted", "rank_strength"),
    ("weighted", "star_likeness"),
    ("weighted", "spoke_density"),
    ("binary", "rank_degree"),
    ("binary", "star_likeness"),
    ("binary", "spoke_density"),
)
CLAIM_COLUMNS = (
    "claim_id",
    "layer",
    "metric",
    "variant",
    "test",
    "term",
    "effect",
    "p_value",
    "verdict",
    "claim_verdict",
    "evidence",
)


def _value(v):
    """JSON value of a table cell: None for a missing one, plain Python numbers otherwise."""
    if v is None or pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def node_order(states: Sequence[str], partitions: pd.DataFrame, hub: str) -> list[str]:
    """The states in drawing order: the hub first, then the others by subregion (the fixed
    ``subregions`` partition, in the order of its first year) and ISO3."""
    sub = partitions[partitions["partition"] == "subregions"]
    sub = sub[sub["year"] == sub["year"].min()] if len(sub) else sub
    group = dict(zip(sub["node"], sub["group"], strict=True))
    order = {g: i for i, g in enumerate(dict.fromkeys(sub["group"]))}
    spokes = sorted((s for s in states if s != hub), key=lambda s: (order.get(group.get(s), 0), s))
    return [hub, *spokes] if hub in states else spokes


def explorer_data(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    partitions: pd.DataFrame,
    hub_metrics: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    hub: str,
    breaks: Sequence[int],
    thresholds: Mapping[str, float],
) -> dict:
    """Everything the page draws, as plain JSON-able data. ``thresholds``: each layer's
    default binary threshold (``binarisation.<layer>.threshold``)."""
    states = node_order(sorted(nodes["node"].unique()), partitions, hub)
    index = {s: i for i, s in enumerate(states)}
    sub = partitions[partitions["partition"] == "subregions"]
    group = dict(zip(sub["node"], sub["group"], strict=True))
    layers = [layer for layer in thresholds if layer in set(nodes["layer"])]
    years = sorted(int(y) for y in nodes["year"].unique())
    ties = edge_table(edges)
    networks, series = {}, {}
    for layer in layers:
        part = ties[ties["layer"] == layer]
        networks[layer] = {
            "directed": layer_of(layer).directed,
            "max_weight": _value(part["weight"].max()),
            "years": {
                str(year): [
                    [index[s], index[t], _value(w)]
                    for s, t, w in zip(g["source"], g["target"], g["weight"], strict=True)
                ]
                for year, g in part.groupby("year")
            },
        }
        series[layer] = _layer_series(hub_metrics, layer, thresholds[layer], years)
    return {
        "hub": hub,
        "breaks": [int(b) for b in breaks],
        "years": years,
        "layers": layers,
        "nodes": [
            {"iso3": s, "name": name or s, "subregion": group.get(s), "is_hub": s == hub}
            for s, name in zip(states, iso3_to_name(states), strict=True)
        ],
        "networks": networks,
        "series": series,
        "claims": {
            "columns": list(CLAIM_COLUMNS),
            "rows": [
                [_value(v) for v in row]
                for row in claims[list(CLAIM_COLUMNS)].itertuples(index=False)
            ],
        },
    }


def _layer_series(hub_metrics: pd.DataFrame, layer: str, threshold: float, years) -> list[dict]:
    h = hub_metrics[hub_metrics["layer"] == layer]
    out = []
    for variant, metric in INDICES:
        rows = h[(h["variant"] == variant) & (h["metric"] == metric)]
        if variant == "binary":
            rows = rows[rows["threshold"] == threshold]
        if rows.empty:
            continue
        values = dict(zip(rows["year"], rows["value"], strict=True))
        label = metric if variant == "weighted" else f"{metric} (binary, ≥ {threshold:g})"
        out.append({"label": label, "values": [_value(values.get(y)) for y in years]})
    return out


def explorer_html(data: dict, title: str) -> str:
    """The page: ``data`` from :func:`explorer_data` embedded as JSON."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # no "</script>" inside the script element
    return (
        _PAGE.replace("__TITLE__", html.escape(title))
        .replace("__STYLE__", _STYLE)
        .replace("__SCRIPT__", _SCRIPT)
        .replace("__DATA__", payload)
    )


def write_explorer(path: str | Path, data: dict, title: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(explorer_html(data, title), encoding="utf-8", newline="\n")
    log.info("wrote %s", path)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>__STYLE__</style>
</head>
<body>
<h1>__TITLE__</h1>
<div id="controls">
  <label>Layer <select id="layer"></select></label>
  <label>Year <input id="year" type="range" step="1"></label>
  <output id="year-label" for="year"></output>
</div>
<div id="main">
  <figure id="network-panel">
    <svg id="network" viewBox="-330 -330 660 660" width="560" height="560" role="img"
         aria-label="network of the chosen layer and year"></svg>
    <figcaption id="network-caption"></figcaption>
    <p class="legend"><span class="hub-dot"></span> hub &nbsp;
      <span class="swatch known"></span> tie, width by weight &nbsp;
      <span class="swatch unknown"></span> weight unknown &nbsp;
      no line: no tie (or a reported 0)</p>
  </figure>
  <section id="series-panel">
    <h2>The hub's indices over time</h2>
    <p class="legend">Dashed lines: break years; the dot marks the chosen year;
      gaps: not measured.</p>
    <div id="series"></div>
  </section>
</div>
<section>
  <h2>Claims and verdicts</h2>
  <table id="claims"></table>
</section>
<script type="application/json" id="data">__DATA__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""

_STYLE = """
body { font-family: sans-serif; margin: 1em 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; }
#controls { display: flex; gap: 2em; align-items: center; margin-bottom: 0.5em; }
#year { width: 22em; }
#year-label { font-weight: bold; font-size: 1.2em; }
#main { display: flex; flex-wrap: wrap; gap: 2em; }
#network-panel { margin: 0; }
#series-panel { width: 560px; }
#series-panel h2 { margin-top: 0; }
.node circle { fill: #34495e; stroke: white; stroke-width: 1.5; }
.node.hub circle { fill: #c0392b; }
.node text { font-size: 12px; fill: #222; }
.tie { fill: none; stroke: #2c3e50; stroke-opacity: 0.55; stroke-linecap: round; }
.tie.hub-tie { stroke: #c0392b; }
.tie.missing { stroke: #999; stroke-opacity: 0.9; stroke-dasharray: 5 4; stroke-width: 1.2; }
.legend { font-size: 0.85em; color: #555; }
.hub-dot { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
  background: #c0392b; }
.swatch { display: inline-block; width: 2em; height: 0; vertical-align: middle; }
.swatch.known { border-top: 3px solid #2c3e50; }
.swatch.unknown { border-top: 2px dashed #999; }
.chart { display: inline-block; margin: 0 0.5em 0.5em 0; }
.chart .line { fill: none; stroke: #2c3e50; stroke-width: 1.5; }
.chart .break { stroke: #888; stroke-dasharray: 4 3; }
.chart .now { fill: #c0392b; }
.chart .axis { stroke: #bbb; }
.chart text { font-size: 10px; fill: #444; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.4em; vertical-align: top; }
th { background: #f3f3f3; }
tr.current td { background: #fdf6e3; }
.supported { color: #1e7b34; font-weight: bold; }
.not-supported { color: #b03a2e; font-weight: bold; }
.inconclusive { color: #7d6608; }
"""

_SCRIPT = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const SVG = "http://www.w3.org/2000/svg";
const RADIUS = 250;
const layerSelect = document.getElementById("layer");
const yearInput = document.getElementById("year");

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function positions() {
  const spokes = DATA.nodes.filter((n) => !n.is_hub);
  const pos = {};
  let k = 0;
  DATA.nodes.forEach((n, i) => {
    if (n.is_hub) { pos[i] = [0, 0]; return; }
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / spokes.length;
    pos[i] = [RADIUS * Math.cos(angle), RADIUS * Math.sin(angle)];
    k += 1;
  });
  return pos;
}
const POS = positions();

function tiePath(a, b, directed) {
  const [x1, y1] = POS[a], [x2, y2] = POS[b];
  if (!directed) return `M${x1.toFixed(1)},${y1.toFixed(1)} L${x2.toFixed(1)},${y2.toFixed(1)}`;
  // arcs bend to the right of their direction, so a->b and b->a stay apart
  const mx = (x1 + x2) / 2, my = (y1 + y2) / 2, dx = x2 - x1, dy = y2 - y1;
  const cx = mx + 0.12 * dy, cy = my - 0.12 * dx;
  const f = (v) => v.toFixed(1);
  return `M${f(x1)},${f(y1)} Q${f(cx)},${f(cy)} ${f(x2)},${f(y2)}`;
}

function drawNetwork(layer, year) {
  const svg = document.getElementById("network");
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const net = DATA.networks[layer];
  const defs = el("defs", {}, svg);
  // arrowheads of a fixed size (not scaled by the tie's width), tip just outside the node
  const marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "24", refY: "5",
    markerUnits: "userSpaceOnUse", markerWidth: "8", markerHeight: "8", orient: "auto"}, defs);
  el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#555"}, marker);
  const ties = net.years[String(year)] || [];
  const tieGroup = el("g", {id: "ties"}, svg);
  let missing = 0;
  const hubIndex = DATA.nodes.findIndex((n) => n.is_hub);
  for (const [a, b, w] of ties) {
    const path = el("path", {d: tiePath(a, b, net.directed)}, tieGroup);
    const title = el("title", {}, path);
    const names = `${DATA.nodes[a].iso3} ${net.directed ? "\u2192" : "-"} ${DATA.nodes[b].iso3}`;
    if (w === null) {
      missing += 1;
      path.setAttribute("class", "tie missing");
      title.textContent = `${names}: weight unknown`;
    } else {
      const share = net.max_weight > 0 ? Math.sqrt(w / net.max_weight) : 0;
      path.setAttribute("class", a === hubIndex || b === hubIndex ? "tie hub-tie" : "tie");
      path.setAttribute("stroke-width", (0.6 + 9 * share).toFixed(2));
      title.textContent = `${names}: ${w.toPrecision(4)}`;
    }
    if (net.directed) path.setAttribute("marker-end", "url(#arrow)");
  }
  const nodeGroup = el("g", {id: "nodes"}, svg);
  DATA.nodes.forEach((n, i) => {
    const g = el("g", {class: n.is_hub ? "node hub" : "node", "data-iso3": n.iso3}, nodeGroup);
    const [x, y] = POS[i];
    el("circle", {cx: x.toFixed(1), cy: y.toFixed(1), r: n.is_hub ? 16 : 10}, g);
    const away = n.is_hub ? [0, -22] : [x * 0.13, y * 0.13];
    const label = el("text", {x: (x + away[0]).toFixed(1), y: (y + away[1] + 4).toFixed(1),
      "text-anchor": "middle"}, g);
    label.textContent = n.iso3;
    el("title", {}, g).textContent = n.subregion ? `${n.name} (${n.subregion})` : n.name;
  });
  svg.dataset.layer = layer;
  svg.dataset.year = String(year);
  svg.dataset.nodes = String(DATA.nodes.length);
  svg.dataset.edges = String(ties.length);
  svg.dataset.missing = String(missing);
  document.getElementById("network-caption").textContent =
    `${layer}, ${year}: ${DATA.nodes.length} states, ${ties.length} ties` +
    (missing ? ` (${missing} of unknown weight)` : "") + (net.directed ? ", directed" : "");
}

function drawSeries(layer, year) {
  const box = document.getElementById("series");
  box.textContent = "";
  const W = 260, H = 120, L = 36, R = 8, T = 16, B = 18;
  const years = DATA.years, first = years[0], last = years[years.length - 1];
  const x = (t) => L + ((W - L - R) * (t - first)) / Math.max(1, last - first);
  for (const s of DATA.series[layer]) {
    const known = s.values.filter((v) => v !== null);
    const svg = el("svg", {class: "chart", width: W, height: H, viewBox: `0 0 ${W} ${H}`});
    box.appendChild(svg);
    el("text", {x: L, y: 11}, svg).textContent = s.label;
    el("line", {class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B}, svg);
    el("text", {x: L, y: H - 4, "text-anchor": "middle"}, svg).textContent = String(first);
    el("text", {x: W - R, y: H - 4, "text-anchor": "end"}, svg).textContent = String(last);
    for (const b of DATA.breaks) {
      el("line", {class: "break", x1: x(b - 0.5), x2: x(b - 0.5), y1: T, y2: H - B}, svg);
    }
    if (!known.length) {
      el("text", {x: W / 2, y: H / 2, "text-anchor": "middle"}, svg).textContent = "not measured";
      continue;
    }
    let lo = Math.min(...known), hi = Math.max(...known);
    if (hi === lo) { lo -= 0.5; hi += 0.5; }
    const y = (v) => H - B - ((H - B - T) * (v - lo)) / (hi - lo);
    el("text", {x: L - 3, y: T + 4, "text-anchor": "end"}, svg).textContent = hi.toPrecision(3);
    el("text", {x: L - 3, y: H - B, "text-anchor": "end"}, svg).textContent = lo.toPrecision(3);
    let d = "", pen = false;
    s.values.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(years[i]).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    el("path", {class: "line", d: d.trim()}, svg);
    const now = s.values[years.indexOf(year)];
    if (now !== null && now !== undefined) {
      el("circle", {class: "now", cx: x(year), cy: y(now), r: 3.5}, svg);
    }
  }
}

function drawClaims(layer) {
  const table = document.getElementById("claims");
  table.textContent = "";
  const head = table.createTHead().insertRow();
  for (const c of DATA.claims.columns) {
    const th = document.createElement("th");
    th.textContent = c;
    head.appendChild(th);
  }
  const body = table.createTBody();
  const layerCol = DATA.claims.columns.indexOf("layer");
  for (const row of DATA.claims.rows) {
    const tr = body.insertRow();
    if (row[layerCol] === layer) tr.className = "current";
    row.forEach((v, j) => {
      const td = tr.insertCell();
      const col = DATA.claims.columns[j];
      td.textContent = v === null ? "" : typeof v === "number" ? v.toPrecision(3) : String(v);
      if (col === "verdict" || col === "claim_verdict") td.className = String(v).replace(" ", "-");
    });
  }
}

function update() {
  const layer = layerSelect.value;
  const year = Number(yearInput.value);
  document.getElementById("year-label").textContent = String(year);
  drawNetwork(layer, year);
  drawSeries(layer, year);
  drawClaims(layer);
}

for (const layer of DATA.layers) {
  const option = document.createElement("option");
  option.value = layer;
  option.textContent = layer;
  layerSelect.appendChild(option);
}
yearInput.min = String(DATA.years[0]);
yearInput.max = String(DATA.years[DATA.years.length - 1]);
yearInput.value = yearInput.min;
layerSelect.addEventListener("change", update);
yearInput.addEventListener("input", update);
update();
"""


def run(job: Job) -> None:
    """Stage ``explorer``."""
    settings = Figures.from_params(job.params["settings"])
    t = job.read("edges", "nodes", "partitions", "hub", "claims")
    data = explorer_data(
        t["edges"],
        t["nodes"],
        t["partitions"],
        t["hub"],
        t["claims"],
        hub=settings.hub,
        breaks=settings.breaks,
        thresholds=settings.thresholds(),
    )
    write_explorer(job.outputs["html"], data, title=f"hubspoke explorer: hub {settings.hub}")
