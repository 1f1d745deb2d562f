"""The specification grid (config ``specifications``): the main specification and its
alternatives, each a configuration of its own.

The main specification is the configuration itself. Each *choice* names a configuration key
(dotted, e.g. ``binarisation.trade.threshold``) and labelled alternative values for it; an
alternative of a list-valued key may be ``{without: [...]}``, the main list without those
items (e.g. the states without the Baltic states). The grid varies one choice at a time from
the main specification (``<choice>=<label>``, e.g. ``reconciliation=max``) or, with
``factorial: true``, crosses every alternative of every choice with the main values
(``<choice>=<label>+<choice>=<label>``, the main value of a choice left out of the name).

A specification's configuration is the main one with its values set; where the states shrink,
the brokerage subregions and the difference in differences' leave-out sets keep their members
among the states (groups left empty are dropped), so that one choice means one thing. The
Snakefile validates every specification's configuration like the main one.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from hubspoke import layers
from hubspoke.errors import InputError
from hubspoke.inference.robustness import MAIN_LABEL
from hubspoke.settings import Claims, Measures, Networks, PeriodTests, Run, TradeDid

# the main specification's name (and the label of a choice's main value)
MAIN = MAIN_LABEL
# the columns of settings_table (results/tests/specifications.parquet)
SETTINGS_COLUMNS = ["spec", "is_main", "choice", "key", "label", "value"]


@dataclass(frozen=True)
class Spec:
    """One specification: its name, the choices it varies (choice -> label) and its
    configuration overrides (dotted key -> value)."""

    name: str
    choices: dict[str, str]
    overrides: dict[str, object]


def _value(cfg: Mapping, key: str):
    """The value of a dotted configuration key."""
    return functools.reduce(operator.getitem, key.split("."), cfg)


def _resolved(main: Mapping, key: str, alternative):
    """The value of an alternative: ``{without: [...]}`` is the main list without those."""
    if isinstance(alternative, Mapping) and set(alternative) == {"without"}:
        return [v for v in _value(main, key) if v not in alternative["without"]]
    return alternative


def grid(main: Mapping) -> list[Spec]:
    """The specifications of the validated configuration ``main``, the main one first."""
    cfg = main["specifications"]
    options = [
        [(choice["name"], label, choice["key"], _resolved(main, choice["key"], value))
         for label, value in choice["alternatives"].items()]
        for choice in cfg["choices"]
    ]  # fmt: skip
    if cfg["factorial"]:
        combos = itertools.product(*[[None, *alternatives] for alternatives in options])
        varied = [[o for o in combo if o is not None] for combo in combos][1:]
    else:
        varied = [[option] for alternatives in options for option in alternatives]
    specs = [Spec(MAIN, {}, {})]
    for combo in varied:
        specs.append(
            Spec(
                "+".join(f"{name}={label}" for name, label, _, _ in combo),
                {name: label for name, label, _, _ in combo},
                {key: value for _, _, key, value in combo},
            )
        )
    return specs


# Keys that say where the run reads and writes or what it is about, not how it measures: no
# specification of the same study varies them.
FIXED_KEYS = (
    "specifications", "inputs", "output_dir", "hub", "years.end", "breaks", "claims",
    "reference_checks", "years_per_job", "max_input_mb", "graph_files", "explorer",
)  # fmt: skip


def check_choices(main: Mapping, source: str = "config") -> None:
    """Each choice's key exists in the configuration and may be varied, and ``without`` is
    given for list-valued keys only."""
    names = [choice["name"] for choice in main["specifications"]["choices"]]
    for i, choice in enumerate(main["specifications"]["choices"]):
        key = choice["key"]
        where = f"specifications.choices.{i}"
        if names.count(choice["name"]) > 1:
            raise InputError(
                source, "two choices of this name", key=f"{where}.name", value=choice["name"]
            )
        if any(key == k or key.startswith(f"{k}.") for k in FIXED_KEYS):
            raise InputError(
                source, "this key is not a choice of the analysis", key=f"{where}.key", value=key
            )
        try:
            value = _value(main, key)
        except (KeyError, TypeError):
            raise InputError(
                source, "no such configuration key", key=f"{where}.key", value=key
            ) from None
        for label, alternative in choice["alternatives"].items():
            if (
                isinstance(alternative, Mapping)
                and "without" in alternative
                and not isinstance(value, list)
            ):
                raise InputError(
                    source,
                    "without needs a list-valued key",
                    key=f"{where}.alternatives.{label}",
                    value=key,
                )


def checked_configs(main: Mapping, validate: Callable[[Mapping, str], dict]) -> dict[str, dict]:
    """Every specification's configuration (name -> config, the main one first), each checked
    by ``validate(config, source)`` like the main configuration, and its years within the main
    years (the inputs were checked for those)."""
    check_choices(main)
    first, last = main["years"]["start"], main["years"]["end"]
    configs = {}
    for spec in grid(main):
        source = f"config, specification {spec.name!r}"
        cfg = validate(configure(main, spec), source)
        if not first <= cfg["years"]["start"]:
            raise InputError(
                source,
                f"years must lie within the main years {first}-{last}",
                key="years.start",
                value=cfg["years"]["start"],
            )
        configs[spec.name] = cfg
    return configs


def configure(main: Mapping, spec: Spec) -> dict:
    """The configuration of ``spec``: ``main`` with the spec's values set (see the module
    docstring for the states)."""
    cfg = copy.deepcopy(dict(main))
    for key, value in spec.overrides.items():
        parent, _, last = key.rpartition(".")
        (_value(cfg, parent) if parent else cfg)[last] = copy.deepcopy(value)
    states = set(cfg["states"])
    brokerage = cfg["brokerage"]
    brokerage["subregions"] = [
        {**group, "states": [s for s in group["states"] if s in states]}
        for group in brokerage["subregions"]
        if any(s in states for s in group["states"])
    ]
    did = cfg["tests"]["did"]
    if did is not None:
        kept = [[s for s in group if s in states] for group in did["leave_out"]]
        did["leave_out"] = [group for group in kept if group]
    return cfg


def spec_table(specs: list[Spec], main: Mapping) -> pd.DataFrame:
    """One row per specification: ``spec``, ``is_main``, ``choices`` (the choices varied,
    comma-separated) and per choice of the grid the label of its value (``main`` for the
    main value)."""
    names = [choice["name"] for choice in main["specifications"]["choices"]]
    rows = [
        {
            "spec": spec.name,
            "is_main": spec.name == MAIN,
            "choices": ",".join(spec.choices),
            **{name: spec.choices.get(name, MAIN) for name in names},
        }
        for spec in specs
    ]
    table = pd.DataFrame(rows, columns=["spec", "is_main", "choices", *names])
    return table.astype({c: "string" for c in table.columns if c != "is_main"})


@dataclass(frozen=True)
class SpecSettings:
    """The settings sections of one specification that its jobs read."""

    run: Run
    networks: Networks
    measures: Measures
    period_tests: PeriodTests
    trade_did: TradeDid
    claims: Claims

    @classmethod
    def from_config(cls, cfg: Mapping) -> SpecSettings:
        return cls(
            Run.from_config(cfg),
            Networks.from_config(cfg),
            Measures.from_config(cfg),
            PeriodTests.from_config(cfg),
            TradeDid.from_config(cfg),
            Claims.from_config(cfg),
        )


def _first_alike(keys: Mapping[str, object]) -> dict[str, str]:
    """Spec -> the first spec (in order) whose key is equal: the one whose job computes it."""
    first: dict[str, str] = {}
    return {
        name: first.setdefault(json.dumps(key, sort_keys=True), name) for name, key in keys.items()
    }


def shared_jobs(settings: Mapping[str, SpecSettings]) -> dict[str, dict[str, str]]:
    """Which specification's job each specification reads, per stage (spec -> spec):
    ``analysis`` (the yearly networks and measures, and their combination), ``periods`` (the
    period tests of its series) and ``did`` (the difference in differences, which reads the
    flow layer alone: of the network settings, the states, the layers and what the flow layer
    :attr:`~hubspoke.layers.Layer.reads`). Specifications whose settings of a stage are equal
    share its job, so the grid computes what does not depend on a choice once (a null-model or
    membership-scope choice reuses the main difference in differences, say)."""
    analysis = {
        name: [s.networks.params(), s.measures.params(), s.run.years, s.run.years_per_job]
        for name, s in settings.items()
    }
    periods = {name: [analysis[name], s.period_tests.params()] for name, s in settings.items()}
    flows = {"states", "layers", *layers.get(layers.FLOW_LAYER).reads}
    did = {
        name: [
            {k: v for k, v in s.networks.params().items() if k in flows},
            s.run.years,
            s.trade_did.params(),
        ]
        for name, s in settings.items()
    }
    return {
        "analysis": _first_alike(analysis),
        "periods": _first_alike(periods),
        "did": _first_alike(did),
    }


def settings_table(specs: list[Spec], configs: Mapping[str, Mapping]) -> pd.DataFrame:
    """One row per specification x choice of the grid: ``spec``, ``is_main``, ``choice``,
    ``key``, ``label`` (``main`` for the main value) and ``value``, the key's value in the
    specification's configuration (``configs``: name -> config) as JSON."""
    main = configs[MAIN]
    rows = [
        {
            "spec": spec.name,
            "is_main": spec.name == MAIN,
            "choice": choice["name"],
            "key": choice["key"],
            "label": spec.choices.get(choice["name"], MAIN),
            "value": json.dumps(_value(configs[spec.name], choice["key"]), sort_keys=True),
        }
        for spec in specs
        for choice in main["specifications"]["choices"]
    ]
    table = pd.DataFrame(rows, columns=SETTINGS_COLUMNS)
    return table.astype({c: "string" for c in table.columns if c != "is_main"})
