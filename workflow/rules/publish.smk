rule publish:
    input:
        staged=list(published_files()),
        code=lib("stages.publish"),
    output:
        manifest=f"{STAGING}/published.tsv",
    log:
        logged("publish.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        targets=list(published_files().values()),
    script:
        "../scripts/publish.py"
