rule publish:
    input:
        staged=staged_outputs(),
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
        targets=[PUBLISHED + path.removeprefix(STAGING) for path in staged_outputs()],
    script:
        "../scripts/publish.py"
