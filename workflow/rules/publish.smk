# staged path -> published path of every file the run publishes
PUBLISHED_FILES = published_files()


rule publish:
    input:
        staged=list(PUBLISHED_FILES),
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
        targets=list(PUBLISHED_FILES.values()),
    script:
        "../scripts/publish.py"
