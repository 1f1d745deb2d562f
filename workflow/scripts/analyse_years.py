from hubspoke import pipeline, tables


def main():
    paths = {t: snakemake.input[t] for t in snakemake.input.keys() if t != "code"}
    params = dict(snakemake.params)
    tables_ = pipeline.analyse_years(paths, params.pop("years"), params)
    for name, (df, prov) in tables_.items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
