"""Figures: files are written, byte-identical on every call, and draw what the tables hold."""

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from hubspoke.inference import robustness as robust
from hubspoke.measures.brokerage import ROLES
from hubspoke.stages import figures
from hubspoke.stages import plot_specification_curves as curves

YEARS = list(range(2000, 2006))
BREAKS = [2003]
nan = np.nan


@pytest.fixture
def centralization():
    rows = [
        (y, layer, "weighted", nan, m, 0.1 * i + 0.01 * (y - 2000))
        for i, (layer, m) in enumerate(
            [("A", "strength"), ("A", "betweenness"), ("B", "strength"), ("B", "betweenness")]
        )
        for y in YEARS
        if not (layer == "B" and m == "strength" and y == 2002)  # B's strength absent in 2002
    ]
    rows += [(y, "A", "binary", t, "degree", t / 10) for y in YEARS for t in (1.0, 2.0)]
    cols = ["year", "layer", "variant", "threshold", "measure", "value"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture
def hub_metrics():
    rows = [
        (y, layer, "weighted", nan, m, v)
        for y in YEARS
        for layer in ("A", "B")
        for m, v in (("hub_share", 0.6), ("spoke_density", nan if y == 2004 else 0.3))
    ]
    rows += [(y, "A", "weighted", nan, "rank_strength", 1.0) for y in YEARS]  # not an index
    return pd.DataFrame(rows, columns=["year", "layer", "variant", "threshold", "metric", "value"])


@pytest.fixture
def network():
    """Hub H, spokes S1-S3. 2001: H-S1 10, H-S2 5, S1-S2 2.5, S2-S3 unknown; 2002: H-S3 10."""
    edges = pd.DataFrame(
        [
            (2001, "trade", "H", "S1", 10.0),
            (2001, "trade", "H", "S2", 5.0),
            (2001, "trade", "S1", "S2", 2.5),
            (2001, "trade", "S2", "S3", nan),
            (2002, "trade", "H", "S3", 10.0),
            (2001, "treaty", "S1", "S3", 1.0),  # another layer: not drawn
        ],
        columns=["year", "layer", "source", "target", "weight"],
    )
    nodes = pd.DataFrame(
        [(y, "trade", n) for y in (2001, 2002) for n in ("H", "S1", "S2", "S3")],
        columns=["year", "layer", "node"],
    )
    return edges, nodes


@pytest.fixture
def brokerage():
    rows = [
        (y, layer, t, p, node, role, i + (y - 2000))
        for y in YEARS
        for layer, t in (("trade", 0.05), ("trade", 0.1), ("treaty", 1.0))
        for p in ("bloc", "subregions")
        for node in ("H", "S1")
        for i, role in enumerate((*ROLES, "total"))
    ]
    cols = ["year", "layer", "threshold", "partition", "node", "role", "count"]
    return pd.DataFrame(rows, columns=cols).assign(expected=1.0, sd=1.0, z=0.0)


@pytest.fixture
def spec_grid():
    """The robustness table of claim P (two period-test rows) and claim C (a condition row)
    at the main specification and three alternatives."""
    from test_robustness import claims_table, specs_table

    specs = specs_table({"threshold": "0.01"}, {"states": "no_baltics"}, {"threshold": "0.1"})
    s, i, n = "supported", "inconclusive", "not supported"

    def table(effects, verdicts, share, condition):
        rows = [
            {
                "claim_id": "P",
                "term": term,
                "effect": e,
                "ci_low": e - 0.1,
                "ci_high": e + 0.1,
                "verdict": v,
                "claim_verdict": s,
            }
            for term, e, v in zip(("level_2010", "level_2015"), effects, verdicts, strict=True)
        ]
        rows.append(
            {
                "claim_id": "C",
                "kind": "condition",
                "test": "condition",
                "term": "rank == 1",
                "break_year": None,
                "ci_low": nan,
                "ci_high": nan,
                "effect": share,
                "verdict": condition,
                "claim_verdict": condition,
            }
        )
        return claims_table(rows)

    tables = {
        "main": table((0.3, 0.2), (s, s), 1.0, s),
        "threshold=0.01": table((0.1, nan), (i, i), 0.75, n),
        "states=no_baltics": table((0.5, 0.25), (s, s), 1.0, s),
        "threshold=0.1": table((-0.2, 0.15), (n, s), 0.9, n),
    }  # fmt: skip
    return robust.robustness_table(tables, specs)


def draw_curve(table, path):
    return curves.plot_specification_curve(table, "P", path=path)


def draw_series(tables, path):
    return figures.plot_series(*tables, breaks=BREAKS, path=path)


def draw_network(tables, path):
    edges, nodes = tables
    return figures.plot_trade_networks(edges, nodes, years=[2001, 2002, 2003], hub="H", path=path)


def draw_brokerage(table, path):
    return figures.plot_brokerage(table, hub="H", path=path)


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
@pytest.mark.parametrize("which", ["series", "network", "brokerage", "curve"])
def test_files_are_written_and_byte_identical(
    tmp_path, suffix, which, centralization, hub_metrics, network, brokerage, spec_grid
):
    draw, tables = {
        "series": (draw_series, (centralization, hub_metrics)),
        "network": (draw_network, network),
        "brokerage": (draw_brokerage, brokerage),
        "curve": (draw_curve, spec_grid),
    }[which]
    first, second = tmp_path / f"a.{suffix}", tmp_path / "sub" / f"b.{suffix}"
    draw(tables, first)
    draw(tables, second)
    assert first.stat().st_size > 1000
    assert first.read_bytes() == second.read_bytes()


def test_svg_is_identical_across_processes(tmp_path):
    """A fresh interpreter with another hash seed writes the same SVG bytes."""
    script = (
        "import sys, pandas as pd; from hubspoke.stages import figures\n"
        "e = pd.DataFrame({'year': [1, 1], 'layer': 'trade', 'source': ['H', 'A'],"
        " 'target': ['A', 'B'], 'weight': [2.0, 1.0]})\n"
        "n = pd.DataFrame({'year': 1, 'layer': 'trade', 'node': ['A', 'B', 'H']})\n"
        "figures.plot_trade_networks(e, n, years=[1], hub='H', path=sys.argv[1])\n"
    )
    outputs = []
    for seed in ("1", "2"):
        path = tmp_path / f"{seed}.svg"
        env = {"PYTHONHASHSEED": seed, "MPLBACKEND": "Agg", "PATH": ""}
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=env)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"<dc:date>" not in outputs[0]


def test_series_panels_lines_and_gaps(tmp_path, centralization, hub_metrics):
    fig = draw_series((centralization, hub_metrics), tmp_path / "s.png")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    # centralizations by measure name, then the hub indices in HUB_INDICES order; rank_* is
    # not an index and the binary degree series are another variant
    assert titles == [
        "betweenness centralization",
        "strength centralization",
        "hub_share",
        "spoke_density",
    ]
    strength = fig.axes[1]
    lines = {line.get_label(): line for line in strength.get_lines() if line.get_label() in "AB"}
    assert sorted(lines) == ["A", "B"]
    b = np.asarray(lines["B"].get_ydata(), dtype=float)
    # B's strength centralization: 0.2 + 0.01 * (year - 2000), absent in 2002 -> a gap
    assert np.isnan(b[2])
    np.testing.assert_allclose(b[[0, 1, 3, 4, 5]], [0.20, 0.21, 0.23, 0.24, 0.25])
    spoke = np.asarray(fig.axes[3].get_lines()[0].get_ydata(), dtype=float)
    assert np.isnan(spoke[4]) and not np.any(spoke[~np.isnan(spoke)] == 0)
    # the break is drawn between 2002 and 2003
    breaks = [ln for ln in strength.get_lines() if ln.get_linestyle() == "--"]
    assert [ln.get_xdata()[0] for ln in breaks] == [2002.5]


def test_series_binary_variant_one_line_per_threshold(tmp_path, centralization, hub_metrics):
    fig = figures.plot_series(
        centralization, hub_metrics, breaks=BREAKS, path=tmp_path / "b.png", variant="binary"
    )
    ax = fig.axes[0]
    assert ax.get_title() == "degree centralization"
    labels = [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert labels == ["A (threshold 1)", "A (threshold 2)"]
    assert [ln.get_linestyle() for ln in ax.get_lines()[:2]] == ["-", "--"]


def test_star_layout():
    pos = figures.star_layout(["S2", "H", "S1", "S3", "S4"], "H")
    assert pos["H"] == (0.0, 0.0)
    # four spokes clockwise from the top: S1 top, S2 right, S3 bottom, S4 left
    np.testing.assert_allclose(
        [pos[s] for s in ("S1", "S2", "S3", "S4")], [(0, 1), (1, 0), (0, -1), (-1, 0)], atol=1e-12
    )


def test_trade_network_edges(tmp_path, network):
    fig = draw_network(network, tmp_path / "n.png")
    panel_2001, panel_2002, panel_2003 = fig.axes[:3]
    assert [ax.get_title() for ax in fig.axes[:3]] == ["2001", "2002", "2003"]
    (ties,) = panel_2001.collections[:1]
    widths = ties.get_linewidths()
    # pairs sorted: H-S1 10, H-S2 5, S1-S2 2.5, S2-S3 unknown; widest (10) -> MAX_EDGE_WIDTH
    np.testing.assert_allclose(widths, [8.0, 4.0, 2.0, 0.6])
    colours = [to_hex(c) for c in ties.get_edgecolors()]
    assert colours == [
        figures.HUB_COLOUR,
        figures.HUB_COLOUR,
        figures.SPOKE_COLOUR,
        figures.MISSING_COLOUR,
    ]
    dashes = [style[1] for style in ties.get_linestyles()]
    assert dashes[:3] == [None, None, None] and dashes[3] is not None  # unknown: dotted
    # the 2002 tie uses the same scale: 10 -> 8
    np.testing.assert_allclose(panel_2002.collections[0].get_linewidths(), [8.0])
    # no edges in 2003: a "no data" note
    assert [t.get_text() for t in panel_2003.texts if t.get_text() == "no data"] == ["no data"]


def test_period_midyears():
    # 1992-2009 (18 years) -> 2000; 2010-2014 -> 2012; 2015-2020 (6 years) -> 2017
    assert figures.period_midyears(range(1992, 2021), [2010, 2015]) == [2000, 2012, 2017]


def test_brokerage_panels_and_roles(tmp_path, brokerage):
    fig = draw_brokerage(brokerage, tmp_path / "b.png")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # 2 partitions x (trade 0.05, trade 0.1, treaty 1)
    assert len(visible) == 6
    assert visible[0].get_title() == "trade, bloc partition, threshold 0.05"
    ax = visible[0]
    assert [ln.get_label() for ln in ax.get_lines()] == list(ROLES)
    # coordinator count for H: 0 + (year - 2000)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), np.arange(6.0))


def test_brokerage_threshold_filter(tmp_path, brokerage):
    fig = figures.plot_brokerage(
        brokerage, hub="H", path=tmp_path / "b.png", thresholds={"trade": 0.1}
    )
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == [
        "trade, bloc partition, threshold 0.1",
        "trade, subregions partition, threshold 0.1",
    ]


def test_unknown_format_is_refused(tmp_path, brokerage):
    with pytest.raises(ValueError, match="unsupported figure format"):
        draw_brokerage(brokerage, tmp_path / "b.jpg")


def test_all_missing_network_still_draws(tmp_path, network):
    edges, nodes = network
    edges = edges.assign(weight=nan)
    fig = figures.plot_trade_networks(edges, nodes, years=[2001], hub="H", path=tmp_path / "m.png")
    assert "no reported values" in fig._suptitle.get_text()
    assert not math.isnan(fig.axes[0].collections[0].get_linewidths()[0])


# --- specification curve -------------------------------------------------------------------


def curve_axes(fig):
    """(curve, indicator) axes pairs of the visible panels."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    return list(zip(axes[::2], axes[1::2], strict=True))


def test_specification_curve_of_period_tests(tmp_path, spec_grid):
    fig = draw_curve(spec_grid, tmp_path / "p.png")
    panels = curve_axes(fig)
    assert len(panels) == 2
    (curve, indicators), (curve_2015, _) = panels
    assert curve.get_title() == "hub_share: segmented level_2010 (trade, weighted)"
    assert curve.get_ylabel() == "estimate"
    # sorted by estimate: threshold=0.1 (-0.2), threshold=0.01 (0.1), main (0.3), states (0.5)
    points, ring = curve.collections[1], curve.collections[2]
    np.testing.assert_allclose(points.get_offsets()[:, 1], [-0.2, 0.1, 0.3, 0.5])
    colours = [to_hex(c) for c in points.get_facecolors()]
    assert colours == [
        figures.HUB_COLOUR,
        figures.MISSING_COLOUR,
        curves.VERDICT_COLOURS["supported"],
        curves.VERDICT_COLOURS["supported"],
    ]
    np.testing.assert_allclose(ring.get_offsets(), [[2, 0.3]])  # the main specification
    intervals = curve.collections[0]
    np.testing.assert_allclose(intervals.get_segments()[0][:, 1], [-0.3, -0.1])
    # the indicator panel: one row per value of each varied choice, the main value first
    labels = [t.get_text() for t in indicators.get_yticklabels()]
    assert labels == [
        "states = no_baltics",
        "states = main",
        "threshold = 0.1",
        "threshold = 0.01",
        "threshold = main",
    ]
    # a missing estimate: a cross at the bottom, still at its place in the order
    crosses = curve_2015.collections[2]
    np.testing.assert_allclose(crosses.get_offsets(), [[3, 0.04]])
    assert "4 specifications, main supported" in fig._suptitle.get_text()


def test_specification_curve_of_a_condition(tmp_path, spec_grid):
    fig = curves.plot_specification_curve(spec_grid, "C", path=tmp_path / "c.png")
    ((curve, _),) = curve_axes(fig)
    assert curve.get_ylabel() == "share of years"
    assert curve.get_title() == "rank == 1 (trade, weighted)"
    assert not any(len(c.get_segments()) for c in curve.collections if hasattr(c, "get_segments"))
    np.testing.assert_allclose(curve.collections[0].get_offsets()[:, 1], [0.75, 0.9, 1.0, 1.0])


def test_specification_curve_without_rows(tmp_path, spec_grid):
    fig = curves.plot_specification_curve(spec_grid, "H9", path=tmp_path / "none.png")
    assert [t.get_text() for t in fig.axes[0].texts] == ["no rows for claim H9"]


def test_specification_curve_panels_are_capped(tmp_path, spec_grid):
    p = spec_grid[spec_grid["claim_id"] == "P"]
    many = pd.concat(
        [p.assign(term=f"level_{year}") for year in range(2000, 2014)], ignore_index=True
    )
    fig = draw_curve(many, tmp_path / "many.png")
    assert len(curve_axes(fig)) == curves.MAX_CURVE_PANELS == 12
    assert "first 12 of 28 test rows shown" in fig._suptitle.get_text()
