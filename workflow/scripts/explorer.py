from hubspoke import explorer, tables


def main():
    read = {
        t: tables.read_parquet(snakemake.input[t])
        for t in ("edges", "nodes", "partitions", "hub", "claims")
    }
    data = explorer.explorer_data(
        read["edges"],
        read["nodes"],
        read["partitions"],
        read["hub"],
        read["claims"],
        hub=snakemake.params.hub,
        breaks=snakemake.params.breaks,
        thresholds=snakemake.params.thresholds,
    )
    explorer.write_explorer(
        snakemake.output[0], data, title=f"hubspoke explorer: hub {snakemake.params.hub}"
    )


tables.run_job(main, snakemake.log[0])
