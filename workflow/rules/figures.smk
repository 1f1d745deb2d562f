rule plot_series:
    input:
        centralization=staged("metrics/centralization.parquet"),
        hub=staged("metrics/hub.parquet"),
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
        edges=staged("networks/edges.parquet"),
        nodes=staged("networks/nodes.parquet"),
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
        brokerage=staged("metrics/brokerage.parquet"),
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
