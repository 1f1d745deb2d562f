"""Figures of the workflow's results, drawn with matplotlib's Agg canvas.

Every function takes the long result tables (layouts in ``docs/interfaces.md``), saves one
file whose format follows the suffix of ``path`` (``.png``, ``.svg`` or ``.pdf``) and returns
the matplotlib ``Figure``. The output is byte-stable: fixed size and DPI, no time stamps or
software versions in the metadata, a fixed ``svg.hashsalt`` for SVG element ids, a fixed
node layout and sorted draw order. Missing values are drawn as gaps (series) or dotted ties
(networks), never as zeros.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from hubspoke import tables
from hubspoke.inference.breaks import period_labels
from hubspoke.layers import get as layer_of
from hubspoke.measures.brokerage import ROLES
from hubspoke.settings import Figures
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)

DPI = 150
NETWORK_LAYER = "trade"  # the layer of the network panels
PANEL_SIZE = (3.6, 2.6)  # inches per small multiple
HUB_INDICES = ("hub_share", "spoke_density", "star_likeness", "constraint", "effective_size")
HUB_COLOUR, SPOKE_COLOUR, MISSING_COLOUR = "#c0392b", "#34495e", "#7f8c8d"
MAX_EDGE_WIDTH = 8.0
LINESTYLES = ("-", "--", ":", "-.")
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
_RC = {"svg.hashsalt": "hubspoke", "font.size": 8, "axes.titlesize": 9}


# --- shared helpers ------------------------------------------------------------------------


def _figure(n_panels: int, ncols: int, panel_size=PANEL_SIZE) -> tuple[Figure, list]:
    ncols = max(1, min(ncols, n_panels))
    nrows = max(1, math.ceil(n_panels / ncols))
    fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def save(fig: Figure, path: str | Path) -> None:
    """Save ``fig`` byte-stably in the format given by the suffix of ``path``."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in _METADATA:
        raise ValueError(f"unsupported figure format {path.suffix!r}: use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context(_RC):
        fig.savefig(path, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
    log.info("wrote %s", path)


def _mark_breaks(ax, breaks: Sequence[int]) -> None:
    for b in breaks:
        ax.axvline(b - 0.5, color="grey", linestyle="--", linewidth=0.8, zorder=0)


def _series_label(layer: str, threshold: float, thresholds_per_layer: int) -> str:
    if thresholds_per_layer <= 1 or math.isnan(threshold):
        return layer
    return f"{layer} (threshold {threshold:g})"


def _no_data(ax, text: str = "no data", y: float = 0.5) -> None:
    ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va="center", color="grey")


# --- series --------------------------------------------------------------------------------


def series_table(
    centralization: pd.DataFrame,
    hub_metrics: pd.DataFrame,
    *,
    variant: str = "weighted",
    hub_indices: Sequence[str] = HUB_INDICES,
) -> pd.DataFrame:
    """``[panel, layer, threshold, year, value]``: the centralizations and hub indices of one
    variant, panels in order (centralizations by measure, then ``hub_indices``)."""
    cent = centralization[centralization["variant"] == variant]
    cent = cent.assign(panel=cent["measure"].astype(str) + " centralization")
    hub = hub_metrics[(hub_metrics["variant"] == variant) & hub_metrics["metric"].isin(hub_indices)]
    hub = hub.assign(panel=hub["metric"].astype(str))
    order = [*sorted(cent["panel"].unique()), *[m for m in hub_indices if m in set(hub["panel"])]]
    cols = ["panel", "layer", "threshold", "year", "value"]
    out = pd.concat([cent[cols], hub[cols]], ignore_index=True)
    out["panel"] = pd.Categorical(out["panel"], categories=order, ordered=True)
    out = out.astype({"layer": str, "threshold": float, "year": "int64", "value": float})
    return out.sort_values(["panel", "layer", "threshold", "year"], ignore_index=True)


def plot_series(
    centralization: pd.DataFrame,
    hub_metrics: pd.DataFrame,
    *,
    breaks: Sequence[int],
    path: str | Path,
    variant: str = "weighted",
    hub_indices: Sequence[str] = HUB_INDICES,
    ncols: int = 3,
) -> Figure:
    """Small multiples: each centralization and hub index of ``variant`` over the years, one
    line per layer (and threshold, for binary variants), the breaks as dashed lines."""
    data = series_table(centralization, hub_metrics, variant=variant, hub_indices=hub_indices)
    panels = list(data["panel"].cat.categories)
    layers = sorted(data["layer"].unique())
    colours = {layer: mpl.colormaps["tab10"](i % 10) for i, layer in enumerate(layers)}
    years = np.sort(data["year"].unique())
    fig, axes = _figure(max(len(panels), 1), ncols)
    if not panels:
        _no_data(axes[0], f"no {variant} series")
    for ax, panel in zip(axes, panels, strict=False):
        part = data[data["panel"] == panel]
        per_layer = part.groupby("layer")["threshold"].nunique(dropna=False)
        seen = dict.fromkeys(layers, 0)  # thresholds drawn so far per layer: picks the dash
        for (layer, threshold), line in part.groupby(["layer", "threshold"], dropna=False):
            y = line.set_index("year")["value"].reindex(years)  # absent years are gaps
            ax.plot(
                years,
                y.to_numpy(),
                color=colours[layer],
                linestyle=LINESTYLES[seen[layer] % len(LINESTYLES)],
                linewidth=1.2,
                marker=".",
                markersize=3,
                label=_series_label(layer, threshold, per_layer[layer]),
            )
            seen[layer] += 1
        _mark_breaks(ax, breaks)
        ax.set_title(panel)
        ax.grid(alpha=0.3, linewidth=0.5)
    handles = [
        mpl.lines.Line2D([], [], color=colours[layer], label=layer, linewidth=1.2)
        for layer in layers
    ]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle(f"Centralization and hub indices ({variant}); dashed lines: breaks {list(breaks)}")
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    save(fig, path)
    return fig


# --- trade networks ------------------------------------------------------------------------


def period_midyears(years: Sequence[int], breaks: Sequence[int]) -> list[int]:
    """The middle year of each period (the earlier of two middle years), e.g. one year per
    period for :func:`plot_trade_networks`."""
    years = np.sort(np.unique(np.asarray(years, dtype=np.int64)))
    labels = period_labels(years, breaks)
    return [
        int(years[labels == lab][(np.sum(labels == lab) - 1) // 2]) for lab in dict.fromkeys(labels)
    ]


def star_layout(nodes: Sequence[str], hub: str) -> dict[str, tuple[float, float]]:
    """The hub at the centre, the other nodes on the unit circle in sorted order, clockwise
    from the top."""
    spokes = sorted(n for n in nodes if n != hub)
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(spokes)) / max(len(spokes), 1)
    pos = {n: (float(np.cos(a)), float(np.sin(a))) for n, a in zip(spokes, angles, strict=True)}
    if hub in nodes:
        pos[hub] = (0.0, 0.0)
    return pos


def _pairs(edges: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered pair and year (directed weights summed; NaN if any is NaN)."""
    a = np.minimum(edges["source"].astype(str), edges["target"].astype(str))
    b = np.maximum(edges["source"].astype(str), edges["target"].astype(str))
    df = pd.DataFrame({"year": edges["year"].to_numpy(), "a": a, "b": b, "w": edges["weight"]})
    out = df.groupby(["year", "a", "b"], sort=True)["w"].sum(min_count=1)
    unknown = df["w"].isna().groupby([df["year"], df["a"], df["b"]]).any()
    return out.mask(unknown).reset_index()


def _draw_ties(ax, part: pd.DataFrame, xy: np.ndarray, index: dict, hub: str, peak: float):
    """Ties as one line collection: width proportional to the value (``peak`` = widest),
    red when touching the hub, dotted grey when the value is unknown."""
    a = part["a"].map(index).to_numpy(dtype=int)
    b = part["b"].map(index).to_numpy(dtype=int)
    w = part["w"].to_numpy(dtype=float)
    unknown = np.isnan(w)
    touches_hub = (part["a"] == hub).to_numpy() | (part["b"] == hub).to_numpy()
    scaled = MAX_EDGE_WIDTH * w / peak if peak > 0 else np.zeros_like(w)
    widths = np.where(unknown, 0.6, np.maximum(np.nan_to_num(scaled), 0.2))
    colours = np.where(unknown, MISSING_COLOUR, np.where(touches_hub, HUB_COLOUR, SPOKE_COLOUR))
    styles = np.where(unknown, ":", "-").tolist()
    ties = LineCollection(
        np.stack([xy[a], xy[b]], axis=1), linewidths=widths, colors=colours.tolist(),
        linestyles=styles, alpha=0.8, zorder=1, capstyle="round",
    )  # fmt: skip
    ax.add_collection(ties)


def plot_trade_networks(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    *,
    years: Sequence[int],
    hub: str,
    path: str | Path,
    layer: str = NETWORK_LAYER,
) -> Figure:
    """The ``layer`` network in each of ``years``: the hub in the centre, the other states on a
    circle; edge width proportional to the trade value on one scale for all panels, ties to the
    hub in red, ties of unknown value dotted."""
    e = _pairs(edges[(edges["layer"] == layer) & edges["year"].isin(list(years))])
    names = sorted(
        set(nodes.loc[nodes["layer"] == layer, "node"].astype(str)) | set(e["a"]) | set(e["b"])
    )
    pos = star_layout(names, hub)
    xy = np.array([pos[n] for n in names])
    index = {n: i for i, n in enumerate(names)}
    peak = e["w"].max()
    is_hub = np.array(names) == hub
    fig, axes = _figure(len(years), len(years), panel_size=(4.2, 4.4))
    for ax, year in zip(axes, years, strict=True):
        part = e[e["year"] == year]
        ax.set_title(str(year))
        ax.set_aspect("equal")
        ax.set_xlim(-1.3, 1.3)
        ax.set_ylim(-1.3, 1.3)
        ax.axis("off")
        if part.empty:
            _no_data(ax, y=0.02)  # below the circle, clear of the hub
        _draw_ties(ax, part, xy, index, hub, peak)
        ax.scatter(
            xy[:, 0], xy[:, 1], s=np.where(is_hub, 260, 150), zorder=2, edgecolors="white",
            c=np.where(is_hub, HUB_COLOUR, SPOKE_COLOUR),
        )  # fmt: skip
        for name, (x, y) in zip(names, xy, strict=True):
            ax.text(x, y, name, ha="center", va="center", fontsize=6, color="white", zorder=3)
    unit = layer_of(layer).unit
    scale = "no reported values" if not np.isfinite(peak) else f"widest tie {peak:,.4g} {unit}"
    fig.suptitle(f"{layer} network ({scale}; dotted: value unknown)")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    save(fig, path)
    return fig


# --- brokerage -----------------------------------------------------------------------------


def plot_brokerage(
    brokerage: pd.DataFrame,
    *,
    hub: str,
    path: str | Path,
    thresholds: Mapping[str, float] | None = None,
    ncols: int = 2,
) -> Figure:
    """The hub's Gould-Fernandez brokerage counts by role over the years, one panel per
    (layer, partition, threshold); ``thresholds`` (layer -> threshold) keeps one threshold
    per layer, e.g. the configured defaults (layers not in it are left out)."""
    b = brokerage[(brokerage["node"] == hub) & brokerage["role"].isin(ROLES)]
    if thresholds is not None:
        keep = b["layer"].map(thresholds).astype(float)
        b = b[np.isclose(b["threshold"].astype(float), keep)]
    keys = (
        b[["layer", "partition", "threshold"]]
        .drop_duplicates()
        .sort_values(["layer", "partition", "threshold"])
    )
    years = np.sort(b["year"].unique())
    colours = {role: mpl.colormaps["tab10"](i) for i, role in enumerate(ROLES)}
    fig, axes = _figure(max(len(keys), 1), ncols)
    if keys.empty:
        _no_data(axes[0], f"no brokerage rows for {hub}")
    for ax, key in zip(axes, keys.itertuples(index=False), strict=False):
        part = b[
            (b["layer"] == key.layer)
            & (b["partition"] == key.partition)
            & np.isclose(b["threshold"].astype(float), key.threshold)
        ]
        for role in ROLES:
            y = part[part["role"] == role].set_index("year")["count"].reindex(years)
            ax.plot(
                years,
                y.astype(float).to_numpy(),
                color=colours[role],
                linewidth=1.2,
                marker=".",
                markersize=3,
                label=role,
            )
        ax.set_title(f"{key.layer}, {key.partition} partition, threshold {key.threshold:g}")
        ax.grid(alpha=0.3, linewidth=0.5)
    handles = [mpl.lines.Line2D([], [], color=colours[r], label=r) for r in ROLES]
    fig.legend(handles=handles, loc="lower center", ncol=len(ROLES), frameon=False)
    fig.suptitle(f"{hub}'s brokerage roles (counts of brokered pairs)")
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    save(fig, path)
    return fig


# --- the stage ----------------------------------------------------------------------------------


def run(job: Job) -> None:
    """Stage ``plot_figures``: the three figures of the main specification's measures, in one
    job (each takes less than a job's start-up): the series, the trade networks at the middle
    year of each period, and the hub's brokerage at each layer's default threshold."""
    settings = Figures.from_params(job.params["settings"])
    t = job.read("centralization", "hub", "brokerage")
    plot_series(t["centralization"], t["hub"], breaks=settings.breaks, path=job.outputs["series"])
    years = period_midyears(settings.years, settings.breaks)
    # the drawn layer and years only: the world's edges have 6.7 million rows
    drawn = [("layer", "==", NETWORK_LAYER), ("year", "in", list(years))]
    plot_trade_networks(
        tables.read_parquet(job.inputs["edges"], filters=drawn),
        tables.read_parquet(job.inputs["nodes"], filters=drawn),
        years=years,
        hub=settings.hub,
        path=job.outputs["trade_networks"],
    )
    plot_brokerage(
        t["brokerage"],
        hub=settings.hub,
        thresholds=settings.thresholds(),
        path=job.outputs["brokerage"],
    )
