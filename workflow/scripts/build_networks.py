from pathlib import Path

from hubspoke import pipeline, tables


def main():
    paths = {t: snakemake.input[t] for t in snakemake.input.keys() if t != "code"}
    built = pipeline.build_networks(paths, dict(snakemake.params))
    folder = Path(snakemake.output.edges).parent
    for key, (df, prov) in built.items():
        tables.write_parquet(df, folder / f"{key}.parquet", prov)


tables.run_job(main, snakemake.log[0])
