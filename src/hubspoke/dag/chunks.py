"""How the workflow groups years into jobs.

A job costs about a second before it computes anything (process start-up, imports), while one
year of the default configuration takes a fraction of that, so the yearly analysis runs a few
consecutive years per job (``years_per_job`` in the configuration). Each job reruns only when
the fingerprint of one of its years changes (:mod:`hubspoke.dag.fingerprint`). The other
specifications of the grid analyse ``specifications.years_per_job`` years a job, by default all
in one: they are many, and a rerun after a data change matters most for the main one.
"""

from __future__ import annotations

from collections.abc import Sequence


def year_chunks(years: Sequence[int], years_per_job: int | None) -> dict[str, list[int]]:
    """The years grouped into blocks of ``years_per_job`` calendar years aligned on multiples
    of ``years_per_job`` (8: 1992-1999, 2000-2007, ...), each keyed by ``"{first}-{last}"`` of
    the years it holds (``None``: every year in one block). The alignment keeps the blocks
    where they are when years are added at either end, so that only the block of a new year
    changes."""
    if years_per_job is None:
        years = sorted(int(y) for y in years)
        return {f"{years[0]}-{years[-1]}": years}
    if years_per_job < 1:
        raise ValueError(f"years_per_job must be at least 1, got {years_per_job}")
    blocks: dict[int, list[int]] = {}
    for year in sorted(int(y) for y in years):
        blocks.setdefault(year // years_per_job, []).append(year)
    return {f"{b[0]}-{b[-1]}": b for b in blocks.values()}
