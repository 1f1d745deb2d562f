rule compute_year:
    input:
        **{t: f"results/networks/years/{{year}}/{t}.parquet" for t in NETWORK_TABLES},
        code=lib("yearly"),
    output:
        **{t: f"results/metrics/years/{{year}}/{t}.parquet" for t in YEAR_TABLES},
    log:
        "logs/compute_year/{year}.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        states=STATES,
        hub=config["hub"],
        layers=config["layers"],
        binarisation=config["binarisation"],
        partition_names=config["brokerage"]["partitions"],
        null_replicates=config["nulls"]["replicates"],
        null_seed=config["nulls"]["seed"],
    script:
        "../scripts/compute_year.py"


rule combine_years:
    input:
        **{
            t: expand("results/metrics/years/{year}/{t}.parquet", year=YEARS, t=t)
            for t in YEAR_TABLES
        },
        code=lib("pipeline"),
    output:
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
