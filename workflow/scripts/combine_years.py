from hubspoke import pipeline, tables


def main():
    for name in snakemake.output.keys():
        df, prov = pipeline.combine(name, snakemake.input[name])
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
