import json
import os
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

from hubspoke.chunks import year_chunks
from hubspoke.claims import load_claims
from hubspoke.codedeps import ROOT as LIB_ROOT, module_files
from hubspoke.config import validate_config
from hubspoke.errors import InputError
from hubspoke.fingerprint import year_fingerprints
from hubspoke.graphfiles import layer_paths
from hubspoke.layers import NETWORK_INPUTS
from hubspoke.reference import load_checks
from hubspoke.settings import Measures, Networks, PeriodTests, TradeDid
from hubspoke.validate import load_inputs, load_table


def config_years(cfg):
    return list(range(cfg["years"]["start"], cfg["years"]["end"] + 1))


def all_reporters(cfg):
    """``states: all``: every reporter of the World totals table (sorted)."""
    path = locate(cfg["inputs"]["trade_world"])
    table = load_table(path, "trade_world", max_bytes=cfg["max_input_mb"] * 2**20)
    return sorted(table["reporter"].unique())


def locate(path):
    """A relative path of the configuration as the working directory has it, else as the
    workflow's own folder has it (the default data and claims of a deployed module), relative
    to the working directory so that moving a project does not rerun its jobs."""
    if Path(path).is_absolute() or Path(path).exists() or not (HOME / path).exists():
        return path
    return os.path.relpath(HOME / path)


def staging_dir(cfg):
    return f".staging/{cfg['output_dir']}"


def checked_config():
    """The configuration with defaults filled in, after checking everything a run reads:
    the configuration (schema, then cross-field rules), the input tables (against each other
    and the configuration), the claims and the reference checks. Returns it with the loaded
    input tables."""
    cfg = validate_config(
        config,
        Path(workflow.current_basedir) / "../schemas/config.schema.yaml",
        source="config",
        all_states=all_reporters,
    )
    cfg["inputs"] = {name: locate(path) for name, path in cfg["inputs"].items()}
    for key in ("claims", "reference_checks"):
        cfg[key] = locate(cfg[key])
    inputs = load_inputs(
        cfg["inputs"],
        validated={t: f"{staging_dir(cfg)}/inputs/{t}.parquet" for t in cfg["inputs"]},
        states=cfg["states"],
        years=config_years(cfg),
        did_orgs=[b["org"] for b in (cfg["tests"]["did"] or {}).get("blocs", [])],
        layers=cfg["layers"],
        empty_layers=cfg["empty_layers"],
        max_bytes=cfg["max_input_mb"] * 2**20,
    )
    for key, load in (("claims", load_claims), ("reference_checks", load_checks)):
        if not Path(cfg[key]).is_file():
            raise InputError("config", "file not found", key=key, value=cfg[key])
        load(cfg[key])
    # keys sorted at every level: the rules' parameters then do not depend on the order in
    # which the configuration files list them (Snakemake reruns a job whose params differ)
    return json.loads(json.dumps(cfg, sort_keys=True)), inputs


# Bad input stops the run here, before any job starts, with one line naming the file or
# config key, the row, the column and the value; results/ is left exactly as it was.
try:
    checked, inputs = checked_config()
    config.update(checked)
except InputError as err:
    sys.exit(f"hubspoke: error: {err}")

YEARS = config_years(config)
STATES = sorted(config["states"])
INPUT_TABLES = sorted(config["inputs"])
# the typed settings each stage reads (hubspoke.settings), passed whole as the rules' params
NETWORKS = Networks.from_config(config)
MEASURES = Measures.from_config(config)
PERIOD_TESTS = PeriodTests.from_config(config)
TRADE_DID = TradeDid.from_config(config)
# one fingerprint per year of the input rows that year reads (see hubspoke.fingerprint)
FINGERPRINTS = year_fingerprints(
    {t: inputs[t] for t in NETWORK_INPUTS}, YEARS, STATES, NETWORKS.rule
)
del inputs  # the tables can be large (the world input): free them before the jobs run
# the yearly jobs, each a few consecutive years (see hubspoke.chunks)
CHUNK_YEARS = year_chunks(YEARS, config["years_per_job"])
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


def lib(*modules):
    """Library source files a rule's script uses (transitively), so editing one reruns it.

    The paths are relative to the working directory, so that moving the project does not
    change the rules' inputs (which would rerun every job)."""
    src = Path(os.path.relpath(SRC / "hubspoke"))
    return [
        str(src / p.relative_to(LIB_ROOT)) for p in module_files("tables", *modules)
    ]


# Jobs write into STAGING; the publish job links their files into the output folder once every
# job has succeeded, so a failed or interrupted run leaves it as the last complete run left it
# (Snakemake deletes the outputs of a job before it runs and when it fails). Staging files and
# logs are kept per output folder, so that configurations with their own output_dir run side by
# side.
PUBLISHED = config["output_dir"]
STAGING = staging_dir(config)
LOGS = f"logs/{PUBLISHED}"


def staged(path):
    return f"{STAGING}/{path}"


def logged(path):
    return f"{LOGS}/{path}"


def graph_files(layer):
    """The graph files of a layer (one job writes them all), staged; the GEXF first."""
    return [str(p) for p in layer_paths(staged("graphs"), layer, YEARS).values()]


def staged_outputs():
    """Every file the jobs write, under STAGING: the files to publish."""
    return [
        *expand(f"{STAGING}/inputs/{{table}}.parquet", table=INPUT_TABLES),
        *expand(
            f"{STAGING}/years/{{chunk}}/{{table}}.parquet",
            chunk=CHUNK_YEARS,
            table=YEAR_TABLES,
        ),
        *expand(f"{STAGING}/networks/{{table}}.parquet", table=NETWORK_TABLES),
        *expand(f"{STAGING}/metrics/{{table}}.parquet", table=METRIC_TABLES),
        *expand(
            f"{STAGING}/tests/{{table}}.parquet",
            table=[
                "nulls",
                "periods",
                "period_tests",
                "did",
                "claims",
                "reference_checks",
                "reference_not_checkable",
                "gravity",
                "gravity_fit",
            ],
        ),
        *expand(
            f"{STAGING}/tests/{{table}}.csv",
            table=["claims", "reference_checks", "reference_not_checkable"],
        ),
        *expand(
            f"{STAGING}/figures/{{figure}}.png",
            figure=["series", "trade_networks", "brokerage"],
        ),
        *(
            path
            for layer in (config["layers"] if config["graph_files"] else [])
            for path in graph_files(layer)
        ),
        f"{STAGING}/explorer.html",
    ]


# Jobs too small to be worth a cluster job run on the submitting machine.
localrules:
    combine_years,
    evaluate_claims,
    check_references,
    plot_series,
    plot_trade_networks,
    plot_brokerage,
    export_graphs,
    explorer,
    publish,
