rule analyse_years:
    input:
        # ancient: a change to an input file reruns a job only through its fingerprints
        # parameter, i.e. only when the rows one of its years reads changed. (The raw files,
        # not validate_inputs' parquet: Snakemake does not check the parameters of a job whose
        # only link to a rerunning job is ancient inputs.)
        **{t: ancient(RUN.inputs[t]) for t in NETWORK_INPUTS},
        code=lib("stages.analyse_years"),
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
        networks=NETWORKS.params(),
        measures=MEASURES.params(),
    script:
        "../scripts/analyse_years.py"


rule combine_years:
    input:
        **{
            t: expand(staged("years/{chunk}/{t}.parquet"), chunk=CHUNK_YEARS, t=t)
            for t in YEAR_TABLES
        },
        code=lib("stages.combine_years"),
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
