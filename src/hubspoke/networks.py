"""Yearly multiplex networks from the validated input tables.

Layers (one network per year and layer, nodes = the configured states):

- ``trade``: undirected; weight = total bilateral trade (USD millions) = the reconciled flow a->b
  plus the reconciled flow b->a. When either direction has no report at all the pair's weight is
  missing (kept as a row with a null weight and ``weight_source = "missing"``), never zero; a
  reported zero is kept as a row with weight 0 (no tie).
- ``trade_flow``: directed exports a->b, reconciled the same way.
- ``trade_dependence``: directed; weight a->b = the ``trade`` weight of the pair divided by a's
  own reported trade with the World (exports FOB + imports CIF): the share of a's trade that is
  with b, a's dependence on b in Hirschman's (1945) sense. Unknown when the pair's trade or a's
  World total is unknown. Its binary network at a threshold equals the directed binary network
  of ``trade`` at the same threshold (a tie a->b when b's share of a's trade reaches it).
- ``treaty``: undirected; weight = number of bilateral treaties in force between the pair.
- ``membership``: undirected; weight = number of organisations both states belong to.
- ``membership_depth``: the same, each shared organisation weighted by its economic integration
  depth (1 free trade area ... 4 economic union; organisations of depth 0 do not count).

The membership layers and the bloc partition count the memberships of the configured kinds
(``membership_kinds``) in organisations of the configured scopes (``membership_scopes``: e.g.
shared membership of the WTO or NATO is no tie between two post-Soviet states unless ``global``
or ``extra_regional`` is listed) whose implementation record is listed
(``membership_implementation``; organisations of depth 0 carry none and always count).

Reconciliation of a directed flow a->b from its two reports (exporter's FOB export figure,
importer's CIF import figure): ``importer_first`` takes the importer's figure and falls back to
the exporter's, ``exporter_first`` the reverse, ``max`` the larger available one (compared on the
CIF basis); ``importer_only`` and ``exporter_only`` take one report and never fall back (the flow
is unknown without it), so the source never switches. The edge's ``weight_source`` says which
report was used (``importer``, ``exporter``, ``mixed`` for an undirected pair whose two
directions came from different reports). When a rule mixes the two kinds of report, the other
kind is put on the basis of the rule's first kind with ``cif_fob_factor`` (CIF = factor x FOB;
the IMF's usual factor is 1.10, DOTS Guide): importer-first and ``max`` weights are CIF values,
exporter-first weights FOB values. The combined ``edges`` table flags every pair-year whose
report differs from the pair's previous year (``source_switch``, :func:`flag_source_switches`):
with ``importer_first`` in the default data Belarus-to-Russia exports come from Belarus's
reports in 2009-2010, when Russia reports no trade with Belarus, and from Russia's before and
after. A report that exists but is implausible (Kazakhstan's imports from Russia in 2010, about
half of Russia's exports to it) is no switch; compare the rules to see its weight.

Activity rule for treaties and memberships (``active_rule``): ``any_day`` counts a spell in year
*y* when it is in force on any day of *y*; ``year_end`` when it is in force on 31 December.
A treaty is in force from its entry-into-force date, or from its signature when the
entry-into-force date is unknown, until its end date (open when empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

DIRECTED_LAYERS = ("trade_flow", "trade_dependence")
SHARE_LAYERS = ("trade", "trade_flow")  # binarised by a share of the World total
# built from the trade reports: a pair's weight can be unknown (a row with a null weight)
TRADE_LAYERS = ("trade", "trade_flow", "trade_dependence")
RECONCILIATIONS = ("importer_first", "exporter_first", "max", "importer_only", "exporter_only")

EDGE_COLUMNS = ["year", "layer", "source", "target", "weight", "weight_source"]
NODE_COLUMNS = ["year", "layer", "node", "strength", "degree", "binarisation_base"]
PARTITION_COLUMNS = ["year", "partition", "node", "group"]


def is_directed(layer: str) -> bool:
    return layer in DIRECTED_LAYERS


def active_in_year(start: pd.Series, end: pd.Series, year: int, rule: str) -> pd.Series:
    """Boolean mask of spells ``[start, end]`` (end NaT = open) that count in ``year``."""
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    from_ = first if rule == "any_day" else last
    return (start <= last) & (end.isna() | (end >= from_))


def reconcile_flows(
    trade: pd.DataFrame,
    states: Sequence[str],
    years: Sequence[int],
    rule: str,
    cif_fob_factor: float = 1.0,
) -> pd.DataFrame:
    """Directed flows among ``states``: one row per (year, exporter, importer), every pair.

    Returns ``[year, exporter, importer, value_usd_m, weight_source, fob, cif]`` where ``fob`` is
    the exporter's report and ``cif`` the importer's (as reported); ``value_usd_m`` is the
    reconciled value (module docstring), null when the rule's reports do not exist.
    """
    inside = trade[trade["reporter"].isin(states) & trade["partner"].isin(states)]
    fob = inside[inside["flow"] == "export_fob"].rename(
        columns={"reporter": "exporter", "partner": "importer", "value_usd_m": "fob"}
    )[["year", "exporter", "importer", "fob"]]
    cif = inside[inside["flow"] == "import_cif"].rename(
        columns={"reporter": "importer", "partner": "exporter", "value_usd_m": "cif"}
    )[["year", "exporter", "importer", "cif"]]
    grid = pd.MultiIndex.from_product(
        [list(years), list(states), list(states)], names=["year", "exporter", "importer"]
    ).to_frame(index=False)
    grid = grid[grid["exporter"] != grid["importer"]]
    flows = grid.merge(fob, how="left").merge(cif, how="left")
    if rule not in RECONCILIATIONS:
        raise ValueError(f"unknown reconciliation rule {rule!r}")
    on_cif_basis = rule in ("importer_first", "importer_only", "max")
    first, second = ("cif", "fob") if on_cif_basis else ("fob", "cif")
    # the other kind of report on the basis of the first: CIF = factor x FOB
    other = flows[second] * cif_fob_factor if on_cif_basis else flows[second] / cif_fob_factor
    names = {"cif": "importer", "fob": "exporter"}
    use_first = flows[first].notna()
    if rule == "max":
        use_first &= ~(other > flows[first])
    use_second = ~use_first & flows[second].notna() & ~rule.endswith("_only")
    flows["value_usd_m"] = flows[first].where(use_first, other.where(use_second))
    flows["weight_source"] = np.select(
        [use_first, use_second], [names[first], names[second]], default="missing"
    )
    return flows[["year", "exporter", "importer", "value_usd_m", "weight_source", "fob", "cif"]]


def flag_source_switches(edges: pd.DataFrame) -> pd.DataFrame:
    """``edges`` with ``source_switch``: for the trade layers, whether a pair's report
    (``weight_source``) differs from its previous year's; null for other layers, for a pair's
    first year and where this or the previous year's weight is unknown."""
    trade = edges["layer"].isin(TRADE_LAYERS) & (edges["weight_source"] != "missing")
    known = edges[trade.fillna(False).astype(bool)].sort_values(
        ["layer", "source", "target", "year"]
    )
    pair = [known[c] for c in ("layer", "source", "target")]
    previous = known.groupby(pair, sort=False)["weight_source"].shift()
    consecutive = known.groupby(pair, sort=False)["year"].diff() == 1
    switch = (known["weight_source"] != previous).where(previous.notna() & consecutive)
    return edges.assign(source_switch=switch.reindex(edges.index).astype("boolean"))


def _undirected_trade(flows: pd.DataFrame) -> pd.DataFrame:
    a = flows.rename(columns={"exporter": "source", "importer": "target"})
    ab = a[a["source"] < a["target"]]
    ba = a[a["source"] > a["target"]].rename(columns={"source": "target", "target": "source"})
    pair = ab.merge(ba, on=["year", "source", "target"], suffixes=("_ab", "_ba"))
    # sum without skipna: one missing direction leaves the pair's total unknown
    weight = pair["value_usd_m_ab"] + pair["value_usd_m_ba"]
    same = pair["weight_source_ab"] == pair["weight_source_ba"]
    source = np.where(same, pair["weight_source_ab"], "mixed")
    source = np.where(weight.isna(), "missing", source)
    return pd.DataFrame(
        {
            "year": pair["year"],
            "source": pair["source"],
            "target": pair["target"],
            "weight": weight,
            "weight_source": source,
        }
    )


def _dependence(pairs: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """``trade_dependence`` edges from the undirected ``trade`` edges and the World totals."""
    both = pd.concat(
        [pairs, pairs.rename(columns={"source": "target", "target": "source"})], ignore_index=True
    )
    total = base.rename(columns={"node": "source", "trade": "world"})[["year", "source", "world"]]
    both = both.merge(total, on=["year", "source"], how="left")
    return both.assign(weight=both["weight"] / both["world"]).drop(columns="world")


def _pair_counts(members: pd.DataFrame, weight: pd.Series | None = None) -> pd.DataFrame:
    """Pairs of states sharing a group key per year: ``members`` has [year, key, state]."""
    m = members.assign(w=1.0 if weight is None else weight.to_numpy())
    pairs = m.merge(m[["year", "key", "state"]], on=["year", "key"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["state_a"] < pairs["state_b"]]
    out = pairs.groupby(["year", "state_a", "state_b"], as_index=False)["w"].sum()
    return out.rename(columns={"state_a": "source", "state_b": "target", "w": "weight"})


def yearly_spells(
    spells: pd.DataFrame, start: str, end: str, years: Sequence[int], rule: str
) -> pd.DataFrame:
    """Expand spells to the years they count in (adds a ``year`` column)."""
    frames = [
        spells[active_in_year(spells[start], spells[end], y, rule)].assign(year=y) for y in years
    ]
    return pd.concat(frames, ignore_index=True) if frames else spells.assign(year=[])


def treaty_spells(treaties: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """The treaties between two of the states, with ``start``: entry into force, else signature
    (a treaty with neither never counts)."""
    inside = treaties[treaties["state_a"].isin(states) & treaties["state_b"].isin(states)]
    inside = inside.assign(start=inside["in_force"].fillna(inside["signed"]))
    return inside[inside["start"].notna()]


def treaty_edges(
    treaties: pd.DataFrame, states: Sequence[str], years: Sequence[int], rule: str
) -> pd.DataFrame:
    active = yearly_spells(treaty_spells(treaties, states), "start", "ended", years, rule)
    counts = active.groupby(["year", "state_a", "state_b"], as_index=False).size()
    return counts.rename(columns={"state_a": "source", "state_b": "target", "size": "weight"})


def counted_organisations(
    organisations: pd.DataFrame, scopes: Sequence[str], implementation: Sequence[str]
) -> pd.Series:
    """The org_ids of the given scopes whose implementation record is listed (or not coded)."""
    record = organisations["implemented"]
    keep = organisations["scope"].isin(scopes) & (record.isna() | record.isin(implementation))
    return organisations.loc[keep.to_numpy(), "org_id"]


def membership_spells(
    memberships: pd.DataFrame,
    states: Sequence[str],
    kinds: Sequence[str],
    org_ids: Sequence[str],
) -> pd.DataFrame:
    """The membership spells of the states, of the given kinds, in the given organisations."""
    return memberships[
        memberships["state"].isin(states)
        & memberships["kind"].isin(kinds)
        & memberships["org_id"].isin(org_ids)
    ]


def active_memberships(
    memberships: pd.DataFrame,
    states: Sequence[str],
    years: Sequence[int],
    rule: str,
    kinds: Sequence[str],
    org_ids: Sequence[str],
) -> pd.DataFrame:
    """One row per (year, org_id, state) for memberships of the given kinds in the given
    organisations that count."""
    m = membership_spells(memberships, states, kinds, org_ids)
    active = yearly_spells(m, "start", "end", years, rule)
    return active[["year", "org_id", "state"]].drop_duplicates()


def membership_edges(
    active: pd.DataFrame, organisations: pd.DataFrame, depth_weighted: bool
) -> pd.DataFrame:
    members = active.rename(columns={"org_id": "key"})
    if not depth_weighted:
        return _pair_counts(members)
    depth = organisations.set_index("org_id")["depth"]
    members = members.assign(depth=members["key"].map(depth).astype(float))
    members = members[members["depth"] > 0]
    return _pair_counts(members.drop(columns="depth"), members["depth"])


def bloc_partition(
    active: pd.DataFrame,
    organisations: pd.DataFrame,
    states: Sequence[str],
    years: Sequence[int],
    hub: str,
) -> pd.DataFrame:
    """Each state's group per year: the deepest economic integration led by the hub that it
    belongs to.

    Group labels are ``depth_0`` (none) ... ``depth_4`` (economic union), from the ``depth``
    and ``leader`` (the leading state's ISO3 code) columns of the organisations table.
    """
    orgs = organisations.set_index("org_id")
    led = active[(active["org_id"].map(orgs["leader"]) == hub).fillna(False).astype(bool)]
    depth = led.assign(depth=led["org_id"].map(orgs["depth"]).astype(int))
    deepest = depth.groupby(["year", "state"])["depth"].max()
    grid = pd.MultiIndex.from_product([list(years), list(states)], names=["year", "state"])
    level = deepest.reindex(grid, fill_value=0).reset_index()
    return pd.DataFrame(
        {
            "year": level["year"],
            "partition": "bloc",
            "node": level["state"],
            "group": "depth_" + level["depth"].astype(str),
        }
    )


def subregion_partition(subregions: Sequence[Mapping], years: Sequence[int]) -> pd.DataFrame:
    """The fixed partition ``[{group, states}, ...]`` repeated for every year."""
    rows = [
        (y, "subregions", s, g["group"]) for y in years for g in subregions for s in g["states"]
    ]
    return pd.DataFrame(rows, columns=PARTITION_COLUMNS)


def binarisation_base(
    trade_world: pd.DataFrame, states: Sequence[str], years: Sequence[int]
) -> pd.DataFrame:
    """Each state's own reported World totals: [year, node, trade, trade_flow].

    ``trade`` = exports FOB + imports CIF with the World (the base of the ``trade`` share rule),
    ``trade_flow`` = exports FOB to the World. Missing when the reporter has no report.
    """
    w = trade_world[trade_world["reporter"].isin(states)]
    wide = w.pivot_table(
        index=["year", "reporter"], columns="flow", values="value_usd_m", aggfunc="first"
    )
    wide = wide.reindex(columns=["export_fob", "import_cif"])
    grid = pd.MultiIndex.from_product([list(years), list(states)], names=["year", "reporter"])
    wide = wide.reindex(grid)
    return pd.DataFrame(
        {
            "year": grid.get_level_values("year"),
            "node": grid.get_level_values("reporter"),
            "trade": (wide["export_fob"] + wide["import_cif"]).to_numpy(),
            "trade_flow": wide["export_fob"].to_numpy(),
        }
    )


def build_networks(
    inputs: Mapping[str, pd.DataFrame],
    *,
    states: Sequence[str],
    hub: str,
    years: Sequence[int],
    layers: Sequence[str],
    rule: str,
    reconciliation: str,
    cif_fob_factor: float,
    membership_kinds: Sequence[str],
    membership_scopes: Sequence[str],
    membership_implementation: Sequence[str],
    subregions: Sequence[Mapping],
) -> dict[str, pd.DataFrame]:
    """All yearly networks: ``edges``, ``nodes`` and ``partitions`` tables (see module doc)."""
    states = sorted(states)
    flows = reconcile_flows(inputs["trade"], states, years, reconciliation, cif_fob_factor)
    base = binarisation_base(inputs["trade_world"], states, years)
    orgs = inputs["organisations"]
    counted = counted_organisations(orgs, membership_scopes, membership_implementation)
    active = active_memberships(
        inputs["memberships"], states, years, rule, membership_kinds, counted
    )
    builders = {
        "trade": lambda: _undirected_trade(flows),
        "trade_dependence": lambda: _dependence(_undirected_trade(flows), base),
        "trade_flow": lambda: (
            flows.rename(columns={"exporter": "source", "importer": "target"})
            .rename(columns={"value_usd_m": "weight"})
            .drop(columns=["fob", "cif"])
        ),
        "treaty": lambda: treaty_edges(inputs["treaties"], states, years, rule),
        "membership": lambda: membership_edges(active, orgs, depth_weighted=False),
        "membership_depth": lambda: membership_edges(active, orgs, depth_weighted=True),
    }
    frames = []
    for layer in layers:
        e = builders[layer]().assign(layer=layer)
        if "weight_source" not in e:
            e["weight_source"] = None
        # trade layers keep reported zeros (weight 0: no tie, but reported) and missing
        # weights (null) as explicit rows; count layers list the pairs with a tie
        frames.append(e if layer in TRADE_LAYERS else e[e["weight"] > 0])
    edges = pd.concat(frames, ignore_index=True)[EDGE_COLUMNS]
    edges = edges.astype({"year": "int64", "weight": "float64"})
    edges = edges.astype({c: "string" for c in ["layer", "source", "target", "weight_source"]})
    edges = edges.sort_values(["year", "layer", "source", "target"], ignore_index=True)

    nodes = node_table(edges, base, states, years, layers, hub)
    partitions = pd.concat(
        [subregion_partition(subregions, years), bloc_partition(active, orgs, states, years, hub)],
        ignore_index=True,
    ).astype({"year": "int64", "partition": "string", "node": "string", "group": "string"})
    partitions = partitions.sort_values(["year", "partition", "node"], ignore_index=True)
    return {"edges": edges, "nodes": nodes, "partitions": partitions}


def node_table(edges, base, states, years, layers, hub) -> pd.DataFrame:
    present = edges[edges["weight"] > 0]
    ends = pd.concat(
        [
            present[["year", "layer", "source", "weight"]].rename(columns={"source": "node"}),
            present[["year", "layer", "target", "weight"]].rename(columns={"target": "node"}),
        ]
    )
    # directed layers: strength and degree count ties in both directions (total degree)
    agg = ends.groupby(["year", "layer", "node"]).agg(
        strength=("weight", "sum"), degree=("weight", "size")
    )
    grid = pd.MultiIndex.from_product(
        [list(years), list(layers), list(states)], names=["year", "layer", "node"]
    )
    nodes = agg.reindex(grid, fill_value=0).reset_index()
    long_base = base.melt(id_vars=["year", "node"], var_name="layer", value_name="base")
    nodes = nodes.merge(long_base, how="left", on=["year", "layer", "node"])
    nodes = nodes.rename(columns={"base": "binarisation_base"})
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
    if not is_directed(layer):
        W[cols, rows] = e["weight"].to_numpy()
    return W


def unknown_as_nan(W: np.ndarray, edges: pd.DataFrame, states: Sequence[str], layer: str):
    """``W`` with NaN for the pairs of the layer whose weight is unknown (a null weight)."""
    idx = {s: i for i, s in enumerate(states)}
    e = edges[(edges["layer"] == layer) & edges["weight"].isna()]
    W = W.copy()
    W[e["source"].map(idx).to_numpy(), e["target"].map(idx).to_numpy()] = np.nan
    if not is_directed(layer):
        W[e["target"].map(idx).to_numpy(), e["source"].map(idx).to_numpy()] = np.nan
    return W


def binarise(W: np.ndarray, layer: str, threshold: float, base: np.ndarray | None) -> np.ndarray:
    """Directed binary ties of a layer at ``threshold`` (see ``binarisation`` in the config).

    Share layers: tie i->j when W[i, j] >= threshold * base[i] (a state without a World total
    has no outgoing ties). Count layers: tie when W[i, j] >= threshold.
    """
    if layer in SHARE_LAYERS:
        with np.errstate(invalid="ignore"):
            B = W >= threshold * base[:, None]
        B &= np.isfinite(base)[:, None] & (W > 0)
    else:
        B = W >= threshold
    np.fill_diagonal(B, False)
    return B.astype(float)
