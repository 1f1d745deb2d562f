from hubspoke import pipeline, tables


def main():
    paths = {t: snakemake.input[t] for t in snakemake.input.keys() if t != "code"}
    year = int(snakemake.wildcards.year)
    for name, (df, prov) in pipeline.analyse_year(paths, year, snakemake.params).items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
