"""The specification grid (hubspoke.dag.specs): names, values, the derived configurations,
their checks, and which jobs specifications share."""

import copy

import pytest
import yaml
from test_config import ROOT, check

from hubspoke.dag import specs
from hubspoke.errors import InputError


@pytest.fixture(scope="module")
def main():
    return check(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))


def with_choices(main, *choices, factorial=False):
    cfg = copy.deepcopy(main)
    cfg["specifications"] = {"factorial": factorial, "choices": list(choices)}
    return cfg


RECONCILIATION = {"name": "rec", "key": "reconciliation", "alternatives": {"max": "max"}}
STATES = {
    "name": "states",
    "key": "states",
    "alternatives": {
        "no_baltics": {"without": ["EST", "LVA", "LTU"]},
        "no_ukr": {"without": ["UKR"]},
    },
}


def test_the_default_grid_varies_one_choice_at_a_time(main):
    grid = specs.grid(main)
    assert grid[0] == specs.Spec("main", {}, {})
    assert len(grid) == 11  # about a dozen (issue 15): ten alternatives beside the main one
    names = [s.name for s in grid]
    assert "reconciliation=max" in names and "states=no_baltics" in names
    assert all(len(s.choices) == 1 and len(s.overrides) == 1 for s in grid[1:])
    baltics = grid[names.index("states=no_baltics")]
    assert baltics.overrides["states"] == [
        s for s in main["states"] if s not in {"EST", "LVA", "LTU"}
    ]


def test_a_factorial_grid_crosses_every_alternative(main):
    grid = specs.grid(with_choices(main, RECONCILIATION, STATES, factorial=True))
    # (1 + 1) x (1 + 2) combinations, the all-main one being the main specification
    assert [s.name for s in grid] == [
        "main", "states=no_baltics", "states=no_ukr", "rec=max",
        "rec=max+states=no_baltics", "rec=max+states=no_ukr",
    ]  # fmt: skip
    assert grid[4].overrides == {"reconciliation": "max", "states": grid[1].overrides["states"]}


def test_a_smaller_state_set_keeps_the_subregions_and_leave_outs_among_its_states(main):
    cfg = with_choices(main, STATES)
    spec = specs.grid(cfg)[1]
    derived = specs.configure(cfg, spec)
    groups = {g["group"]: g["states"] for g in derived["brokerage"]["subregions"]}
    assert "Baltic" not in groups and sum(map(len, groups.values())) == 12
    assert derived["tests"]["did"]["leave_out"] == [["UKR"]]
    assert main["brokerage"]["subregions"] != derived["brokerage"]["subregions"]  # copy
    check(derived)  # a valid configuration


@pytest.mark.parametrize(
    ("choice", "key", "message"),
    [
        ({"name": "h", "key": "hub", "alternatives": {"usa": "USA"}},
         "specifications.choices.0.key", "not a choice of the analysis"),
        ({"name": "x", "key": "nulls.nonesuch", "alternatives": {"a": 1}},
         "specifications.choices.0.key", "no such configuration key"),
        ({"name": "r", "key": "reconciliation", "alternatives": {"a": {"without": ["max"]}}},
         "specifications.choices.0.alternatives.a", "without needs a list-valued key"),
    ],
)  # fmt: skip
def test_a_choice_the_grid_cannot_vary_is_one_clear_error(main, choice, key, message):
    with pytest.raises(InputError, match=message) as err:
        specs.checked_configs(with_choices(main, choice), lambda cfg, source: cfg)
    assert err.value.key == key


def test_a_specification_is_checked_like_the_main_configuration(main):
    bad = {"name": "states", "key": "states", "alternatives": {"no_rus": {"without": ["RUS"]}}}
    with pytest.raises(InputError) as err:
        specs.checked_configs(with_choices(main, bad), lambda cfg, source: check_as(cfg, source))
    assert str(err.value).startswith("config, specification 'states=no_rus', key 'hub'")
    early = {"name": "start", "key": "years.start", "alternatives": {"1990": 1990}}
    with pytest.raises(InputError, match="within the main years 1992-2020"):
        specs.checked_configs(with_choices(main, early), lambda cfg, source: cfg)


def check_as(cfg, source):
    from test_config import SCHEMA

    from hubspoke.config import validate_config

    return validate_config(cfg, SCHEMA, source=source)


def test_specifications_share_the_jobs_their_settings_do_not_change(main):
    configs = specs.checked_configs(main, check_as)
    shared = specs.shared_jobs({n: specs.SpecSettings.from_config(c) for n, c in configs.items()})
    # the null model changes the measures, not the networks: its own analysis, the main DiD
    assert shared["analysis"]["null_binary=density"] == "null_binary=density"
    assert shared["did"]["null_binary=density"] == "main"
    # the trade threshold changes the default binary network (nulls, multiplex), not the edges
    assert shared["did"]["trade_threshold=0.01"] == "main"
    assert shared["did"]["reconciliation=max"] == "reconciliation=max"
    # the membership layers' scope is not a setting of the trade flows
    assert shared["did"]["membership_scope=post_soviet_only"] == "main"
    assert shared["did"]["states=no_ukraine"] == "states=no_ukraine"
    assert set(shared["analysis"].values()) == set(configs)


def test_the_spec_table_names_each_specifications_choices(main):
    table = specs.spec_table(specs.grid(main), main)
    assert table["is_main"].sum() == 1 and table["spec"].is_unique
    row = table.set_index("spec").loc["states=no_ukraine"]
    assert row["states"] == "no_ukraine" and row["reconciliation"] == "main"
