from hubspoke import pipeline, tables
from hubspoke.settings import Measures, Networks


def main():
    paths = tables.data_inputs(snakemake)
    p = snakemake.params
    tables_ = pipeline.analyse_years(
        paths,
        p.years,
        p.fingerprints,
        Networks.from_params(p.networks),
        Measures.from_params(p.measures),
    )
    for name, (df, prov) in tables_.items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
