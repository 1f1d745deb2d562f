from hubspoke.stages import assess_robustness
from hubspoke.stages.runner import run

run(snakemake, assess_robustness.run)
