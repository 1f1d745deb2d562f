from hubspoke import periods, tables
from hubspoke.settings import TradeDid

settings = TradeDid.from_params(snakemake.params.settings)
tables.run_stage(snakemake, lambda paths: periods.test_did(paths, settings))
