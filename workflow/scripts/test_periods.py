from hubspoke.stages import test_periods
from hubspoke.stages.runner import run

run(snakemake, test_periods.run)
