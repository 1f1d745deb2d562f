from hubspoke import reference, tables


def main():
    df = reference.evaluate_reference_checks(
        reference.load_checks(snakemake.input.checks),
        tables.read_parquet(snakemake.input.trade),
        tables.read_parquet(snakemake.input.trade_world),
        reconciliation=snakemake.params.reconciliation,
    )
    prov = tables.provenance(
        dict(snakemake.params),
        **{t: tables.sha256_file(p) for t, p in snakemake.input.items() if t != "code"},
    )
    tables.write_parquet(df, snakemake.output.parquet, prov)
    tables.write_csv(df, snakemake.output.csv)


tables.run_job(main, snakemake.log[0])
