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
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from hubspoke.inference.breaks import period_labels
from hubspoke.inference.robustness import CHOICE_PREFIX, CHOICES, ROW_KEY
from hubspoke.layers import get as layer_of
from hubspoke.measures.brokerage import ROLES
from hubspoke.settings import Figures
from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)

DPI = 150
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
    layer: str = "trade",
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


# --- specification curve ------------------------------------------------------------------

MAX_CURVE_PANELS = 12  # test rows of one claim drawn as small multiples
VERDICT_COLOURS = {
    "supported": "#27ae60",
    "not supported": HUB_COLOUR,
    "inconclusive": MISSING_COLOUR,
}
MAIN_BAND = "#f1c40f"  # behind the main specification's column
_LABEL_CHARS = 44  # indicator labels
MIN_CURVE_WIDTH = 7.5  # inches: room for the title and legend


def specification_curve_rows(robustness: pd.DataFrame, claim_id: str) -> list[pd.DataFrame]:
    """The claim's rows of the robustness table, one frame per test row (its key and its
    occurrence among rows with that key, as :func:`hubspoke.inference.robustness.robustness_table`
    matches them) in table order, each with its specifications sorted by estimate (missing
    estimates last, ties in the grid's order) and a column ``x``, the position on the curve."""
    rows = robustness[robustness["claim_id"] == claim_id].reset_index(drop=True)
    if rows.empty:
        return []
    rows = rows.assign(_occurrence=rows.groupby([*ROW_KEY, "spec"], dropna=False).cumcount())
    out = []
    for _, part in rows.groupby([*ROW_KEY, "_occurrence"], dropna=False, sort=False):
        part = part.assign(_missing=part["effect"].isna(), _order=np.arange(len(part)))
        part = part.sort_values(["_missing", "effect", "_order"], kind="stable")
        part = part.drop(columns=["_occurrence", "_missing", "_order"])
        out.append(part.assign(x=np.arange(len(part))).reset_index(drop=True))
    return out


def _curve_title(row: pd.Series, width: int) -> str:
    series = (
        ", ".join(str(v) for v in (row["layer"], row["variant"]) if not pd.isna(v)) or "no series"
    )
    if not pd.isna(row["threshold"]):
        series += f", threshold {row['threshold']:g}"
    if row["kind"] == "period_test":
        what = f"{row['metric']}: {row['test']} {row['term']}"
    else:
        what = str(row["term"])
    return textwrap.fill(f"{what} ({series})", width)


def _short(text: str) -> str:
    """``text`` cut in the middle to :data:`_LABEL_CHARS` characters (both ends tell values
    apart: lists of scopes share their start)."""
    if len(text) <= _LABEL_CHARS:
        return text
    head = (_LABEL_CHARS - 1) // 2
    return text[:head] + "…" + text[len(text) - (_LABEL_CHARS - 1 - head) :]


def _indicator_rows(rows: pd.DataFrame, main: pd.Series | None) -> list[tuple[str, str, bool]]:
    """(choice, value, is the main value) of every value of every choice the claim's
    specifications vary, in the order of ``CHOICES``, the main value first."""
    varied = {c.strip() for cell in rows["choices"].dropna() for c in str(cell).split(",")}
    out = []
    for choice in CHOICES:
        if choice not in varied:
            continue
        values = sorted(set(rows[f"{CHOICE_PREFIX}{choice}"].dropna().astype(str)))
        main_value = None if main is None else str(main[f"{CHOICE_PREFIX}{choice}"])
        values.sort(key=lambda v: v != main_value)  # stable: the main value first
        out += [(choice, v, v == main_value) for v in values]
    return out


def _draw_curve(ax, part: pd.DataFrame) -> None:
    """Estimates coloured by row verdict with their intervals; missing estimates as crosses
    at the bottom; the main specification ringed."""
    x = part["x"].to_numpy()
    effect = part["effect"].to_numpy(dtype=float)
    low, high = part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float)
    verdict = part["verdict"].astype(str).to_numpy()
    colours = np.array([VERDICT_COLOURS.get(v, MISSING_COLOUR) for v in verdict], dtype=object)
    interval = np.isfinite(low) & np.isfinite(high)
    if interval.any():
        ax.vlines(x[interval], low[interval], high[interval], colors=colours[interval].tolist(),
                  linewidth=1.0, zorder=2)  # fmt: skip
    known = np.isfinite(effect)
    if known.any():
        ax.scatter(x[known], effect[known], c=colours[known].tolist(), s=16, zorder=3)
    if (~known).any():
        ax.scatter(x[~known], np.full((~known).sum(), 0.04), c=colours[~known].tolist(),
                   marker="x", s=16, zorder=3, transform=ax.get_xaxis_transform())  # fmt: skip
    main = (part["choices"] == "").fillna(False).to_numpy(dtype=bool)
    for xm in x[main]:
        ax.axvspan(xm - 0.5, xm + 0.5, color=MAIN_BAND, alpha=0.25, zorder=0, linewidth=0)
    main_known = main & known
    if main_known.any():
        ax.scatter(x[main_known], effect[main_known], s=70, facecolors="none",
                   edgecolors="black", linewidths=1.0, zorder=4)  # fmt: skip


def _draw_indicators(
    ax, part: pd.DataFrame, labels: list[tuple[str, str, bool]], *, named: bool
) -> None:
    """Dots for the choices' values of each specification; ``named``: label the rows (the
    first column of panels: every panel has the same rows)."""
    x = part["x"].to_numpy()
    n = len(labels)
    for j, (choice, value, is_main) in enumerate(labels):
        hit = (part[f"{CHOICE_PREFIX}{choice}"] == value).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            colour = "#bdc3c7" if is_main else "black"
            ax.scatter(x[hit], np.full(hit.sum(), n - 1 - j), c=colour, s=10, zorder=3)
    for xm in x[(part["choices"] == "").fillna(False).to_numpy(dtype=bool)]:
        ax.axvspan(xm - 0.5, xm + 0.5, color=MAIN_BAND, alpha=0.25, zorder=0, linewidth=0)
    ax.set_yticks(np.arange(n))
    if named:
        ax.set_yticklabels([_short(f"{c} = {v}") for c, v, _ in reversed(labels)], fontsize=6)
    else:
        ax.tick_params(axis="y", labelleft=False)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xticks(x)
    ax.set_xticklabels([])
    ax.tick_params(axis="x", length=0)
    ax.set_xlabel("specifications, sorted by estimate")
    if not labels:
        _no_data(ax, "main specification only")
    ax.grid(axis="y", alpha=0.3, linewidth=0.5)


def plot_specification_curve(robustness: pd.DataFrame, claim_id: str, *, path) -> Figure:
    """Specification curve of one claim (Simonsohn, Simmons & Nelson 2020, Nature Human
    Behaviour 4:1208) from the robustness table (``inference.robustness.robustness_table``):
    one panel per test row of the claim (the first :data:`MAX_CURVE_PANELS`), its estimate in
    every specification sorted by size, coloured by the row's verdict, with the 95% interval
    of a period test as a vertical line (condition and null-model rows: the share of years
    that satisfy the test, no interval); a missing estimate is a cross at the bottom, the main
    specification ringed on a shaded band. Below each panel the indicator panel: a dot for
    each choice's value in each specification (black: a value other than the main one)."""
    panels = specification_curve_rows(robustness, claim_id)
    if not panels:
        fig, axes = _figure(1, 1)
        _no_data(axes[0], f"no rows for claim {claim_id}")
        axes[0].set_axis_off()
        fig.suptitle(f"Specification curve of claim {claim_id}")
        save(fig, path)
        return fig
    rows = pd.concat(panels, ignore_index=True)
    mains = rows[(rows["choices"] == "").fillna(False)]
    main = mains.iloc[0] if len(mains) else None
    labels = _indicator_rows(rows, main)
    shown = panels[:MAX_CURVE_PANELS]
    n_specs = rows["spec"].nunique()
    ncols = min(len(shown), 3)
    nrows = math.ceil(len(shown) / ncols)
    width = max(PANEL_SIZE[0], 0.2 * n_specs + 2.4)
    curve_h, indicator_h = 2.2, 0.5 + 0.16 * max(len(labels), 1)
    height = (curve_h + indicator_h) * nrows + 0.9
    fig = Figure(figsize=(max(width * ncols, MIN_CURVE_WIDTH), height), dpi=DPI)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2 * nrows, ncols, height_ratios=[curve_h, indicator_h] * nrows)
    for i, part in enumerate(shown):
        r, c = divmod(i, ncols)
        ax = fig.add_subplot(grid[2 * r, c])
        indicators = fig.add_subplot(grid[2 * r + 1, c], sharex=ax)
        _draw_curve(ax, part)
        first = part.iloc[0]
        if first["kind"] == "period_test":
            ax.axhline(0, color="grey", linestyle=":", linewidth=0.8, zorder=1)
            ax.set_ylabel("estimate")
        else:
            ax.set_ylabel("share of years")
        ax.set_xlim(-0.6, len(part) - 0.4)
        ax.tick_params(axis="x", labelbottom=False, length=0)
        ax.grid(axis="y", alpha=0.3, linewidth=0.5)
        ax.set_title(_curve_title(first, int(width * 17)), fontsize=7)
        _draw_indicators(indicators, part, labels, named=c == 0)
    handles = [
        mpl.lines.Line2D([], [], color=colour, marker="o", linestyle="-", markersize=4,
                         linewidth=1.0, label=verdict)
        for verdict, colour in VERDICT_COLOURS.items()
    ]  # fmt: skip
    handles.append(
        mpl.lines.Line2D([], [], color="black", marker="o", markerfacecolor="none",
                         linestyle="none", markersize=7, label="main specification")
    )  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    verdict = "?" if main is None else main["claim_verdict"]
    title = f"Specification curve of claim {claim_id}: {n_specs} specifications, main {verdict}"
    if len(panels) > len(shown):
        title += f"; first {len(shown)} of {len(panels)} test rows shown"
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.9 / fig.get_figheight(), 1, 0.97))
    save(fig, path)
    return fig


# --- the stages of the three plot rules ------------------------------------------------------


def run_series(job: Job) -> None:
    """Stage ``plot_series``."""
    settings = Figures.from_params(job.params["settings"])
    t = job.read("centralization", "hub")
    plot_series(t["centralization"], t["hub"], breaks=settings.breaks, path=job.outputs["figure"])


def run_trade_networks(job: Job) -> None:
    """Stage ``plot_trade_networks``: one panel at the middle year of each period."""
    settings = Figures.from_params(job.params["settings"])
    t = job.read("edges", "nodes")
    plot_trade_networks(
        t["edges"],
        t["nodes"],
        years=period_midyears(settings.years, settings.breaks),
        hub=settings.hub,
        path=job.outputs["figure"],
    )


def run_brokerage(job: Job) -> None:
    """Stage ``plot_brokerage``: the hub's brokerage at each layer's default threshold."""
    settings = Figures.from_params(job.params["settings"])
    plot_brokerage(
        job.read("brokerage")["brokerage"],
        hub=settings.hub,
        thresholds=settings.thresholds(),
        path=job.outputs["figure"],
    )
