"""Build the default input tables in ``data/raw`` from the real source data.

    python -m hubspoke.sources.build_raw --shared ../shared/data --out data/raw \\
        [--states ARM,AZE,...] [--years 1992-2020] [--trade-only] [--bodies case|world]

``--states all`` takes every reporter with a DOTS workbook (the world network; with
``--years 1960-2020 --bodies world --out data/world`` it is the input of the examples in
``config/examples/``, not committed: about 5 million trade rows). ``--bodies world`` adds the
world's major regional bodies to the organisation registry
(:func:`hubspoke.sources.institutions.derive_institutions`).

Writes ``trade.csv`` and ``trade_world.csv`` from the IMF DOTS workbooks, ``gdp.csv`` from the
World Bank's GDP (current US$), ``geography.csv`` and ``borders.csv`` from mledoze/countries (the
covariates of a gravity model and of normalised trade), and ``treaties.csv``,
``organisations.csv`` and ``memberships.csv`` from
:func:`hubspoke.sources.institutions.derive_institutions`, and ``sources.csv`` (the years each
source covers, :mod:`hubspoke.coverage`) from ``data/curated/sources.csv``. Every file goes through
:func:`write_table` and is read back with :func:`hubspoke.validate.load_table`, so rerunning the
command reproduces the committed files byte for byte.

CSV format: UTF-8, ``\\n`` line ends, comma, header row, rows stably sorted by the table key,
empty field = missing, booleans ``true``/``false``, dates ``YYYY-MM-DD``, and floats written as
the shortest decimal that reads back to the same double (``numpy.format_float_positional`` with
``unique=True``; never exponent notation), so DOTS figures keep their published precision.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke.countries import POST_SOVIET, iso3_codes
from hubspoke.errors import InputError
from hubspoke.sources import geography, worldbank_gdp
from hubspoke.sources.dots import DotsWorkbook, read_dots_folder
from hubspoke.validate import SCHEMAS, SOURCED_TABLES, check_sources, load_table

DOTS_SOURCE = "IMF DOTS"
DEFAULT_YEARS = (1992, 2020)
FLOWS = ("export_fob", "import_cif")
INSTITUTION_TABLES = ("treaties", "organisations", "memberships")
COVARIATE_TABLES = ("gdp", "geography", "borders")
SOURCES_FILE = Path(__file__).resolve().parents[3] / "data" / "curated" / "sources.csv"


def trade_table(flows: pd.DataFrame, states: Sequence[str], years: tuple[int, int]) -> pd.DataFrame:
    """``trade.csv`` rows: every reported partner-country value of the in-scope reporters in the
    years, plus one row for every ordered pair of in-scope states, year and flow (value empty
    when not reported)."""
    first, last = years
    flows = flows[flows["reporter"].isin(states) & flows["year"].between(first, last)]
    reported = flows[flows["value_usd_m"].notna()]
    pairs = pd.MultiIndex.from_product(
        [states, states, range(first, last + 1), FLOWS],
        names=["reporter", "partner", "year", "flow"],
    ).to_frame(index=False)
    pairs = pairs[pairs["reporter"] != pairs["partner"]]
    among = pairs.merge(flows, on=list(pairs.columns), how="left")
    table = pd.concat([reported, among], ignore_index=True)
    table = table.drop_duplicates(["reporter", "partner", "year", "flow"])
    return table.assign(is_estimate=table["is_estimate"].eq(True), source=DOTS_SOURCE)


def trade_world_table(
    aggregates: pd.DataFrame, states: Sequence[str], years: tuple[int, int]
) -> pd.DataFrame:
    """``trade_world.csv``: each in-scope reporter's trade with the World, one row per year and
    flow (value empty when not reported)."""
    first, last = years
    world = aggregates[aggregates["aggregate"] == "World"].drop(columns="aggregate")
    grid = pd.MultiIndex.from_product(
        [states, range(first, last + 1), FLOWS], names=["reporter", "year", "flow"]
    ).to_frame(index=False)
    table = grid.merge(world, on=list(grid.columns), how="left")
    return table.assign(is_estimate=table["is_estimate"].eq(True), source=DOTS_SOURCE)


def format_table(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table ``name`` as text columns in schema order, stably sorted by its key."""
    schema = SCHEMAS[name]
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: columns {missing} missing from the derived table")
    frame = frame[list(schema.columns)].sort_values(list(schema.key), kind="stable")
    return pd.DataFrame(
        {column: _text(frame[column], spec.kind) for column, spec in schema.columns.items()}
    )


def _text(values: pd.Series, kind: str) -> list[str]:
    if kind == "float":
        return [
            "" if np.isnan(v) else np.format_float_positional(v, unique=True, trim="0")
            for v in values.to_numpy(dtype=float)
        ]
    if kind == "bool":
        return ["true" if v else "false" for v in values.astype(bool)]
    if kind == "date":
        dates = pd.to_datetime(values)
        return dates.dt.strftime("%Y-%m-%d").fillna("").tolist()
    return ["" if pd.isna(v) else str(v) for v in values]


def write_table(
    frame: pd.DataFrame,
    path: Path,
    name: str,
    *,
    states: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Write ``frame`` as the CSV table ``name`` and validate the file; returns the loaded table.

    When the file fails validation it is left in place for inspection and the error is raised.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    format_table(frame, name).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return load_table(path, name, states=states, years=years)


def unmapped_summary(unmapped: pd.DataFrame, years: tuple[int, int]) -> list[str]:
    """One line per DOTS partner name that maps to no country and has values overlapping the
    years: the name, the reporters citing it and its span."""
    first, last = years
    rows = unmapped[
        (unmapped["n_values"] > 0)
        & (unmapped["first_year"] <= last)
        & (unmapped["last_year"] >= first)
    ]
    lines = []
    for name, group in rows.groupby("partner_name", sort=True):
        lines.append(
            f"{name}: {int(group['n_values'].sum())} values, "
            f"{int(group['first_year'].min())}-{int(group['last_year'].max())}, "
            f"reported by {', '.join(sorted(group['reporter']))}"
        )
    return lines


def build_trade(
    shared: Path, out: Path, states: Sequence[str] | None, years: tuple[int, int]
) -> tuple[DotsWorkbook, tuple[str, ...]]:
    """Write ``trade.csv`` and ``trade_world.csv``; returns the DOTS figures read and the
    states (``states=None``: every reporter with a workbook)."""
    dots = read_dots_folder(shared / "imf-dots", states)
    if states is None:
        states = tuple(sorted(dots.flows["reporter"].unique()))
    derived = {
        "trade": trade_table(dots.flows, states, years),
        "trade_world": trade_world_table(dots.aggregates, states, years),
    }
    for name, table in derived.items():
        write_table(table, out / f"{name}.csv", name, states=states, years=years)
    return dots, tuple(states)


def covariate_tables(
    gdp: pd.DataFrame,
    places: pd.DataFrame,
    borders: pd.DataFrame,
    states: Sequence[str],
    years: tuple[int, int],
) -> dict[str, pd.DataFrame]:
    """``gdp.csv`` (the states' figures in the years; a year without a figure has no row),
    ``geography.csv`` (the states) and ``borders.csv`` (land borders between two states)."""
    first, last = years
    gdp = gdp[gdp["state"].isin(states) & gdp["year"].between(first, last)]
    among = borders["state_a"].isin(states) & borders["state_b"].isin(states)
    return {
        "gdp": gdp.assign(source=worldbank_gdp.SOURCE),
        "geography": places[places["state"].isin(states)].assign(source=geography.SOURCE),
        "borders": borders[among].assign(source=geography.SOURCE),
    }


def build_covariates(
    shared: Path, out: Path, states: Sequence[str], years: tuple[int, int]
) -> None:
    """Write the GDP, geography and border tables."""
    places, borders = geography.read_countries_json(shared / "mledoze-countries" / "countries.json")
    gdp = worldbank_gdp.read_worldbank_gdp(shared / "worldbank-gdp" / "gdp.csv")
    for name, table in covariate_tables(gdp, places, borders, states, years).items():
        write_table(
            table,
            out / f"{name}.csv",
            name,
            states=states,
            years=years if name == "gdp" else None,
        )


def build_institutions(
    shared: Path, out: Path, states: Sequence[str], years: tuple[int, int], bodies: str = "case"
) -> None:
    """Write the treaty, organisation and membership tables (``bodies``: the registry,
    :func:`hubspoke.sources.institutions.derive_institutions`)."""
    try:
        from hubspoke.sources.institutions import derive_institutions
    except ImportError as err:
        raise InputError(
            "hubspoke.sources.institutions",
            f"cannot derive {', '.join(INSTITUTION_TABLES)}: derive_institutions is not "
            f"available ({err})",
        ) from err
    tables = derive_institutions(shared, states, years, bodies=bodies)
    for name in INSTITUTION_TABLES:
        write_table(tables[name], out / f"{name}.csv", name, states=states)


def build_sources(out: Path, curated: Path = SOURCES_FILE) -> None:
    """Write ``sources.csv``, the years each source covers, from the curated table, and check
    that every row of the tables written names a listed source."""
    write_table(load_table(curated, "sources"), out / "sources.csv", "sources")
    paths = {name: out / f"{name}.csv" for name in ("sources", *SOURCED_TABLES)}
    check_sources({name: load_table(p, name) for name, p in paths.items() if p.exists()}, paths)


def parse_states(text: str) -> tuple[str, ...] | None:
    """Comma-separated ISO3 codes, or ``all`` (every DOTS reporter): ``None``."""
    if text.strip().lower() == "all":
        return None
    states = tuple(sorted({code.strip().upper() for code in text.split(",") if code.strip()}))
    unknown = [code for code in states if code not in iso3_codes()]
    if len(states) < 2 or unknown:
        raise argparse.ArgumentTypeError(
            f"need at least two known ISO3 codes separated by commas (unknown: {unknown})"
        )
    return states


def parse_years(text: str) -> tuple[int, int]:
    try:
        first, last = (int(part) for part in text.split("-"))
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected FIRST-LAST, e.g. 1992-2020: {text!r}") from err
    if first > last:
        raise argparse.ArgumentTypeError(f"first year after last year: {text!r}")
    return first, last


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hubspoke.sources.build_raw", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--shared", type=Path, required=True, help="folder of the source data")
    parser.add_argument("--out", type=Path, required=True, help="output folder (data/raw)")
    parser.add_argument(
        "--states",
        type=parse_states,
        default=POST_SOVIET,
        help="comma-separated ISO3 codes, or all (default: the 15 post-Soviet states)",
    )
    parser.add_argument(
        "--years", type=parse_years, default=DEFAULT_YEARS, help="FIRST-LAST (default: 1992-2020)"
    )
    parser.add_argument(
        "--trade-only",
        action="store_true",
        help="write the trade and covariate tables only (no institution tables)",
    )
    parser.add_argument(
        "--bodies",
        choices=("case", "world"),
        default="case",
        help="organisation registry: case (the post-Soviet bodies, default) or world (with the "
        "regional bodies of data/curated/organisations_world.csv)",
    )
    args = parser.parse_args(argv)
    try:
        dots, states = build_trade(args.shared, args.out, args.states, args.years)
        print(f"wrote {args.out / 'trade.csv'} and {args.out / 'trade_world.csv'}")
        print("DOTS partner names not mapped to a country (left out of trade.csv):")
        for line in unmapped_summary(dots.unmapped, args.years):
            print(f"  {line}")
        build_covariates(args.shared, args.out, states, args.years)
        print(f"wrote {', '.join(f'{name}.csv' for name in COVARIATE_TABLES)}")
        if args.trade_only:
            return 0
        build_institutions(args.shared, args.out, states, args.years, args.bodies)
        print(f"wrote {', '.join(f'{name}.csv' for name in INSTITUTION_TABLES)}")
        build_sources(args.out)
        print(f"wrote {args.out / 'sources.csv'}")
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
