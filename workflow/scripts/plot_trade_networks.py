from hubspoke import figures, tables


def main():
    figures.plot_trade_networks(
        tables.read_parquet(snakemake.input.edges),
        tables.read_parquet(snakemake.input.nodes),
        years=figures.period_midyears(snakemake.params.years, snakemake.params.breaks),
        hub=snakemake.params.hub,
        path=snakemake.output[0],
    )


tables.run_job(main, snakemake.log[0])
