rule test_periods:
    input:
        centralization="results/metrics/centralization.parquet",
        hub="results/metrics/hub.parquet",
        brokerage="results/metrics/brokerage.parquet",
        edges="results/networks/edges.parquet",
        memberships="results/inputs/memberships.parquet",
        code=lib("periods"),
    output:
        periods="results/tests/periods.parquet",
        tests="results/tests/period_tests.parquet",
    log:
        "logs/test_periods.log",
    # the longest cross-year job: start it before the figures when cores are scarce
    priority: 1
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        hub=config["hub"],
        breaks=config["breaks"],
        n_perm=config["tests"]["permutations"],
        permutation_scheme=config["tests"]["permutation_scheme"],
        seed=config["tests"]["seed"],
        did_bloc=config["tests"]["did_bloc"],
        binarisation=config["binarisation"],
    script:
        "../scripts/test_periods.py"


rule evaluate_claims:
    input:
        claims=config["claims"],
        periods="results/tests/periods.parquet",
        tests="results/tests/period_tests.parquet",
        nulls="results/tests/nulls.parquet",
        hub="results/metrics/hub.parquet",
        code=lib("claims"),
    output:
        parquet="results/tests/claims.parquet",
        csv=report(
            "results/tests/claims.csv",
            caption="../report/claims.rst",
            category="Claims",
        ),
    log:
        "logs/evaluate_claims.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        hub=config["hub"],
        breaks=config["breaks"],
        alpha=config["tests"]["alpha"],
    script:
        "../scripts/evaluate_claims.py"


rule check_references:
    input:
        checks=config["reference_checks"],
        trade="results/inputs/trade.parquet",
        trade_world="results/inputs/trade_world.parquet",
        code=lib("reference"),
    output:
        parquet="results/tests/reference_checks.parquet",
        csv=report(
            "results/tests/reference_checks.csv",
            caption="../report/reference_checks.rst",
            category="Reference checks",
        ),
        not_checkable="results/tests/reference_not_checkable.parquet",
        not_checkable_csv=report(
            "results/tests/reference_not_checkable.csv",
            caption="../report/reference_not_checkable.rst",
            category="Reference checks",
        ),
    log:
        "logs/check_references.log",
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        reconciliation=config["reconciliation"],
    script:
        "../scripts/check_references.py"
