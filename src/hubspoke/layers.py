"""The layer registry: every network layer declared once, and everything that follows from it.

A :class:`Layer` says what a layer is (name, directedness, unit and meaning of its weights),
which input table it reads, how it is built (``build``: edges from the run's
:class:`Context`), how it is binarised (``share``: by a share of each state's World total,
else by the weight itself) and whether its weights can be unknown (``from_reports``: built from
the trade reports, where a pair without reports is unknown, not zero). :data:`INPUT_ROWS` says,
for each input table a layer reads, which of its rows a year reads (its states, its year or the
spell it is in force). Building the networks (:func:`build_networks`), their matrices
(:func:`adjacency`, :func:`binarise`), the per-year fingerprints (:mod:`hubspoke.dag.fingerprint`),
the empty-input check (:mod:`hubspoke.validate`), source coverage (:mod:`hubspoke.coverage`),
the missing-data rule (:mod:`hubspoke.measures.observed`) and the configuration's layer names
(:mod:`hubspoke.config`) all read the registry, so a layer added with :func:`register` is built,
measured, tested and documented like the others.

The built-in layers (weights per year; the builders are in :mod:`hubspoke.networks`, whose
docstring explains reconciliation and the activity rule):

- ``trade``: undirected; total bilateral trade (USD millions) = the reconciled flow a->b plus
  the reconciled flow b->a; unknown when either direction has no report; a reported zero is
  kept (weight 0: no tie).
- ``trade_flow``: directed exports a->b (USD millions), reconciled the same way.
- ``trade_dependence``: directed; the ``trade`` weight of the pair divided by a's own reported
  trade with the World: the share of a's trade that is with b (Hirschman 1945). Its binary
  network at a threshold equals the directed binary network of ``trade`` at that threshold.
- ``treaty``: undirected; the number of bilateral treaties in force between the pair.
- ``membership``: undirected; the number of organisations both states belong to.
- ``membership_depth``: the same, each shared organisation weighted by its economic integration
  depth (1 free trade area ... 4 economic union; organisations of depth 0 do not count).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from hubspoke import networks
from hubspoke.settings import Networks

EDGE_COLUMNS = ["year", "layer", "source", "target", "weight", "weight_source"]


@dataclass(frozen=True)
class InputRows:
    """Which rows of an input table a year reads: rows whose ``states`` columns all name
    configured states and that belong to the year (``year`` column) or are in force in it (a
    spell from the first known of the ``start`` columns to ``end``, open when empty); with
    ``value``, rows count only where that column is known."""

    states: tuple[str, ...]
    year: str | None = None
    start: tuple[str, ...] = ()
    end: str | None = None
    value: str | None = None

    def spell_start(self, table: pd.DataFrame) -> pd.Series:
        start = table[self.start[0]]
        for column in self.start[1:]:
            start = start.fillna(table[column])
        return start

    def in_scope(self, table: pd.DataFrame, states: Sequence[str]) -> np.ndarray:
        return np.logical_and.reduce([table[c].isin(list(states)).to_numpy() for c in self.states])

    def known(self, table: pd.DataFrame) -> np.ndarray:
        if self.value is None:
            return np.ones(len(table), dtype=bool)
        return table[self.value].notna().to_numpy()

    def in_span(self, table: pd.DataFrame, first: int, last: int) -> np.ndarray:
        """Rows of some year of ``first``-``last``, or in force on some day of them."""
        if self.year is not None:
            return table[self.year].between(first, last).to_numpy()
        start, end = self.spell_start(table), table[self.end]
        inside = (start <= pd.Timestamp(last, 12, 31)) & (
            end.isna() | (end >= pd.Timestamp(first, 1, 1))
        )
        return inside.to_numpy()

    def years_of(self, table: pd.DataFrame, years: Sequence[int], rule: str) -> pd.DataFrame:
        """``[row, year]``: each row's position in ``table`` and each year it is read in."""
        if self.year is not None:
            inside = table[self.year].isin(list(years)).to_numpy()
            year = table[self.year].to_numpy()[inside]
            return pd.DataFrame({"row": np.flatnonzero(inside), "year": year})
        spells = pd.DataFrame(
            {"row": np.arange(len(table)), "start": self.spell_start(table).to_numpy(),
             "end": table[self.end].to_numpy()}
        )  # fmt: skip
        return networks.yearly_spells(spells, "start", "end", years, rule)[["row", "year"]]


INPUT_ROWS: dict[str, InputRows] = {
    "trade": InputRows(states=("reporter", "partner"), year="year", value="value_usd_m"),
    "trade_world": InputRows(states=("reporter",), year="year"),
    # a treaty is in force from its entry into force, else from its signature
    "treaties": InputRows(states=("state_a", "state_b"), start=("in_force", "signed"), end="ended"),
    "memberships": InputRows(states=("state",), start=("start",), end="end"),
}


# The input tables the yearly networks and their source coverage are built from (the
# analyse_years jobs read these and only these; their fingerprints cover them).
NETWORK_INPUTS = ("memberships", "organisations", "sources", "trade", "trade_world", "treaties")


class Context:
    """What the layer builders share in one run: the validated inputs, the network settings
    and the intermediate tables several layers use (computed once, when first needed)."""

    def __init__(
        self, inputs: Mapping[str, pd.DataFrame], years: Sequence[int], settings: Networks
    ):
        self.inputs, self.years, self.settings = inputs, list(years), settings
        self.states = sorted(settings.states)

    @cached_property
    def flows(self) -> pd.DataFrame:
        s = self.settings
        return networks.reconcile_flows(
            self.inputs["trade"], self.states, self.years, s.reconciliation, s.cif_fob_factor
        )

    @cached_property
    def base(self) -> pd.DataFrame:
        return networks.binarisation_base(self.inputs["trade_world"], self.states, self.years)

    @cached_property
    def counted_organisations(self) -> pd.Series:
        s = self.settings
        return networks.counted_organisations(
            self.inputs["organisations"], s.membership_scopes, s.membership_implementation
        )

    @cached_property
    def active_memberships(self) -> pd.DataFrame:
        s = self.settings
        return networks.active_memberships(
            self.inputs["memberships"],
            self.states,
            self.years,
            s.rule,
            s.membership_kinds,
            self.counted_organisations,
        )


@dataclass(frozen=True)
class Layer:
    """One network layer (module docstring). ``build(context)`` returns its edges
    ``[year, source, target, weight]`` (and ``weight_source`` where weights come from reports);
    an undirected layer lists each pair once with ``source < target``. ``share`` names the
    column of :func:`hubspoke.networks.binarisation_base` that the binary ties are a share of
    (None: a tie when the weight reaches the threshold). ``dependence``: the hub metrics of
    asymmetric dependence are computed on it. ``counts(context, table)``: which rows of its
    table the layer counts, beyond the states and the years (None: all of them). ``reads``:
    the network settings (fields of :class:`~hubspoke.settings.Networks`) its edges depend on
    beyond the states and the years; specifications that agree on them share the jobs that
    read this layer alone (:func:`hubspoke.dag.specs.shared_jobs`)."""

    name: str
    directed: bool
    unit: str
    meaning: str
    table: str
    build: Callable[[Context], pd.DataFrame]
    share: str | None = None
    from_reports: bool = False
    dependence: bool = False
    counts: Callable[[Context, pd.DataFrame], np.ndarray] | None = None
    reads: tuple[str, ...] = ()

    def read_rows(self, context: Context) -> pd.DataFrame:
        """``[year, source]``: one row per input row the layer reads in each year (the rows of
        its table among the states, of or in force in the year, that it ``counts``)."""
        table = context.inputs[self.table]
        keep = self.rows.in_scope(table, context.states) & self.rows.known(table)
        if self.counts is not None:
            keep &= self.counts(context, table)
        table = table[keep]
        read = self.rows.years_of(table, context.years, context.settings.rule)
        return pd.DataFrame(
            {"year": read["year"].to_numpy(), "source": table["source"].to_numpy()[read["row"]]}
        )

    @property
    def rows(self) -> InputRows:
        return INPUT_ROWS[self.table]


LAYERS: dict[str, Layer] = {}


def register(layer: Layer) -> Layer:
    """Add ``layer`` to the registry (its name must be new, its table one of INPUT_ROWS)."""
    if layer.name in LAYERS:
        raise ValueError(f"layer {layer.name!r} is already registered")
    if layer.table not in INPUT_ROWS:
        raise ValueError(f"layer {layer.name!r}: unknown input table {layer.table!r}")
    LAYERS[layer.name] = layer
    return layer


def get(name: str) -> Layer:
    try:
        return LAYERS[name]
    except KeyError:
        raise ValueError(f"unknown layer {name!r}, expected one of {sorted(LAYERS)}") from None


# what the trade layers' edges depend on: the reconciled flows (Context.flows)
TRADE_READS = ("reconciliation", "cif_fob_factor")
# the layer of directed flows that the gravity models read (hubspoke.inference.gravity)
FLOW_LAYER = "trade_flow"


def _trade_flow(c: Context) -> pd.DataFrame:
    return c.flows.rename(
        columns={"exporter": "source", "importer": "target", "value_usd_m": "weight"}
    ).drop(columns=["fob", "cif"])


def _treaties(c: Context) -> pd.DataFrame:
    rows, treaties = INPUT_ROWS["treaties"], c.inputs["treaties"]
    spells = treaties[rows.in_scope(treaties, c.states)]
    spells = spells.assign(start=rows.spell_start(spells))
    return networks.treaty_edges(spells, c.years, c.settings.rule)


def _membership_layer(name: str, unit: str, meaning: str, depth_weighted: bool) -> Layer:
    """A layer of shared memberships: the counted spells (of the counted kinds in the counted
    organisations; of depth > 0 when ``depth_weighted``), each weighted by 1 or by depth."""

    def build(c: Context) -> pd.DataFrame:
        orgs = c.inputs["organisations"]
        return networks.membership_edges(c.active_memberships, orgs, depth_weighted)

    def counts(c: Context, memberships: pd.DataFrame) -> np.ndarray:
        orgs = c.counted_organisations
        if depth_weighted:
            table = c.inputs["organisations"]
            orgs = orgs[orgs.isin(table.loc[table["depth"].to_numpy() > 0, "org_id"])]
        kinds = memberships["kind"].isin(c.settings.membership_kinds)
        return (kinds & memberships["org_id"].isin(orgs)).to_numpy()

    return Layer(
        name, directed=False, unit=unit, meaning=meaning, table="memberships", build=build,
        counts=counts,
        reads=("rule", "membership_kinds", "membership_scopes", "membership_implementation"),
    )  # fmt: skip


for _layer in (
    Layer(
        "trade",
        directed=False,
        unit="USD millions",
        meaning="total bilateral trade: the reconciled flows a->b plus b->a",
        table="trade",
        build=lambda c: networks.undirected_trade(c.flows),
        share="trade",
        from_reports=True,
        reads=TRADE_READS,
    ),
    Layer(
        "trade_flow",
        directed=True,
        unit="USD millions",
        meaning="exports a->b, reconciled",
        table="trade",
        build=_trade_flow,
        share="trade_flow",
        from_reports=True,
        reads=TRADE_READS,
    ),
    Layer(
        "trade_dependence",
        directed=True,
        unit="share",
        meaning="the share of a's trade with the World that is with b",
        table="trade",
        build=lambda c: networks.dependence(networks.undirected_trade(c.flows), c.base),
        from_reports=True,
        dependence=True,
        reads=TRADE_READS,
    ),
    Layer(
        "treaty",
        directed=False,
        unit="treaties",
        meaning="bilateral treaties in force",
        table="treaties",
        build=_treaties,
        reads=("rule",),
    ),
    _membership_layer("membership", "organisations", "organisations both states belong to", False),
    _membership_layer(
        "membership_depth",
        "depth points",
        "shared organisations weighted by economic integration depth (1-4)",
        True,
    ),
):
    register(_layer)


def markdown_table() -> str:
    """The registry as the README's layer table (``python -m hubspoke.layers`` prints it; a
    test checks that the README holds the current one)."""
    lines = [
        "| layer | directed | weight unit | weight | input | binary tie |",
        "|---|---|---|---|---|---|",
    ]
    for layer in LAYERS.values():
        tie = (
            f"weight ≥ threshold x the state's World total (`{layer.share}`)"
            if layer.share
            else "weight ≥ threshold"
        )
        unknown = "; null when unknown" if layer.from_reports else ""
        lines.append(
            f"| `{layer.name}` | {'yes' if layer.directed else 'no'} | {layer.unit} | "
            f"{layer.meaning}{unknown} | `{layer.table}` | {tie} |"
        )
    return "\n".join(lines) + "\n"


def build_networks(
    inputs: Mapping[str, pd.DataFrame], years: Sequence[int], settings: Networks
) -> dict[str, pd.DataFrame]:
    """All yearly networks: ``edges``, ``nodes`` and ``partitions`` tables."""
    context = Context(inputs, years, settings)
    hub, layers = settings.hub, settings.layers
    frames = []
    for name in layers:
        layer = get(name)
        e = layer.build(context).assign(layer=name)
        if "weight_source" not in e:
            e["weight_source"] = None
        # layers from reports keep reported zeros (weight 0: no tie, but reported) and unknown
        # weights (null) as explicit rows; the other layers list the pairs with a tie
        frames.append(e if layer.from_reports else e[e["weight"] > 0])
    edges = pd.concat(frames, ignore_index=True)[EDGE_COLUMNS]
    edges = edges.astype({"year": "int64", "weight": "float64"})
    edges = edges.astype({c: "string" for c in ["layer", "source", "target", "weight_source"]})
    edges = edges.sort_values(["year", "layer", "source", "target"], ignore_index=True)

    nodes = node_table(edges, context.base, context.states, context.years, layers, hub)
    active = context.active_memberships
    orgs = inputs["organisations"]
    partitions = pd.concat(
        [
            networks.subregion_partition(settings.subregions, context.years),
            networks.bloc_partition(active, orgs, context.states, context.years, hub),
        ],
        ignore_index=True,
    ).astype({"year": "int64", "partition": "string", "node": "string", "group": "string"})
    partitions = partitions.sort_values(["year", "partition", "node"], ignore_index=True)
    return {"edges": edges, "nodes": nodes, "partitions": partitions}


def node_table(edges, base, states, years, layers, hub) -> pd.DataFrame:
    """Per year, layer and state: strength, degree (ties in both directions for directed
    layers), the World total its share ties are measured against, and whether it is the hub."""
    present = edges[edges["weight"] > 0]
    ends = pd.concat(
        [
            present[["year", "layer", "source", "weight"]].rename(columns={"source": "node"}),
            present[["year", "layer", "target", "weight"]].rename(columns={"target": "node"}),
        ]
    )
    agg = ends.groupby(["year", "layer", "node"]).agg(
        strength=("weight", "sum"), degree=("weight", "size")
    )
    grid = pd.MultiIndex.from_product(
        [list(years), list(layers), list(states)], names=["year", "layer", "node"]
    )
    nodes = agg.reindex(grid, fill_value=0).reset_index()
    shares = {name: get(name).share for name in layers if get(name).share is not None}
    long_base = pd.concat(
        [
            base[["year", "node", column]]
            .rename(columns={column: "binarisation_base"})
            .assign(layer=name)
            for name, column in shares.items()
        ]
        or [pd.DataFrame(columns=["year", "node", "binarisation_base", "layer"])]
    )
    nodes = nodes.merge(long_base, how="left", on=["year", "layer", "node"])
    nodes = nodes.assign(is_hub=nodes["node"] == hub)
    nodes = nodes.astype(
        {
            "year": "int64",
            "layer": "string",
            "node": "string",
            "strength": "float64",
            "degree": "int64",
            "binarisation_base": "float64",
        }
    )
    return nodes.sort_values(["year", "layer", "node"], ignore_index=True)


def adjacency(edges: pd.DataFrame, states: Sequence[str], layer: str) -> np.ndarray:
    """Weighted adjacency matrix of one year's layer; missing-weight rows are absent ties."""
    idx = {s: i for i, s in enumerate(states)}
    e = edges[(edges["layer"] == layer) & edges["weight"].notna()]
    W = np.zeros((len(states), len(states)))
    rows = e["source"].map(idx).to_numpy()
    cols = e["target"].map(idx).to_numpy()
    W[rows, cols] = e["weight"].to_numpy()
    if not get(layer).directed:
        W[cols, rows] = e["weight"].to_numpy()
    return W


def unknown_as_nan(W: np.ndarray, edges: pd.DataFrame, states: Sequence[str], layer: str):
    """``W`` with NaN for the pairs of the layer whose weight is unknown (a null weight)."""
    idx = {s: i for i, s in enumerate(states)}
    e = edges[(edges["layer"] == layer) & edges["weight"].isna()]
    W = W.copy()
    W[e["source"].map(idx).to_numpy(), e["target"].map(idx).to_numpy()] = np.nan
    if not get(layer).directed:
        W[e["target"].map(idx).to_numpy(), e["source"].map(idx).to_numpy()] = np.nan
    return W


def binarise(W: np.ndarray, layer: str, threshold: float, base: np.ndarray | None) -> np.ndarray:
    """Directed binary ties of a layer at ``threshold`` (see ``binarisation`` in the config).

    Share layers: tie i->j when W[i, j] >= threshold * base[i] (a state without a World total
    has no outgoing ties). Other layers: tie when W[i, j] >= threshold.
    """
    if get(layer).share is not None:
        with np.errstate(invalid="ignore"):
            B = W >= threshold * base[:, None]
        B &= np.isfinite(base)[:, None] & (W > 0)
    else:
        B = W >= threshold
    np.fill_diagonal(B, False)
    return B.astype(float)


if __name__ == "__main__":
    print(markdown_table(), end="")
