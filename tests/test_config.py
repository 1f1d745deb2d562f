"""Configuration validation: defaults, and one clear line for every kind of bad configuration."""

import copy
import math
from pathlib import Path

import pytest
import yaml
from snakemake.utils import update_config

from hubspoke.config import MAX_YAML_ITEMS, load_yaml_list, validate_config
from hubspoke.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="module")
def default():
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def check(cfg):
    return validate_config(cfg, SCHEMA, source="config.yaml")


def test_default_and_test_configs_are_valid(default):
    assert check(default)["hub"] == "RUS"
    tiny = check(yaml.safe_load((ROOT / ".test" / "config.yaml").read_text()))
    # omitted keys get the schema defaults
    assert tiny["layers"] == [
        "trade",
        "trade_flow",
        "trade_dependence",
        "treaty",
        "membership",
        "membership_depth",
    ]
    assert tiny["missing_data"] == {"min_observed_share": 0.9, "require_hub_pairs": True}
    assert (tiny["reconciliation"], tiny["cif_fob_factor"], tiny["empty_layers"]) == (
        "importer_first",
        1.1,
        [],
    )
    assert tiny["active_rule"] == "any_day"
    assert tiny["claims"] == "config/claims.yaml"


def test_validation_does_not_modify_its_argument(default):
    before = copy.deepcopy(default)
    check(default)
    assert default == before


def test_sensitivity_overlays_are_valid(default):
    tiny = check(yaml.safe_load((ROOT / ".test" / "config.yaml").read_text()))
    assert tiny["membership_scopes"] == default["membership_scopes"]  # schema default = file
    assert tiny["membership_implementation"] == default["membership_implementation"]
    assert tiny["brokerage"]["ties"] == default["brokerage"]["ties"]
    assert tiny["nulls"]["binary"] == default["nulls"]["binary"]
    overlays = sorted((ROOT / "config" / "sensitivity").glob("*.yaml"))
    assert len(overlays) == 6
    base = check(default)
    for overlay in overlays:
        changes = yaml.safe_load(overlay.read_text())
        variant = copy.deepcopy(default)
        update_config(variant, changes)  # how snakemake merges a second --configfile
        variant = check(variant)
        again = copy.deepcopy(variant)
        update_config(again, changes)
        assert again == variant  # the overlay's values survive validation
        # a real alternative, written to its own folder
        assert variant["output_dir"] == f"sensitivity/{overlay.stem}"
        assert variant | {"output_dir": "x"} != base | {"output_dir": "x"}
    with pytest.raises(InputError, match="membership_scopes"):
        check({**default, "membership_scopes": ["worldwide"]})


CASES = [
    # (change, key named in the message, value named in the message)
    (lambda c: c.update(colour="red"), "colour", None),
    (lambda c: c["nulls"].update(replicate=5), "nulls.replicate", None),
    (lambda c: c.update(hub="CHN"), "hub", "'CHN'"),
    (lambda c: c.update(hub="rus"), "hub", "'rus'"),
    (lambda c: c.update(breaks=[1990]), "breaks", "1990"),
    (lambda c: c.update(breaks=[2021]), "breaks", "2021"),
    (lambda c: c.update(breaks=[1992]), "breaks", "1992"),  # empty first period
    (lambda c: c.update(breaks=[2015, 2010]), "breaks", None),
    (lambda c: c["years"].update(start=2021), "years.start", "2021"),
    (lambda c: c["nulls"].update(replicates="many"), "nulls.replicates", "'many'"),
    (lambda c: c["tests"].update(alpha=1.5), "tests.alpha", "1.5"),
    (lambda c: c.update(layers=["trade", "gravity"]), "layers.1", "'gravity'"),
    (lambda c: c.update(states=["RUS", "BLR", "RUS"]), "states", None),
    (lambda c: c["binarisation"]["trade"].update(threshold=0.07), "binarisation.trade", "0.07"),
    (lambda c: c["binarisation"]["trade"].update(threshold=-1), "binarisation.trade", "-1"),
    (lambda c: c["brokerage"]["subregions"][0]["states"].append("FIN"), "brokerage", "FIN"),
    (lambda c: c["brokerage"]["subregions"][0]["states"].remove("EST"), "brokerage", "EST"),
    (lambda c: c["brokerage"]["subregions"][1]["states"].append("EST"), "brokerage", "EST"),
    (lambda c: c.update(reconciliation="average"), "reconciliation", "'average'"),
    # issue 11: JSON Schema counts 1000.0 as an integer and NaN as a number; hubspoke does not
    (lambda c: c["nulls"].update(replicates=1000.0), "nulls.replicates", "1000.0"),
    (lambda c: c["years"].update(start=1992.0), "years.start", "1992.0"),
    (lambda c: c["tests"].update(alpha=float("nan")), "tests.alpha", "nan"),
    (lambda c: c["binarisation"]["trade"].update(threshold=math.inf), "binarisation", "inf"),
    (lambda c: c.update(states="all", inputs="x"), "inputs", "'x'"),
    (lambda c: c.update(hub="R" * 10**7), "hub", "[...]"),  # a 10 MB value, shown cut
]


@pytest.mark.parametrize(("change", "key", "value"), CASES)
def test_bad_config_gives_one_line_naming_key_and_value(default, change, key, value):
    cfg = copy.deepcopy(default)
    change(cfg)
    with pytest.raises(InputError) as err:
        check(cfg)
    message = str(err.value)
    assert "\n" not in message and len(message) <= 1000
    assert message.startswith("config.yaml, key ")
    assert key in message
    if value is not None:
        assert value in message


def test_states_all_is_listed_once_the_schema_is_checked(default):
    seen = []

    def reporters(checked):
        seen.append(checked["inputs"]["trade_world"])  # defaults filled in
        return default["states"]

    cfg = {**copy.deepcopy(default), "states": "all"}
    assert validate_config(cfg, SCHEMA, all_states=reporters)["states"] == default["states"]
    assert seen == ["data/raw/trade_world.csv"]


def test_an_alias_bomb_stops_before_it_is_expanded(tmp_path):
    """Nine levels of ten aliases: 10^9 strings if expanded; stopped after MAX_YAML_ITEMS."""
    levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: a\n    statement: [{', '.join(levels)}]\n")
    with pytest.raises(InputError, match=f"more than {MAX_YAML_ITEMS} values") as err:
        load_yaml_list(path, "claims")
    assert "key 'claims.0.statement'" in str(err.value)


def test_a_repeated_key_in_a_yaml_file_is_an_error(tmp_path):
    path = tmp_path / "checks.yaml"
    path.write_text("checks:\n  - id: a\n    value: 1\n    value: 2\n")
    with pytest.raises(InputError, match=r"row 4.*duplicate key 'value'"):
        load_yaml_list(path, "checks")
