"""All measures of one year's multiplex network, as long tables.

For each layer the weighted network gives the weighted centralizations and hub indices; each
threshold of the layer's sensitivity list gives a binary network (``layers.binarise``) on
which the binary centralizations, hub indices and Gould-Fernandez brokerage are computed.
Binary centralization and hub indices use the undirected binary graph (a tie when either
direction passes the threshold) for undirected layers and the directed graph for directed
layers; brokerage uses the ties of the configured rule (``brokerage.broker_ties``: by default a
tie when either side passes the threshold). Multiplex measures and null models use
the default threshold.

A layer-year that is not observed well enough (:mod:`hubspoke.measures.observed`) keeps its rows
with null values and a ``note`` saying why; ``observed_share`` is the share of its pairs observed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hubspoke import layers as registry
from hubspoke.measures import brokerage, centralization, hubness, multiplex, nulls, observed
from hubspoke.seeds import series_seed
from hubspoke.settings import Measures

WEIGHTED_MEASURES = ("strength", "betweenness", "closeness", "eigenvector")
BINARY_MEASURES = ("degree", "betweenness", "closeness", "eigenvector")

# Hub-and-spoke indices tested against null models, per variant (binary graph at the default
# threshold, weighted graph); the null of each variant comes from the config (nulls.binary,
# nulls.weighted; see hubspoke.measures.nulls).
NULL_METRICS = {
    "binary": {
        "star_likeness": hubness.star_likeness,
        "spoke_density": hubness.spoke_density,
        "degree_centralization": lambda A, hub: centralization.centralization(A, "degree"),
    },
    "weighted": {
        "star_likeness": hubness.star_likeness,
        "hub_share": hubness.hub_share,
    },
}
# The hub-and-spoke direction of each index: the null p-values are one-sided in it (README).
NULL_ALTERNATIVES = {
    "star_likeness": "greater",
    "hub_share": "greater",
    "degree_centralization": "greater",
    "spoke_density": "less",
}


def _hub_rows(A, hub, measures, directed, weighted):
    """Centralization values and the hub's score and rank on each centrality."""
    cent, hub_rows = [], []
    for m in measures:
        scores = centralization.centrality(A, m, directed=directed, weighted=weighted)
        cent.append((m, centralization.centralization(A, m, directed=directed, weighted=weighted)))
        hub_rows.append((f"score_{m}", scores[hub]))
        hub_rows.append((f"rank_{m}", float(hubness.hub_rank(scores, hub))))
    return cent, hub_rows


def _structure_rows(A, hub):
    return [
        ("spoke_density", hubness.spoke_density(A > 0, hub)),
        ("star_likeness", hubness.star_likeness(A, hub)),
        ("constraint", hubness.constraint(A)[hub]),
        ("effective_size", hubness.effective_size(A)[hub]),
    ]


def _undirected(B: np.ndarray) -> np.ndarray:
    return np.maximum(B, B.T)


def compute_year(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    partitions: pd.DataFrame,
    year: int,
    settings: Measures,
) -> dict[str, pd.DataFrame]:
    """One year's ``centralization``, ``hub``, ``brokerage``, ``multiplex`` and ``nulls`` tables."""
    states, hub = sorted(settings.states), settings.hub
    h = states.index(hub)
    groups = {
        p: partitions[partitions["partition"] == p].set_index("node")["group"].reindex(states)
        for p in settings.partitions
    }
    cent, hubs, brok, default_binary, observation = [], [], [], {}, {}
    for layer in settings.layers:
        declared = registry.get(layer)
        directed = declared.directed
        W = registry.adjacency(edges, states, layer)
        base = (
            nodes[nodes["layer"] == layer]
            .set_index("node")["binarisation_base"]
            .reindex(states)
            .to_numpy()
        )
        observation[layer] = observed.layer_observation(
            edges,
            base,
            states,
            hub,
            layer,
            min_observed_share=settings.min_observed_share,
            require_hub_pairs=settings.require_hub_pairs,
        )
        c, hrows = _hub_rows(W, h, WEIGHTED_MEASURES, directed, weighted=True)
        hrows += [("hub_share", hubness.hub_share(W, h)), *_structure_rows(W, h)]
        if declared.dependence:
            D = registry.unknown_as_nan(W, edges, states, layer)
            hrows += list(hubness.dependence_asymmetry(D, h).items())
        cent += [(layer, "weighted", np.nan, m, v) for m, v in c]
        hubs += [(layer, "weighted", np.nan, m, v) for m, v in hrows]
        rule = settings.binarisation[layer]
        for theta in sorted(rule.sensitivity):
            B = registry.binarise(W, layer, theta, base)
            A = B if directed else _undirected(B)
            c, hrows = _hub_rows(A, h, BINARY_MEASURES, directed, weighted=False)
            hrows += _structure_rows(A, h)
            cent += [(layer, "binary", theta, m, v) for m, v in c]
            hubs += [(layer, "binary", theta, m, v) for m, v in hrows]
            brok.append((layer, float(theta), brokerage.broker_ties(B, settings.brokerage_ties)))
            if theta == rule.threshold:
                default_binary[layer] = _undirected(B)
    out = {
        "centralization": _frame(cent, year, ["layer", "variant", "threshold", "measure", "value"]),
        "hub": _frame(hubs, year, ["layer", "variant", "threshold", "metric", "value"]),
        "brokerage": _brokerage_frame(brok, groups, states, year),
        "multiplex": _multiplex_frame(default_binary, h, hub, year),
        "nulls": _nulls_frame(edges, states, h, year, default_binary, settings, observation),
    }
    return _mask_unobserved(out, observation)


# The value columns of each table that are null for a layer-year that is not measured.
MEASURED_COLUMNS = {
    "centralization": ["value"],
    "hub": ["value"],
    "brokerage": ["count", "expected", "sd", "z"],
    "nulls": ["observed", "null_mean", "null_sd", "z", "p_value"],
}


def _mask_unobserved(
    out: dict[str, pd.DataFrame], observation: Mapping[str, tuple[float, str | None]]
) -> dict[str, pd.DataFrame]:
    """Null the values of unmeasured layer-years (see :mod:`hubspoke.measures.observed`); add the
    ``observed_share`` and ``note`` columns (``nulls`` has its own ``note``)."""
    share = {layer: s for layer, (s, _) in observation.items()}
    why = {layer: note for layer, (_, note) in observation.items()}
    for name, columns in MEASURED_COLUMNS.items():
        df = out[name]
        note = df["layer"].map(why).astype("string")
        unmeasured = note.notna().to_numpy()
        df.loc[unmeasured, columns] = np.nan
        if name == "nulls":
            df["note"] = note.fillna(df["note"])
        else:
            df["observed_share"] = df["layer"].map(share).astype("float64")
            df["note"] = note
    unmeasured = {layer for layer, note in why.items() if note is not None}
    multi = out["multiplex"]
    multi["note"] = pd.Series(pd.NA, index=multi.index, dtype="string")
    if unmeasured:
        # a layer overlap or a hub index across layers involving an unmeasured layer is unknown
        involved = (
            multi["layer_a"].isin(unmeasured)
            | multi["layer_b"].isin(unmeasured)
            | multi["node"].notna()
        )
        multi.loc[involved, "value"] = np.nan
        multi.loc[involved, "note"] = "involves a layer not measured this year: " + ", ".join(
            sorted(unmeasured)
        )
    return out


def _frame(rows, year, columns) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df.insert(0, "year", year)
    df = df.astype({"year": "int64", "threshold": "float64", "value": "float64"})
    return df.astype({c: "string" for c in columns if df[c].dtype == object})


def _brokerage_frame(graphs, groups, states, year) -> pd.DataFrame:
    """Brokerage of every ``(layer, threshold, ties)`` graph of the year in every partition,
    one batched kernel call per partition."""
    stack = np.stack([ties for *_, ties in graphs])
    k, n, r = len(graphs), len(states), len(brokerage.TABLE_ROLES)
    frames = []
    for p, g in groups.items():
        counts, expected, sd, z = brokerage.brokerage_stats(stack, pd.factorize(g, sort=True)[0])
        frames.append(
            pd.DataFrame(
                {
                    "layer": np.repeat([layer for layer, *_ in graphs], n * r),
                    "threshold": np.repeat([theta for _, theta, _ in graphs], n * r),
                    "partition": p,
                    "node": np.tile(np.repeat(states, r), k),
                    "role": np.tile(brokerage.TABLE_ROLES, k * n),
                    "count": counts.ravel(),
                    "expected": expected.ravel(),
                    "sd": sd.ravel(),
                    "z": z.ravel(),
                }
            )
        )
    cols = ["year", "layer", "threshold", "partition", "node", "role"]
    df = pd.concat(frames, ignore_index=True).assign(year=year)
    df = df[[*cols, "count", "expected", "sd", "z"]]
    df = df.astype(
        {
            "year": "int64",
            "layer": "string",
            "threshold": "float64",
            "partition": "string",
            "node": "string",
            "role": "string",
            "count": "Int64",
            "expected": "float64",
            "sd": "float64",
            "z": "float64",
        }
    )
    return df.sort_values(cols, ignore_index=True)


MULTIPLEX_TYPES = {
    "year": "int64",
    "metric": "string",
    "layer_a": "string",
    "layer_b": "string",
    "node": "string",
    "value": "float64",
}


def _multiplex_frame(binary_layers, h, hub, year) -> pd.DataFrame:
    overlap = multiplex.edge_overlap(binary_layers)
    pairs = overlap.melt(id_vars=["layer_a", "layer_b"], var_name="metric", value_name="value")
    hub_rows = pd.DataFrame(
        {
            "metric": ["hub_multiplex_degree", "hub_participation"],
            "node": hub,
            "value": [
                float(multiplex.multiplex_degree(binary_layers, h)),
                multiplex.participation_coefficient(binary_layers, h),
            ],
        }
    )
    frames = [
        f.assign(year=year).reindex(columns=list(MULTIPLEX_TYPES)).astype(MULTIPLEX_TYPES)
        for f in (pairs, hub_rows)
    ]
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["metric", "layer_a", "layer_b"], ignore_index=True)


def _nulls_frame(edges, states, h, year, default_binary, settings: Measures, observation):
    models = {"binary": settings.null_binary, "weighted": settings.null_weighted}
    frames = []
    for layer in settings.layers:
        if registry.get(layer).directed:
            continue  # the null models are for undirected graphs
        # a layer-year that is not measured gets its rows but no replicates: its values are
        # nulled anyway (_mask_unobserved)
        measured = observation[layer][1] is None
        W = registry.adjacency(edges, states, layer)
        for variant, A in (("binary", default_binary[layer]), ("weighted", W)):
            layer_seed = int(series_seed(settings.null_seed, (layer, variant)).generate_state(1)[0])
            t = nulls.run_nulls(
                {year: A},
                h,
                metrics=NULL_METRICS[variant],
                n_replicates=settings.null_replicates if measured else 0,
                seed=layer_seed,
                preserve=models[variant],
                alternatives=NULL_ALTERNATIVES,
                sizes_by_year={year: W.sum(axis=1)},  # the fitness null's node sizes
            )
            frames.append(t.assign(layer=layer, variant=variant, null_model=models[variant]))
    df = pd.concat(frames, ignore_index=True)
    cols = ["year", "layer", "variant", "null_model", "metric"]
    rest = [c for c in df.columns if c not in cols]
    strings = {c: "string" for c in ("layer", "variant", "null_model", "metric", "note")}
    df = df[cols + rest].astype(strings)
    return df.sort_values(cols, ignore_index=True)
