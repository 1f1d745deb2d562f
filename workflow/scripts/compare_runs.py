from hubspoke.stages import compare_runs
from hubspoke.stages.runner import run

run(snakemake, compare_runs.run)
