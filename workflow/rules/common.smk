import dataclasses
import json
import os
import re
import sys
from pathlib import Path

# The workflow's own folder (the repository root), found from this file rather than from the
# main Snakefile, so that it holds when hubspoke is used as a module of another workflow.
HOME = Path(workflow.current_basedir).parents[1]
# The Snakefile and the jobs import the library of this checkout (not another installed copy),
# so that the code the jobs run is the code the rules track as inputs (see lib below).
SRC = HOME / "src"
sys.path.insert(0, str(SRC))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p
    ),
    # one string hashing in every job: pyfixest's fixed-effect solver visits groups in an
    # order that follows it, and its estimates would differ in the last digits from run to run
    PYTHONHASHSEED="0",
)

from hubspoke.config import validate_config
from hubspoke.dag.chunks import year_chunks
from hubspoke.dag.codedeps import ROOT as LIB_ROOT, module_files
from hubspoke.dag.specs import (
    MAIN,
    SpecSettings,
    checked_configs,
    grid,
    settings_table,
    shared_jobs,
    spec_table,
)
from hubspoke.dag.fingerprint import year_fingerprints
from hubspoke.dag.memo import memo_key, recall, remember
from hubspoke.errors import InputError
from hubspoke.inference.claims import load_claims
from hubspoke.inference.reference import load_checks
from hubspoke.layers import NETWORK_INPUTS
from hubspoke.settings import (
    Benchmarks,
    Claims,
    Figures,
    GraphFiles,
    Run,
)
from hubspoke.validate import load_inputs, load_table


def all_reporters(cfg):
    """``states: all``: every reporter of the World totals table (sorted)."""
    run = Run.from_config({**cfg, "states": []})
    path = locate(run.inputs["trade_world"])
    table = load_table(path, "trade_world", max_bytes=run.max_input_bytes)
    return sorted(table["reporter"].unique())


def locate(path):
    """A relative path of the configuration as the working directory has it, else as the
    workflow's own folder has it (the default data and claims of a deployed module), relative
    to the working directory so that moving a project does not rerun its jobs."""
    if Path(path).is_absolute() or Path(path).exists() or not (HOME / path).exists():
        return path
    return os.path.relpath(HOME / path)


def staging_dir(run):
    return f".staging/{run.output_dir}"


def checked_config():
    """The configuration with defaults filled in, after checking the configuration (schema,
    then cross-field rules), the claims and the reference checks. Returns it and its
    :class:`~hubspoke.settings.Run` section (relative paths located)."""
    cfg = validate_config(
        config,
        Path(workflow.current_basedir) / "../schemas/config.schema.yaml",
        source="config",
        all_states=all_reporters,
    )
    # keys sorted at every level: the rules' parameters then do not depend on the order in
    # which the configuration files list them (Snakemake reruns a job whose params differ)
    cfg = json.loads(json.dumps(cfg, sort_keys=True))
    run = Run.from_config(cfg)
    run = dataclasses.replace(
        run,
        inputs={name: locate(path) for name, path in run.inputs.items()},
        claims=locate(run.claims),
        reference_checks=locate(run.reference_checks),
    )
    for name, load in (("claims", load_claims), ("reference_checks", load_checks)):
        path = getattr(run, name)
        if not Path(path).is_file():
            raise InputError("config", "file not found", key=Run.key(name), value=path)
        load(path)
    return cfg, run


def input_fingerprints(run, analyses):
    """The per-year fingerprints of each (states, activity rule) of ``analyses``, after
    checking the input tables against each other and the configuration; remembered while the
    input files, the configuration and the checking code stay the same
    (hubspoke.dag.memo)."""
    memo = f"{staging_dir(run)}/inputs/checked.json"
    key = memo_key(run.inputs, config)
    fingerprints = recall(memo, key)
    if fingerprints is not None and analyses <= fingerprints.keys():
        return fingerprints
    inputs = load_inputs(
        run.inputs,
        validated={t: f"{staging_dir(run)}/inputs/{t}.parquet" for t in run.inputs},
        states=run.states,
        years=run.years,
        did_orgs=[bloc.org for bloc in (run.did.blocs if run.did else ())],
        layers=run.layers,
        empty_layers=run.empty_layers,
        max_bytes=run.max_input_bytes,
    )
    network_inputs = {t: inputs[t] for t in NETWORK_INPUTS}
    fingerprints = {
        (states, rule): year_fingerprints(
            network_inputs, run.years, sorted(states), rule
        )
        for states, rule in analyses
    }
    remember(memo, key, fingerprints)
    return fingerprints


def checked_spec(cfg, source):
    """A specification's configuration, checked like the main one (hubspoke.dag.specs)."""
    cfg = validate_config(
        cfg,
        Path(workflow.current_basedir) / "../schemas/config.schema.yaml",
        source=source,
    )
    return json.loads(json.dumps(cfg, sort_keys=True))


# Bad input stops the run here, before any job starts, with one line naming the file or
# config key, the row, the column and the value; results/ is left exactly as it was.
try:
    checked, RUN = checked_config()
    config.update(checked)
    SPEC_CONFIGS = checked_configs(config, checked_spec)
except InputError as err:
    sys.exit(f"hubspoke: error: {err}")

STATES = sorted(RUN.states)
INPUT_TABLES = sorted(RUN.inputs)
# the typed settings each stage reads (hubspoke.settings), passed whole as the rules' params:
# those of the main specification, and per specification of the grid (hubspoke.dag.specs)
BENCHMARKS = Benchmarks.from_config(config)
CLAIMS = Claims.from_config(config)
FIGURES = Figures.from_config(config)
GRAPH_FILES = GraphFiles.from_config(config)
SPEC = {name: SpecSettings.from_config(cfg) for name, cfg in SPEC_CONFIGS.items()}
SPECS = list(SPEC)
GRID = grid(config)
SPEC_TABLE = spec_table(GRID, config)
SETTINGS_TABLE = settings_table(GRID, SPEC_CONFIGS)
CLAIM_IDS = [claim["id"] for claim in load_claims(RUN.claims)]
# the specification whose job each specification reads, per stage: equal settings, one job
SHARED = shared_jobs(SPEC)
ANALYSES = sorted(set(SHARED["analysis"].values()))
print(
    f"hubspoke: {len(SPECS)} specifications (the main one and {len(SPECS) - 1} of the grid),"
    f" {len(ANALYSES)} of them with their own yearly analysis",
    file=sys.stderr,
)
# one fingerprint per year of the input rows that year reads (see hubspoke.dag.fingerprint),
# per state set and activity rule of the analyses
_read_as = {
    name: (SPEC[name].networks.states, SPEC[name].networks.rule) for name in ANALYSES
}
try:
    _fingerprints = input_fingerprints(RUN, set(_read_as.values()))
except InputError as err:
    sys.exit(f"hubspoke: error: {err}")
FINGERPRINTS = {name: _fingerprints[_read_as[name]] for name in ANALYSES}
# the yearly jobs of each analysis, each a few consecutive years (see hubspoke.dag.chunks)
CHUNKS = {
    name: year_chunks(
        list(SPEC[name].run.years),
        SPEC[name].run.years_per_job if name == MAIN else RUN.grid_years_per_job,
    )
    for name in ANALYSES
}
NETWORK_TABLES = ["edges", "nodes", "partitions"]
YEAR_TABLES = [
    *NETWORK_TABLES,
    "centralization",
    "hub",
    "brokerage",
    "multiplex",
    "nulls",
]
METRIC_TABLES = ["centralization", "hub", "brokerage", "multiplex"]


wildcard_constraints:
    chunk=r"\d{4}-\d{4}",
    spec="|".join(re.escape(name) for name in SPECS),


def lib(*modules):
    """Library source files of the stage modules a rule's script runs and of everything they
    import, so that editing one reruns the rule.

    The paths are relative to the working directory, so that moving the project does not
    change the rules' inputs (which would rerun every job)."""
    src = Path(os.path.relpath(SRC / "hubspoke"))
    return [
        str(src / p.relative_to(LIB_ROOT))
        for p in module_files("stages.runner", *modules)
    ]


# Jobs write into STAGING; the publish job links their files into the output folder once every
# job has succeeded, so a failed or interrupted run leaves it as the last complete run left it
# (Snakemake deletes the outputs of a job before it runs and when it fails). Staging files and
# logs are kept per output folder, so that configurations with their own output_dir run side by
# side.
PUBLISHED = RUN.output_dir
STAGING = staging_dir(RUN)
LOGS = f"logs/{PUBLISHED}"


def staged(path):
    return f"{STAGING}/{path}"


def spec_staged(path, spec="{spec}"):
    """A file of one specification's jobs (the main one's are published)."""
    return staged(f"specs/{spec}/{path}")


def shared_staged(stage, path):
    """An input function: the file of the specification whose ``stage`` job a specification
    reads (:func:`hubspoke.dag.specs.shared_jobs`)."""
    return lambda w: spec_staged(path, SHARED[stage][w.spec])


def main_staged(path):
    return spec_staged(path, MAIN)


def logged(path):
    return f"{LOGS}/{path}"


def published_files():
    """Every file to publish: staged path -> path under the output folder. The main
    specification's tables are published as the run's own."""
    main_tables = [
        *(f"years/{c}/{t}.parquet" for c in CHUNKS[MAIN] for t in YEAR_TABLES),
        *(f"networks/{t}.parquet" for t in NETWORK_TABLES),
        *(f"metrics/{t}.parquet" for t in METRIC_TABLES),
        *(f"tests/{t}.parquet" for t in ["nulls", "periods", "period_tests", "did"]),
    ]
    run_files = [
        *(f"inputs/{t}.parquet" for t in INPUT_TABLES),
        *(
            f"tests/{t}"
            for t in [
                "claims.parquet",
                "claims.csv",
                "robustness.parquet",
                "specifications.parquet",
                "reference_checks.parquet",
                "reference_checks.csv",
                "reference_not_checkable.parquet",
                "reference_not_checkable.csv",
                "gravity.parquet",
                "gravity_fit.parquet",
            ]
        ),
        *(f"figures/{f}.png" for f in ["series", "trade_networks", "brokerage"]),
        *(f"figures/specification_curves/{claim}.png" for claim in CLAIM_IDS),
        *(["explorer.html"] if RUN.explorer else []),
    ]
    files = {main_staged(path): f"{PUBLISHED}/{path}" for path in main_tables}
    files |= {staged(path): f"{PUBLISHED}/{path}" for path in run_files}
    if RUN.graph_files:  # a folder: publish places each file in it
        files[staged("graphs")] = f"{PUBLISHED}/graphs"
    return files


# Jobs too small to be worth a cluster job run on the submitting machine.
localrules:
    combine_years,
    evaluate_claims,
    assess_robustness,
    plot_specification_curves,
    check_references,
    plot_figures,
    export_graphs,
    explorer,
    publish,
