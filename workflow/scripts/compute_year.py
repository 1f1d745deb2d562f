from hubspoke import tables, yearly


def main():
    read = {t: tables.read_parquet(snakemake.input[t]) for t in ("edges", "nodes", "partitions")}
    year = int(snakemake.wildcards.year)
    out = yearly.compute_year(**read, year=year, **snakemake.params)
    prov = tables.provenance(
        dict(snakemake.params),
        **{t: tables.sha256_file(snakemake.input[t]) for t in read},
    )
    for name, df in out.items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
