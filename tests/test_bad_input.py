"""Bad input, end to end: each case stops ``snakemake`` with one line naming the file or config
key, the row, the column and the value, exits non-zero and leaves results/ as it was; a job
that fails anyway leaves results/ as it was too.

Every case runs on a copy of a finished run of the small configuration, so "leaves results/ as
it was" means: no file added, removed or rewritten (which also shows that no job started; the
workflow checks all inputs while it builds the job graph, see workflow/rules/common.smk).
"""

import csv
import hashlib
import io
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import copy_run, staged_file
from test_dots import write_dots
from test_workflow import snakemake

from hubspoke.dag.fingerprint import year_fingerprints
from hubspoke.validate import load_inputs

ERROR = "hubspoke: error: "
TABLES = ("trade", "trade_world", "treaties", "organisations", "memberships")
TRADE = "data/raw/trade.csv"
TRADE_WORLD = "data/raw/trade_world.csv"
MEMBERSHIPS = "data/raw/memberships.csv"


# --- editing a copy of the finished run ------------------------------------------------------


def lines(run: Path, table: str) -> list[str]:
    return (run / table).read_text(encoding="utf-8").splitlines(keepends=True)


def set_field(run: Path, table: str, prefix: str, column: str, value: str) -> int:
    """Set ``column`` of the first line of ``table`` starting with ``prefix``; returns the
    line number (header = 1)."""
    rows = lines(run, table)
    header = next(csv.reader([rows[0]]))
    i = next(i for i, line in enumerate(rows) if line.startswith(prefix))
    fields = next(csv.reader([rows[i]]))
    fields[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    rows[i] = out.getvalue()
    (run / table).write_text("".join(rows), encoding="utf-8")
    return i + 1


def field_case(table, prefix, column, value, message) -> Callable[[Path], list[str]]:
    def case(run: Path) -> list[str]:
        row = set_field(run, table, prefix, column, value)
        return [table, f"row {row}", f"column {column!r}", f"value {value!r}", message]

    return case


def change_config(run: Path, **changes) -> None:
    config = yaml.safe_load((run / "small.yaml").read_text())
    config.update(changes)
    (run / "small.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def config_case(message: str, key: str, value=None, **changes) -> Callable[[Path], list[str]]:
    def case(run: Path) -> list[str]:
        change_config(run, **changes)
        shown = [] if value is None else [f"value {value!r}"]
        return ["config", f"key {key!r}", *shown, message]

    return case


def missing_file(run: Path) -> list[str]:
    (run / "data/raw/treaties.csv").unlink()
    return ["data/raw/treaties.csv", "file not found"]


def empty_file(run: Path) -> list[str]:
    (run / "data/raw/organisations.csv").write_bytes(b"")
    return ["data/raw/organisations.csv", "empty file"]


def header_only(table: str, layer: str) -> Callable[[Path], list[str]]:
    """The table reduced to its header line: the layer built from it would be empty."""

    def case(run: Path) -> list[str]:
        (run / table).write_text(lines(run, table)[0], encoding="utf-8")
        return [table, f"no rows among the states in 2012-2016 for the layer {layer!r}"]

    return case


def world_year_missing(run: Path) -> list[str]:
    kept = [line for line in lines(run, TRADE_WORLD) if ",2016," not in line]
    (run / TRADE_WORLD).write_text("".join(kept), encoding="utf-8")
    return [
        "config",
        "key 'years'",
        "value 2016",
        f"no World totals of the states for this year in {TRADE_WORLD}",
    ]


def semicolons(run: Path) -> list[str]:
    rows = [line.replace(",", ";") for line in lines(run, TRADE_WORLD)]
    (run / TRADE_WORLD).write_text("".join(rows))
    return [TRADE_WORLD, "row 1", f"value {rows[0].strip()!r}", "delimiter must be a comma"]


def utf16(run: Path) -> list[str]:
    path = run / MEMBERSHIPS
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return [MEMBERSHIPS, "row 1", "value 'ff'", "not UTF-8 encoded"]


def latin1(run: Path) -> list[str]:
    path = run / "data/raw/organisations.csv"
    row = set_field(run, "data/raw/organisations.csv", "EAEU,", "name", "Eurasian Union (Gümri)")
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    return ["data/raw/organisations.csv", f"row {row}", "value 'fc'", "not UTF-8 encoded"]


def missing_column(run: Path) -> list[str]:
    # is_estimate is the fifth of six columns; drop it from every line
    rows = [",".join(line.split(",")[:4] + line.split(",")[5:]) for line in lines(run, TRADE_WORLD)]
    (run / TRADE_WORLD).write_text("".join(rows))
    return [TRADE_WORLD, "row 1", "column 'is_estimate'", "required column missing"]


def misspelt_column(run: Path) -> list[str]:
    rows = lines(run, TRADE)
    rows[0] = rows[0].replace("value_usd_m", "value_usd_mn")
    (run / TRADE).write_text("".join(rows))
    return [TRADE, "row 1", "column 'value_usd_m'", "value 'value_usd_mn'", "misspelt"]


def duplicate_key(run: Path) -> list[str]:
    rows = lines(run, "data/raw/organisations.csv")
    first = next(i for i, line in enumerate(rows) if line.startswith("EAEU,")) + 1
    (run / "data/raw/organisations.csv").write_text("".join([*rows, rows[first - 1]]))
    return [
        "data/raw/organisations.csv",
        f"row {len(rows) + 1}",
        "column 'org_id'",
        "value 'EAEU'",
        f"duplicate key (org_id) of line {first}",
    ]


def start_after_end(run: Path) -> list[str]:
    row = set_field(run, MEMBERSHIPS, "CIS,GEO,", "start", "2010-01-01")
    return [MEMBERSHIPS, f"row {row}", "column 'end'", "value '2009-08-18'", "is after end"]


def bad_yaml_entry(name: str, key: str) -> Callable[[Path], list[str]]:
    """The configured claims or reference checks file with its first entry repeated."""

    def case(run: Path) -> list[str]:
        document = yaml.safe_load((run / "config" / f"{name}.yaml").read_text())
        entries = document[key]
        document[key] = [*entries, entries[0]]
        (run / f"bad_{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
        change_config(run, **{name: f"bad_{name}.yaml"})
        return [f"bad_{name}.yaml", "key 'id'", f"value {entries[0]['id']!r}", "duplicate id"]

    return case


def edit_bytes(run: Path, table: str, prefix: str, old: bytes, new: bytes) -> int:
    """Replace ``old`` by ``new`` in the first line of ``table`` starting with ``prefix``;
    returns the line number (header = 1)."""
    rows = (run / table).read_bytes().split(b"\n")
    i = next(i for i, line in enumerate(rows) if line.startswith(prefix.encode()))
    assert old in rows[i]
    rows[i] = rows[i].replace(old, new, 1)
    (run / table).write_bytes(b"\n".join(rows))
    return i + 1


def append_row(run: Path) -> list[str]:
    """The issue's duplicate: BLR-RUS 2014 exports again, the year spelt with a leading zero."""
    rows = lines(run, TRADE)
    (run / TRADE).write_text("".join([*rows, "BLR,RUS,02014,export_fob,99999,false,IMF DOTS\n"]))
    return [TRADE, f"row {len(rows) + 1}", "column 'year'", "value '02014'", "canonical form"]


def nul_in(table: str, prefix: str, column: str, old: str, new: str):
    def case(run: Path) -> list[str]:
        row = edit_bytes(run, table, prefix, old.encode(), new.encode())
        return [table, f"row {row}", f"column {column!r}", f"value {new!r}", "control character"]

    return case


def quoted_newline(run: Path) -> list[str]:
    """A treaty name holding a line break (quoted): the error names its physical line, and an
    error after it (a bad date two lines on) is not reached first."""
    table = "data/raw/treaties.csv"
    row = edit_bytes(run, table, "ATOP-4018,", b"ATOP alliance 4018 (nonagg)", b'"a\nb"')
    return [table, f"row {row}", "column 'name'", "value 'a\\nb'", "line break inside a field"]


def sparse_file(run: Path) -> list[str]:
    """An input symlinked to a 12 GB sparse file is not read."""
    big = run / "big.csv"
    with big.open("wb") as file:
        file.truncate(12 * 2**30)
    (run / TRADE).unlink()
    (run / TRADE).symlink_to(big)
    return [TRADE, "value '12288 MB'", "file larger than max_input_mb"]


def alias_bomb(levels: int = 9) -> str:
    """A YAML flow value of 10 anchors, each ten aliases of the previous: 10^levels strings."""
    parts = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    parts += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


def bomb_in_config(run: Path) -> list[str]:
    text = (run / "small.yaml").read_text().replace("hub: RUS", f"hub: {alias_bomb()}")
    (run / "small.yaml").write_text(text)
    return ["config", "key 'hub'", "more than 100000 values (YAML aliases expanded)"]


def long_value(run: Path) -> list[str]:
    """A 10 MB value is shown cut, on one bounded line."""
    change_config(run, hub="R" * 10 * 2**20)
    return ["config", "key 'hub'", "[...]", "text longer than 100000 characters"]


def yaml_file_case(name: str, edit, expected) -> Callable[[Path], list[str]]:
    """The configured claims or reference checks file, its text changed by ``edit``."""

    def case(run: Path) -> list[str]:
        text = (run / "config" / f"{name}.yaml").read_text()
        (run / f"bad_{name}.yaml").write_text(edit(text))
        change_config(run, **{name: f"bad_{name}.yaml"})
        return [f"bad_{name}.yaml", *expected]

    return case


def duplicate_key_case(name: str, line: str, key: str) -> Callable[[Path], list[str]]:
    """The configured claims or reference checks file with the first line ``line`` repeated as
    ``<indent>key: 1`` just below it: the error names the repeated key at its own line."""

    def case(run: Path) -> list[str]:
        text = (run / "config" / f"{name}.yaml").read_text()
        at = text.index(line)
        row = text[:at].count("\n") + 2  # the line after the first one, counted from 1
        indent = line[: len(line) - len(line.lstrip())]
        edited = text.replace(line, f"{line}\n{indent}{key}: 1", 1)
        (run / f"bad_{name}.yaml").write_text(edited)
        change_config(run, **{name: f"bad_{name}.yaml"})
        return [f"bad_{name}.yaml", f"row {row}", f"duplicate key {key!r}"]

    return case


def first_entry_value(key: str, value: str):
    """An edit of a claims or checks file: the first ``key:`` (with its continuation lines)
    gets ``value``."""

    def edit(text: str) -> str:
        rows = text.splitlines(keepends=True)
        i = next(i for i, row in enumerate(rows) if row.lstrip().startswith(f"{key}: "))
        indent = len(rows[i]) - len(rows[i].lstrip())
        end = i + 1
        while end < len(rows) and len(rows[end]) - len(rows[end].lstrip()) > indent:
            end += 1
        rows[i:end] = [f"{' ' * indent}{key}: {value}\n"]
        return "".join(rows)

    return edit


def with_state(state: str) -> dict:
    """Configuration changes adding ``state`` to the small configuration's states."""
    subregions = [
        {"group": "West", "states": ["BLR", "RUS", state]},
        {"group": "South", "states": ["ARM", "KAZ"]},
    ]
    return {
        "states": ["ARM", "BLR", "KAZ", "RUS", state],
        "brokerage": {"partitions": ["subregions", "bloc"], "subregions": subregions},
    }


CASES = {
    # data tables
    "missing file": missing_file,
    "empty file": empty_file,
    "treaties: header only": header_only("data/raw/treaties.csv", "treaty"),
    "memberships: header only": header_only(MEMBERSHIPS, "membership"),
    "World totals without a year": world_year_missing,
    "semicolon delimiter": semicolons,
    "UTF-16 encoding": utf16,
    "Latin-1 encoding": latin1,
    "missing column": missing_column,
    "misspelt column": misspelt_column,
    "non-numeric value": field_case(
        TRADE, "BLR,RUS,2014,export_fob,", "value_usd_m", "12.5x", "not a finite number"
    ),
    "NaN value": field_case(
        TRADE, "BLR,RUS,2014,export_fob,", "value_usd_m", "NaN", "not a finite number"
    ),
    "negative value": field_case(
        TRADE, "KAZ,RUS,2013,import_cif,", "value_usd_m", "-3.5", "negative value"
    ),
    "absurd value": field_case(
        TRADE_WORLD, "RUS,2015,export_fob,", "value_usd_m", "2e7", "must be between 0 and 1e+07"
    ),
    "absurd year": field_case(
        TRADE_WORLD, "ARM,2012,export_fob,", "year", "1850", "must be between 1900 and 2100"
    ),
    "missing flag": field_case(
        TRADE_WORLD, "ARM,2012,export_fob,", "is_estimate", "", "missing value"
    ),
    "unknown country code": field_case(
        TRADE, "KAZ,RUS,2016,export_fob,", "partner", "RUZ", "unknown ISO3 country code"
    ),
    "unknown organisation": field_case(
        MEMBERSHIPS, "CIS,KAZ,", "org_id", "CIZ", "not an org_id of data/raw/organisations.csv"
    ),
    "duplicate key": duplicate_key,
    "start after end": start_after_end,
    # configuration
    "unknown config key": config_case(
        "unknown key", "nulls.seeds", nulls={"replicates": 20, "seed": 7, "seeds": 1}
    ),
    "wrong type": config_case(
        "is not of type 'integer'", "years.start", "2012", years={"start": "2012", "end": 2016}
    ),
    "configured year without data": config_case(
        "no trade rows of the states for this year in data/raw/trade.csv",
        "years",
        2017,
        years={"start": 2012, "end": 2017},
    ),
    "years start after end": config_case(
        "years.start is after years.end", "years.start", 2016, years={"start": 2016, "end": 2012}
    ),
    "hub not among the states": config_case(
        "the hub must be one of the states", "hub", "UZB", hub="UZB"
    ),
    "break outside the years": config_case(
        "each break must lie in (2012, 2016]", "breaks", 2020, breaks=[2020]
    ),
    "empty period": config_case("so that no period is empty", "breaks", 2012, breaks=[2012]),
    "unknown state code": config_case(
        "unknown ISO3 country code", "states", "XYZ", **with_state("XYZ")
    ),
    "state without data": config_case(
        "the state reports no trade in data/raw/trade.csv", "states", "FRA", **with_state("FRA")
    ),
    "unknown DiD bloc": config_case(
        "not an org_id of data/raw/organisations.csv",
        "tests.did.blocs.0.org",
        "EAUE",
        tests={"did": {"blocs": [{"break": 2015, "org": "EAUE"}]}},
    ),
    "missing claims file": config_case("file not found", "claims", "nope.yaml", claims="nope.yaml"),
    "bad claims": bad_yaml_entry("claims", "claims"),
    "bad reference checks": bad_yaml_entry("reference_checks", "checks"),
    # issue 11: 1. a key spelt two ways
    "non-canonical year": append_row,
    "non-canonical depth": field_case(
        "data/raw/organisations.csv", "EAEU,", "depth", "03", "canonical form"
    ),
    # 2. control characters
    "NUL inside a number": nul_in(
        TRADE, "BLR,RUS,2014,export_fob,", "value_usd_m", "15180.9844", "15180\x00.9844"
    ),
    "NUL starting a number": nul_in(
        TRADE, "BLR,RUS,2014,import_cif,", "value_usd_m", "22190.1629", "\x0022190.1629"
    ),
    "NUL in a text": nul_in(
        "data/raw/treaties.csv",
        "ATOP-4016,",
        "name",
        "ATOP alliance 4016 (nonagg)",
        "ATOP alliance\x00 4016 (nonagg)",
    ),
    "escape in a code": nul_in(MEMBERSHIPS, "CIS,KAZ,", "state", "KAZ", "K\x1bAZ"),
    # 3. whole-number floats for integers
    "float replicates": config_case(
        "is not of type 'integer'", "nulls.replicates", 20.0, nulls={"replicates": 20.0, "seed": 7}
    ),
    "float permutations": config_case(
        "is not of type 'integer'",
        "tests.permutations",
        50.0,
        tests={"permutations": 50.0},
    ),
    "float year": config_case(
        "is not of type 'integer'", "years.start", 2012.0, years={"start": 2012.0, "end": 2016}
    ),
    # 4. claim terms
    "empty term placeholder": yaml_file_case(
        "claims",
        lambda text: text.replace('term: "level_{break}"', 'term: "level_{}"', 1),
        ["term", "value 'level_{}'", "term placeholders"],
    ),
    "unclosed term brace": yaml_file_case(
        "claims",
        lambda text: text.replace('term: "level_{break}"', "term: 'a {'", 1),
        ["term", "value 'a {'", "term placeholders"],
    ),
    # 5. states: all with inputs not a mapping
    "inputs not a mapping": config_case(
        "is not of type 'object'", "inputs", "x", states="all", inputs="x"
    ),
    # 6. bounded reads and lines
    "12 GB sparse input": sparse_file,
    "alias bomb in the config": bomb_in_config,
    "alias bomb in a claim": yaml_file_case(
        "claims",
        first_entry_value("statement", alias_bomb()),
        ["key 'claims.0.statement'", "YAML aliases expanded"],
    ),
    "alias bomb in a check": yaml_file_case(
        "reference_checks",
        first_entry_value("statement", alias_bomb()),
        ["key 'checks.0.statement'", "YAML aliases expanded"],
    ),
    "10 MB value": long_value,
    # 7. physical line numbers
    "quoted line break": quoted_newline,
    # 8. NaN and inf
    "NaN claim value": yaml_file_case(
        "claims", first_entry_value("value", ".nan"), ["value nan", "of type 'number'"]
    ),
    "inf check value": yaml_file_case(
        "reference_checks",
        first_entry_value("value", ".inf"),
        ["key 'value'", "value inf", "of type 'number'"],
    ),
    "NaN check tolerance": yaml_file_case(
        "reference_checks",
        first_entry_value("tolerance", "{relative: .nan}"),
        ["key 'tolerance.relative'", "value nan", "of type 'number'"],
    ),
    # 9. duplicate keys in the YAML files hubspoke reads itself
    "duplicate key in claims": duplicate_key_case("claims", "    combine: all", "combine"),
    "duplicate key in checks": duplicate_key_case("reference_checks", "    value: 39700", "value"),
}


def snapshot(run: Path) -> dict[str, tuple[str, int]]:
    """Every file under results/ with its hash and modification time."""
    return {
        str(p.relative_to(run)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted((run / "results").rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def outcomes(small_run, tmp_path_factory):
    """Run every case (two at a time): name -> (expected fragments, process, results/ after)."""
    prepared = {}
    for i, (name, case) in enumerate(CASES.items()):
        run = copy_run(small_run, tmp_path_factory.mktemp(f"bad{i}") / "run")
        prepared[name] = (run, case(run))

    def attempt(run: Path):
        proc = snakemake(run, "--configfile", "small.yaml", check=False)
        return proc, snapshot(run)

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = {name: pool.submit(attempt, run) for name, (run, _) in prepared.items()}
    return {name: (prepared[name][1], *future.result()) for name, future in done.items()}


@pytest.fixture(scope="module")
def before(small_run):
    return snapshot(small_run)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_stops_the_run_with_one_line_and_writes_nothing(outcomes, before, name):
    expected, proc, after = outcomes[name]
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith(ERROR)]
    assert len(errors) == 1, proc.stderr[-3000:]
    assert ERROR not in proc.stdout
    for fragment in expected:
        assert fragment in errors[0], (fragment, errors[0])
    assert len(errors[0]) <= 1000
    assert after == before


@pytest.mark.slow
def test_a_failing_job_leaves_results_as_the_last_complete_run(small_run, before, tmp_path):
    """Whatever the checks before the jobs miss: a job that fails after others have rewritten
    their (staged) files changes nothing in results/; the next good run publishes it all."""
    run = copy_run(small_run, tmp_path / "run")
    change_config(run, reconciliation="max")  # every year and everything after it reruns
    script = run / "workflow" / "scripts" / "combine_years.py"
    good = script.read_text()
    script.write_text('raise RuntimeError("a fault no check foresaw")\n' + good)
    proc = snakemake(run, "--configfile", "small.yaml", check=False)
    assert proc.returncode != 0
    # removed by Snakemake
    assert not staged_file(run, "networks/edges.parquet").exists()
    assert snapshot(run) == before
    script.write_text(good)
    snakemake(run, "--configfile", "small.yaml")
    after = snapshot(run)
    assert set(after) == set(before) and after != before
    for name, (digest, _) in after.items():
        staged = staged_file(run, name.removeprefix("results/"))
        assert hashlib.sha256(staged.read_bytes()).hexdigest() == digest, name


# --- accepted variations -----------------------------------------------------------------------


def test_bom_and_windows_line_ends_are_read_as_the_same_table(small_run, tmp_path):
    """A byte-order mark and CRLF line ends (as Excel writes "CSV UTF-8") are not errors: the
    tables and the per-year fingerprints are the same as for the plain files."""
    raw = small_run / "data" / "raw"
    paths = {t: raw / f"{t}.csv" for t in TABLES}
    rewritten = {}
    for table, path in paths.items():
        rewritten[table] = tmp_path / path.name
        rewritten[table].write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    scope = {"states": ["ARM", "BLR", "KAZ", "RUS"], "years": range(2012, 2017)}
    plain, variant = load_inputs(paths, **scope), load_inputs(rewritten, **scope)
    for table in TABLES:
        assert variant[table].equals(plain[table]), table
    fingerprints = [
        year_fingerprints(t, scope["years"], scope["states"], "any_day") for t in (plain, variant)
    ]
    assert fingerprints[0] == fingerprints[1]


# --- the DOTS importer (python -m hubspoke.sources.build_raw) ------------------------------


def build_raw(shared: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "hubspoke.sources.build_raw", "--shared", str(shared)]
    cmd += ["--out", str(shared / "out"), "--states", "KAZ,RUS", "--years", "2018-2019"]
    return subprocess.run(cmd, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"sheets": {"Exports, FOB": [("World", 1, 2)]}},
            ["DOTS_KAZ.xlsx", "sheet 'Imports, CIF' missing"],
        ),
        # one blank row on top: the reporter name is not in B4
        ({"top_padding": 1}, ["DOTS_KAZ.xlsx [Exports, FOB]", "row 4", "column 'B'"]),
    ],
    ids=["missing sheet", "shifted header"],
)
def test_bad_dots_workbook_stops_build_raw_with_one_line(tmp_path, options, expected):
    (tmp_path / "imf-dots").mkdir()
    write_dots(tmp_path / "imf-dots" / "DOTS_KAZ.xlsx", **options)
    proc = build_raw(tmp_path)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, proc.stderr
    for fragment in expected:
        assert fragment in errors[0]
    assert not (tmp_path / "out").exists()
