from hubspoke import periods, tables

tables.run_stage(snakemake, lambda paths: periods.benchmark_gravity(paths, snakemake.params.hub))
