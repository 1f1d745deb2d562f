rule plot_series:
    input:
        centralization=main_staged("metrics/centralization.parquet"),
        hub=main_staged("metrics/hub.parquet"),
        code=lib("stages.figures"),
    output:
        figure=report(
            staged("figures/series.png"),
            caption="../report/series.rst",
            category="Figures",
        ),
    log:
        logged("plot_series.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=FIGURES.params(),
    script:
        "../scripts/plot_series.py"


rule plot_trade_networks:
    input:
        edges=main_staged("networks/edges.parquet"),
        nodes=main_staged("networks/nodes.parquet"),
        code=lib("stages.figures"),
    output:
        figure=report(
            staged("figures/trade_networks.png"),
            caption="../report/trade_networks.rst",
            category="Figures",
        ),
    log:
        logged("plot_trade_networks.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=FIGURES.params(),
    script:
        "../scripts/plot_trade_networks.py"


rule plot_brokerage:
    input:
        brokerage=main_staged("metrics/brokerage.parquet"),
        code=lib("stages.figures"),
    output:
        figure=report(
            staged("figures/brokerage.png"),
            caption="../report/brokerage.rst",
            category="Figures",
        ),
    log:
        logged("plot_brokerage.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=FIGURES.params(),
    script:
        "../scripts/plot_brokerage.py"


rule plot_specification_curves:
    input:
        robustness=staged("tests/robustness.parquet"),
        code=lib("stages.plot_specification_curves"),
    output:
        figures=[
            report(
                staged(f"figures/specification_curves/{claim}.png"),
                caption="../report/specification_curve.rst",
                category="Specification curves",
            )
            for claim in CLAIM_IDS
        ],
    log:
        logged("plot_specification_curves.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        claims=CLAIM_IDS,
    script:
        "../scripts/plot_specification_curves.py"
