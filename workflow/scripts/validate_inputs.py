from hubspoke import tables, validate


def main():
    paths = {t: snakemake.input[t] for t in snakemake.output.keys()}
    for name, (df, prov) in validate.validate_inputs(paths).items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
