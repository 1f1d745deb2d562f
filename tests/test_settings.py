"""Typed settings: each read from one configuration key that exists, and passed to jobs intact."""

import dataclasses
import re

import pytest
import yaml
from test_config import ROOT, SCHEMA, check

from hubspoke.config import with_registered_layers
from hubspoke.settings import (
    SECTIONS,
    Binarisation,
    Bloc,
    Figures,
    Measures,
    Networks,
    PeriodTests,
    Subregion,
    TradeDid,
)


@pytest.fixture(scope="module")
def default():
    return check(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))


@pytest.mark.parametrize("section", SECTIONS)
def test_every_setting_names_a_key_of_the_schema(section):
    schema = with_registered_layers(yaml.safe_load(SCHEMA.read_text()))
    for f in dataclasses.fields(section):
        node = schema
        for part in section.key(f.name).split("."):
            assert part in node.get("properties", {}), (section.__name__, f.name, part)
            node = node["properties"][part]
        assert node.get("description"), section.key(f.name)


def test_settings_are_typed_and_survive_the_trip_through_a_rule(default):
    networks = Networks.from_config(default)
    assert networks.rule == default["active_rule"] and Networks.key("rule") == "active_rule"
    assert networks.states == tuple(default["states"])
    assert networks.subregions[0] == Subregion("Baltic", ("EST", "LVA", "LTU"))
    measures = Measures.from_config(default)
    assert measures.binarisation["trade"] == Binarisation(0.05, (0.01, 0.02, 0.05, 0.1))
    assert (measures.null_binary, measures.null_seed) == ("fitness", 20100101)
    tests = PeriodTests.from_config(default)
    did = TradeDid.from_config(default)
    assert did.did.blocs == (Bloc(2010, "CU"), Bloc(2015, "EAEU"))
    assert did.did.leave_out == (("UKR",), ("EST", "LVA", "LTU"))
    without = {**default, "tests": {**default["tests"], "did": None}}
    assert TradeDid.from_config(without).did is None
    figures = Figures.from_config(default)
    assert figures.years == tuple(range(1992, 2021)) and figures.thresholds()["trade"] == 0.05
    for settings in [networks, measures, tests, did, figures] + [
        section.from_config(default) for section in SECTIONS
    ]:
        params = settings.params()
        assert yaml.safe_load(yaml.safe_dump(params)) == params  # plain values only
        assert type(settings).from_params(params) == settings
    with pytest.raises(dataclasses.FrozenInstanceError):
        networks.hub = "USA"


def test_configuration_keys_are_read_through_the_settings_only():
    """A configuration key is named once, in hubspoke.settings (and in the schema and the
    cross-field checks of hubspoke.config that validate it): the rules, scripts and library read
    typed settings, so renaming a key there renames it everywhere."""
    lookup = re.compile(r"\b(config|cfg)(\[|\.get\()")
    places = [*ROOT.glob("workflow/**/*.smk"), ROOT / "workflow" / "Snakefile"]
    places += [*ROOT.glob("workflow/scripts/*.py"), *ROOT.glob("src/hubspoke/**/*.py")]
    # the configuration document itself: validated (config.py), and each specification's
    # derived from the main one (dag/specs.py)
    allowed = {
        ROOT / "src" / "hubspoke" / "config.py",
        ROOT / "src" / "hubspoke" / "dag" / "specs.py",
    }
    readers = [p for p in places if p not in allowed and lookup.search(p.read_text())]
    assert len(places) > 40 and not readers, readers
