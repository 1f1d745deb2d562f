"""Correlates of War Dyadic Trade v4.0 (Barbieri & Keshk 2016): a reader used only to cross-check
the IMF DOTS importer (``hubspoke.sources.dots``) against an independent compilation, so it
lives with its tests rather than in the package.

Input ``cow_trade_v4_dyadic.csv(.gz)``: one row per non-directed dyad-year with ``ccode1, ccode2,
year, flow1, flow2, smoothflow1, smoothflow2`` in current US$ millions; ``flow1`` is the imports of
``ccode1`` from ``ccode2`` and ``flow2`` the imports of ``ccode2`` from ``ccode1``.

Missing values (documented rule):

* ``-9`` (COW's missing code) and empty fields are missing.
* A dyad-year whose two flows are both exactly 0 is missing, not "no trade": the codebook warns
  that double zeros mostly stand for flows nobody reported. Such rows keep ``both_zero = True`` so
  a caller can take the zeros at face value instead. The same rule is applied separately to the
  pair of smoothed flows.

Codes are converted with :func:`hubspoke.countries.cow_to_iso3`; codes of historical states (e.g.
260 German Federal Republic, 315 Czechoslovakia) have no ISO3 and stay ``<NA>`` next to their COW
codes.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hubspoke.countries import POST_SOVIET, cow_to_iso3
from hubspoke.errors import InputError

COLUMNS = ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2"]
MISSING_CODE = -9
OUTPUT_COLUMNS = [
    "importer", "exporter", "year", "value_usd_m", "smoothed_usd_m", "both_zero",
    "importer_cow", "exporter_cow",
]  # fmt: skip


def read_cow_trade(path: str | Path) -> pd.DataFrame:
    """Directed flows ``[importer, exporter, year, value_usd_m, smoothed_usd_m, both_zero,
    importer_cow, exporter_cow]``: the importer's imports from the exporter, as reported by COW.

    Sorted by importer_cow, exporter_cow, year.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "COW trade file not found")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}", row=1)
    dyads = _numeric(raw[COLUMNS], path)
    _check_dyads(dyads, path)
    raw_flows = _with_missing(dyads["flow1"], dyads["flow2"])
    smoothed = _with_missing(dyads["smoothflow1"], dyads["smoothflow2"])
    both_zero = (dyads["flow1"] == 0) & (dyads["flow2"] == 0)
    one_way = [
        ("ccode1", "ccode2", raw_flows[0], smoothed[0]),
        ("ccode2", "ccode1", raw_flows[1], smoothed[1]),
    ]
    directed = pd.concat(
        [
            pd.DataFrame(
                {
                    "importer_cow": dyads[importer].astype(np.int64),
                    "exporter_cow": dyads[exporter].astype(np.int64),
                    "year": dyads["year"].astype(np.int64),
                    "value_usd_m": value,
                    "smoothed_usd_m": smooth,
                    "both_zero": both_zero,
                }
            )
            for importer, exporter, value, smooth in one_way
        ],
        ignore_index=True,
    )
    directed["importer"] = _iso3(directed["importer_cow"])
    directed["exporter"] = _iso3(directed["exporter_cow"])
    directed = directed.sort_values(["importer_cow", "exporter_cow", "year"], kind="stable")
    return directed[OUTPUT_COLUMNS].reset_index(drop=True)


def _numeric(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Parse every column as a number; empty fields become NaN, anything else is an error."""
    out = {}
    for column in frame.columns:
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text.replace("", np.nan).replace("NA", np.nan), errors="coerce")
        bad = numbers.isna() & ~text.isin(["", "NA"])
        bad |= ~np.isfinite(numbers.fillna(0))
        if bad.any():
            at = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                str(path), "not a number", row=at + 2, column=column, value=frame[column].iloc[at]
            )
        out[column] = numbers
    return pd.DataFrame(out)


def _check_dyads(dyads: pd.DataFrame, path: Path) -> None:
    keys = ["ccode1", "ccode2", "year"]
    for column in keys:
        blank = dyads[column].isna()
        if blank.any():
            at = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(str(path), "missing key", row=at + 2, column=column, value="")
    flows = ["flow1", "flow2", "smoothflow1", "smoothflow2"]
    negative = (dyads[flows] < 0) & (dyads[flows] != MISSING_CODE)
    if negative.to_numpy().any():
        at, col = np.argwhere(negative.to_numpy())[0]
        raise InputError(
            str(path),
            f"negative flow (only {MISSING_CODE} = missing is allowed)",
            row=int(at) + 2,
            column=flows[col],
            value=dyads[flows[col]].iloc[at],
        )
    duplicated = dyads.duplicated(keys, keep=False)
    if duplicated.any():
        rows = np.flatnonzero(duplicated.to_numpy())[:2] + 2
        raise InputError(
            str(path), f"dyad-year repeated in rows {rows[0]} and {rows[1]}", row=int(rows[1])
        )


def _with_missing(first: pd.Series, second: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Apply the missing-value rule to the two directions of a dyad-year."""
    both_zero = (first == 0) & (second == 0)
    return tuple(
        flow.where((flow != MISSING_CODE) & ~both_zero).astype(float) for flow in (first, second)
    )


def _iso3(codes: pd.Series) -> pd.Series:
    unique = codes.unique()
    mapping = dict(zip(unique, cow_to_iso3(unique), strict=True))
    return codes.map(mapping).astype("string")


FIXTURE = "tests/fixtures/cow_trade/dyadic.csv"


@pytest.fixture
def flows(request):
    return read_cow_trade(request.config.rootpath / FIXTURE)


def flow(frame, importer, exporter, year):
    row = frame[
        (frame["importer_cow"] == importer)
        & (frame["exporter_cow"] == exporter)
        & (frame["year"] == year)
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_directions(flows):
    # flow1 = imports of ccode1 (USA, 2) from ccode2 (Russia, 365); flow2 the reverse.
    assert flow(flows, 2, 365, 2000)["value_usd_m"] == 10.5
    assert flow(flows, 365, 2, 2000)["value_usd_m"] == 20.25
    row = flow(flows, 2, 365, 2000)
    assert (row["importer"], row["exporter"]) == ("USA", "RUS")
    assert len(flows) == 2 * 6  # every dyad-year gives two directed rows


def test_double_zero_is_missing_and_flagged(flows):
    for importer, exporter in [(2, 365), (365, 2)]:
        row = flow(flows, importer, exporter, 2001)
        assert math.isnan(row["value_usd_m"]) and row["both_zero"]
    # The smoothed pair (0, 3) is not a double zero: the 0 is kept.
    assert flow(flows, 2, 365, 2001)["smoothed_usd_m"] == 0.0
    assert flow(flows, 365, 2, 2001)["smoothed_usd_m"] == 3.0


def test_single_zero_is_a_zero(flows):
    row = flow(flows, 365, 705, 2010)  # Russia's imports from Kazakhstan: 0 next to 4.5
    assert row["value_usd_m"] == 0.0 and not row["both_zero"]
    assert flow(flows, 705, 365, 2010)["value_usd_m"] == 4.5


def test_minus_nine_and_empty_are_missing(flows):
    assert math.isnan(flow(flows, 2, 365, 2002)["value_usd_m"])
    assert math.isnan(flow(flows, 2, 365, 2002)["smoothed_usd_m"])
    assert flow(flows, 365, 2, 2002)["value_usd_m"] == 5.0
    assert math.isnan(flow(flows, 2, 365, 2003)["value_usd_m"])
    assert not flow(flows, 2, 365, 2003)["both_zero"]


def test_historical_state_keeps_cow_code(flows):
    row = flow(flows, 260, 365, 1980)  # 260 = German Federal Republic, no ISO3
    assert pd.isna(row["importer"]) and row["exporter"] == "RUS"
    assert row["value_usd_m"] == 1.0


def test_types_and_order(flows):
    assert str(flows["year"].dtype) == "int64"
    assert str(flows["value_usd_m"].dtype) == "float64"
    assert str(flows["both_zero"].dtype) == "bool"
    keys = flows[["importer_cow", "exporter_cow", "year"]]
    assert keys.equals(keys.sort_values(list(keys.columns)).reset_index(drop=True))


def write(tmp_path, text):
    path = tmp_path / "cow.csv"
    path.write_text(text)
    return path


HEADER = "ccode1,ccode2,year,flow1,flow2,smoothflow1,smoothflow2\n"


@pytest.mark.parametrize(
    ("body", "row", "column", "value"),
    [
        ("2,365,2000,1,2,1,2\n2,365,2001,abc,2,1,2\n", 3, "flow1", "abc"),
        ("2,365,2000,1,2,1,2\n2,365,2001,1,inf,1,2\n", 3, "flow2", "inf"),
        ("2,365,2000,1,-3,1,2\n", 2, "flow2", -3.0),
    ],
)
def test_bad_values(tmp_path, body, row, column, value):
    with pytest.raises(InputError) as err:
        read_cow_trade(write(tmp_path, HEADER + body))
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)
    assert "cow.csv" in str(err.value)


def test_missing_column(tmp_path):
    with pytest.raises(InputError, match="smoothflow2"):
        read_cow_trade(write(tmp_path, "ccode1,ccode2,year,flow1,flow2,smoothflow1\n"))


def test_duplicate_dyad_year(tmp_path):
    body = "2,365,2000,1,2,1,2\n2,20,2000,1,2,1,2\n2,365,2000,1,2,1,2\n"
    with pytest.raises(InputError, match="rows 2 and 4"):
        read_cow_trade(write(tmp_path, HEADER + body))


@pytest.mark.shared
def test_cow_agrees_with_dots_importer_reports(shared_data, dots_post_soviet):
    """COW v4 importer-reported flows among the 15, 1992-2014, against DOTS ``import_cif``.

    COW values in this copy are whole US$ millions, so a flow agrees when the two figures differ
    by at most 0.5. Measured (2021 DOTS export): 4,237 flows with both figures; 84.6% agree,
    99.6% in 1992-1999 and 77.9% in 2000-2014 (later DOTS revisions are not in COW v4).
    """
    cow = read_cow_trade(shared_data / "cow-trade-v4" / "cow_trade_v4_dyadic.csv.gz")
    cow = cow[
        cow["importer"].isin(POST_SOVIET)
        & cow["exporter"].isin(POST_SOVIET)
        & cow["year"].between(1992, 2014)
    ]
    dots = dots_post_soviet.flows
    dots = dots[
        (dots["flow"] == "import_cif")
        & dots["partner"].isin(POST_SOVIET)
        & dots["year"].between(1992, 2014)
    ]
    both = dots.merge(
        cow.astype({"importer": object, "exporter": object}),
        left_on=["reporter", "partner", "year"],
        right_on=["importer", "exporter", "year"],
        suffixes=("_dots", "_cow"),
    ).dropna(subset=["value_usd_m_dots", "value_usd_m_cow"])
    agree = (both["value_usd_m_cow"] - both["value_usd_m_dots"]).abs() <= 0.5
    early = both["year"] <= 1999
    assert len(both) > 4000
    assert agree.mean() >= 0.84
    assert agree[early].mean() >= 0.99
    assert (
        np.corrcoef(np.log1p(both["value_usd_m_dots"]), np.log1p(both["value_usd_m_cow"]))[0, 1]
        > 0.97
    )
