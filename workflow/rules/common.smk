import sys
from pathlib import Path

# The jobs import the installed library (`pip install -e .`); the Snakefile itself also
# works from a plain checkout.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from hubspoke.codedeps import ROOT as LIB_ROOT, module_files
from hubspoke.config import validate_config
from hubspoke.errors import InputError
from hubspoke.fingerprint import year_fingerprints

# Validate the configuration (schema with defaults, then cross-field rules); a bad
# configuration stops here with one line naming the key and value, before any job runs.
try:
    config.update(
        validate_config(
            config,
            Path(workflow.current_basedir) / "../schemas/config.schema.yaml",
            source="config",
        )
    )
except InputError as err:
    sys.exit(f"hubspoke: error: {err}")

YEARS = list(range(config["years"]["start"], config["years"]["end"] + 1))
STATES = sorted(config["states"])
INPUT_TABLES = ["trade", "trade_world", "treaties", "organisations", "memberships"]
# one fingerprint per year of the raw rows that year reads (see hubspoke.fingerprint)
FINGERPRINTS = year_fingerprints(config["inputs"], YEARS, STATES, config["active_rule"])
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
    year=r"\d{4}",


def lib(*modules):
    """Library source files a rule's script uses (transitively), so editing one reruns it."""
    src = Path(workflow.basedir) / "src" / "hubspoke"
    return [
        str(src / p.relative_to(LIB_ROOT)) for p in module_files("tables", *modules)
    ]


def final_outputs():
    return [
        *expand("results/networks/{table}.parquet", table=NETWORK_TABLES),
        *expand("results/metrics/{table}.parquet", table=METRIC_TABLES),
        "results/tests/nulls.parquet",
        "results/tests/periods.parquet",
        "results/tests/period_tests.parquet",
        "results/tests/claims.parquet",
        "results/tests/reference_checks.parquet",
        "results/figures/series.png",
        "results/figures/trade_networks.png",
        "results/figures/brokerage.png",
    ]


# Jobs too small to be worth a cluster job run on the submitting machine.
localrules:
    combine_years,
    evaluate_claims,
    check_references,
    plot_series,
    plot_trade_networks,
    plot_brokerage,
