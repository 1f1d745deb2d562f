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

