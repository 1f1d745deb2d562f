rule export_graphs:
    input:
        edges=staged("networks/edges.parquet"),
        nodes=staged("networks/nodes.parquet"),
        partitions=staged("networks/partitions.parquet"),
        code=lib("graphfiles"),
    output:
        graph_files("{layer}"),
    log:
        logged("export_graphs/{layer}.log"),
    wildcard_constraints:
        layer="|".join(config["layers"]),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        years=YEARS,
    script:
        "../scripts/export_graphs.py"


rule explorer:
    input:
        edges=staged("networks/edges.parquet"),
        nodes=staged("networks/nodes.parquet"),
        partitions=staged("networks/partitions.parquet"),
        hub=staged("metrics/hub.parquet"),
        claims=staged("tests/claims.parquet"),
        code=lib("explorer"),
    output:
        report(
            staged("explorer.html"),
            caption="../report/explorer.rst",
            category="Explorer",
        ),
    log:
        logged("explorer.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        hub=config["hub"],
        breaks=config["breaks"],
        thresholds={
            layer: config["binarisation"][layer]["threshold"]
            for layer in config["layers"]
        },
    script:
        "../scripts/explorer.py"
