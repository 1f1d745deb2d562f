rule plot_figures:
    input:
        centralization=main_staged("metrics/centralization.parquet"),
        hub=main_staged("metrics/hub.parquet"),
        brokerage=main_staged("metrics/brokerage.parquet"),
        edges=main_staged("networks/edges.parquet"),
        nodes=main_staged("networks/nodes.parquet"),
        code=lib("stages.figures"),
    output:
        **{
            name: report(
                staged(f"figures/{name}.png"),
                caption=f"../report/{name}.rst",
                category="Figures",
            )
            for name in ["series", "trade_networks", "brokerage"]
        },
    log:
        logged("plot_figures.log"),
    conda:
        "../envs/hubspoke.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=FIGURES.params(),
    script:
        "../scripts/plot_figures.py"


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
