from hubspoke.stages import plot_specification_curves
from hubspoke.stages.runner import run

run(snakemake, plot_specification_curves.run)
