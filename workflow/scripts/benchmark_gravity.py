from hubspoke.stages import benchmark_gravity
from hubspoke.stages.runner import run

run(snakemake, benchmark_gravity.run)
