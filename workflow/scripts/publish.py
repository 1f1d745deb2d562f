from hubspoke import publish, tables


def main():
    publish.publish(snakemake.input.staged, snakemake.params.targets, snakemake.output[0])


tables.run_job(main, snakemake.log[0])
