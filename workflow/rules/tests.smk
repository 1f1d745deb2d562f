rule test_periods:
    input:
        centralization=shared_staged("analysis", "metrics/centralization.parquet"),
        hub=shared_staged("analysis", "metrics/hub.parquet"),
        brokerage=shared_staged("analysis", "metrics/brokerage.parquet"),
        code=lib("stages.test_periods"),
    output:
        periods=spec_staged("tests/periods.parquet"),
        tests=spec_staged("tests/period_tests.parquet"),
    log:
        logged("specs/{spec}/test_periods.log"),
    # the longest cross-year job: start it before the figures when cores are scarce
    priority: 1
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=lambda w: SPEC[w.spec].period_tests.params(),
    script:
        "../scripts/test_periods.py"


rule test_did:
    input:
        edges=shared_staged("analysis", "networks/edges.parquet"),
        memberships=staged("inputs/memberships.parquet"),
        code=lib("stages.test_did"),
    output:
        did=spec_staged("tests/did.parquet"),
    log:
        logged("specs/{spec}/test_did.log"),
    # the longest job after the yearly ones, and the claims wait for it: start it first
    priority: 2
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=lambda w: SPEC[w.spec].trade_did.params(),
    script:
        "../scripts/test_did.py"


rule benchmark_gravity:
    input:
        edges=main_staged("networks/edges.parquet"),
        gdp=staged("inputs/gdp.parquet"),
        geography=staged("inputs/geography.parquet"),
        borders=staged("inputs/borders.parquet"),
        code=lib("stages.benchmark_gravity"),
    output:
        gravity=staged("tests/gravity.parquet"),
        gravity_fit=staged("tests/gravity_fit.parquet"),
    log:
        logged("benchmark_gravity.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=BENCHMARKS.params(),
    script:
        "../scripts/benchmark_gravity.py"


rule evaluate_claims:
    input:
        claims=RUN.claims,
        periods=shared_staged("periods", "tests/periods.parquet"),
        tests=shared_staged("periods", "tests/period_tests.parquet"),
        did=shared_staged("did", "tests/did.parquet"),
        nulls=shared_staged("analysis", "tests/nulls.parquet"),
        hub=shared_staged("analysis", "metrics/hub.parquet"),
        code=lib("stages.evaluate_claims"),
    output:
        # not tests/claims.parquet: the published claims table is the main one with the grid's
        # agreement (assess_robustness)
        claims=spec_staged("verdicts.parquet"),
    log:
        logged("specs/{spec}/evaluate_claims.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=lambda w: SPEC[w.spec].claims.params(),
        main=CLAIMS.params(),
    script:
        "../scripts/evaluate_claims.py"


rule assess_robustness:
    input:
        claims=RUN.claims,
        specs=[spec_staged("verdicts.parquet", name) for name in SPECS],
        code=lib("stages.assess_robustness"),
    output:
        claims=staged("tests/claims.parquet"),
        claims_csv=report(
            staged("tests/claims.csv"),
            caption="../report/claims.rst",
            category="Claims",
        ),
        robustness=staged("tests/robustness.parquet"),
        specifications=staged("tests/specifications.parquet"),
    log:
        logged("assess_robustness.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        specs=SPECS,
        table=SPEC_TABLE.to_dict("records"),
        settings=SETTINGS_TABLE.to_dict("records"),
    script:
        "../scripts/assess_robustness.py"


rule check_references:
    input:
        checks=RUN.reference_checks,
        trade=staged("inputs/trade.parquet"),
        trade_world=staged("inputs/trade_world.parquet"),
        code=lib("stages.check_references"),
    output:
        reference_checks=staged("tests/reference_checks.parquet"),
        reference_checks_csv=report(
            staged("tests/reference_checks.csv"),
            caption="../report/reference_checks.rst",
            category="Reference checks",
        ),
        not_checkable=staged("tests/reference_not_checkable.parquet"),
        not_checkable_csv=report(
            staged("tests/reference_not_checkable.csv"),
            caption="../report/reference_not_checkable.rst",
            category="Reference checks",
        ),
    log:
        logged("check_references.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=BENCHMARKS.params(),
    script:
        "../scripts/check_references.py"
