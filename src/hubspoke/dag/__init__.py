"""What the Snakefile computes while it builds the job graph, before any job runs: the years of
each yearly job, the library files each rule depends on, the per-year input fingerprints."""
