"""Statistics across years: period tests, the difference in differences of the spokes' trade,
the claims' verdicts and the checks of the source paper's figures."""
