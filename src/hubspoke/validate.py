"""Load and validate the ``data/raw`` tables (schemas in docs/interfaces.md).

Every table is declared once as data (:data:`SCHEMAS`: column -> kind, allowed values, nullable;
key; ordering rules) and checked by one engine, :func:`load_table`. The first problem raises
:class:`~hubspoke.errors.InputError` naming the file, the 1-based file line (header = line 1), the
column and the value.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hubspoke import layers as registry
from hubspoke.countries import iso3_codes
from hubspoke.coverage import source_key
from hubspoke.dag.codedeps import module_files
from hubspoke.errors import InputError
from hubspoke.tables import file_provenance, read_provenance, sha256_file

log = logging.getLogger(__name__)

FLOWS = ("export_fob", "import_cif")


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is ``string``, ``iso3``, ``category``, ``int``, ``year``, ``float``
    (finite; not negative unless ``bounds`` allow it), ``bool`` (``true``/``false``) or ``date``
    (``YYYY-MM-DD``).
    Only string-like, float and date columns may be ``nullable``. ``bounds`` (inclusive) catch
    absurd numbers."""

    kind: str
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Schema:
    """One input table: its columns (in file order), key and checks, and what it holds
    (``about``) and what each column means (``meanings``, by column; units included), from which
    the table of docs/interfaces.md is generated (:func:`markdown`)."""

    columns: dict[str, Column]
    key: tuple[str, ...]
    about: str = ""
    meanings: dict[str, str] = field(default_factory=dict)
    in_scope: tuple[str, ...] = ()  # ISO3 columns that must be in ``states`` when given
    year: str | None = None  # the column checked against ``years`` when given
    not_after: tuple[tuple[str, str], ...] = ()  # (earlier, later) when both are present
    strictly_before: tuple[tuple[str, str], ...] = ()  # (a, b): a < b


STRING = Column("string")
SOURCE = Column("string")
ISO3 = Column("iso3")
DATE = Column("date")
OPTIONAL_DATE = Column("date", nullable=True)
YEAR = Column("year", bounds=(1900, 2100))
# USD millions: 10 million is USD 10 trillion, well above any country's yearly trade with the
# World (the largest, China's merchandise exports, were USD 3.6 trillion in 2022; WTO, World Trade
# Statistical Review 2023), so a larger value is a unit or typing error.
MAX_TRADE_USD_M = 1e7

# GDP in USD millions: 10^8 is USD 100 trillion, more than three times the largest state's GDP
# (the USA in 2023, USD 27.4 trillion; World Bank WDI NY.GDP.MKTP.CD), so a larger value is a
# unit error (for example dollars where millions are expected).
MAX_GDP_USD_M = 1e8
# Russia, the largest state, has 17.1 million km²; Antarctica is no state.
MAX_AREA_KM2 = 2e7

# Organisations: who belongs (``scope``, see data/curated/README.md), whether the core
# commitments of an economic integration agreement were carried out (``implemented``; empty for
# bodies of depth 0), and how a state takes part (``participant``: a founding state of the CIS
# that never ratified its Charter, CIS Charter Article 7).
# The first four values are relative to the post-Soviet case (data/raw); the world bodies
# (data/curated/organisations_world.csv) use the region-neutral ``regional`` (every member on
# one continent) and ``cross_regional`` (members on several continents, not worldwide).
SCOPES = (
    "regional_post_soviet", "regional_other", "extra_regional", "global", "regional",
    "cross_regional",
)  # fmt: skip
IMPLEMENTATION = ("yes", "partial", "no")
MEMBERSHIP_KINDS = ("full", "participant", "associate", "observer")

_TRADE_VALUES = {
    "value_usd_m": Column("float", nullable=True, bounds=(0, MAX_TRADE_USD_M)),
    "is_estimate": Column("bool"),
    "source": SOURCE,
}

SCHEMAS: dict[str, Schema] = {
    "trade": Schema(
        columns={
            "reporter": ISO3,
            "partner": ISO3,
            "year": YEAR,
            "flow": Column("category", allowed=FLOWS),
            **_TRADE_VALUES,
        },
        key=("reporter", "partner", "year", "flow"),
        in_scope=("reporter",),
        year="year",
        about="a reporter's reported trade with a partner country (IMF DOTS)",
        meanings={
            "partner": "countries only",
            "flow": "the reporter's exports (FOB) or imports (CIF)",
            "value_usd_m": "US$ millions, current prices; empty = not reported",
            "is_estimate": "the figure is an IMF estimate",
            "source": "the source (text before the first `;` or `:`, see `sources.csv`)",
        },
    ),
    "trade_world": Schema(
        columns={
            "reporter": ISO3,
            "year": YEAR,
            "flow": Column("category", allowed=FLOWS),
            **_TRADE_VALUES,
        },
        key=("reporter", "year", "flow"),
        in_scope=("reporter",),
        year="year",
        about="the reporter's total trade with the World, columns as in `trade.csv`",
    ),
    "treaties": Schema(
        columns={
            "treaty_id": STRING,
            "state_a": ISO3,
            "state_b": ISO3,
            "kind": Column(
                "category", allowed=("trade_agreement", "alliance", "defence_cooperation")
            ),
            "name": STRING,
            "signed": OPTIONAL_DATE,
            "in_force": OPTIONAL_DATE,
            "ended": OPTIONAL_DATE,
            "source": SOURCE,
        },
        key=("treaty_id",),
        in_scope=("state_a", "state_b"),
        not_after=(("signed", "in_force"), ("signed", "ended"), ("in_force", "ended")),
        strictly_before=(("state_a", "state_b"),),
        about="bilateral treaties between two states (DESTA, ATOP, DCAD)",
        meanings={
            "state_a": "state_a < state_b",
            "signed": "empty = unknown",
            "in_force": "empty = unknown (the treaty then counts from its signature)",
            "ended": "empty = still in force",
        },
    ),
    "organisations": Schema(
        columns={
            "org_id": STRING,
            "name": STRING,
            "domain": Column("category", allowed=("economic", "security", "political")),
            "depth": Column("int", bounds=(0, 4)),
            "leader": Column("iso3", nullable=True),
            "scope": Column("category", allowed=SCOPES),
            "implemented": Column("category", nullable=True, allowed=IMPLEMENTATION),
            "implementation_source": Column("string", nullable=True),
            "source": SOURCE,
        },
        key=("org_id",),
        about="international organisations and agreements (COW IGO, DESTA, HUGGO, ATOP, MIGO, "
        "curated)",
        meanings={
            "org_id": "e.g. `CIS`, `CSTO`, `EAEU`",
            "depth": "economic integration depth: 0 not an economic integration agreement, 1 free "
            "trade area, 2 customs union, 3 common market / single economic space, 4 economic "
            "union",
            "leader": "the state that leads the body, compared with the configured hub by the bloc "
            "partition; empty when none",
            "scope": "who belongs (`data/curated/README.md`); which scopes count is the config key "
            "`membership_scopes`",
            "implemented": "whether the core commitments were carried out; empty for depth 0",
            "implementation_source": "citation of the implementation record; empty for depth 0",
        },
    ),
    "gdp": Schema(
        columns={
            "state": ISO3,
            "year": YEAR,
            "gdp_usd_m": Column("float", bounds=(0, MAX_GDP_USD_M)),
            "source": SOURCE,
        },
        key=("state", "year"),
        in_scope=("state",),
        year="year",
        about="GDP (World Bank WDI); a year without a figure has no row",
        meanings={"gdp_usd_m": "current US$ millions"},
    ),
    "geography": Schema(
        columns={
            "state": ISO3,
            "latitude": Column("float", bounds=(-90, 90)),
            "longitude": Column("float", bounds=(-180, 180)),
            "landlocked": Column("bool"),
            "area_km2": Column("float", nullable=True, bounds=(0, MAX_AREA_KM2)),
            "source": SOURCE,
        },
        key=("state",),
        in_scope=("state",),
        about="country geography (mledoze/countries)",
        meanings={
            "latitude": "degrees, a rounded country centre",
            "longitude": "degrees, a rounded country centre",
            "area_km2": "km²; empty = unknown",
        },
    ),
    "borders": Schema(
        columns={"state_a": ISO3, "state_b": ISO3, "source": SOURCE},
        key=("state_a", "state_b"),
        in_scope=("state_a", "state_b"),
        strictly_before=(("state_a", "state_b"),),
        about="a land border between two states (mledoze/countries)",
        meanings={"state_a": "state_a < state_b"},
    ),
    # The years each source covers (hubspoke.coverage): a source is the text of a table's
    # ``source`` column before the first ";" or ":".
    "sources": Schema(
        columns={
            "source": STRING,
            "first_year": Column("year", bounds=(1800, 2100)),
            "last_year": Column("year", bounds=(1800, 2100)),
            "citation": STRING,
        },
        key=("source",),
        not_after=(("first_year", "last_year"),),
        about="the years each source covers (`data/curated/sources.csv`)",
        meanings={
            "source": "the text of a `source` column before the first `;` or `:`",
            "first_year": "the first year the source covers",
            "last_year": "the last year the source covers",
            "citation": "the document that gives the window",
        },
    ),
    "memberships": Schema(
        columns={
            "org_id": STRING,
            "state": ISO3,
            "kind": Column("category", allowed=MEMBERSHIP_KINDS),
            "start": DATE,
            "end": OPTIONAL_DATE,
            "date_precision": Column("category", allowed=("day", "year")),
            "source": SOURCE,
        },
        key=("org_id", "state", "start"),
        in_scope=("state",),
        not_after=(("start", "end"),),
        about="a state's membership spells in the organisations",
        meanings={
            "kind": "how the state takes part; which kinds count is the config key "
            "`membership_kinds`",
            "end": "empty = ongoing",
            "date_precision": "how precise the start and end dates are",
        },
    ),
}


def _type_text(column: Column) -> str:
    kind = {"iso3": "ISO3", "year": "int", "string": "str", "bool": "`true`/`false`"}
    text = kind.get(column.kind, column.kind)
    if column.allowed:
        text = "\\|".join(f"`{a}`" for a in column.allowed)
    elif column.bounds is not None and column.kind == "int":
        text += f" {column.bounds[0]:g}-{column.bounds[1]:g}"
    return text + (", may be empty" if column.nullable else "")


def markdown() -> str:
    """The input tables as the table of docs/interfaces.md (``python -m hubspoke.validate``)."""
    lines = ["| file | key | holds | columns (type; meaning) |", "|---|---|---|---|"]
    for name, schema in SCHEMAS.items():
        columns = ", ".join(
            f"{c} ({_type_text(col)}"
            + (f"; {schema.meanings[c]})" if c in schema.meanings else ")")
            for c, col in schema.columns.items()
        )
        key = ", ".join(schema.key)
        lines.append(f"| `{name}.csv` | {key} | {schema.about} | {columns} |")
    return "\n".join(lines) + "\n"


# Canonical spellings only: no sign on positive numbers, no leading zeros, no spaces, so that one
# number has one spelling and keys compare equal exactly when their values do.
_INTEGER = re.compile(r"^(?:0|-?[1-9]\d*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLS = {"true": True, "false": False}


def load_table(
    path: str | Path,
    name: str,
    *,
    states: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    max_bytes: int | None = None,
    read_years: Collection[int] | None = None,
) -> pd.DataFrame:
    """Read ``path`` as the table ``name`` (a key of :data:`SCHEMAS`), validate it and return
    typed columns (``string``, ``int64``, ``float64``, ``bool``, ``datetime64[ns]``).

    ``states`` restricts the schema's scope columns (trade: the reporter; the partner may be any
    known ISO3 code); ``years`` = (first, last) bounds the year column of the trade tables; a
    file larger than ``max_bytes`` is not read. ``read_years``: only the rows of these years
    (a table with a year column) are converted and checked, the rest are skipped: for a job
    that reads a few years of a file whose every row was checked before (the workflow checks
    its inputs before any job starts). Errors name the row's line in the file either way.
    """
    if name not in SCHEMAS:
        raise InputError(str(path), f"unknown table {name!r} (known: {', '.join(SCHEMAS)})")
    schema = SCHEMAS[name]
    source = str(path)
    if read_years is not None and schema.year is not None:
        raw, may_span_lines = _read_years(Path(path), source, schema, read_years, max_bytes), True
    else:
        raw, may_span_lines = _read_csv(Path(path), source, max_bytes)
        _check_header(raw, schema, source)
    if may_span_lines:
        _check_single_line_fields(raw, source)
    table = pd.DataFrame(
        {
            column: _convert(raw[column], spec, column, source)
            for column, spec in schema.columns.items()
        }
    )
    _check_identifiers(raw, schema, source)
    _check_scope(raw, table, schema, states, years, source)
    _check_unique(raw, table, schema.key, source)
    _check_order(raw, table, schema, source)
    log.info("read and checked %s: %d rows", source, len(table))
    return table.reset_index(drop=True)


def load_inputs(
    paths: Mapping[str, str | Path],
    *,
    states: Sequence[str],
    years: Sequence[int],
    did_orgs: Sequence[str] = (),
    layers: Sequence[str] = (),
    empty_layers: Sequence[str] = (),
    max_bytes: int | None = None,
    validated: Mapping[str, str | Path] | None = None,
) -> dict[str, pd.DataFrame]:
    """Load every input table (``paths``: table name -> file) and check the tables against
    each other and against the configuration. ``validated``: table name -> the parquet file
    the validation job wrote for it (see :func:`load_checked`).

    Beyond :func:`load_table`: every membership names an organisation of the organisations
    table; every configured state is a known ISO3 code reporting in the trade table; every
    configured year has trade rows and World totals of the states (rows of other years are
    allowed and not used); each of ``layers`` has input rows among the states in the years
    unless it is one of ``empty_layers`` (:func:`_check_layer_rows`); ``did_orgs`` are
    organisation. Configuration problems name the config key.
    """
    validated = validated or {}
    tables = {
        name: load_checked(path, name, max_bytes=max_bytes, validated=validated.get(name))
        for name, path in paths.items()
    }
    if "memberships" in tables and "organisations" in tables:
        memberships = tables["memberships"]
        known = set(tables["organisations"]["org_id"])
        _fail(
            ~memberships["org_id"].isin(known),
            memberships["org_id"],
            f"not an org_id of {paths['organisations']}",
            "org_id",
            str(paths["memberships"]),
        )
    if "sources" in tables:
        check_sources(tables, paths)
    if "trade" in tables:
        _check_coverage(tables["trade"], str(paths["trade"]), states, years)
    if "trade_world" in tables:
        what = f"World totals of the states for this year in {paths['trade_world']}"
        _check_years(tables["trade_world"], what, states, years)
    for layer in layers:
        if layer not in empty_layers:
            _check_layer_rows(tables, paths, layer, states, years)
    known_orgs = set(tables["organisations"]["org_id"]) if "organisations" in tables else None
    for k, org in enumerate(did_orgs):
        if known_orgs is not None and org not in known_orgs:
            raise InputError(
                "config",
                f"not an org_id of {paths['organisations']}",
                key=f"tests.did.blocs.{k}.org",
                value=org,
            )
    return tables


# The tables whose rows name their source, checked against the sources table.
SOURCED_TABLES = ("trade", "treaties", "memberships")


def check_sources(tables: Mapping[str, pd.DataFrame], paths: Mapping[str, str | Path]) -> None:
    """Every row of a sourced table names a source listed in the sources table (whose years
    it covers are needed to tell which layer-years their sources cover)."""
    known = set(tables["sources"]["source"])
    for name in SOURCED_TABLES:
        if name in tables:
            key = source_key(tables[name]["source"])
            _fail(
                ~key.isin(known),
                key,
                f"source not listed in {paths['sources']}",
                "source",
                str(paths[name]),
            )


def _check_layer_rows(tables, paths, layer: str, states: Sequence[str], years) -> None:
    """A layer whose input has no row among the states in the years would be built empty and
    read as "no ties" in every year: an error, unless the configuration lists the layer in
    ``empty_layers``. Rows count as the layer reads them (:data:`hubspoke.layers.INPUT_ROWS`:
    trade reports with a value, spells in force on some day of the years)."""
    name = registry.get(layer).table
    if name not in tables:
        return
    table, rows = tables[name], registry.INPUT_ROWS[name]
    inside = rows.in_scope(table, states) & rows.known(table)
    inside &= rows.in_span(table, min(years), max(years))
    if not inside.any():
        raise InputError(
            str(paths[name]),
            f"no rows among the states in {min(years)}-{max(years)} for the layer {layer!r} "
            "(list it in the config key empty_layers if it is meant to be empty)",
        )


def _check_coverage(trade: pd.DataFrame, source: str, states: Sequence[str], years) -> None:
    reporters = set(trade["reporter"])
    for state in states:
        # a reporter is a known code (checked with the table), so the code list is read only
        # for a state that does not report
        if state not in reporters and state not in iso3_codes():
            raise InputError("config", "unknown ISO3 country code", key="states", value=state)
        if state not in reporters:
            raise InputError(
                "config", f"the state reports no trade in {source}", key="states", value=state
            )
    _check_years(trade, f"trade rows of the states for this year in {source}", states, years)


def _check_years(table: pd.DataFrame, what: str, states: Sequence[str], years) -> None:
    """Every configured year has rows of the states (as reporters) in ``table``."""
    covered = set(table.loc[table["reporter"].isin(list(states)), "year"])
    for year in years:
        if year not in covered:
            raise InputError("config", f"no {what}", key="years", value=year)


def validate_inputs(paths: Mapping[str, str | Path]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Load and validate each input table; returns name -> (table, provenance), the provenance
    holding the file's hash and the hash of the validation code (the workflow's
    ``validate_inputs`` step)."""
    return {
        name: (
            load_table(path, name),
            {**file_provenance(None, {name: path}), "validator": validator_sha256()},
        )
        for name, path in paths.items()
    }


@cache
def validator_sha256() -> str:
    """SHA-256 of the source files of this module and the library modules it imports."""
    digest = hashlib.sha256()
    for path in module_files("validate"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_checked(
    path: str | Path,
    name: str,
    *,
    max_bytes: int | None = None,
    validated: str | Path | None = None,
) -> pd.DataFrame:
    """:func:`load_table`, or the table validated before: when ``validated`` (the parquet file
    the validation job wrote for this table) records this file's SHA-256 and the current
    validation code, the file has not changed since it passed, and that table is read instead
    of parsing and checking the file again (every invocation of the workflow checks its inputs,
    a no-op rerun too)."""
    path = Path(path)
    if validated is not None and path.is_file():
        if max_bytes is None or path.stat().st_size <= max_bytes:
            try:
                record = read_provenance(validated)
            except (OSError, ValueError, KeyError):  # not written yet, or not a parquet file
                record = {}
            if record.get("validator") == validator_sha256() and record.get("inputs") == {
                name: sha256_file(path)
            }:
                log.info("%s: unchanged since it was checked, read from %s", path, validated)
                return pd.read_parquet(validated)
    return load_table(path, name, max_bytes=max_bytes)


def _line(index: int) -> int:
    """1-based file line of a data row (the header is line 1)."""
    return int(index) + 2


# Control characters (C0 but tab, line feed and carriage return; DEL; C1 as UTF-8) and a
# carriage return that does not end a line. Searched in the bytes: the CSV parser cuts a field
# at a NUL byte and takes a lone carriage return for a line end.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\r(?!\n)")
# the bytes that can start one of them: the regular expression is slow on a large file, so it
# runs only when one of these occurs (CR: when not every CR ends a line)
_SUSPECT = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0xC2])
_NOT_SUSPECT = bytes(b for b in range(256) if b not in _SUSPECT)


def _first_control(data: bytes) -> int | None:
    """Byte offset of the first control character in ``data``, if any."""
    suspect = data.translate(None, _NOT_SUSPECT)
    lone_cr = b"\r" in suspect and data.count(b"\r") != data.count(b"\r\n")
    if suspect.replace(b"\r", b"") or lone_cr:
        found = _CONTROL.search(data)
        return found.start() if found else None
    return None


def _check_file(path: Path, source: str, max_bytes: int | None) -> None:
    if not path.exists():
        raise InputError(source, "file not found")
    if not path.is_file():
        raise InputError(source, "not a regular file")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InputError(
            source,
            f"file larger than max_input_mb ({max_bytes / 2**20:g} MB, see config/README.md)",
            value=f"{path.stat().st_size / 2**20:.0f} MB",
        )


def _read_years(
    path: Path, source: str, schema: Schema, years: Collection[int], max_bytes: int | None
) -> pd.DataFrame:
    """The rows of ``years`` as strings, indexed by their row's position in the file (the line
    numbers of errors), after checking the header, for a file whose every row was checked
    before (``read_years`` of :func:`load_table`). pyarrow parses the file into Arrow memory
    and only the rows kept become Python strings: eight years of the world trade table (5.3
    million rows, 61 years) hold an eighth of it, where parsing it all to strings would take
    about 2 GB."""
    _check_file(path, source, max_bytes)
    with path.open(encoding="utf-8-sig", newline="") as file:
        names = next(csv.reader(file), [])
    _check_header(pd.DataFrame(columns=names), schema, source)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as err:
        raise InputError(source, f"not a well-formed CSV table ({str(err).strip()})") from err
    # the years in canonical spelling, the only one the full check lets through
    keep = pc.is_in(table[schema.year], value_set=pa.array([str(y) for y in years]))
    raw = table.filter(keep).to_pandas()
    raw.index = np.flatnonzero(keep.to_numpy(zero_copy_only=False))
    return raw


def _read_csv(path: Path, source: str, max_bytes: int | None) -> tuple[pd.DataFrame, bool]:
    """The table as strings, and whether a field may hold a tab or line break (the file has
    a tab, or more line ends than records)."""
    _check_file(path, source, max_bytes)
    with path.open("rb") as file:
        data = file.read(-1 if max_bytes is None else max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:  # grew since stat
        raise InputError(source, f"file larger than max_input_mb ({max_bytes / 2**20:g} MB)")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is tolerated and stripped
    except UnicodeDecodeError as err:
        raise InputError(
            source,
            "not UTF-8 encoded",
            row=data[: err.start].count(b"\n") + 1,
            value=data[err.start : err.end].hex(" "),
        ) from err
    if (at := _first_control(data)) is not None:
        _control_character(data, at, source)
    if not text or text.isspace():  # without stripping a copy of a large file
        raise InputError(source, "empty file")
    # parse the bytes, not the decoded text: a StringIO of the text holds 4 bytes a character
    del text
    try:
        raw = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        raise InputError(
            source,
            f"not a well-formed CSV table ({str(err).strip()})",
            row=int(found.group(1)) if found else None,
        ) from err
    return raw, b"\t" in data or data.count(b"\n") > len(raw) + 1


def _control_character(data: bytes, at: int, source: str) -> None:
    """Raise for the control character at byte ``at``, naming its physical line and field."""
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    line = data[start : end if end >= 0 else len(data)].decode("utf-8-sig", "replace")
    prefix = data[start:at].decode("utf-8-sig", "replace")
    index = max(len(next(csv.reader([prefix]), [])) - 1, 0)  # "" reads as no field at all
    fields = next(csv.reader([line.rstrip("\r")]), [""])
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])
    raise InputError(
        source,
        "control character",
        row=data[:at].count(b"\n") + 1,
        column=header[index] if index < len(header) else None,
        value=fields[index] if index < len(fields) else line,
    )


def _check_single_line_fields(raw: pd.DataFrame, source: str) -> None:
    """A tab or a line break inside a (quoted) field is an error. The first such field is
    reported, so every earlier record is one line and its row is its physical line."""
    firsts = {}
    for column in raw.columns:
        found = _first(raw[column].str.contains(r"[\t\r\n]", regex=True))
        if found is not None:
            firsts[column] = found
    if firsts:
        column = min(firsts, key=firsts.get)
        raise InputError(
            source,
            "control character (a tab or line break inside a field)",
            row=_line(firsts[column]),
            column=column,
            value=raw.loc[firsts[column], column],
        )


def _check_header(raw: pd.DataFrame, schema: Schema, source: str) -> None:
    present = list(raw.columns)
    if len(present) == 1:
        header = present[0]
        for delimiter, label in ((";", "semicolon"), ("\t", "tab")):
            if delimiter in header:
                raise InputError(
                    source,
                    f"the delimiter must be a comma, the header is separated by {label}s",
                    row=1,
                    value=header,
                )
    expected = list(schema.columns)
    extra = [c for c in present if c not in schema.columns]
    for column in expected:
        if column not in present:
            close = difflib.get_close_matches(column, extra, n=1)
            hint = f" (closest found: {close[0]!r}, misspelt?)" if close else ""
            raise InputError(
                source,
                f"required column missing{hint}",
                row=1,
                column=column,
                value=close[0] if close else None,
            )
    if extra:
        raise InputError(
            source, f"unexpected column (expected: {', '.join(expected)})", row=1, column=extra[0]
        )


def _first(mask: pd.Series) -> int | None:
    """The index label (the row's position in the file) of the first true value of ``mask``,
    or None."""
    found = mask.to_numpy().nonzero()[0]
    return int(mask.index[found[0]]) if len(found) else None


def _fail(mask: pd.Series, values: pd.Series, message: str, column: str, source: str) -> None:
    """Raise for the first row where ``mask`` is true."""
    if (index := _first(mask)) is not None:
        raise InputError(source, message, row=_line(index), column=column, value=values.loc[index])


def _convert(text: pd.Series, spec: Column, column: str, source: str) -> pd.Series:
    empty = text == ""
    if not spec.nullable:
        _fail(empty, text, "missing value", column, source)
    given = ~empty
    kind = spec.kind
    if kind in ("string", "iso3", "category"):
        if kind == "iso3":
            _fail(
                given & ~text.isin(iso3_codes()), text, "unknown ISO3 country code", column, source
            )
        if kind == "category":
            _fail(
                given & ~text.isin(spec.allowed),
                text,
                f"must be one of {', '.join(spec.allowed)}",
                column,
                source,
            )
        if kind == "string":
            _check_canonical_text(text, given, column, source)
        return text.where(given, None).astype("string")
    if kind in ("int", "year"):
        _fail(
            given & ~text.str.match(_INTEGER),
            text,
            "not an integer in canonical form (digits only, no leading zero, sign or space)",
            column,
            source,
        )
        numbers = text.where(given, "0").astype(np.int64)
        _check_bounds(given, numbers, text, spec, column, source)
        return numbers
    if kind == "float":
        numbers = pd.to_numeric(text.where(given, None), errors="coerce")
        # to_numeric also accepts "nan" and "inf": those are errors here, as are non-numbers.
        _fail(
            given & ~np.isfinite(numbers.fillna(np.inf)),
            text,
            "not a finite number",
            column,
            source,
        )
        # to_numeric's fast parser can be off in the last bit; Python's float() is exact, so the
        # values written by build_raw read back to the same doubles.
        numbers = text.where(given, "nan").astype(np.float64)
        if spec.bounds is None or spec.bounds[0] >= 0:
            _fail(numbers < 0, text, "negative value", column, source)
        _check_bounds(given, numbers, text, spec, column, source)
        return numbers + 0.0  # -0 is read as 0
    if kind == "bool":
        _fail(given & ~text.isin(list(_BOOLS)), text, "must be true or false", column, source)
        return text.map(_BOOLS).astype(bool)
    if kind == "date":
        dates = pd.to_datetime(text.where(given, None), format="%Y-%m-%d", errors="coerce")
        _fail(
            given & (~text.str.match(_DATE) | dates.isna()),
            text,
            "not a date (YYYY-MM-DD)",
            column,
            source,
        )
        return dates.astype("datetime64[ns]")
    raise ValueError(f"unknown column kind {kind!r}")


def _check_canonical_text(text: pd.Series, given: pd.Series, column: str, source: str) -> None:
    """No leading or trailing space, no invisible formatting character (zero-width space,
    byte-order mark, direction marks) and Unicode NFC, so that text that looks the same is the
    same (checked on the distinct values: a trade table repeats a few sources)."""
    distinct = pd.unique(text[given])
    spaced = {v for v in distinct if v != v.strip()}
    _fail(text.isin(spaced), text, "leading or trailing space", column, source)
    hidden = {v for v in distinct if any(unicodedata.category(c) == "Cf" for c in v)}
    _fail(text.isin(hidden), text, "invisible formatting character", column, source)
    composed = {v for v in distinct if unicodedata.normalize("NFC", v) != v}
    _fail(text.isin(composed), text, "not in Unicode normal form C (NFC)", column, source)


def _check_identifiers(raw: pd.DataFrame, schema: Schema, source: str) -> None:
    """Text key columns (org_id, treaty_id, source) hold printable ASCII, words separated by
    single spaces: an ID typed with a look-alike letter (a Cyrillic A for the Latin one) or a
    doubled space would be another ID."""
    for column in schema.key:
        if schema.columns[column].kind == "string":
            _fail(
                ~raw[column].str.fullmatch(r"[!-~]+(?: [!-~]+)*"),
                raw[column],
                "an ID must be printable ASCII words separated by single spaces",
                column,
                source,
            )


def _check_bounds(
    given: pd.Series, numbers: pd.Series, text: pd.Series, spec: Column, column: str, source: str
) -> None:
    if spec.bounds is not None:
        low, high = spec.bounds
        _fail(
            given & ~numbers.between(low, high),
            text,
            f"must be between {low:g} and {high:g}",
            column,
            source,
        )


def _check_scope(
    raw: pd.DataFrame,
    table: pd.DataFrame,
    schema: Schema,
    states: Iterable[str] | None,
    years: tuple[int, int] | None,
    source: str,
) -> None:
    if states is not None:
        scope = set(states)
        for column in schema.in_scope:
            _fail(~table[column].isin(scope), raw[column], "state not in scope", column, source)
    if years is not None and schema.year is not None:
        first, last = years
        _fail(
            ~table[schema.year].between(first, last),
            raw[schema.year],
            f"year outside {first}-{last}",
            schema.year,
            source,
        )


def _check_unique(
    raw: pd.DataFrame, table: pd.DataFrame, key: tuple[str, ...], source: str
) -> None:
    """Keys compare as typed values (the year 2005 however it is spelt); the error names the
    first repeat and the line it repeats."""
    columns = list(key)
    second = _first(table.duplicated(columns))
    if second is not None:
        first = _first((table[columns] == table.loc[second, columns]).all(axis=1))
        raise InputError(
            source,
            f"duplicate key ({', '.join(key)}) of line {_line(first)}",
            row=_line(second),
            column=", ".join(key),
            value=", ".join(raw.loc[second, columns]),
        )


def _check_order(raw: pd.DataFrame, table: pd.DataFrame, schema: Schema, source: str) -> None:
    for earlier, later in schema.not_after:
        index = _first((table[earlier] > table[later]).fillna(False))
        if index is not None:
            raise InputError(
                source,
                f"{earlier} {raw.loc[index, earlier]} is after {later}",
                row=_line(index),
                column=later,
                value=raw.loc[index, later],
            )
    for first, second in schema.strictly_before:
        _fail(
            (table[first] >= table[second]).fillna(False),
            raw[second],
            f"{first} must sort before {second}",
            second,
            source,
        )


if __name__ == "__main__":
    print(markdown(), end="")
