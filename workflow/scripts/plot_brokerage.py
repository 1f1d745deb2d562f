from hubspoke import figures, tables

figures.plot_brokerage(
    tables.read_parquet(snakemake.input.brokerage),
    hub=snakemake.params.hub,
    thresholds=snakemake.params.thresholds,
    path=snakemake.output[0],
)
