rule build_networks:
    input:
        **{t: f"results/inputs/{t}.parquet" for t in INPUT_TABLES},
        code=lib("pipeline"),
    output:
        **{t: f"results/networks/{t}.parquet" for t in NETWORK_TABLES},
        years=expand(
            "results/networks/years/{year}/{table}.parquet",
            year=YEARS,
            table=NETWORK_TABLES,
        ),
    log:
        "logs/build_networks.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        states=STATES,
        hub=config["hub"],
        years=YEARS,
        layers=config["layers"],
        rule=config["active_rule"],
        reconciliation=config["reconciliation"],
        membership_kinds=config["membership_kinds"],
        subregions=config["brokerage"]["subregions"],
    script:
        "../scripts/build_networks.py"
