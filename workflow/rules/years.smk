rule analyse_year:
    input:
        # ancient: a change to an input file reruns a year only through its fingerprint
        # parameter, i.e. only when the rows that year reads changed
        **{t: ancient(path) for t, path in config["inputs"].items()},
        code=lib("pipeline"),
    output:
        **{t: f"results/years/{{year}}/{t}.parquet" for t in YEAR_TABLES},
    log:
        "logs/analyse_year/{year}.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        fingerprint=lambda w: FINGERPRINTS[int(w.year)],
        states=STATES,
        hub=config["hub"],
        layers=config["layers"],
        rule=config["active_rule"],
        reconciliation=config["reconciliation"],
        membership_kinds=config["membership_kinds"],
        subregions=config["brokerage"]["subregions"],
        binarisation=config["binarisation"],
        partition_names=config["brokerage"]["partitions"],
        null_replicates=config["nulls"]["replicates"],
        null_seed=config["nulls"]["seed"],
        null_models={v: config["nulls"][v] for v in ("binary", "weighted")},
    script:
        "../scripts/analyse_year.py"


rule combine_years:
    input:
        **{
            t: expand("results/years/{year}/{t}.parquet", year=YEARS, t=t)
            for t in YEAR_TABLES
        },
        code=lib("pipeline"),
    output:
        **{t: f"results/networks/{t}.parquet" for t in NETWORK_TABLES},
        **{t: f"results/metrics/{t}.parquet" for t in METRIC_TABLES},
        nulls="results/tests/nulls.parquet",
    log:
        "logs/combine_years.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/combine_years.py"
