"""Per-year fingerprints of the raw input tables, for minimal reruns.

The workflow computes one fingerprint per year while it builds its job graph and passes it to
that year's job as a parameter: Snakemake reruns a job whose parameters changed, so editing one
year's trade figures reruns that year's job only, while the (cheap) cross-year jobs rerun
because their inputs changed.

A year's fingerprint covers exactly the rows that year's networks read: trade and World
totals of that year with in-scope reporters (and in-scope partners), treaties and membership
spells in force in that year (by the configured activity rule, on the ISO dates as text), and
the whole organisations table. The fingerprint is a hash of the raw CSV rows (so the same
rows give the same fingerprint whatever the line endings or a byte-order mark); the workflow
computes it only after the tables passed validation.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

Row = dict[str, str]


def _rows(path: str | Path) -> list[Row]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _active(start: str, end: str, year: int, rule: str) -> bool:
    first, last = f"{year}-01-01", f"{year}-12-31"
    return (
        bool(start) and start <= last and (not end or end >= (first if rule == "any_day" else last))
    )


def _by_year(rows: list[Row], keep: Callable[[Row], bool]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if keep(r):
            groups.setdefault(r["year"], []).append(r)
    return groups


def _per_year(name: str, rows: list[Row], years, states: set[str], rule: str):
    """The rows of table ``name`` that each year reads: ``{year: rows}``."""
    if name == "trade":
        g = _by_year(rows, lambda r: r["reporter"] in states and r["partner"] in states)
        return {y: g.get(str(y), []) for y in years}
    if name == "trade_world":
        g = _by_year(rows, lambda r: r["reporter"] in states)
        return {y: g.get(str(y), []) for y in years}
    if name == "treaties":
        rows = [r for r in rows if r["state_a"] in states and r["state_b"] in states]
        return {
            y: [r for r in rows if _active(r["in_force"] or r["signed"], r["ended"], y, rule)]
            for y in years
        }
    if name == "memberships":
        rows = [r for r in rows if r["state"] in states]
        return {y: [r for r in rows if _active(r["start"], r["end"], y, rule)] for y in years}
    return dict.fromkeys(years, rows)


def _digest(rows: Iterable[Row]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update("\x1f".join(f"{k}={v}" for k, v in sorted(r.items())).encode())
        h.update(b"\x1e")
    return h.hexdigest()


def year_fingerprints(
    paths: Mapping[str, str | Path], years: Sequence[int], states: Sequence[str], rule: str
) -> dict[int, str]:
    """``{year: sha256}`` over the rows of every input table that the year's job reads."""
    per_table: dict[str, dict[int, str]] = {}
    for name, path in sorted(paths.items()):
        groups = _per_year(name, _rows(path), years, set(states), rule)
        per_table[name] = {y: _digest(groups[y]) for y in years}
    return {
        y: hashlib.sha256("".join(per_table[n][y] for n in sorted(per_table)).encode()).hexdigest()
        for y in years
    }
