"""Stage ``plot_specification_curves``: one specification curve per claim (Simonsohn, Simmons
& Nelson 2020, Nature Human Behaviour 4:1208) from the robustness table
(:func:`hubspoke.inference.robustness.robustness_table`), drawn like the other figures
(:mod:`hubspoke.stages.figures`)."""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hubspoke.inference.robustness import MAIN_LABEL, ROW_KEY, spec_labels
from hubspoke.stages.figures import (
    DPI,
    HUB_COLOUR,
    MISSING_COLOUR,
    PANEL_SIZE,
    _figure,
    _no_data,
    save,
)
from hubspoke.stages.runner import Job

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


def _indicator_rows(rows: pd.DataFrame) -> list[tuple[str, str, bool]]:
    """(choice, label, is the main value) of every alternative of every choice the claim's
    specifications vary (their names give them), in order of appearance, the main value first."""
    labels: dict[str, dict[str, None]] = {}
    for spec in rows["spec"].astype(str).unique():
        for choice, label in spec_labels(spec).items():
            labels.setdefault(choice, {MAIN_LABEL: None})[label] = None
    return [(c, label, label == MAIN_LABEL) for c, found in labels.items() for label in found]


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
    chosen = [spec_labels(spec) for spec in part["spec"]]  # each specification's alternatives
    for j, (choice, value, is_main) in enumerate(labels):
        hit = np.array([c.get(choice, MAIN_LABEL) == value for c in chosen], dtype=bool)
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
    # the alternatives in the grid's order (the robustness table's), not the curve's
    labels = _indicator_rows(robustness[robustness["claim_id"] == claim_id])
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
    mains = rows.loc[rows["spec"] == MAIN_LABEL, "claim_verdict"]
    verdict = mains.iloc[0] if len(mains) else "?"
    title = f"Specification curve of claim {claim_id}: {n_specs} specifications, main {verdict}"
    if len(panels) > len(shown):
        title += f"; first {len(shown)} of {len(panels)} test rows shown"
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.9 / fig.get_figheight(), 1, 0.97))
    save(fig, path)
    return fig


def run(job: Job) -> None:
    """Stage ``plot_specification_curves``: one figure per claim (param ``claims``, in the
    order of the outputs)."""
    table = job.read("robustness")["robustness"]
    for claim, path in zip(job.params["claims"], job.outputs["figures"], strict=True):
        plot_specification_curve(table, claim, path=path)
