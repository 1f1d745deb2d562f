from hubspoke import figures, tables


def main():
    figures.plot_brokerage(
        tables.read_parquet(snakemake.input.brokerage),
        hub=snakemake.params.hub,
        thresholds=snakemake.params.thresholds,
        path=snakemake.output[0],
    )


tables.run_job(main, snakemake.log[0])
