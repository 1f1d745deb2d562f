rule test_periods:
    input:
        centralization="results/metrics/centralization.parquet",
        hub="results/metrics/hub.parquet",
        brokerage="results/metrics/brokerage.parquet",
        edges="results/networks/edges.parquet",
        memberships="results/inputs/memberships.parquet",
        code=lib("pipeline", "stats"),
    output:
        periods="results/tests/periods.parquet",
        tests="results/tests/period_tests.parquet",
    params:
        hub=config["hub"],
        breaks=config["breaks"],
        n_perm=config["tests"]["permutations"],
        seed=config["tests"]["seed"],
        did_bloc=config["tests"]["did_bloc"],
        binarisation=config["binarisation"],
    log:
        "logs/test_periods.log",
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
        report(
            "results/tests/claims.parquet",
            caption="../report/claims.rst",
            category="Claims",
        ),
    params:
        hub=config["hub"],
        breaks=config["breaks"],
        alpha=config["tests"]["alpha"],
    log:
        "logs/evaluate_claims.log",
    script:
        "../scripts/evaluate_claims.py"


rule check_references:
    input:
        checks=config["reference_checks"],
        trade="results/inputs/trade.parquet",
        trade_world="results/inputs/trade_world.parquet",
        code=lib("reference"),
    output:
        report(
            "results/tests/reference_checks.parquet",
            caption="../report/reference_checks.rst",
            category="Reference checks",
        ),
    log:
        "logs/check_references.log",
    script:
        "../scripts/check_references.py"
