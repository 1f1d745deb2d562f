from hubspoke import periods, tables
from hubspoke.settings import PeriodTests

settings = PeriodTests.from_params(snakemake.params.settings)
tables.run_stage(snakemake, lambda paths: periods.test_periods(paths, settings))
