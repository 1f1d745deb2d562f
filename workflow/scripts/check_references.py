from hubspoke.stages import check_references
from hubspoke.stages.runner import run

run(snakemake, check_references.run)
