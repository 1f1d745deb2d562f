from hubspoke.stages import analyse_years
from hubspoke.stages.runner import run

run(snakemake, analyse_years.run)
