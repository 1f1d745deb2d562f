"""Network measures and null models: pure functions on adjacency matrices and one year's
tables, run by the yearly jobs (``analyse_years``)."""
