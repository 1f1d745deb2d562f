"""The building blocks of the yearly networks: reconciled trade flows, treaty and membership
spells, the states' World totals and the partitions. The layers themselves are declared in
:mod:`hubspoke.layers`, which builds them from these blocks.

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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hubspoke.settings import Subregion

RECONCILIATIONS = ("importer_first", "exporter_first", "max", "importer_only", "exporter_only")

PARTITION_COLUMNS = ["year", "partition", "node", "group"]


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
    # only layers built from reports have a weight_source
    trade = edges["weight_source"].notna() & (edges["weight_source"] != "missing")
    rows = np.flatnonzero(trade.fillna(False).to_numpy(dtype=bool))
    known = edges.iloc[rows]
    # integer codes sorted by pair, then year (the world's edges have millions of rows: no
    # sorted copy of the string columns, no groupby over them)
    codes = [pd.factorize(known[c])[0] for c in ("layer", "source", "target")]
    year = known["year"].to_numpy()
    order = np.lexsort((year, *reversed(codes)))
    report = pd.factorize(known["weight_source"])[0][order]
    same_pair = np.logical_and.reduce([c[order][1:] == c[order][:-1] for c in codes])
    follows = np.concatenate([[False], same_pair & (np.diff(year[order]) == 1)])
    switch = np.concatenate([[False], report[1:] != report[:-1]])
    values, defined = np.zeros(len(edges), dtype=bool), np.zeros(len(edges), dtype=bool)
    values[rows[order]] = switch
    defined[rows[order]] = follows
    out = edges.copy(deep=False)  # a new frame sharing the columns: no copy of millions of rows
    out["source_switch"] = pd.arrays.BooleanArray(values, ~defined)
    return out


def undirected_trade(flows: pd.DataFrame) -> pd.DataFrame:
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


def dependence(pairs: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
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


def treaty_edges(spells: pd.DataFrame, years: Sequence[int], rule: str) -> pd.DataFrame:
    """Pairs with the number of treaties in force; ``spells``: the treaties among the states,
    with ``start`` (when each is in force from, see :data:`hubspoke.layers.INPUT_ROWS`)."""
    active = yearly_spells(spells, "start", "ended", years, rule)
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


def subregion_partition(subregions: Sequence[Subregion], years: Sequence[int]) -> pd.DataFrame:
    """The fixed partition (config ``brokerage.subregions``) repeated for every year."""
    rows = [(y, "subregions", s, g.group) for y in years for g in subregions for s in g.states]
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
