"""The stage runner (hubspoke.stages.runner): tables written with provenance and CSV copies,
the log, and bad input or a bad setting ending the job with one line."""

import logging

import pandas as pd
import pytest

from hubspoke import tables
from hubspoke.errors import InputError, SettingError
from hubspoke.settings import SECTIONS, PeriodTests, setting_key
from hubspoke.stages.runner import Job, execute


def job(tmp_path, **outputs):
    source = tmp_path / "in.csv"
    source.write_text("a\n1\n")
    return Job(
        inputs={"source": str(source)},
        params={"settings": {"hub": "RUS"}},
        outputs={name: str(tmp_path / path) for name, path in outputs.items()},
        wildcards={},
        log=str(tmp_path / "job.log"),
    )


def test_tables_are_written_with_the_jobs_provenance_and_their_csv_copies(tmp_path):
    j = job(tmp_path, table="out.parquet", table_csv="out.csv")
    frame = pd.DataFrame({"x": [1, 2]})
    execute(j, lambda _: {"table": frame})
    assert tables.read_provenance(j.outputs["table"]) == j.provenance()
    assert j.provenance()["inputs"] == {"source": tables.sha256_file(j.inputs["source"])}
    assert pd.read_csv(j.outputs["table_csv"]).equals(frame)
    log = (tmp_path / "job.log").read_text()
    assert f"input source: {j.inputs['source']}" in log
    assert "output table_csv:" in log and "finished in" in log
    # the hubspoke loggers write to the job's log only, however a dependency set up logging
    assert not logging.getLogger("hubspoke").propagate


def test_a_stage_may_yield_its_tables_and_each_is_written_before_the_next_is_computed(tmp_path):
    j = job(tmp_path, first="first.parquet", second="second.parquet")
    seen = []

    def stage(_):
        yield "first", pd.DataFrame({"x": [1]})
        seen.append(sorted(p.name for p in tmp_path.glob("*.parquet")))
        yield "second", pd.DataFrame({"x": [2]})

    execute(j, stage)
    assert seen == [["first.parquet"]]
    assert pd.read_parquet(j.outputs["second"])["x"].tolist() == [2]
    assert tables.read_provenance(j.outputs["second"]) == j.provenance()


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (InputError("trade.csv", "not a number", row=3, column="value_usd_m", value="x"),
         "hubspoke: error: trade.csv, row 3, column 'value_usd_m', value 'x': not a number"),
        (SettingError("breaks", "the period before 2010 holds none of the years", [2010]),
         "hubspoke: error: config, key 'breaks', value [2010]: the period before 2010 holds"),
        (SettingError("permutation_scheme", "unknown scheme", "x"),
         "hubspoke: error: config, key 'tests.permutation_scheme', value 'x': unknown scheme"),
    ],
)  # fmt: skip
def test_bad_input_or_a_bad_setting_ends_the_job_with_one_line(tmp_path, capsys, error, line):
    def stage(_):
        raise error

    j = job(tmp_path, table="out.parquet")
    with pytest.raises(SystemExit) as exit_:
        execute(j, stage)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(line) and err.count("\n") == 1
    assert line in (tmp_path / "job.log").read_text()
    assert not (tmp_path / "out.parquet").exists()


def test_a_setting_name_means_one_configuration_key_in_every_section():
    for section in SECTIONS:
        for name in section.__dataclass_fields__:
            assert setting_key(name) == section.key(name)
    assert setting_key("seed") == PeriodTests.key("seed") == "tests.seed"
