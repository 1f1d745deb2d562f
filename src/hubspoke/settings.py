"""Typed settings: the validated configuration as frozen dataclasses, one section per stage.

Each setting names the configuration key it is read from, once (:func:`config_key`); everything
else uses the typed attribute. ``Section.from_config`` reads a section from the validated
configuration (:func:`hubspoke.config.validate_config`), ``params`` turns it into the plain
values a rule passes to its job (Snakemake reruns a job whose parameters changed, so a rule
passes exactly the sections its job reads) and ``from_params`` rebuilds it in the job.
``key(name)`` is the configuration key of a setting, for messages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def config_key(key: str, convert=None) -> dict:
    """Field metadata: the setting is read from the configuration key ``key`` (dotted) and
    converted by ``convert``."""
    return {"key": key, "convert": convert}


def _strings(value) -> tuple[str, ...]:
    return tuple(value)


@dataclass(frozen=True)
class Subregion:
    group: str
    states: tuple[str, ...]


def _subregions(value) -> tuple[Subregion, ...]:
    return tuple(
        v if isinstance(v, Subregion) else Subregion(v["group"], tuple(v["states"])) for v in value
    )


@dataclass(frozen=True)
class Binarisation:
    threshold: float
    sensitivity: tuple[float, ...]


def _year_range(value) -> tuple[int, ...]:
    """Config ``years: {start, end}`` (inclusive) or the years themselves."""
    if isinstance(value, Mapping):
        return tuple(range(value["start"], value["end"] + 1))
    return tuple(value)


def _binarisation(value) -> dict[str, Binarisation]:
    return {
        layer: v
        if isinstance(v, Binarisation)
        else Binarisation(v["threshold"], tuple(v["sensitivity"]))
        for layer, v in sorted(value.items())
    }


def _plain(value) -> Any:
    """JSON-like values (lists, dicts, numbers, strings) of a setting."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class Section:
    """Shared behaviour of the settings sections: frozen dataclasses whose fields carry
    :func:`config_key` metadata."""

    @classmethod
    def key(cls, name: str) -> str:
        return {f.name: f.metadata["key"] for f in dataclasses.fields(cls)}[name]

    @classmethod
    def from_params(cls, params: Mapping):
        values = {}
        for f in dataclasses.fields(cls):
            convert = f.metadata["convert"]
            values[f.name] = convert(params[f.name]) if convert else params[f.name]
        return cls(**values)

    @classmethod
    def from_config(cls, config: Mapping):
        params = {}
        for f in dataclasses.fields(cls):
            value = config
            for part in f.metadata["key"].split("."):
                value = value[part]
            params[f.name] = value
        return cls.from_params(params)

    def params(self) -> dict:
        return _plain(self)


@dataclass(frozen=True)
class Networks(Section):
    """What building the yearly networks and their source coverage read."""

    states: tuple[str, ...] = field(metadata=config_key("states", _strings))
    hub: str = field(metadata=config_key("hub"))
    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    rule: str = field(metadata=config_key("active_rule"))
    reconciliation: str = field(metadata=config_key("reconciliation"))
    cif_fob_factor: float = field(metadata=config_key("cif_fob_factor"))
    membership_kinds: tuple[str, ...] = field(metadata=config_key("membership_kinds", _strings))
    membership_scopes: tuple[str, ...] = field(metadata=config_key("membership_scopes", _strings))
    membership_implementation: tuple[str, ...] = field(
        metadata=config_key("membership_implementation", _strings)
    )
    subregions: tuple[Subregion, ...] = field(
        metadata=config_key("brokerage.subregions", _subregions)
    )


@dataclass(frozen=True)
class Measures(Section):
    """What measuring one year's networks reads (null models included)."""

    states: tuple[str, ...] = field(metadata=config_key("states", _strings))
    hub: str = field(metadata=config_key("hub"))
    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    binarisation: dict[str, Binarisation] = field(
        metadata=config_key("binarisation", _binarisation)
    )
    partitions: tuple[str, ...] = field(metadata=config_key("brokerage.partitions", _strings))
    brokerage_ties: str = field(metadata=config_key("brokerage.ties"))
    null_replicates: int = field(metadata=config_key("nulls.replicates"))
    null_seed: int = field(metadata=config_key("nulls.seed"))
    null_binary: str = field(metadata=config_key("nulls.binary"))
    null_weighted: str = field(metadata=config_key("nulls.weighted"))
    min_observed_share: float = field(metadata=config_key("missing_data.min_observed_share"))
    require_hub_pairs: bool = field(metadata=config_key("missing_data.require_hub_pairs"))


@dataclass(frozen=True)
class Bloc:
    """A break's bloc in the difference in differences (config ``tests.did.blocs``)."""

    year: int
    org: str


@dataclass(frozen=True)
class Did:
    """The difference in differences of the spokes' trade (config ``tests.did``)."""

    blocs: tuple[Bloc, ...]
    placebo_draws: int
    leads: int
    lags: int
    leave_out: tuple[tuple[str, ...], ...]


def _did(value) -> Did | None:
    if value is None or isinstance(value, Did):
        return value
    blocs = tuple(
        b if isinstance(b, Bloc) else Bloc(b["break"] if "break" in b else b["year"], b["org"])
        for b in value["blocs"]
    )
    return Did(
        blocs=blocs,
        placebo_draws=value["placebo_draws"],
        leads=value["leads"],
        lags=value["lags"],
        leave_out=tuple(tuple(states) for states in value["leave_out"]),
    )


@dataclass(frozen=True)
class PeriodTests(Section):
    """What the period tests of the yearly series read."""

    hub: str = field(metadata=config_key("hub"))
    breaks: tuple[int, ...] = field(metadata=config_key("breaks", tuple))
    permutations: int = field(metadata=config_key("tests.permutations"))
    permutation_scheme: str = field(metadata=config_key("tests.permutation_scheme"))
    seed: int = field(metadata=config_key("tests.seed"))


@dataclass(frozen=True)
class TradeDid(Section):
    """What the difference in differences of the spokes' trade reads."""

    hub: str = field(metadata=config_key("hub"))
    seed: int = field(metadata=config_key("tests.seed"))
    did: Did | None = field(metadata=config_key("tests.did", _did))
    rule: str = field(metadata=config_key("active_rule"))
    membership_kinds: tuple[str, ...] = field(metadata=config_key("membership_kinds", _strings))


class _DefaultThresholds:
    """The sections that read the layers' default binarisation thresholds."""

    def thresholds(self) -> dict[str, float]:
        """The binarisation threshold of each configured layer."""
        return {layer: self.binarisation[layer].threshold for layer in self.layers}


@dataclass(frozen=True)
class Claims(_DefaultThresholds, Section):
    """What evaluating the claims reads (the claims file is the job's input)."""

    hub: str = field(metadata=config_key("hub"))
    breaks: tuple[int, ...] = field(metadata=config_key("breaks", tuple))
    alpha: float = field(metadata=config_key("tests.alpha"))
    min_coverage: float = field(metadata=config_key("coverage.min_share"))
    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    binarisation: dict[str, Binarisation] = field(
        metadata=config_key("binarisation", _binarisation)
    )


@dataclass(frozen=True)
class Benchmarks(Section):
    """What the benchmarks against outside figures read: the gravity benchmark and the checks
    of the source paper's figures (the checks file is the job's input)."""

    hub: str = field(metadata=config_key("hub"))
    reconciliation: str = field(metadata=config_key("reconciliation"))


@dataclass(frozen=True)
class Figures(_DefaultThresholds, Section):
    """What the figures and the explorer read."""

    hub: str = field(metadata=config_key("hub"))
    years: tuple[int, ...] = field(metadata=config_key("years", _year_range))
    breaks: tuple[int, ...] = field(metadata=config_key("breaks", tuple))
    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    binarisation: dict[str, Binarisation] = field(
        metadata=config_key("binarisation", _binarisation)
    )


@dataclass(frozen=True)
class GraphFiles(Section):
    """What writing the graph files reads."""

    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    years: tuple[int, ...] = field(metadata=config_key("years", _year_range))


@dataclass(frozen=True)
class Run(Section):
    """What the Snakefile reads to lay out the jobs: inputs, years, folders and files."""

    inputs: dict[str, str] = field(metadata=config_key("inputs", dict))
    states: tuple[str, ...] = field(metadata=config_key("states", _strings))
    years: tuple[int, ...] = field(metadata=config_key("years", _year_range))
    layers: tuple[str, ...] = field(metadata=config_key("layers", _strings))
    empty_layers: tuple[str, ...] = field(metadata=config_key("empty_layers", _strings))
    did: Did | None = field(metadata=config_key("tests.did", _did))
    years_per_job: int = field(metadata=config_key("years_per_job"))
    grid_years_per_job: int | None = field(metadata=config_key("specifications.years_per_job"))
    max_input_mb: int = field(metadata=config_key("max_input_mb"))
    output_dir: str = field(metadata=config_key("output_dir"))
    graph_files: bool = field(metadata=config_key("graph_files"))
    explorer: bool = field(metadata=config_key("explorer"))
    claims: str = field(metadata=config_key("claims"))
    reference_checks: str = field(metadata=config_key("reference_checks"))

    @property
    def max_input_bytes(self) -> int:
        return self.max_input_mb * 2**20


def setting_key(name: str) -> str:
    """The configuration key of the setting ``name``: a name means one key in every section."""
    (key,) = {s.key(name) for s in SECTIONS if name in {f.name for f in dataclasses.fields(s)}}
    return key


SECTIONS = (
    Networks,
    Measures,
    PeriodTests,
    TradeDid,
    Benchmarks,
    Claims,
    Figures,
    GraphFiles,
    Run,
)
