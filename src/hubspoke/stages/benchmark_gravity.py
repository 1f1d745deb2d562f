"""Stage ``benchmark_gravity``: the hub's and the spokes' shares of the flows against what the
GDPs and geography predict (:func:`hubspoke.inference.gravity.gravity_benchmark`), and the fit."""

from __future__ import annotations

import pandas as pd

from hubspoke import tables
from hubspoke.inference import gravity
from hubspoke.settings import Benchmarks
from hubspoke.stages.runner import Job


def run(job: Job) -> dict[str, pd.DataFrame]:
    settings = Benchmarks.from_params(job.params["settings"])
    t = job.read("gdp", "geography", "borders")
    # the flow layer's rows only: the world's edges have 6.7 million rows of six layers
    edges = tables.read_parquet(job.inputs["edges"], **gravity.FLOW_READ)
    panel = gravity.benchmark_panel(edges, t["gdp"], t["geography"], t["borders"])
    shares, fit = gravity.gravity_benchmark(panel, settings.hub)
    return {"gravity": shares, "gravity_fit": fit}
