from hubspoke import periods, tables


def main():
    paths = {t: snakemake.input[t] for t in snakemake.input.keys() if t != "code"}
    for name, (df, prov) in periods.benchmark_gravity(paths, snakemake.params.hub).items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
