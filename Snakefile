# hubspoke: did relations among the post-Soviet states form a star around Russia, and did
# that change after the Customs Union (2010) and the Eurasian Economic Union (2015)?
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/inputs.smk"
include: "workflow/rules/years.smk"
include: "workflow/rules/tests.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/publish.smk"


report: "workflow/report/workflow.rst"


rule all:
    default_target: True
    input:
        f"{STAGING}/published.tsv",
