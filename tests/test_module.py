"""hubspoke as others deploy it: a `module` of another workflow in an empty folder, with its own
configuration and output folder, and two configurations side by side."""

import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_run
from test_workflow import ROOT, snakemake

TINY = yaml.safe_load((ROOT / ".test" / "config.yaml").read_text())
TABLES = ["metrics/hub.parquet", "tests/claims.parquet", "networks/edges.parquet"]


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / name) for name in TABLES}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """An empty project whose Snakefile uses hubspoke (this checkout, by local path) as a module
    with its own configuration: the tiny case, its inputs and claims left to the defaults."""
    project = tmp_path_factory.mktemp("project")
    config = {k: v for k, v in TINY.items() if k != "inputs"}
    config["output_dir"] = "hub/results"
    (project / "config.yaml").write_text(yaml.safe_dump(config))
    (project / "Snakefile").write_text(
        textwrap.dedent(
            f"""\
            configfile: "config.yaml"

            module hubspoke:
                snakefile:
                    "{ROOT / "workflow" / "Snakefile"}"
                config:
                    config

            use rule * from hubspoke as hubspoke_*

            rule all:
                default_target: True
                input:
                    rules.hubspoke_all.input,
            """
        )
    )
    snakemake(project)
    return project


def test_a_module_finds_its_default_data_and_writes_its_own_folder(deployed):
    results = deployed / "hub" / "results"
    assert (results / "tests" / "claims.parquet").is_file()
    assert not (deployed / "results").exists()
    # the module's logs and staging files are kept per output folder
    assert any((deployed / "logs" / "hub" / "results").rglob("*.log"))
    assert (deployed / ".staging" / "hub" / "results" / "published.tsv").is_file()


def test_a_module_computes_what_the_repository_computes(deployed, tiny_run):
    ours = _tables(deployed / "hub" / "results")
    theirs = _tables(tiny_run / "results")
    for name in TABLES:
        pd.testing.assert_frame_equal(ours[name], theirs[name], check_exact=True, obj=name)


def test_two_configurations_run_side_by_side(tiny_run, tmp_path):
    """A second configuration with its own output_dir leaves the first one's results as they
    were and writes the same tables to its own folder."""
    run = copy_run(tiny_run, tmp_path / "run")
    before = {p: p.read_bytes() for p in (run / "results").rglob("*.parquet")}
    (run / "other.yaml").write_text(yaml.safe_dump(dict(TINY, output_dir="results_other")))
    snakemake(run, "--configfile", "other.yaml")
    assert {p: p.read_bytes() for p in (run / "results").rglob("*.parquet")} == before
    ours, theirs = _tables(run / "results_other"), _tables(run / "results")
    for name in TABLES:
        pd.testing.assert_frame_equal(ours[name], theirs[name], check_exact=True, obj=name)
