from hubspoke.stages import evaluate_claims
from hubspoke.stages.runner import run

run(snakemake, evaluate_claims.run)
