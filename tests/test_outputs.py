"""Declared output tables: every parquet table of results/ has the declared columns and dtypes,
and the README's data dictionary is generated from the declarations."""

import importlib
import re

import pandas as pd
import pytest
from test_workflow import ROOT

from hubspoke import outputs, tables


@pytest.mark.parametrize("folder", outputs.folders())
def test_the_readme_data_dictionary_is_generated_from_the_declarations(folder):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(f"### `results/{folder}/`") :].split("\n\n")[1] + "\n"
    assert section == outputs.markdown(folder), "stale: python -m hubspoke.outputs"


@pytest.mark.parametrize("name", list(outputs.declared()))
def test_every_declared_column_has_a_dictionary_row_and_no_row_names_another(name):
    table = outputs.declared()[name]
    described = [
        column
        for row in table["dictionary"]
        if not row["columns"].startswith("(")  # a note on some rows, not on columns
        for column in re.split(r",\s*", row["columns"])
    ]
    assert sorted(described) == sorted(table["columns"])


def test_a_table_is_given_its_declared_dtypes_and_a_wrong_shape_is_refused(tmp_path):
    partitions = pd.DataFrame(
        {"year": [2000], "partition": ["bloc"], "node": ["RUS"], "group": ["depth_4"]}
    )
    assert partitions["node"].dtype == object
    path = tmp_path / "networks" / "partitions.parquet"
    tables.write_parquet(partitions, path, {})
    assert (pd.read_parquet(path).dtypes == ["int64", "string", "string", "string"]).all()
    with pytest.raises(ValueError, match=r"missing \['group'\], undeclared \['colour'\]"):
        tables.write_parquet(partitions.rename(columns={"group": "colour"}), path, {})
    with pytest.raises(ValueError, match="the order differs"):
        tables.write_parquet(partitions[["node", "year", "partition", "group"]], path, {})
    with pytest.raises(ValueError):
        tables.write_parquet(partitions.assign(year=["x"]), path, {})
    # the per-block pieces of results/years/ are not the published tables
    piece = tmp_path / "years" / "2000-2007" / "partitions.parquet"
    tables.write_parquet(partitions[["node", "year"]], piece, {})
    assert list(pd.read_parquet(piece).columns) == ["node", "year"]


def test_a_run_writes_every_declared_table_as_declared(tiny_run):
    results = tiny_run / "results"
    for name, table in outputs.of_workflow("main").items():
        df = pd.read_parquet(results / table["folder"] / f"{name}.parquet")
        assert list(df.columns) == list(table["columns"]), name
        for column, dtype in table["columns"].items():
            assert df[column].dtype == pd.api.types.pandas_dtype(dtype), (name, column)
    # and every table it publishes (beside the validated inputs) is declared
    written = {(p.parent.name, p.stem) for p in results.glob("*/*.parquet")}
    assert {w for w in written if w[0] != "inputs"} == {
        (t["folder"], name) for name, t in outputs.of_workflow("main").items()
    }


def test_the_declarations_count_as_code_of_every_job_that_writes_a_table():
    from hubspoke.dag.codedeps import module_files

    assert outputs.DECLARATIONS in module_files("tables")  # an edit reruns the writing jobs


def test_every_computing_function_named_in_the_dictionary_exists():
    """``computed_by`` names functions as ``<module path under hubspoke>.<name>`` (``.*``: the
    whole module); a moved or renamed function makes the dictionary stale."""
    names = set()
    for table in outputs.declared().values():
        for row in table["dictionary"]:
            names |= set(re.findall(r"`([\w.*]+)`", row["computed_by"] or ""))
    assert len(names) > 20
    for name in sorted(names):
        module, _, attr = name.rpartition(".")
        found = importlib.import_module(f"hubspoke.{module}")
        assert attr == "*" or hasattr(found, attr), name
