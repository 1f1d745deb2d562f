"""The packaging a new user installs with: declared dependencies, the pinned constraints, the
licence, and the README's Quick start commands that `.ci/run` runs as written."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


def _requirements() -> list[Requirement]:
    declared = PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]
    return [Requirement(text) for text in declared]


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])


def test_report_and_graph_dependencies_are_declared_by_their_current_names():
    names = {canonicalize_name(Requirement(text).name) for text in PROJECT["dependencies"]}
    # snakemake --report needs pygments without declaring it; igraph's PyPI name is "igraph"
    assert {"pygments", "igraph", "snakemake"} <= names
    assert "python-igraph" not in names


def test_licence_file_matches_pyproject():
    assert PROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.parametrize("line", [1, 2])
def test_ci_runs_the_readme_quick_start_commands(line):
    script = ROOT / ".ci" / "run"
    reader = script.read_text().split("quickstart() {", 1)[1].split("\n}\n", 1)[0]
    command = subprocess.run(
        ["bash", "-c", f"quickstart() {{{reader}\n}}\nquickstart {line}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```", 2)[1].strip().splitlines()
    assert command == block[line - 1]
    assert "-c constraints.txt" in command
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install")


# conda-forge names of the PyPI packages whose names differ there
CONDA_NAMES = {"igraph": "python-igraph", "matplotlib": "matplotlib-base"}
RUNNER_ONLY = {"snakemake", "pygments"}  # the Snakemake process's, not the jobs'


def test_conda_environment_lists_hubspoke_and_its_dependencies():
    env_file = ROOT / "workflow" / "envs" / "hubspoke.yaml"
    env = yaml.safe_load(env_file.read_text())
    listed = [d for d in env["dependencies"] if isinstance(d, str)]
    conda = {Requirement(d.replace(" ", "")).name for d in listed}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # hubspoke itself, by a path relative to the environment file
    assert len(pip) == 1
    project = (env_file.parent / pip[0]).resolve() / "pyproject.toml"
    assert tomllib.loads(project.read_text())["project"]["name"] == "hubspoke"
    assert "pip" in conda
    for text in PROJECT["dependencies"]:
        name = canonicalize_name(Requirement(text).name)
        if name not in RUNNER_ONLY:
            assert CONDA_NAMES.get(name, name) in {canonicalize_name(c) for c in conda}, name


def test_version_is_declared_alike_everywhere():
    import hubspoke

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert PROJECT["version"] == hubspoke.__version__ == citation["version"]
    assert f"## {PROJECT['version']} " in (ROOT / "CHANGELOG.md").read_text()


def test_the_wheel_holds_every_module_and_declaration_of_the_package(tmp_path):
    """A non-editable install (a deployed workflow module) gets the whole library: every
    subpackage and every YAML declaration beside its module."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("hubspoke-*.whl")
    packed = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("hubspoke/")}
    src = ROOT / "src"
    files = {
        p.relative_to(src).as_posix()
        for p in (src / "hubspoke").rglob("*")
        if p.suffix in (".py", ".yaml")
    }
    assert files and files <= packed, sorted(files - packed)
