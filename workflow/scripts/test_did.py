from hubspoke.stages import test_did
from hubspoke.stages.runner import run

run(snakemake, test_did.run)
