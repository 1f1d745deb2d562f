"""The library files each rule depends on: the import scan equals a full parse of every module."""

import ast

from hubspoke.dag import codedeps


def _parsed_imports(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hubspoke"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("hubspoke"))
    return {m for m in found if codedeps._module_path(m).exists()}


def test_the_import_scan_finds_what_a_parse_finds_in_every_module():
    modules = sorted(codedeps.ROOT.rglob("*.py"))
    assert len(modules) > 30
    for path in modules:
        assert codedeps._imports(path) == _parsed_imports(path), path.name


def test_the_scan_reads_parenthesised_aliased_and_commented_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(codedeps, "_module_path", lambda name: codedeps.ROOT)  # all exist
    source = tmp_path / "m.py"
    source.write_text(
        "from hubspoke import (\n    layers as registry,  # the registry\n    networks,\n)\n"
        "import hubspoke.inference.stats\n"
        "    from hubspoke.tables import write_parquet\nimport numpy\n"
    )
    assert codedeps._imports(source) == {
        "hubspoke",
        "hubspoke.layers",
        "hubspoke.networks",
        "hubspoke.inference.stats",
        "hubspoke.tables",
        "hubspoke.tables.write_parquet",
    }


def test_a_rule_depends_on_what_its_module_imports_transitively():
    files = {
        str(p.relative_to(codedeps.ROOT))
        for p in codedeps.module_files("stages.runner", "stages.analyse_years")
    }
    expected = {
        "stages/analyse_years.py",
        "stages/runner.py",
        "measures/yearly.py",
        "measures/nulls.py",
        "layers.py",
        "networks.py",
        "settings.py",
        "tables.py",
        "seeds.py",
        "outputs.yaml",
        # importing a module runs its packages' __init__ files
        "__init__.py",
        "stages/__init__.py",
        "measures/__init__.py",
    }
    assert expected <= files
    assert "inference/claims.py" not in files and "stages/figures.py" not in files
