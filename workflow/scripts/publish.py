from hubspoke.stages import publish
from hubspoke.stages.runner import run

run(snakemake, publish.run)
