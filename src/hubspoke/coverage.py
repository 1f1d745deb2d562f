"""Which layer-years their sources cover (the ``sources`` input table, config key ``coverage``).

Every source ends somewhere: DCAD's defence agreements and MIGO's memberships in 2010, COW IGO
in 2014, ATOP in 2018 (``data/raw/sources.csv`` gives each source's window with its citation).
A treaty or membership recorded by a source stays in the network after the source ends (it has
no end date there), but nothing new of that source enters and nothing of it ends: after 2010 the
binary treaty layer is flat because its sources stop, not because history does. So a flat
series after a break is evidence of no change only where the layer's sources still cover the
years.

Per layer and year (:func:`layer_coverage`):

``coverage``
    the share of the layer's input rows in force in the year (trade reports with a value;
    treaties; the membership spells the layer counts) whose source covers the year; null when
    no row is in force.
``uncovered_sources``
    the sources that feed the layer (a row of the states in any configured year) but do not
    cover the year, comma-separated; null when every one does.

A layer-year is *covered* (:func:`covered`) when its coverage is at least
``coverage.min_share``, or when it has no row in force and no source of the layer has ended.
:mod:`hubspoke.inference.claims` reads an uncovered layer-year as missing in condition and
null-model tests, and never reads a period test over uncovered years as evidence that nothing
changed.

A row's source is the text of its ``source`` column before the first ``;`` or ``:``
(``"curated: Treaty on ..."`` is ``curated``, ``"DESTA+HUGGO; end: ..."`` is ``DESTA+HUGGO``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hubspoke import layers as registry
from hubspoke.settings import Networks

COLUMNS = ["year", "layer", "coverage", "uncovered_sources"]


def source_key(source: pd.Series) -> pd.Series:
    """The source of each row: its ``source`` text up to the first ``;`` or ``:``."""
    texts = source.drop_duplicates()  # a few sources, many rows
    keys = texts.str.extract(r"^([^;:]*)", expand=False).str.strip()
    return source.map(pd.Series(keys.to_numpy(), index=texts.to_numpy())).astype(keys.dtype)


def layer_coverage(
    inputs: Mapping[str, pd.DataFrame], years: Sequence[int], settings: Networks
) -> pd.DataFrame:
    """``coverage`` and ``uncovered_sources`` of every layer-year (:data:`COLUMNS`).

    ``inputs`` holds the validated input tables, ``sources`` among them; ``settings`` say which
    rows a layer reads.
    """
    windows = inputs["sources"].set_index("source")
    years = sorted(int(y) for y in years)
    context = registry.Context(inputs, years, settings)
    frames = []
    for layer in settings.layers:
        rows = registry.get(layer).read_rows(context)
        key = source_key(rows["source"])
        year = rows["year"].to_numpy()
        covers = (year >= key.map(windows["first_year"]).to_numpy()) & (
            year <= key.map(windows["last_year"]).to_numpy()
        )
        share = pd.Series(covers, index=year).groupby(level=0).mean()
        feeding = windows.loc[sorted(set(key))]
        ended = [
            ", ".join(feeding.index[(feeding["first_year"] > y) | (feeding["last_year"] < y)])
            or None
            for y in years
        ]
        frames.append(
            pd.DataFrame(
                {
                    "year": years,
                    "layer": layer,
                    "coverage": share.reindex(years).to_numpy(dtype=np.float64),
                    "uncovered_sources": ended,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return out.astype(
        {"year": "int64", "layer": "string", "coverage": "float64", "uncovered_sources": "string"}
    )


def annotate(table: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """``table`` (with ``year`` and ``layer``) with its layer-years' coverage columns appended."""
    out = table.merge(coverage, on=["year", "layer"], how="left", validate="many_to_one")
    return out.astype({"coverage": "float64", "uncovered_sources": "string"})


def covered(coverage: pd.Series, uncovered_sources: pd.Series, min_share: float) -> pd.Series:
    """Whether each layer-year counts as covered by its sources (see the module docstring)."""
    share = coverage.astype("float64")
    no_rows = share.isna() & uncovered_sources.isna()
    return (share >= min_share) | no_rows
