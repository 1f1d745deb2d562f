from hubspoke.stages import validate_inputs
from hubspoke.stages.runner import run

run(snakemake, validate_inputs.run)
