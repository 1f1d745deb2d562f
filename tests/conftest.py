"""Shared test helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real source data (``../shared/data`` next to the repository)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared source data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def dots_post_soviet(shared_data):
    """The real DOTS workbooks of the 15 post-Soviet reporters (read once per session)."""
    from hubspoke.countries import POST_SOVIET
    from hubspoke.sources.dots import read_dots_folder

    return read_dots_folder(shared_data / "imf-dots", POST_SOVIET)


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def edit_fixture(tmp_path):
    """``edit(relative, old, new) -> Path``: a copy of ``tests/fixtures/<relative>`` in
    ``tmp_path`` with the first occurrence of ``old`` replaced by ``new`` (line ends kept), to
    make a malformed variant of a hand-made fixture."""

    def edit(relative: str, old: str, new: str) -> Path:
        text = (FIXTURES / relative).read_bytes().decode("utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path = tmp_path / Path(relative).name
        path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
        return path

    return edit


# --- small end-to-end workflow runs (test_bad_input, test_reproducibility, test_reruns) -------

REPO = Path(__file__).resolve().parents[1]
SMALL_CONFIG = FIXTURES / "workflow" / "small.yaml"
# Years of the trade rows in the scratch data; the small configuration uses 2012-2016.
SMALL_DATA_YEARS = range(2010, 2017)
SNAPSHOT = ["workflow", "src", "config", "profiles"]


def trade_lines(name: str, years) -> list[str]:
    """Lines of ``data/raw/<name>`` (``trade.csv`` or ``trade_world.csv``) of the given years,
    without the header. The year is the first field after the ISO3 codes, which hold no comma."""
    lines = (REPO / "data" / "raw" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    field = lines[0].split(",").index("year")
    wanted = {str(y) for y in years}
    return [line for line in lines[1:] if line.split(",", field + 1)[field] in wanted]


def small_workdir(tmp: Path) -> Path:
    """A scratch copy of the workflow (a snapshot, so that edits other people make to the
    repository during the test session do not show up as changes) with ``data/raw`` holding
    the years :data:`SMALL_DATA_YEARS` and the configuration ``small.yaml``."""
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, tmp / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(source, tmp / name)
    raw = tmp / "data" / "raw"
    raw.mkdir(parents=True)
    for name in (
        "treaties.csv",
        "organisations.csv",
        "memberships.csv",
        "sources.csv",
        "gdp.csv",
        "geography.csv",
        "borders.csv",
    ):
        shutil.copy2(REPO / "data" / "raw" / name, raw / name)
    for name in ("trade.csv", "trade_world.csv"):
        header = (REPO / "data" / "raw" / name).open(encoding="utf-8").readline()
        (raw / name).write_text(header + "".join(trade_lines(name, SMALL_DATA_YEARS)))
    shutil.copy2(SMALL_CONFIG, tmp / "small.yaml")
    return tmp


def copy_run(run: Path, dest: Path) -> Path:
    """A copy of a finished run (results, logs and Snakemake's records, times kept)."""
    shutil.copytree(run, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A finished run of the tiny ``.test`` configuration in a linked copy of the repository."""
    from test_workflow import snakemake, workdir

    cwd = workdir(tmp_path_factory.mktemp("tiny"))
    snakemake(cwd, "--configfile", ".test/config.yaml")
    return cwd


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """A finished run of the small configuration. Read it or :func:`copy_run` it, never edit it."""
    from test_workflow import snakemake

    cwd = small_workdir(tmp_path_factory.mktemp("small_run"))
    snakemake(cwd, "--configfile", "small.yaml")
    return cwd


def staged_file(run: Path, published: str) -> Path:
    """The staged file behind a published one (``published`` relative to ``results/``): the
    main specification's tables are staged under ``specs/main/``, the run's own files beside."""
    staging = run / ".staging" / "results"
    main = staging / "specs" / "main" / published
    return main if main.exists() else staging / published
