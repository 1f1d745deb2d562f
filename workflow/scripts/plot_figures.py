from hubspoke.stages import figures
from hubspoke.stages.runner import run

run(snakemake, figures.run)
