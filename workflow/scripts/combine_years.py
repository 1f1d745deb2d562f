from hubspoke.stages import combine_years
from hubspoke.stages.runner import run

run(snakemake, combine_years.run)
