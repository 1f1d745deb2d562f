rule export_graphs:
    input:
        edges=main_staged("networks/edges.parquet"),
        nodes=main_staged("networks/nodes.parquet"),
        partitions=main_staged("networks/partitions.parquet"),
        code=lib("stages.export_graphs"),
    output:
        # one folder, not its 500-odd files: listing them made building the job graph (each
        # no-op, each dry run) 0.1 s slower, matching each file against every output
        graphs=directory(staged("graphs")),
    log:
        logged("export_graphs.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=GRAPH_FILES.params(),
    script:
        "../scripts/export_graphs.py"


rule explorer:
    input:
        edges=main_staged("networks/edges.parquet"),
        nodes=main_staged("networks/nodes.parquet"),
        partitions=main_staged("networks/partitions.parquet"),
        hub=main_staged("metrics/hub.parquet"),
        claims=staged("tests/claims.parquet"),
        code=lib("stages.explorer"),
    output:
        html=report(
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
        settings=FIGURES.params(),
    script:
        "../scripts/explorer.py"
