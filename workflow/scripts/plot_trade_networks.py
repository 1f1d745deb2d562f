from hubspoke import figures, tables

figures.plot_trade_networks(
    tables.read_parquet(snakemake.input.edges),
    tables.read_parquet(snakemake.input.nodes),
    years=snakemake.params.years,
    hub=snakemake.params.hub,
    path=snakemake.output[0],
)
