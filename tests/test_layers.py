"""The layer registry: each layer declared once, and a layer added through it alone is built,
measured and checked by the workflow like the built-in ones."""

from __future__ import annotations

import dataclasses
import os
import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import small_workdir
from test_config import ROOT, SCHEMA
from test_workflow import snakemake

from hubspoke import layers as registry
from hubspoke.config import validate_config
from hubspoke.errors import InputError
from hubspoke.settings import Networks
from hubspoke.validate import load_inputs

BUILT_IN = ["trade", "trade_flow", "trade_dependence", "treaty", "membership", "membership_depth"]


def test_every_built_in_layer_is_declared_once():
    assert list(registry.LAYERS) == BUILT_IN
    directed = [n for n, layer in registry.LAYERS.items() if layer.directed]
    assert directed == ["trade_flow", "trade_dependence"]
    assert {n for n, layer in registry.LAYERS.items() if layer.from_reports} == {
        "trade",
        "trade_flow",
        "trade_dependence",
    }
    for layer in registry.LAYERS.values():
        assert layer.table in registry.INPUT_ROWS and layer.unit and layer.meaning
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.LAYERS["trade"])
    with pytest.raises(ValueError, match="unknown layer 'colour'"):
        registry.get("colour")


def test_input_rows_read_spells_from_their_first_known_start():
    treaties = pd.DataFrame(
        {
            "state_a": ["ARM", "ARM", "ARM"],
            "state_b": ["RUS", "RUS", "USA"],
            "signed": pd.to_datetime(["2001-05-01", None, "2001-01-01"]),
            "in_force": pd.to_datetime([None, "2003-12-31", "2001-01-01"]),
            "ended": pd.to_datetime([None, "2004-06-30", None]),
        }
    )
    rows = registry.INPUT_ROWS["treaties"]
    assert rows.in_scope(treaties, ["ARM", "RUS"]).tolist() == [True, True, False]
    read = rows.years_of(treaties, [2002, 2003, 2004, 2005], "any_day")
    assert sorted(zip(read["row"], read["year"], strict=True)) == [
        (0, 2002), (0, 2003), (0, 2004), (0, 2005), (1, 2003), (1, 2004),
        (2, 2002), (2, 2003), (2, 2004), (2, 2005),
    ]  # fmt: skip
    year_end = rows.years_of(treaties, [2003, 2004], "year_end")
    assert 2004 not in set(year_end.loc[year_end["row"] == 1, "year"])  # ended mid-2004
    assert rows.in_span(treaties, 2005, 2006).tolist() == [True, False, True]


def test_config_layer_names_come_from_the_registry(monkeypatch):
    default = yaml.safe_load((SCHEMA.parents[2] / "config" / "config.yaml").read_text())
    rules = {**default["binarisation"], "toy": {"threshold": 1, "sensitivity": [1]}}
    toy = {"layers": ["trade", "toy"], "binarisation": rules}
    with pytest.raises(InputError, match=r"key 'layers\.1'"):
        validate_config({**default, "layers": ["trade", "toy"]}, SCHEMA)
    with pytest.raises(InputError, match=r"key 'binarisation\.toy': unknown key"):
        validate_config({**default, **toy}, SCHEMA)
    monkeypatch.setitem(
        registry.LAYERS, "toy", registry.Layer("toy", False, "pairs", "toy", "treaties", len)
    )
    assert validate_config({**default, **toy}, SCHEMA)["layers"] == ["trade", "toy"]
    assert validate_config(default, SCHEMA)["layers"] == default["layers"]
    without_layers = {k: v for k, v in default.items() if k != "layers"}
    with pytest.raises(InputError, match=r"key 'binarisation\.toy': no binarisation rule"):
        validate_config(without_layers, SCHEMA)  # the default is every registered layer
    every = validate_config({**without_layers, "binarisation": rules}, SCHEMA)["layers"]
    assert every == [*BUILT_IN, "toy"]


# A layer declared in a plugin module that every Python process of the run imports at start
# (sitecustomize): the registry is the only place that knows it.
TOY_PLUGIN = textwrap.dedent(
    '''
    from hubspoke import layers


    def any_treaty(context):
        """A tie of weight 1 wherever the pair has at least one treaty in force."""
        return layers.get("treaty").build(context).assign(weight=1.0)


    layers.register(
        layers.Layer(
            "treaty_any",
            directed=False,
            unit="pairs",
            meaning="whether the pair has a treaty in force",
            table="treaties",
            build=any_treaty,
        )
    )
    '''
)


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory):
    cwd = small_workdir(tmp_path_factory.mktemp("toy_layer"))
    (cwd / "toy.yaml").write_text(
        "layers: [trade, treaty, treaty_any]\n"
        "binarisation: {treaty_any: {threshold: 1, sensitivity: [1]}}\n"
    )
    plugin = cwd / "plugin"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(TOY_PLUGIN)
    without = snakemake(cwd, "--configfile", "small.yaml", "toy.yaml", check=False)
    assert without.returncode != 0
    assert "hubspoke: error: config, key 'binarisation.treaty_any': unknown key" in without.stderr
    path = os.pathsep.join(p for p in (str(plugin), os.environ.get("PYTHONPATH")) if p)
    snakemake(cwd, "--configfile", "small.yaml", "toy.yaml", env={**os.environ, "PYTHONPATH": path})
    return cwd / "results"


def test_a_layer_added_through_the_registry_alone_runs_end_to_end(toy_run):
    edges = pd.read_parquet(toy_run / "networks" / "edges.parquet")
    treaty = edges[edges["layer"] == "treaty"].set_index(["year", "source", "target"])
    toy = edges[edges["layer"] == "treaty_any"].set_index(["year", "source", "target"])
    assert len(toy) > 0 and toy.index.equals(treaty.index)
    assert (toy["weight"] == 1).all() and (treaty["weight"] >= 1).all()
    assert (treaty["weight"] > 1).any()  # the toy layer is not a copy of the treaty layer

    # measured and binarised like the built-in layers: at threshold 1 both layers have the same
    # binary network, and the toy layer's strength is the treaty layer's degree
    hub = pd.read_parquet(toy_run / "metrics" / "hub.parquet")
    binary = [
        hub[(hub["layer"] == layer) & (hub["variant"] == "binary")].set_index(["year", "metric"])[
            "value"
        ]
        for layer in ("treaty_any", "treaty")
    ]
    assert len(binary[0]) > 0
    pd.testing.assert_series_equal(binary[0], binary[1].reindex(binary[0].index))
    strength = hub[(hub["layer"] == "treaty_any") & (hub["metric"] == "score_strength")]
    degree = binary[1].xs("score_degree", level="metric")
    np.testing.assert_array_equal(strength.set_index("year")["value"], degree)
    cent = pd.read_parquet(toy_run / "metrics" / "centralization.parquet")
    covered = [
        cent[cent["layer"] == layer].groupby("year")["coverage"].first()
        for layer in ("treaty_any", "treaty")
    ]
    pd.testing.assert_series_equal(covered[0], covered[1])


def test_the_readme_layer_table_is_the_registry():
    readme = (SCHEMA.parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- layers: generated by python -m hubspoke.layers -->\n")
    end = readme.index("<!-- end of layers -->", start)
    table = readme[readme.index("\n", start) + 1 : end]
    assert table == registry.markdown_table(), "stale: run python -m hubspoke.layers"


# an alternative value of every network setting but the states and the layers
ALTERNATIVES = {
    "hub": "KAZ",
    "rule": "year_end",
    "reconciliation": "max",
    "cif_fob_factor": 1.0,
    "membership_kinds": ("full",),
    "membership_scopes": ("regional_post_soviet",),
    "membership_implementation": ("yes",),
    "subregions": (),
}


@pytest.fixture(scope="module")
def default_networks():
    """The default configuration's network settings and inputs, 2005-2016 (data/raw)."""
    cfg = validate_config(
        yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), SCHEMA, source="config"
    )
    settings = Networks.from_config(cfg)
    years = list(range(2005, 2017))
    inputs = load_inputs(
        {name: ROOT / path for name, path in cfg["inputs"].items()},
        states=settings.states,
        years=years,
    )
    return settings, inputs, years


def test_each_layer_reads_the_network_settings_it_declares_and_no_other(default_networks):
    # specifications that agree on a layer's reads share the jobs that read that layer alone,
    # so a setting its edges depend on but that it does not declare would share wrongly
    settings, inputs, years = default_networks
    fields = {f.name for f in dataclasses.fields(Networks)} - {"states", "layers"}
    assert set(ALTERNATIVES) == fields  # a new setting needs an alternative here
    assert all(set(layer.reads) <= fields for layer in registry.LAYERS.values())

    def edges(networks):
        table = registry.build_networks(inputs, years, networks)["edges"]
        return {name: part.reset_index(drop=True) for name, part in table.groupby("layer")}

    main = edges(settings)
    for name, value in ALTERNATIVES.items():
        other = edges(dataclasses.replace(settings, **{name: value}))
        changed = {n for n in registry.LAYERS if not main[n].equals(other[n])}
        declared = {n for n, layer in registry.LAYERS.items() if name in layer.reads}
        # what changed declares the setting; and a declared setting changes something (on
        # these data a layer may not show every setting it reads: no participant memberships
        # in the organisations with a depth, say)
        assert changed <= declared, name
        assert bool(changed) == bool(declared), name
