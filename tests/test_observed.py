"""Missing trade is never measured as zero: the layer-year observation rule and its masks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hubspoke.measures import yearly
from hubspoke.measures.observed import layer_observation
from hubspoke.settings import Measures

STATES = ["A", "B", "C", "H"]  # H is the hub
PAIRS = [("A", "B"), ("A", "C"), ("A", "H"), ("B", "C"), ("B", "H"), ("C", "H")]
BASE = np.array([100.0, 100.0, 100.0, 300.0])


def trade_edges(missing=(), layer="trade") -> pd.DataFrame:
    """Every pair of the star-like trade layer, with a null weight for the ``missing`` ones."""
    pairs = PAIRS if layer == "trade" else PAIRS + [(b, a) for a, b in PAIRS]
    weights = [np.nan if p in missing else (50.0 if "H" in p else 5.0) for p in pairs]
    return pd.DataFrame(
        {
            "year": 2000,
            "layer": layer,
            "source": [a for a, _ in pairs],
            "target": [b for _, b in pairs],
            "weight": weights,
            "weight_source": "importer",
        }
    )


def observe(edges, base=BASE, layer="trade", share=0.9, hub=True):
    return layer_observation(
        edges, base, STATES, "H", layer, min_observed_share=share, require_hub_pairs=hub
    )


def test_complete_layer_is_measured():
    assert observe(trade_edges()) == (1.0, None)
    assert observe(trade_edges(layer="trade_flow"), layer="trade_flow") == (1.0, None)


def test_share_of_pairs_observed():
    share, note = observe(trade_edges(missing=[("A", "B")]))
    assert share == pytest.approx(5 / 6)
    assert note == "5 of 6 pairs observed (83%), below missing_data.min_observed_share 0.9"
    assert observe(trade_edges(missing=[("A", "B")]), share=0.8) == (pytest.approx(5 / 6), None)
    # directed: 12 ordered pairs, one missing
    share, note = observe(trade_edges([("B", "A")], "trade_flow"), layer="trade_flow", share=0.95)
    assert share == pytest.approx(11 / 12) and note.startswith("11 of 12 pairs observed")


def test_hub_pairs_required():
    edges = trade_edges(missing=[("A", "H")])
    assert observe(edges, share=0.5) == (pytest.approx(5 / 6), "1 of the hub's pairs missing")
    assert observe(edges, share=0.5, hub=False) == (pytest.approx(5 / 6), None)


def test_world_total_required():
    base = BASE.copy()
    base[1] = np.nan
    assert observe(trade_edges(), base=base) == (1.0, "no World total of B")


def test_count_layers_have_no_missing_pairs():
    treaty = pd.DataFrame(
        {"year": [2000], "layer": ["treaty"], "source": ["A"], "target": ["H"], "weight": [1.0]}
    )
    assert observe(treaty, base=np.full(4, np.nan), layer="treaty") == (1.0, None)


def _year(missing):
    edges = pd.concat(
        [
            trade_edges(missing),
            pd.DataFrame(
                {
                    "year": 2000,
                    "layer": "treaty",
                    "source": ["A", "B", "C"],
                    "target": ["H", "H", "H"],
                    "weight": 1.0,
                    "weight_source": None,
                }
            ),
        ],
        ignore_index=True,
    )
    nodes = pd.DataFrame(
        {
            "year": 2000,
            "layer": np.repeat(["trade", "treaty"], 4),
            "node": STATES * 2,
            "binarisation_base": np.concatenate([BASE, np.full(4, np.nan)]),
        }
    )
    partitions = pd.DataFrame(
        {"year": 2000, "partition": "bloc", "node": STATES, "group": ["x", "x", "y", "y"]}
    )
    binarisation = {
        "trade": {"threshold": 0.05, "sensitivity": [0.05]},
        "treaty": {"threshold": 1, "sensitivity": [1]},
    }
    settings = Measures.from_params(
        {
            "states": STATES,
            "hub": "H",
            "layers": ["trade", "treaty"],
            "binarisation": binarisation,
            "partitions": ["bloc"],
            "brokerage_ties": "either",
            "null_replicates": 19,
            "null_seed": 1,
            "null_binary": "density",
            "null_weighted": "weights",
            "min_observed_share": 0.9,
            "require_hub_pairs": True,
        }
    )
    return yearly.compute_year(edges, nodes, partitions, 2000, settings)


def test_an_unmeasured_layer_year_is_null_with_a_note_never_zero():
    out = _year(missing=[("A", "H")])
    note = "5 of 6 pairs observed (83%), below missing_data.min_observed_share 0.9; 1 of the hub's"
    for name in ("centralization", "hub", "brokerage"):
        table = out[name]
        trade, treaty = table[table["layer"] == "trade"], table[table["layer"] == "treaty"]
        value = "count" if name == "brokerage" else "value"
        assert trade[value].isna().all() and trade["note"].str.startswith(note).all(), name
        assert trade["observed_share"].eq(5 / 6).all()
        assert treaty[value].notna().all() and treaty["note"].isna().all(), name
        assert treaty["observed_share"].eq(1.0).all()
    assert out["brokerage"]["count"].dtype == "Int64"
    nulls = out["nulls"]
    assert nulls.loc[nulls["layer"] == "trade", ["observed", "p_value"]].isna().all().all()
    assert nulls.loc[nulls["layer"] == "trade", "note"].str.startswith(note).all()
    # an unmeasured layer-year draws no replicates; a measured one draws them all
    assert (nulls.loc[nulls["layer"] == "trade", "n_replicates"] == 0).all()
    assert (nulls.loc[nulls["layer"] == "treaty", "n_replicates"] == 19).all()
    multi = out["multiplex"].set_index("metric")
    assert np.isnan(multi.loc["hub_participation", "value"])
    assert multi["note"].dropna().str.contains("not measured this year: trade").all()


def test_a_measured_layer_year_keeps_its_values():
    complete = _year(missing=[])
    hub = complete["hub"].set_index(["layer", "variant", "metric"])["value"]
    # the hub holds 150 of the 165 units of trade weight (each tie counted once)
    assert hub[("trade", "weighted", "hub_share")] == pytest.approx(150 / 165)
    assert complete["hub"]["note"].isna().all()
    assert complete["multiplex"]["note"].isna().all()
