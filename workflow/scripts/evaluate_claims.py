from hubspoke import claims, tables


def main():
    read = {
        t: tables.read_parquet(snakemake.input[t])
        for t in ("periods", "tests", "did", "nulls", "hub")
    }
    df = claims.evaluate_claims(
        claims.load_claims(snakemake.input.claims),
        hub=snakemake.params.hub,
        breaks=snakemake.params.breaks,
        alpha=snakemake.params.alpha,
        periods=read["periods"],
        period_tests=read["tests"],
        nulls=read["nulls"],
        hub_metrics=read["hub"],
        min_coverage=snakemake.params.min_coverage,
        did=read["did"],
    )
    prov = tables.file_provenance(dict(snakemake.params), tables.data_inputs(snakemake))
    tables.write_parquet(df, snakemake.output.parquet, prov)
    tables.write_csv(df, snakemake.output.csv)


tables.run_job(main, snakemake.log[0])
