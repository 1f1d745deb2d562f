"""What a rerun recomputes after a change, shown by dry runs on a copy of a finished run.

Expected job lists follow the rules in workflow/rules: every analyse_years job (two years in
small.yaml) reads the raw tables (as ``ancient`` inputs) plus its years' fingerprints
parameter; validate_inputs reads the
raw tables; everything downstream of combine_years is a cross-year job; publish follows any
job.
"""

import re
from pathlib import Path

import pytest
import yaml
from conftest import copy_run, trade_lines
from snakemake.utils import update_config
from test_workflow import snakemake

pytestmark = pytest.mark.slow

# Jobs that combine the years or read the combined tables: a change in any year reruns them.
CROSS_YEAR = [
    "all",
    "assess_robustness",
    "benchmark_gravity",
    "check_references",
    "combine_years",
    "evaluate_claims",
    "explorer",
    "export_graphs",
    "plot_figures",
    "plot_specification_curves",
    "publish",
    "test_did",
    "test_periods",
]
JOB = re.compile(r"^(?:local)?rule (\w+):$")
WILDCARDS = re.compile(r"^\s+wildcards: (.+)$")
# the jobs that follow a changed claims table of the main specification
CLAIMS_JOBS = ["all", "assess_robustness", "explorer", "plot_specification_curves", "publish"]
CHUNKS = ["2012-2013", "2014-2015", "2016-2016"]  # small.yaml: 2012-2016, years_per_job: 2


def planned(cwd: Path, config: str = "small.yaml") -> list[str]:
    """The jobs a dry run plans, sorted, as ``rule``, with the years of a yearly job
    (``rule[first-last year]``) and the specification of a grid's job other than the main one
    (``rule[spec]``, ``rule[spec,first-last year]``)."""
    out = snakemake(cwd, "--configfile", config, "--dry-run").stdout.splitlines()
    jobs = []
    for line in out:
        if found := JOB.match(line):
            jobs.append(found.group(1))
        elif found := WILDCARDS.match(line):
            values = dict(item.split("=", 1) for item in found.group(1).split(", "))
            shown = [values[k] for k in ("spec", "chunk") if values.get(k, "main") != "main"]
            if shown:
                jobs[-1] += f"[{','.join(shown)}]"
    return sorted(jobs)


def chunks_of(rule: str, chunks) -> list[str]:
    return [f"{rule}[{c}]" for c in chunks]


@pytest.fixture
def run(small_run, tmp_path) -> Path:
    return copy_run(small_run, tmp_path / "run")


def edit_trade(run: Path, prefix: str) -> None:
    """Multiply by 10 the value of the first trade.csv row starting with ``prefix``."""
    path = run / "data" / "raw" / "trade.csv"
    lines = path.read_text().splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    fields = lines[i].split(",")
    fields[4] = repr(float(fields[4]) * 10)
    lines[i] = ",".join(fields)
    path.write_text("".join(lines))


def write_config(run: Path, **changes) -> str:
    """Write ``changed.yaml``: the small configuration with ``changes`` merged in (as snakemake
    merges configuration files)."""
    config = yaml.safe_load((run / "small.yaml").read_text())
    update_config(config, changes)
    (run / "changed.yaml").write_text(yaml.safe_dump(config))
    return "changed.yaml"


def test_finished_run_plans_nothing(run):
    # (the run was copied to another folder: moving the project reruns nothing either)
    assert planned(run) == []


def test_touching_every_input_and_library_file_reruns_nothing(run):
    # (Snakemake reruns a rule whose script file is newer than its outputs, so the workflow
    # scripts are left out; docs/updating.md says so.)
    files = [*(run / "data" / "raw").glob("*.csv"), *(run / "config").glob("*.yaml")]
    files += [*(run / "src" / "hubspoke").rglob("*.py"), run / "small.yaml"]
    for path in files:
        path.touch()
    assert planned(run) == []


def test_one_years_trade_figures_rerun_that_year_and_the_cross_year_jobs(run):
    edit_trade(run, "BLR,RUS,2014,export_fob,")
    assert planned(run) == sorted(["analyse_years[2014-2015]", "validate_inputs", *CROSS_YEAR])


def test_trade_with_a_partner_outside_the_states_reruns_no_year(run):
    # The yearly networks read only flows among the states (and World totals), so a flow to
    # Germany changes the validated inputs and what reads them, not the years.
    edit_trade(run, "BLR,DEU,2014,export_fob,")
    assert planned(run) == [
        "all",
        "assess_robustness",
        "benchmark_gravity",  # reads the validated GDP and geography, rewritten too
        "check_references",
        "evaluate_claims",
        "explorer",  # shows the claims
        "plot_specification_curves",
        "publish",
        "test_did",  # reads the validated memberships, rewritten by validate_inputs
        "validate_inputs",
    ]


def test_an_appended_year_in_data_and_config_runs_only_that_year(run):
    for name in ("trade.csv", "trade_world.csv"):
        path = run / "data" / "raw" / name
        header, *rows = path.read_text().splitlines(keepends=True)
        # data/raw tables are sorted by their key, so the new year's rows go between the others
        rows = sorted(rows + trade_lines(name, [2017]), key=lambda r: r.split(",", 4)[:4])
        path.write_text(header + "".join(rows))
    config = write_config(run, years={"start": 2012, "end": 2017})
    # the new year joins the block of 2016 (blocks are aligned, the others stay as they are)
    assert planned(run, config) == sorted(
        ["analyse_years[2016-2017]", "validate_inputs", *CROSS_YEAR]
    )


def test_reordering_the_configuration_reruns_nothing(run):
    # write_config writes the keys sorted, unlike small.yaml
    assert planned(run, write_config(run)) == []


def test_a_table_rewritten_with_bom_and_windows_line_ends_reruns_no_year(run):
    path = run / "data" / "raw" / "trade_world.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert not [job for job in planned(run) if job.startswith("analyse_year")]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        # claims.py is imported by the evaluate_claims stage only (hubspoke.dag.codedeps); the
        # explorer shows its table
        ("inference/claims.py", [*CLAIMS_JOBS, "evaluate_claims"]),
        # the yearly measures (stages/figures.py imports them too): every year and what reads
        # the years; not validate_inputs nor check_references, which do not import them
        (
            "measures/centralization.py",
            [
                *chunks_of("analyse_years", CHUNKS),
                *(job for job in CROSS_YEAR if job != "check_references"),
            ],
        ),
        # build_raw.py makes data/raw; no rule runs it
        ("sources/build_raw.py", []),
    ],
)
def test_editing_library_code_reruns_the_rules_that_import_it(run, module, expected):
    path = run / "src" / "hubspoke" / module
    path.write_text(path.read_text() + "\n# edited\n")
    assert planned(run) == sorted(expected)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # alpha: evaluate_claims' parameter only (the explorer shows its table)
        ({"tests": {"alpha": 0.1}}, [*CLAIMS_JOBS, "evaluate_claims"]),
        # permutations: test_periods' parameter; evaluate_claims reads its output
        ({"tests": {"permutations": 60}},
         [*CLAIMS_JOBS, "evaluate_claims", "test_periods"]),
        # reconciliation: every year's networks, and the reference checks
        ({"reconciliation": "max"}, [*chunks_of("analyse_years", CHUNKS), *CROSS_YEAR]),
    ],
    ids=["alpha", "permutations", "reconciliation"],
)  # fmt: skip
def test_changing_a_parameter_reruns_the_rules_that_use_it(run, changes, expected):
    assert planned(run, write_config(run, **changes)) == sorted(expected)


GRID = [
    {"name": "rec", "key": "reconciliation", "alternatives": {"max": "max"}},
    {"name": "states", "key": "states", "alternatives": {"no_kaz": {"without": ["KAZ"]}}},
]


@pytest.fixture(scope="module")
def grid_run(small_run, tmp_path_factory) -> Path:
    """The small run with a grid of two specifications beside the main one, finished."""
    run = copy_run(small_run, tmp_path_factory.mktemp("grid") / "run")
    snakemake(run, "--configfile", write_config(run, specifications={"choices": GRID}))
    return run


def test_flipping_one_choice_of_the_grid_reruns_that_specification_only(grid_run, tmp_path):
    run = copy_run(grid_run, tmp_path / "run")
    assert planned(run, "changed.yaml") == []
    # the same name, another state left out: that specification's jobs only
    flipped = [GRID[0], {**GRID[1], "alternatives": {"no_kaz": {"without": ["ARM"]}}}]
    config = write_config(run, specifications={"choices": flipped})
    spec = "states=no_kaz"
    own = ["combine_years", "evaluate_claims", "test_did", "test_periods"]
    assert planned(run, config) == sorted(
        [
            # the other specifications analyse all their years in one job
            f"analyse_years[{spec},2012-2016]",
            *(f"{rule}[{spec}]" for rule in own),
            # the grid's tables, the final claims and what shows them
            *CLAIMS_JOBS,
        ]
    )
