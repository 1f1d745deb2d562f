from hubspoke import periods, tables
from hubspoke.settings import TradeDid


def main():
    paths = {t: snakemake.input[t] for t in snakemake.input.keys() if t != "code"}
    settings = TradeDid.from_params(snakemake.params.settings)
    for name, (df, prov) in periods.test_did(paths, settings).items():
        tables.write_parquet(df, snakemake.output[name], prov)


tables.run_job(main, snakemake.log[0])
