rule analyse_years:
    input:
        # ancient: a change to an input file reruns a job only through its fingerprints
        # parameter, i.e. only when the rows one of its years reads changed. (The raw files,
        # not validate_inputs' parquet: Snakemake does not check the parameters of a job whose
        # only link to a rerunning job is ancient inputs.)
        **{t: ancient(RUN.inputs[t]) for t in NETWORK_INPUTS},
        code=lib("stages.analyse_years"),
    output:
        **{t: spec_staged(f"years/{{chunk}}/{t}.parquet") for t in YEAR_TABLES},
    log:
        logged("specs/{spec}/analyse_years/{chunk}.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        years=lambda w: CHUNKS[w.spec][w.chunk],
        fingerprints=lambda w: {
            y: FINGERPRINTS[w.spec][y] for y in CHUNKS[w.spec][w.chunk]
        },
        networks=lambda w: SPEC[w.spec].networks.params(),
        measures=lambda w: SPEC[w.spec].measures.params(),
    script:
        "../scripts/analyse_years.py"


rule combine_years:
    input:
        unpack(
            lambda w: {
                t: [
                    spec_staged(f"years/{c}/{t}.parquet", w.spec)
                    for c in CHUNKS[w.spec]
                ]
                for t in YEAR_TABLES
            }
        ),
        code=lib("stages.combine_years"),
    output:
        **{t: spec_staged(f"networks/{t}.parquet") for t in NETWORK_TABLES},
        **{t: spec_staged(f"metrics/{t}.parquet") for t in METRIC_TABLES},
        nulls=spec_staged("tests/nulls.parquet"),
    log:
        logged("specs/{spec}/combine_years.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/combine_years.py"
