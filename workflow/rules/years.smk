rule analyse_years:
    input:
        # ancient: a change to an input file reruns a job only through its fingerprints
        # parameter, i.e. only when the rows one of its years reads changed. (The raw files,
        # not validate_inputs' parquet: Snakemake does not check the parameters of a job whose
        # only link to a rerunning job is ancient inputs.)
        **{t: ancient(path) for t, path in config["inputs"].items()},
        code=lib("pipeline"),
    output:
        **{t: f"{STAGING}/years/{{chunk}}/{t}.parquet" for t in YEAR_TABLES},
    log:
        logged("analyse_years/{chunk}.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        years=lambda w: CHUNK_YEARS[w.chunk],
        fingerprints=lambda w: {y: FINGERPRINTS[y] for y in CHUNK_YEARS[w.chunk]},
        states=STATES,
        hub=config["hub"],
        layers=config["layers"],
        rule=config["active_rule"],
        reconciliation=config["reconciliation"],
        cif_fob_factor=config["cif_fob_factor"],
        membership_kinds=config["membership_kinds"],
        membership_scopes=config["membership_scopes"],
        membership_implementation=config["membership_implementation"],
        subregions=config["brokerage"]["subregions"],
        binarisation=config["binarisation"],
        partition_names=config["brokerage"]["partitions"],
        brokerage_ties=config["brokerage"]["ties"],
        null_replicates=config["nulls"]["replicates"],
        null_seed=config["nulls"]["seed"],
        null_models={v: config["nulls"][v] for v in ("binary", "weighted")},
        min_observed_share=config["missing_data"]["min_observed_share"],
        require_hub_pairs=config["missing_data"]["require_hub_pairs"],
    script:
        "../scripts/analyse_years.py"


rule combine_years:
    input:
        **{
            t: expand(staged("years/{chunk}/{t}.parquet"), chunk=CHUNK_YEARS, t=t)
            for t in YEAR_TABLES
        },
        code=lib("pipeline"),
    output:
        **{t: f"{STAGING}/networks/{t}.parquet" for t in NETWORK_TABLES},
        **{t: f"{STAGING}/metrics/{t}.parquet" for t in METRIC_TABLES},
        nulls=staged("tests/nulls.parquet"),
    log:
        logged("combine_years.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/combine_years.py"
