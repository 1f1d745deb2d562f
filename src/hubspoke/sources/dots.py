"""IMF Direction of Trade Statistics (DOTS): one workbook per reporting economy.

Publisher's layout (IMF data portal export), per sheet ``Exports, FOB`` / ``Imports, CIF``:
row 4 column B is the reporter's name, row 5 column B the unit (``US Dollars, Millions``), row 7
holds the years as text from column C on, and every later row is one partner with its name in
column B. A cell is a number, a string with thousands separators (``"1,234.5"``), a string with an
``e`` suffix marking an IMF estimate (``"0.62 e"``) or empty (not reported: NaN, never 0).

Partner rows are sorted into three groups:

* countries: the name maps to an ISO3 code (:func:`hubspoke.countries.name_to_iso3`);
* aggregates: an IMF aggregate label listed in :data:`IMF_AGGREGATES`, or any label ending in
  ``not specified`` (IMF's residual areas);
* unmapped: everything else (historical entities such as ``USSR`` or ``Yugoslavia``, unknown
  names). They are returned in ``unmapped`` so a caller can report them; never dropped silently.

Each sheet repeats one partner row (``Australia`` appears at the top and again in its place);
exact duplicates are collapsed, conflicting duplicates are an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from hubspoke.countries import name_to_iso3
from hubspoke.errors import InputError

log = logging.getLogger(__name__)

SHEETS: dict[str, str] = {"Exports, FOB": "export_fob", "Imports, CIF": "import_cif"}
UNIT = "US Dollars, Millions"
REPORTER_ROW, UNIT_ROW, YEAR_ROW = 4, 5, 7  # 1-based sheet rows
NAME_COL = 1  # column B, 0-based
FIRST_VALUE_COL = 2  # column C

# Partner labels of IMF country groups and residual categories (as printed in DOTS workbooks
# exported in 2021). Labels ending in " not specified" are residual areas and also aggregates.
IMF_AGGREGATES: frozenset[str] = frozenset(
    {
        "World",
        "Advanced Economies",
        "Euro Area",
        "European Union",
        "Emerging and Developing Economies",
        "Emerging and Developing Asia",
        "Emerging and Developing Europe",
        "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
        "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
        "Africa",
        "Sub-Saharan Africa",
        "Middle East",
        "Middle East and Central Asia",
        "Western Hemisphere",
        "Other Countries not included elsewhere",
        "Special Categories",
        "Memorandum Items",
        "South African Common Customs Area (SACCA)",
    }
)

# A number with optional thousands separators and an optional IMF estimate marker " e".
_VALUE = r"^(?P<number>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:\s*(?P<estimate>e))?$"

FLOW_COLUMNS = ["reporter", "partner", "year", "flow", "value_usd_m", "is_estimate"]
AGGREGATE_COLUMNS = ["reporter", "aggregate", "year", "flow", "value_usd_m", "is_estimate"]
UNMAPPED_COLUMNS = ["reporter", "partner_name", "first_year", "last_year", "n_values"]


@dataclass(frozen=True)
class DotsWorkbook:
    """DOTS figures in long form.

    ``flows`` [reporter, partner, year, flow, value_usd_m, is_estimate]: partner countries, one row
    per partner row and year column of the sheet (value NaN when the cell is empty).
    ``aggregates`` [reporter, aggregate, year, flow, value_usd_m, is_estimate]: IMF aggregates.
    ``unmapped`` [reporter, partner_name, first_year, last_year, n_values]: partner names that are
    neither a country nor an aggregate, with the span and number of their non-empty values.
    """

    flows: pd.DataFrame
    aggregates: pd.DataFrame
    unmapped: pd.DataFrame


def is_aggregate(name: str) -> bool:
    """Whether a DOTS partner label is an IMF aggregate or residual area."""
    return name in IMF_AGGREGATES or name.endswith(" not specified")


def read_dots_workbook(path: str | Path) -> DotsWorkbook:
    """Read one DOTS workbook (both sheets)."""
    path = Path(path)
    workbook = _open(path)
    try:
        name = _reporter_name(workbook, path)
        return _read_sheets(workbook, path, name, _reporter_iso3(name, path))
    finally:
        workbook.close()


def read_dots_folder(folder: str | Path, reporters: Iterable[str] | None = None) -> DotsWorkbook:
    """Read the workbooks of ``reporters`` (ISO3) from a folder of ``*.xlsx`` DOTS exports.

    The reporter of a workbook is taken from its row 4, not from the file name. With
    ``reporters=None`` every workbook whose reporter is a country is read; workbooks of
    aggregates or historical reporters are skipped and logged. A reporter exported twice must
    have identical figures in both files.
    """
    folder = Path(folder)
    files = sorted(folder.glob("*.xlsx"))
    if not files:
        raise InputError(str(folder), "no DOTS workbooks (*.xlsx) in folder")
    wanted = None if reporters is None else set(reporters)
    parts: dict[str, tuple[Path, DotsWorkbook]] = {}
    skipped = []
    for path in files:
        workbook = _open(path)
        try:
            name = _reporter_name(workbook, path)
            iso3 = _country_code(name)
            if iso3 is None:
                skipped.append(name)
                continue
            if wanted is not None and iso3 not in wanted:
                continue
            part = _read_sheets(workbook, path, name, iso3)
        finally:
            workbook.close()
        if iso3 in parts:
            _check_same_export(parts[iso3], (path, part), iso3)
            continue
        parts[iso3] = (path, part)
    if skipped:
        log.info("DOTS: skipped workbooks of non-country reporters: %s", "; ".join(skipped))
    missing = sorted((wanted or set()) - parts.keys())
    if missing:
        raise InputError(str(folder), f"no DOTS workbook for reporter(s) {', '.join(missing)}")
    return _combine([part for _, part in parts.values()])


def _open(path: Path) -> openpyxl.Workbook:
    if not path.is_file():
        raise InputError(str(path), "DOTS workbook not found")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types for a broken file
        raise InputError(str(path), f"cannot open as an xlsx workbook ({err})") from err


def _sheet(workbook: openpyxl.Workbook, path: Path, sheet: str):
    if sheet not in workbook.sheetnames:
        raise InputError(
            str(path), f"sheet {sheet!r} missing (sheets: {', '.join(workbook.sheetnames)})"
        )
    return workbook[sheet]


def _reporter_name(workbook: openpyxl.Workbook, path: Path) -> str:
    sheet = next(iter(SHEETS))
    cells = _sheet(workbook, path, sheet).iter_rows(
        min_row=REPORTER_ROW, max_row=REPORTER_ROW, values_only=True
    )
    name = _cell(next(cells, ()), NAME_COL)
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            f"{path} [{sheet}]", "no reporter name", row=REPORTER_ROW, column="B", value=name
        )
    return name.strip()


def _country_code(name: str) -> str | None:
    """ISO3 of a reporter; None for aggregates (coco alone maps SACCA to ZAF)."""
    return None if is_aggregate(name) else name_to_iso3([name])[0]


def _reporter_iso3(name: str, path: Path) -> str:
    iso3 = _country_code(name)
    if iso3 is None:
        raise InputError(
            str(path),
            "reporter is not a country (an aggregate or historical entity)",
            row=REPORTER_ROW,
            column="B",
            value=name,
        )
    return iso3


def _read_sheets(workbook: openpyxl.Workbook, path: Path, name: str, reporter: str) -> DotsWorkbook:
    frames = [
        _read_sheet(_sheet(workbook, path, sheet), f"{path} [{sheet}]", name, reporter, flow)
        for sheet, flow in SHEETS.items()
    ]
    return _combine([_split(pd.concat(frames, ignore_index=True), reporter, str(path))])


def _read_sheet(ws, source: str, name: str, reporter: str, flow: str) -> pd.DataFrame:
    """One sheet as long rows [reporter, name, row, year, flow, value_usd_m, is_estimate]."""
    rows = list(ws.iter_rows(values_only=True))
    _check_header(rows, name, source)
    years = _years(rows[YEAR_ROW - 1], source)
    body = rows[YEAR_ROW:]
    width = max([FIRST_VALUE_COL + len(years), *map(len, body)])
    grid = np.full((len(body), width), None, dtype=object)
    for i, row in enumerate(body):
        grid[i, : len(row)] = row
    lines = np.arange(YEAR_ROW + 1, YEAR_ROW + 1 + len(body))
    _check_no_stray_values(grid, len(years), lines, source)
    named = grid[:, NAME_COL] != None  # noqa: E711 (elementwise on an object array)
    names = [str(name).strip() for name in grid[named, NAME_COL]]
    lines = lines[named]
    cells = grid[named, FIRST_VALUE_COL : FIRST_VALUE_COL + len(years)]
    keep = _drop_duplicate_rows(names, cells, lines, source)
    value, estimate = _parse_values(cells[keep], years, lines[keep], source)
    n_rows, n_years = value.shape
    return pd.DataFrame(
        {
            "reporter": reporter,
            "name": np.repeat(np.array(names, dtype=object)[keep], n_years),
            "row": np.repeat(lines[keep], n_years),
            "year": np.tile(np.array(years, dtype=np.int64), n_rows),
            "flow": flow,
            "value_usd_m": value.ravel(),
            "is_estimate": estimate.ravel(),
        }
    )


def _check_header(rows: Sequence[tuple], reporter: str, source: str) -> None:
    if len(rows) < YEAR_ROW:
        raise InputError(source, f"sheet has {len(rows)} rows; the header needs {YEAR_ROW}")
    name = _cell(rows[REPORTER_ROW - 1], NAME_COL)
    if name is None or str(name).strip() != reporter:
        raise InputError(
            source, f"reporter differs from {reporter!r}", row=REPORTER_ROW, column="B", value=name
        )
    unit = _cell(rows[UNIT_ROW - 1], NAME_COL)
    if unit != UNIT:
        raise InputError(source, f"unit must be {UNIT!r}", row=UNIT_ROW, column="B", value=unit)


def _cell(row: tuple, col: int) -> object:
    return row[col] if len(row) > col else None


def _years(row: tuple, source: str) -> list[int]:
    """The years of row 7 (text such as ``'1992'``), contiguous from column C."""
    labels = list(row[FIRST_VALUE_COL:])
    while labels and labels[-1] is None:
        labels.pop()
    if not labels or _cell(row, NAME_COL) is not None:
        raise InputError(
            source,
            "no year row where expected (header shifted?)",
            row=YEAR_ROW,
            column="B",
            value=_cell(row, NAME_COL),
        )
    years = []
    for col, label in enumerate(labels, start=FIRST_VALUE_COL + 1):
        text = str(label).strip()
        if not (text.isdigit() and len(text) == 4):
            raise InputError(
                source,
                "year header must be a four-digit year (header shifted?)",
                row=YEAR_ROW,
                column=get_column_letter(col),
                value=label,
            )
        years.append(int(text))
    if len(set(years)) != len(years):
        raise InputError(source, "a year appears twice in the header", row=YEAR_ROW)
    return years


def _check_no_stray_values(grid: np.ndarray, n_years: int, lines: np.ndarray, source: str) -> None:
    """Values must sit in a named row and under a year."""
    filled = grid != None  # noqa: E711 (elementwise on an object array)
    stray = filled.copy()
    stray[:, : FIRST_VALUE_COL + n_years] = False
    unnamed = ~filled[:, NAME_COL]
    stray[unnamed, FIRST_VALUE_COL:] = filled[unnamed, FIRST_VALUE_COL:]
    if stray.any():
        row, col = np.argwhere(stray)[0]
        raise InputError(
            source,
            "value in a row without a name" if unnamed[row] else "value in a column without a year",
            row=int(lines[row]),
            column=get_column_letter(int(col) + 1),
            value=grid[row, col],
        )


def _drop_duplicate_rows(
    names: list[str], cells: np.ndarray, lines: np.ndarray, source: str
) -> list[int]:
    """Indices of the rows to keep: the first of each group of identical partner rows."""
    first: dict[str, int] = {}
    keep = []
    for i, name in enumerate(names):
        if name not in first:
            first[name] = i
            keep.append(i)
        elif list(cells[first[name]]) != list(cells[i]):
            raise InputError(
                source,
                f"partner {name!r} appears in rows {lines[first[name]]} and {lines[i]} "
                "with different values",
                row=int(lines[i]),
                column="B",
                value=name,
            )
    return keep


def _parse_values(
    grid: np.ndarray, years: list[int], lines: np.ndarray, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Cell grid -> (values float64 with NaN for empty cells, estimate flags)."""
    flat = pd.Series(grid.ravel(), dtype=object)
    kinds = flat.map(type)
    is_number = kinds.isin([int, float])
    is_text = kinds.map(lambda kind: kind is str)
    text = flat[is_text].str.strip()
    is_blank = pd.Series(False, index=flat.index)
    is_blank[text.index] = text.eq("")
    text = text[~is_blank[text.index]]
    parsed = text.str.extract(_VALUE)
    bad = ~(is_number | flat.isna() | is_blank)
    bad[parsed.index] = parsed["number"].isna()
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        row, col = divmod(at, len(years))
        raise InputError(
            source,
            "not a number (expected e.g. 12.5, '1,234.5' or '0.62 e')",
            row=int(lines[row]),
            column=f"{years[col]} (column {get_column_letter(FIRST_VALUE_COL + col + 1)})",
            value=flat.iloc[at],
        )
    values = pd.Series(np.nan, index=flat.index)
    values[is_number] = flat[is_number].astype(float)
    values[parsed.index] = parsed["number"].str.replace(",", "", regex=False).astype(float)
    estimate = pd.Series(False, index=flat.index)
    estimate[parsed.index] = parsed["estimate"].notna()
    return (
        values.to_numpy(dtype=float).reshape(grid.shape),
        estimate.to_numpy(dtype=bool).reshape(grid.shape),
    )


def _split(long: pd.DataFrame, reporter: str, source: str) -> DotsWorkbook:
    names = pd.Series(long["name"].unique())
    aggregate = names[names.map(is_aggregate)]
    countries = names[~names.isin(aggregate)]
    iso3 = dict(zip(countries, name_to_iso3(countries), strict=True))
    _check_one_name_per_country(long, iso3, source)
    partner = long["name"].map(iso3)
    is_country = partner.notna()
    is_aggregate_row = long["name"].isin(aggregate)
    flows = long[is_country].assign(partner=partner[is_country])[FLOW_COLUMNS]
    aggregates = long[is_aggregate_row].rename(columns={"name": "aggregate"})[AGGREGATE_COLUMNS]
    unmapped = _unmapped(long[~is_country & ~is_aggregate_row], reporter)
    return DotsWorkbook(flows, aggregates, unmapped)


def _check_one_name_per_country(
    long: pd.DataFrame, iso3: dict[str, str | None], source: str
) -> None:
    rows = long[["flow", "name", "row"]].drop_duplicates(["flow", "name"])
    rows = rows.assign(partner=rows["name"].map(iso3)).dropna(subset=["partner"])
    clash = rows[rows.duplicated(["flow", "partner"], keep=False)]
    if not clash.empty:
        first, second = clash.iloc[0], clash.iloc[1]
        sheet = {flow: name for name, flow in SHEETS.items()}[first["flow"]]
        raise InputError(
            f"{source} [{sheet}]",
            f"partner names {first['name']!r} (row {first['row']}) and {second['name']!r} "
            f"both map to {first['partner']}",
            row=int(second["row"]),
            column="B",
            value=second["name"],
        )


def _unmapped(long: pd.DataFrame, reporter: str) -> pd.DataFrame:
    reported = long["value_usd_m"].notna()
    summary = (
        pd.DataFrame(
            {
                "partner_name": long["name"].astype(object),
                "year": long["year"].where(reported).astype("Int64"),
                "reported": reported.astype(np.int64),
            }
        )
        .groupby("partner_name", sort=True)
        .agg(first_year=("year", "min"), last_year=("year", "max"), n_values=("reported", "sum"))
        .reset_index()
    )
    return summary.assign(reporter=reporter)[UNMAPPED_COLUMNS]


def _check_same_export(
    kept: tuple[Path, DotsWorkbook], other: tuple[Path, DotsWorkbook], iso3: str
) -> None:
    (kept_path, kept_part), (other_path, other_part) = kept, other
    if not kept_part.flows.equals(other_part.flows):
        raise InputError(
            str(other_path),
            f"reporter {iso3} is also exported in {kept_path.name} with different figures",
            row=REPORTER_ROW,
            column="B",
        )
    log.info("DOTS: %s repeats reporter %s of %s; read once", other_path.name, iso3, kept_path.name)


def _combine(parts: list[DotsWorkbook]) -> DotsWorkbook:
    def concat(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
        frame = pd.concat(frames, ignore_index=True)
        return frame.sort_values(key, kind="stable").reset_index(drop=True)

    return DotsWorkbook(
        flows=concat([p.flows for p in parts], ["reporter", "partner", "year", "flow"]),
        aggregates=concat([p.aggregates for p in parts], ["reporter", "aggregate", "year", "flow"]),
        unmapped=concat([p.unmapped for p in parts], ["reporter", "partner_name"]),
    )
