from hubspoke.stages import export_graphs
from hubspoke.stages.runner import run

run(snakemake, export_graphs.run)
