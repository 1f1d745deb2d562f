rule test_periods:
    input:
        centralization=staged("metrics/centralization.parquet"),
        hub=staged("metrics/hub.parquet"),
        brokerage=staged("metrics/brokerage.parquet"),
        code=lib("stages.test_periods"),
    output:
        periods=staged("tests/periods.parquet"),
        tests=staged("tests/period_tests.parquet"),
    log:
        logged("test_periods.log"),
    # the longest cross-year job: start it before the figures when cores are scarce
    priority: 1
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=PERIOD_TESTS.params(),
    script:
        "../scripts/test_periods.py"


rule test_did:
    input:
        edges=staged("networks/edges.parquet"),
        memberships=staged("inputs/memberships.parquet"),
        code=lib("stages.test_did"),
    output:
        did=staged("tests/did.parquet"),
    log:
        logged("test_did.log"),
    # as long as the period tests: start it early, beside them
    priority: 1
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=TRADE_DID.params(),
    script:
        "../scripts/test_did.py"


rule benchmark_gravity:
    input:
        edges=staged("networks/edges.parquet"),
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
        periods=staged("tests/periods.parquet"),
        tests=staged("tests/period_tests.parquet"),
        did=staged("tests/did.parquet"),
        nulls=staged("tests/nulls.parquet"),
        hub=staged("metrics/hub.parquet"),
        code=lib("stages.evaluate_claims"),
    output:
        claims=staged("tests/claims.parquet"),
        claims_csv=report(
            staged("tests/claims.csv"),
            caption="../report/claims.rst",
            category="Claims",
        ),
    log:
        logged("evaluate_claims.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=CLAIMS.params(),
    script:
        "../scripts/evaluate_claims.py"


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
