from hubspoke import figures, tables


def main():
    figures.plot_series(
        tables.read_parquet(snakemake.input.centralization),
        tables.read_parquet(snakemake.input.hub),
        breaks=snakemake.params.breaks,
        path=snakemake.output[0],
    )


tables.run_job(main, snakemake.log[0])
