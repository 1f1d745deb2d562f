"""Alliance Treaty Obligations and Provisions (ATOP) 5.1, member-level file (``atop5_1m.csv``).

Leeds, Ritter, Mitchell & Long (2002), "Alliance Treaty Obligations and Provisions, 1815-1944",
International Interactions 28:237-260 (data version 5.1, covering 1815-2018).

One row per member and alliance phase: ``atopid``, ``member`` (COW state code), entry date
``yrent/moent/dayent``, exit date ``yrexit/moexit/dayexit`` (``yrexit`` 0: still in force at the
end of the data) and 0/1 obligation flags. A month or day coded 0 or left empty is unknown: the
date then has month or year precision and is widened outward (entry to the first day of the
stated month or year, exit to the last day), see ``hubspoke.sources.cells``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hubspoke.sources.cells import (
    check_allowed,
    cow_states,
    dates_from_parts,
    read_text_table,
    to_int,
)

FLAGS = ("bilat", "defense", "offense", "neutral", "nonagg", "consul")
_DATE_PARTS = {
    "entry": ("yrent", "moent", "dayent"),
    "exit": ("yrexit", "moexit", "dayexit"),
}


def read_atop_members(path: Path | str) -> pd.DataFrame:
    """Tidy ``[atopid, state, ccode, entry, entry_precision, exit, exit_precision, *FLAGS]``.

    ``exit`` is ``NaT`` for a member still in the alliance at the end of the data (``yrexit``
    0). ``state`` is ISO3 (missing for historical states such as Czechoslovakia, whose rows
    all end by 1 January 1993). Flags are ``bool``; a flag other than 0/1 raises ``InputError``.
    Sorted by atopid, entry, state.
    """
    columns = ["atopid", "member", *_DATE_PARTS["entry"], *_DATE_PARTS["exit"], *FLAGS]
    table = read_text_table(path, usecols=columns)
    parts = {
        c: to_int(table[c], path, c, required=c in {"atopid", "member", "yrent", "yrexit"})
        for c in columns
        if c not in FLAGS
    }
    entry, entry_precision = dates_from_parts(
        *(parts[c] for c in _DATE_PARTS["entry"]),
        closes=False,
        source=path,
        column="yrent/moent/dayent",
    )
    in_force = parts["yrexit"] == 0
    exit_year = parts["yrexit"].mask(in_force)
    exit_date, exit_precision = dates_from_parts(
        exit_year,
        parts["moexit"],
        parts["dayexit"],
        closes=True,
        source=path,
        column="yrexit/moexit/dayexit",
    )
    frame = pd.DataFrame(
        {
            "atopid": parts["atopid"].astype("int64"),
            "state": cow_states(parts["member"], exit_date, path, "member"),
            "ccode": parts["member"].astype("int64"),
            "entry": entry,
            "entry_precision": entry_precision,
            "exit": exit_date,
            "exit_precision": exit_precision,
        }
    )
    for flag in FLAGS:
        values = to_int(table[flag], path, flag, required=True)
        check_allowed(values, (0, 1), path, flag)
        frame[flag] = values.astype(bool)
    return frame.sort_values(["atopid", "entry", "ccode"], kind="stable").reset_index(drop=True)
