from hubspoke.stages import explorer
from hubspoke.stages.runner import run

run(snakemake, explorer.run)
