from hubspoke import reference, tables


def main():
    checks = snakemake.input.checks
    df = reference.evaluate_reference_checks(
        reference.load_checks(checks),
        tables.read_parquet(snakemake.input.trade),
        tables.read_parquet(snakemake.input.trade_world),
        reconciliation=snakemake.params.reconciliation,
    )
    prov = tables.file_provenance(dict(snakemake.params), tables.data_inputs(snakemake))
    tables.write_parquet(df, snakemake.output.parquet, prov)
    tables.write_csv(df, snakemake.output.csv)
    statements = reference.not_checkable_table(reference.load_not_checkable(checks))
    not_checkable_prov = tables.provenance(checks=tables.sha256_file(checks))
    tables.write_parquet(statements, snakemake.output.not_checkable, not_checkable_prov)
    tables.write_csv(statements, snakemake.output.not_checkable_csv)


tables.run_job(main, snakemake.log[0])
