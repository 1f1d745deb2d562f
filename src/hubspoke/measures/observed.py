"""Which layer-years are observed well enough to measure (config key ``missing_data``).

A trade pair whose weight is missing (neither report exists) is unknown, not zero: measuring a
network with unknown ties as if they were absent would read missing data as "no trade". In 1992,
49 of the 105 pairs of the post-Soviet states are missing, 9 of them Russia's, which alone would
rank Russia second in that year's trade layer.

Rule: a layer-year of a layer built from the trade reports (``from_reports`` in
:mod:`hubspoke.layers`) is measured only when (1) at least ``min_observed_share`` of its pairs
(ordered pairs for the directed layers) have a weight, (2) with ``require_hub_pairs``, every
pair of the hub has one, and (3) for the layers binarised by a share of the World total, every
state has that total (without it a state's ties at a threshold are unknown; ``trade_dependence``
carries the total in its weights already). Otherwise every measure of that layer-year is null
and its ``note`` says why. Treaty and membership layers have no unknown pairs (a pair without a
treaty or shared organisation has none), so they are always measured.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hubspoke import layers as registry


def layer_observation(
    edges: pd.DataFrame,
    base: np.ndarray,
    states: Sequence[str],
    hub: str,
    layer: str,
    *,
    min_observed_share: float,
    require_hub_pairs: bool,
) -> tuple[float, str | None]:
    """``(observed_share, note)`` of one year's layer; ``note`` is None when it is measured.

    ``edges`` holds the year's rows of the layer (trade layers have a row for every pair, with a
    null weight when unknown); ``base`` the states' World totals in the order of ``states``.
    """
    declared = registry.get(layer)
    if not declared.from_reports:
        return 1.0, None
    n = len(states)
    pairs = n * (n - 1) if declared.directed else n * (n - 1) // 2
    rows = edges[edges["layer"] == layer]
    known = rows["weight"].notna()
    share = float(known.sum()) / pairs if pairs else 1.0
    reasons = []
    if share < min_observed_share:
        reasons.append(
            f"{int(known.sum())} of {pairs} pairs observed ({share:.0%}), below "
            f"missing_data.min_observed_share {min_observed_share:g}"
        )
    hub_rows = (rows["source"] == hub) | (rows["target"] == hub)
    hub_missing = int((hub_rows & ~known).sum())
    if require_hub_pairs and hub_missing:
        reasons.append(f"{hub_missing} of the hub's pairs missing")
    without_base = [s for s, b in zip(states, base, strict=True) if not np.isfinite(b)]
    if declared.share is not None and without_base:
        reasons.append(f"no World total of {', '.join(without_base)}")
    return share, "; ".join(reasons) or None
