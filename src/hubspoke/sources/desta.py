"""Design of Trade Agreements (DESTA) list of treaties and HUGGO state-level membership dates.

Dür, Baccini & Elsig (2014), "The design of international trade agreements: Introducing a new
dataset", Review of International Organizations 9(3):353-375 (codebook version 2.0, October
2020); HUGGO dates from globalgov/manytrade (CC BY 4.0).

DESTA list (``DESTA.csv``, semicolon-separated, ``NA`` = missing). Per the codebook, each row
is an *entry*: ``entry_type`` is one of

* ``base_treaty`` -- an agreement; every state in ``c1..c91`` is a party;
* ``accession`` -- a state joins ``base_treaty``: the acceding state has ``mc`` 1 when
  ``typememb`` is 5 (accession) and ``mc`` 2 when it is 6 (accession through membership of a
  regional agreement); the other listed states are the existing members;
* ``withdrawal`` -- the states with ``mc`` 1 leave ``base_treaty`` (``typememb`` 7);
* ``protocol or amendment`` -- modifies an agreement without changing its parties: ignored for
  spells;
* ``consolidated`` -- a copy of a base treaty merged with its protocols: ignored (duplicate);
* ``negotiation`` -- not signed: ignored.

``c1..c91`` are ISO 3166-1 numeric codes; per the codebook 900 is Kosovo (``XKX``) and 530 the
Netherlands Antilles (dissolved in 2010, no ISO3 code: state missing). Any other code that is not
an ISO numeric code raises ``InputError``. A few entries list a state without its ``mc`` type or
a type without a state (lines 300, 878, 883, 1104 of the 2020 file); such a state counts as a
party of a base treaty but neither joins nor leaves in an accession or withdrawal entry.

Timing rule for spells (year precision): a base treaty's parties join in its entry-into-force
year (missing when DESTA does not know it); an accession or withdrawal takes effect in its
entry-into-force year when DESTA gives one, otherwise in its signature year (DESTA rarely codes
entry into force for accessions and withdrawals).

HUGGO (``HUGGO_MEM_additional.csv``): one row per treaty (``manyID``) and state, with treaty-level
``Signature, Force, End`` and state-level ``StateSignature, StateForce, StateEnd``. Dates are
mostly dd.mm.yyyy but also yyyy-mm-dd, yyyy-mm or yyyy (partial dates widened, see
``hubspoke.sources.cells``); ``NA`` is missing and ``31.12.9999`` means "still in force" (kept as a
missing end). A state's own dates take precedence over the treaty's (``huggo_member_dates``).
The file ends with an all-empty row, which is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from hubspoke.countries import iso3_codes, isonum_to_iso3, name_to_iso3
from hubspoke.sources.cells import (
    check_allowed,
    parse_dates,
    read_text_table,
    require_columns,
    to_int,
    to_text,
)

ENTRY_TYPES = (
    "base_treaty", "accession", "withdrawal", "protocol or amendment", "consolidated",
    "negotiation",
)  # fmt: skip
MEMBER_COLUMN = re.compile(r"c\d+")
CODEBOOK_CODES: dict[int, str | None] = {900: "XKX", 530: None}
IN_FORCE_SENTINEL = "31.12.9999"
_META = ("number", "base_treaty", "name", "entry_type", "consolidated", "year", "entryforceyear",
         "typememb")  # fmt: skip
_HUGGO_DATES = {
    "signature": ("Signature", False),
    "force": ("Force", False),
    "end": ("End", True),
    "state_signature": ("StateSignature", False),
    "state_force": ("StateForce", False),
    "state_end": ("StateEnd", True),
}


def member_columns(columns: Iterable[str]) -> list[str]:
    """The ``c<k>`` columns of a DESTA header, in order (``c1..c91`` in the 2020 file)."""
    return [c for c in columns if MEMBER_COLUMN.fullmatch(c)]


def read_desta_list(path: Path | str) -> pd.DataFrame:
    """The DESTA list, typed: ``[number, base_treaty, name, entry_type, consolidated, year,
    entryforceyear, typememb, c1..cN, mc1..mcN]``; codes ``Int64`` (missing = ``<NA>``).

    The index is the file line of each entry.
    """
    table = read_text_table(path, sep=";")
    member_cols = member_columns(table.columns)
    type_cols = ["m" + c for c in member_cols]
    require_columns(table, (*_META, *type_cols), path)
    frame = pd.DataFrame(index=table.index)
    for column in ("number", "name", "entry_type"):
        frame[column] = to_text(table[column], path, column)
    check_allowed(frame["entry_type"], ENTRY_TYPES, path, "entry_type")
    for column in ("base_treaty", "consolidated", "year", "entryforceyear", "typememb"):
        frame[column] = to_int(
            table[column], path, column, required=column in {"base_treaty", "typememb"}
        )
    check_allowed(frame["consolidated"], (-1, 0, 1), path, "consolidated")
    check_allowed(frame["typememb"], range(1, 8), path, "typememb")
    codes = {c: to_int(table[c], path, c) for c in member_cols}
    kinds = {c: to_int(table[c], path, c) for c in type_cols}
    listed = pd.unique(pd.concat(codes.values()).dropna().astype(int))
    known = {code for code, iso3 in zip(listed, isonum_to_iso3(listed), strict=True) if iso3}
    known |= set(CODEBOOK_CODES)
    for code_col, type_col in zip(member_cols, type_cols, strict=True):
        check_allowed(codes[code_col], known, path, code_col)
        check_allowed(kinds[type_col], range(4), path, type_col)
    members = pd.DataFrame(codes | kinds, index=table.index)
    return pd.concat([frame, members], axis=1)


def desta_members(df: pd.DataFrame) -> pd.DataFrame:
    """Long ``[line, number, base_treaty, entry_type, typememb, position, isonum, state, mc]``.

    One row per listed state of each entry, in file order (``position`` = k of ``ck``).
    """
    member_cols = member_columns(df.columns)
    codes = df[member_cols].stack()
    kinds = (
        df[["m" + c for c in member_cols]].set_axis(member_cols, axis=1).stack(future_stack=True)
    )
    long = pd.DataFrame({"isonum": codes, "mc": kinds.reindex(codes.index)})
    long = long.rename_axis(["line", "column"]).reset_index()
    long["position"] = long["column"].str.slice(1).astype("int64")
    meta = df[["number", "base_treaty", "entry_type", "typememb", "year", "entryforceyear"]]
    long = long.join(meta, on="line")
    special = long["isonum"].map(CODEBOOK_CODES)
    regular = pd.Series(isonum_to_iso3(long["isonum"].astype(int)), index=long.index)
    long["state"] = regular.where(~long["isonum"].isin(list(CODEBOOK_CODES)), special)
    long["state"] = long["state"].astype("string")
    return long[
        [
            "line",
            "number",
            "base_treaty",
            "entry_type",
            "typememb",
            "year",
            "entryforceyear",
            "position",
            "isonum",
            "state",
            "mc",
        ]
    ]


def desta_spells(df: pd.DataFrame) -> pd.DataFrame:
    """Per-state spells ``[treaty_number, base_treaty, name, state, signed_year, start_year,
    end_year, entry_type]`` (year precision, see the module docstring for the timing rule).

    ``treaty_number``/``entry_type`` name the entry that started the spell (the base treaty or
    an accession); ``end_year`` is set by a withdrawal (the state's latest spell in that treaty
    starting no later), otherwise missing. Sorted by base_treaty, state, start_year.
    """
    members = desta_members(df)
    members = members[members["state"].notna()]
    effective = members["entryforceyear"].fillna(members["year"])
    base = members["entry_type"] == "base_treaty"
    joins = (members["entry_type"] == "accession") & (
        ((members["typememb"] == 5) & (members["mc"] == 1))
        | ((members["typememb"] == 6) & (members["mc"] == 2))
    )
    spells = members[base | joins].assign(
        start_year=members["entryforceyear"].where(base, effective),
        signed_year=members["year"],
    )
    spells = spells.rename(columns={"number": "treaty_number"})
    withdrawals = members[(members["entry_type"] == "withdrawal") & (members["mc"] == 1)]
    spells["end_year"] = _withdrawal_years(spells, withdrawals.assign(end_year=effective))
    names = df.loc[df["entry_type"] == "base_treaty"].set_index("base_treaty")["name"]
    own_names = pd.Series(df.loc[spells["line"], "name"].to_numpy(), index=spells.index)
    spells["name"] = spells["base_treaty"].map(names).fillna(own_names)
    out = spells[
        [
            "treaty_number",
            "base_treaty",
            "name",
            "state",
            "signed_year",
            "start_year",
            "end_year",
            "entry_type",
        ]
    ]
    out = out.astype(
        {
            "treaty_number": "string",
            "name": "string",
            "entry_type": "string",
            "start_year": "Int64",
            "end_year": "Int64",
            "signed_year": "Int64",
        }
    )
    return out.sort_values(["base_treaty", "state", "start_year"], kind="stable").reset_index(
        drop=True
    )


def _withdrawal_years(spells: pd.DataFrame, withdrawals: pd.DataFrame) -> pd.Series:
    """End year of each spell: the withdrawal of its state from its treaty that follows it.

    A withdrawal that matches no spell ends nothing. In the 2020 list: CEFTA 2006 (193, coded as
    a protocol, so no parties), 465 and 693 (base treaty not in the list) and Rwanda's withdrawal
    from ECCAS (364, whose base entry does not list Rwanda).
    """
    candidates = spells.reset_index(names="spell").merge(
        withdrawals[["line", "position", "base_treaty", "state", "end_year"]],
        on=["base_treaty", "state"],
        suffixes=("", "_withdrawal"),
    )
    candidates = candidates[~(candidates["start_year"] > candidates["end_year"])]
    latest = candidates.sort_values("start_year", na_position="first").drop_duplicates(
        ["line_withdrawal", "position_withdrawal"], keep="last"
    )
    return latest.set_index("spell")["end_year"].reindex(spells.index).astype("Int64")


def read_huggo_members(path: Path | str) -> pd.DataFrame:
    """Tidy ``[many_id, treaty_id, desta_id, title, state_id, state, signature, force, end,
    state_signature, state_force, state_end]`` plus a ``<date>_precision`` column per date.

    ``state`` is ``stateID`` when that is an ISO3 code, otherwise the ISO3 code of ``StateName``
    (the file uses ``ALG``, ``BUL``, ``FIJ``, ``KOS`` and ``NA`` for Macao); parties without one
    (``EC``, ``EFTA``, Yugoslavia) keep a missing state. Sorted by many_id, state_id.
    """
    table = read_text_table(path)
    columns = (
        "manyID",
        "treatyID",
        "Title",
        "stateID",
        "StateName",
        "destaID",
        *(raw for raw, _ in _HUGGO_DATES.values()),
    )
    require_columns(table, columns, path)
    state_id = table["stateID"].str.strip().astype("string")  # "NA" is Macao's id here
    by_name = pd.Series(name_to_iso3(table["StateName"]), index=table.index, dtype="string")
    frame = pd.DataFrame(
        {
            "many_id": to_text(table["manyID"], path, "manyID"),
            "treaty_id": to_text(table["treatyID"], path, "treatyID"),
            "desta_id": to_int(table["destaID"], path, "destaID"),
            "title": to_text(table["Title"], path, "Title"),
            "state_id": state_id,
            "state": state_id.where(state_id.isin(iso3_codes()), by_name),
        }
    )
    for name, (raw, closes) in _HUGGO_DATES.items():
        cells = table[raw].where(table[raw].str.strip() != IN_FORCE_SENTINEL, "NA")
        frame[name], frame[f"{name}_precision"] = parse_dates(
            cells, closes=closes, source=path, column=raw
        )
    return frame.sort_values(["many_id", "state_id"], kind="stable").reset_index(drop=True)


def huggo_member_dates(huggo: pd.DataFrame) -> pd.DataFrame:
    """``[many_id, desta_id, state, signature, force, end]`` (+ precisions) per member, taking
    the state's own date where HUGGO gives one and the treaty's date otherwise; ``own_force``
    says whether the entry into force is the state's own."""
    out = huggo[["many_id", "desta_id", "state"]].assign(own_force=huggo["state_force"].notna())
    for name in ("signature", "force", "end"):
        own = huggo[f"state_{name}"].notna()
        out[name] = huggo[f"state_{name}"].where(own, huggo[name])
        out[f"{name}_precision"] = huggo[f"state_{name}_precision"].where(
            own, huggo[f"{name}_precision"]
        )
    return out
