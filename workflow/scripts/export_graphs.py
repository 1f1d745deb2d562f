from pathlib import Path

from hubspoke import graphfiles, tables


def main():
    graphfiles.write_layer(
        Path(snakemake.output[0]).parent,  # the layer's GEXF lies in the graphs folder
        snakemake.wildcards.layer,
        snakemake.params.years,
        tables.read_parquet(snakemake.input.edges),
        tables.read_parquet(snakemake.input.nodes),
        tables.read_parquet(snakemake.input.partitions),
    )


tables.run_job(main, snakemake.log[0])
