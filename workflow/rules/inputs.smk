rule validate_inputs:
    input:
        **RUN.inputs,
        code=lib("stages.validate_inputs"),
    output:
        **{t: f"{STAGING}/inputs/{t}.parquet" for t in INPUT_TABLES},
    log:
        logged("validate_inputs.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/validate_inputs.py"
