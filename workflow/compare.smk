# hubspoke comparison: the same measures and period tests of several finished runs (the
# post-Soviet default and the examples of config/examples/), one long table. Run each listed
# run first, then: snakemake --cores 1 -s workflow/compare.smk
import os
import sys
from pathlib import Path

SRC = Path(workflow.current_basedir).parent / "src"
sys.path.insert(0, str(SRC))
# the jobs import the library of this checkout (as in rules/common.smk)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p
    ),
    PYTHONHASHSEED="0",
)

from hubspoke.dag.codedeps import ROOT as LIB_ROOT, module_files
from hubspoke.errors import InputError
from hubspoke.inference.comparison import Comparison, validate_comparison
from hubspoke.stages.compare_runs import RUN_TABLES


configfile: "config/comparison.yaml"


try:
    COMPARISON = Comparison.from_config(
        validate_comparison(
            config,
            Path(workflow.current_basedir) / "schemas/comparison.schema.yaml",
            source="comparison config",
        )
    )
except InputError as err:
    sys.exit(f"hubspoke: error: {err}")

# where each run publishes the tables the comparison reads
RUN_PATHS = {
    "periods": "tests/periods.parquet",
    "period_tests": "tests/period_tests.parquet",
    "nulls": "tests/nulls.parquet",
    "nodes": "networks/nodes.parquet",
    "claims": "tests/claims.parquet",
}
for run in COMPARISON.runs:
    if not Path(run.results, RUN_PATHS["claims"]).is_file():
        sys.exit(
            f"hubspoke: error: comparison config, key runs, run {run.name!r}: no finished run"
            f" in {run.results}/ (run its configuration first)"
        )
OUT = COMPARISON.output_dir


rule all:
    default_target: True
    input:
        f"{OUT}/comparison.parquet",


rule compare_runs:
    input:
        **{
            table: [f"{run.results}/{RUN_PATHS[table]}" for run in COMPARISON.runs]
            for table in RUN_TABLES
        },
        code=[
            os.path.relpath(SRC / "hubspoke" / p.relative_to(LIB_ROOT))
            for p in module_files("stages.runner", "stages.compare_runs")
        ],
    output:
        comparison=f"{OUT}/comparison.parquet",
        comparison_csv=f"{OUT}/comparison.csv",
        claims=f"{OUT}/comparison_claims.parquet",
        claims_csv=f"{OUT}/comparison_claims.csv",
    log:
        f"logs/{OUT}/compare_runs.log",
    conda:
        "envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        settings=COMPARISON.params(),
    script:
        "scripts/compare_runs.py"
