"""Defense Cooperation Agreement Dataset (DCAD) v1.0, main file (``DCAD-v1.0-main.csv``).

Kinne (2020), "The Defense Cooperation Agreement Dataset (DCAD)", Journal of Conflict Resolution
64(4):729-755. One row per bilateral agreement signed 1980-2010: ``ccode1, ccode2`` (COW codes),
signature and entry-into-force dates as separate day/month/year columns (empty when unknown),
``type`` (``general`` | ``sector``), ``category1..3``, ``terminated`` and the publisher's
``endYearEstimate`` (the data end in 2010: an estimate of 2010 means in force at the end).

Agreements of states without an ISO3 code (West Germany, Czechoslovakia) were all signed before
1993 and keep a missing state. ``terminated`` is 1 or 0; DCAD's negative codes (-88, -99) mark
values that are unknown or do not apply and are kept as missing, never as ``False``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hubspoke.sources.cells import (
    check_allowed,
    cow_states,
    dates_from_parts,
    read_text_table,
    require_columns,
    to_int,
)

TYPES = ("general", "sector")
_COLUMNS = (
    "DCAid", "ccode1", "ccode2", "signDay", "signMonth", "signYear", "EIFDay", "EIFMonth",
    "EIFYear", "type", "category1", "category2", "category3", "terminated", "endYearEstimate",
)  # fmt: skip


def read_dcad(path: Path | str) -> pd.DataFrame:
    """Tidy ``[dca_id, state_a, state_b, ccode_a, ccode_b, signed, signed_precision, in_force,
    in_force_precision, type, category, terminated, end_year_estimate]`` in file order.

    ``state_a``/``state_b`` follow the publisher's ``ccode1``/``ccode2``. ``category`` joins the
    non-empty ``category1..3`` with ``/``. Partial dates are widened to the first day of their
    month or year (see ``hubspoke.sources.cells``).
    """
    table = read_text_table(path)
    require_columns(table, _COLUMNS, path)
    ints = {
        c: to_int(table[c], path, c, required=c in {"ccode1", "ccode2", "signYear"})
        for c in (
            "ccode1",
            "ccode2",
            "signDay",
            "signMonth",
            "signYear",
            "EIFDay",
            "EIFMonth",
            "EIFYear",
            "terminated",
            "endYearEstimate",
        )
    }
    check_allowed(ints["terminated"], (1, 0, -88, -99), path, "terminated")
    type_ = table["type"].str.strip()
    check_allowed(type_, TYPES, path, "type")
    # the signature and entry-into-force dates, each from year, month and day columns
    (signed, signed_precision), (in_force, in_force_precision) = (
        dates_from_parts(
            ints[f"{part}Year"],
            ints[f"{part}Month"],
            ints[f"{part}Day"],
            closes=False,
            source=path,
            column=f"{part}Year/{part}Month/{part}Day",
        )
        for part in ("sign", "EIF")
    )
    category = table[["category1", "category2", "category3"]].replace("", pd.NA).stack().str.strip()
    frame = pd.DataFrame(
        {
            "dca_id": table["DCAid"].astype("string"),
            "state_a": cow_states(ints["ccode1"], signed, path, "ccode1"),
            "state_b": cow_states(ints["ccode2"], signed, path, "ccode2"),
            "ccode_a": ints["ccode1"].astype("int64"),
            "ccode_b": ints["ccode2"].astype("int64"),
            "signed": signed,
            "signed_precision": signed_precision,
            "in_force": in_force,
            "in_force_precision": in_force_precision,
            "type": type_.astype("string"),
            "category": category.groupby(level=0)
            .agg("/".join)
            .reindex(table.index)
            .astype("string"),
            "terminated": ints["terminated"].map({1: True, 0: False}).astype("boolean"),
            "end_year_estimate": ints["endYearEstimate"],
        }
    )
    return frame.reset_index(drop=True)
