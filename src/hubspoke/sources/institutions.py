"""Treaties, organisations and memberships of the in-scope states (docs/interfaces.md layouts).

``derive_institutions`` reads the publishers' files under ``shared`` (COW IGO v3, DESTA list and
HUGGO dates, ATOP 5.1, DCAD 1.0, MIGO) and the hand-curated tables in ``data/curated``:

* ``organisations.csv`` -- the organisation registry (``organisations`` table columns) plus the
  identifiers of each organisation in the sources: a COW IGO column (``cow_igo``), a DESTA base
  treaty (``desta``), an ATOP alliance (``atop``), a MIGO IGO (``migo``);
* ``memberships.csv`` -- complete spells that no source file covers, each with its citation;
* ``membership_ends.csv`` -- corrections of the end of a source spell (an empty ``end`` keeps
  the spell running), each with its citation.

Registries (``bodies``): ``case`` reads ``organisations.csv`` alone (the post-Soviet case, whose
tables are committed in ``data/raw``); ``world`` adds ``organisations_world.csv``, the major
regional bodies of the world coded from their founding treaties, whose rows replace the case
rows of the same ``org_id`` (the EU: one body from the Treaty of Rome, from DESTA and HUGGO), and
the end corrections of ``membership_ends_world.csv``. A registry row may list a body's successive
DESTA base treaties (``desta`` ``636;1007``: NAFTA, then the USMCA): a state's spell under one
ends the day before its spell under the next starts (:func:`succeed`), so abutting spells join.

Which organisations enter (the generic rule): only the registry's. Every other organisation of
the sources (about 530 COW IGOs, most of them functional agencies; DESTA's other plurilateral
agreements) stays out: the membership layers weigh shared frameworks by integration depth and
scope, which the files do not code, and counting every shared functional body would tie almost
every pair of states every year. A body enters by a registry row whose domain, depth and scope
are coded from its founding treaty, with its identifiers looked up in the source files.

Reconciliation rule for memberships (one rule, applied in this order):

1. Source precedence per (organisation, state): the spells come from the single highest-ranked
   source with any spell for that pair, ranked curated > DESTA/HUGGO > ATOP > MIGO > COW IGO
   (day-precision treaty sources over year-precision organisation panels).
2. A spell still running in the last year a source covers (COW IGO 2014, MIGO 2010, ATOP
   ``yrexit`` 0) stays open: the end of a file is not the end of a membership.
3. Abutting or overlapping spells of the same kind are merged (ATOP phases).
4. A curated end correction replaces the end of the state's latest spell in that organisation
   that starts on or before the corrected end (any spell when the correction is empty).

Year-precision dates are placed on 1 January (starts) and 31 December (ends); ``date_precision``
is ``day`` only when both ends of a spell are known to the day. Treaties follow the same
widening rule: year-only signature or entry-into-force dates are put on 1 January, and a partial
entry-into-force date is never placed before the signature (``not_before``).

Spells and treaties are kept when they overlap ``years`` (any day of the window), with their
true dates. ``source`` records where each row came from (``curated: <citation>`` for curated
spells; ``; end: <citation>`` or ``; continues: <citation>`` appended when an end was corrected).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke.countries import iso3_codes
from hubspoke.errors import InputError
from hubspoke.sources.atop import read_atop_members
from hubspoke.sources.cells import (
    check_allowed,
    parse_dates,
    read_text_table,
    report_first,
    require_columns,
    to_int,
    to_text,
)
from hubspoke.sources.cow_igo import cow_igo_spells, read_cow_igo_state_year
from hubspoke.sources.dcad import read_dcad
from hubspoke.sources.desta import (
    desta_members,
    desta_spells,
    huggo_member_dates,
    read_desta_list,
    read_huggo_members,
)
from hubspoke.sources.migo import migo_spells, read_migo
from hubspoke.validate import IMPLEMENTATION, MEMBERSHIP_KINDS, SCHEMAS, SCOPES

CURATED_DIR = Path(__file__).resolve().parents[3] / "data" / "curated"
FILES = {
    "cow_igo": Path("cow-igo-v3") / "state_year_formatv3.csv",
    "desta": Path("desta") / "DESTA.csv",
    "huggo": Path("desta") / "HUGGO_MEM_additional.csv",
    "atop": Path("atop-5.1") / "atop5_1m.csv",
    "dcad": Path("dcad-1.0") / "DCAD-v1.0-main.csv",
    "migo": Path("migo") / "MIGO_memberships.csv",
}
SOURCE_KEYS = {
    "cow_igo": "COW-IGO-v3",
    "desta": "DESTA",
    "huggo": "DESTA+HUGGO",
    "atop": "ATOP-5.1",
    "dcad": "DCAD-1.0",
    "migo": "MIGO",
}
BODIES = ("case", "world")
RANK = {"curated": 0, "desta": 1, "atop": 2, "migo": 3, "cow_igo": 4}
DOMAINS = ("economic", "security", "political")
# the columns of the tables written to data/raw, as their input schemas declare them
ORGANISATION_COLUMNS = list(SCHEMAS["organisations"].columns)
MEMBERSHIP_COLUMNS = list(SCHEMAS["memberships"].columns)
TREATY_COLUMNS = list(SCHEMAS["treaties"].columns)
_SPELL_COLUMNS = ["org_id", "state", "kind", "start", "start_precision", "end", "end_precision",
                  "source", "rank"]  # fmt: skip
_SOURCE_IDS = ("cow_igo", "desta", "atop", "migo")
ATOP_OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")


def derive_institutions(
    shared: Path,
    states: Sequence[str],
    years: tuple[int, int],
    *,
    curated: Path = CURATED_DIR,
    bodies: str = "case",
) -> dict[str, pd.DataFrame]:
    """``{"treaties", "organisations", "memberships"}`` for ``states`` overlapping ``years``.

    ``bodies`` (:data:`BODIES`) names the organisation registry: ``case`` the post-Soviet
    registry, ``world`` that registry with the rows of ``organisations_world.csv`` added or put
    in place of the rows with their ``org_id``, and the end corrections of
    ``membership_ends_world.csv`` applied after those of ``membership_ends.csv``.
    """
    shared = Path(shared)
    states = list(states)
    registry = read_registry(Path(curated) / "organisations.csv")
    if bodies == "world":
        world = read_registry(Path(curated) / "organisations_world.csv")
        registry = pd.concat([registry[~registry["org_id"].isin(world["org_id"])], world])
        registry = registry.sort_values("org_id", kind="stable").reset_index(drop=True)
    elif bodies != "case":
        raise ValueError(f"bodies must be one of {BODIES}, not {bodies!r}")
    desta = read_desta_list(shared / FILES["desta"])
    huggo = read_huggo_members(shared / FILES["huggo"])
    atop = read_atop_members(shared / FILES["atop"])
    spells = pd.concat(
        [
            cow_spells(shared / FILES["cow_igo"], registry, states),
            desta_org_spells(desta, huggo, registry, states),
            atop_org_spells(atop, registry, states),
            migo_org_spells(read_migo(shared / FILES["migo"]), registry, states),
            read_curated_spells(Path(curated) / "memberships.csv", registry, states),
        ],
        ignore_index=True,
    )
    ends = read_end_corrections(Path(curated) / "membership_ends.csv", registry, states)
    memberships = reconcile(spells, ends, Path(curated) / "membership_ends.csv")
    if bodies == "world":
        path = Path(curated) / "membership_ends_world.csv"
        memberships = correct_ends(memberships, read_end_corrections(path, registry, states), path)
    treaties = pd.concat(
        [
            desta_treaties(desta, huggo, states),
            atop_treaties(atop, states),
            dcad_treaties(read_dcad(shared / FILES["dcad"]), states),
        ],
        ignore_index=True,
    )
    return {
        "treaties": _treaty_table(treaties, years),
        "organisations": registry[ORGANISATION_COLUMNS].reset_index(drop=True),
        "memberships": _membership_table(memberships, years),
    }


# --- curated tables ---------------------------------------------------------------------------


def read_registry(path: Path) -> pd.DataFrame:
    """The organisation registry, typed; the source identifiers ``cow_igo``/``migo`` (text),
    ``atop`` (integer) and ``desta`` (a tuple of base treaty numbers, the body's successive
    treaties in order) are missing where a source does not cover the organisation.

    ``implemented`` and its citation ``implementation_source`` are given exactly for the economic
    integration agreements (``depth`` 1-4)."""
    table = read_text_table(path)
    require_columns(table, [*ORGANISATION_COLUMNS, *_SOURCE_IDS], path)
    frame = pd.DataFrame(
        {
            column: to_text(table[column], path, column)
            for column in ("org_id", "name", "domain", "scope", "source")
        }
    )
    check_allowed(frame["domain"], DOMAINS, path, "domain")
    check_allowed(frame["scope"], SCOPES, path, "scope")
    for column in ("implemented", "implementation_source"):
        frame[column] = table[column].str.strip().replace("", pd.NA).astype("string")
    check_allowed(frame["implemented"], IMPLEMENTATION, path, "implemented")
    frame["depth"] = to_int(table["depth"], path, "depth", required=True).astype("int64")
    check_allowed(frame["depth"], range(5), path, "depth")
    frame["leader"] = table["leader"].str.strip().replace("", pd.NA).astype("string")
    check_allowed(frame["leader"], sorted(iso3_codes()), path, "leader")
    report_first(frame["org_id"].duplicated(), table["org_id"], path, "org_id", "duplicate org_id")
    for column in ("implemented", "implementation_source"):
        report_first(
            frame[column].isna() != frame["depth"].eq(0),
            table[column],
            path,
            column,
            "required exactly for economic integration agreements (depth 1-4)",
        )
    for column in ("cow_igo", "migo"):
        frame[column] = table[column].str.strip().replace("", pd.NA).astype("string")
    frame["atop"] = to_int(table["atop"], path, "atop")
    # a body's successive base treaties, in order, separated by ";" (NAFTA;USMCA)
    listed = table["desta"].str.split(";").explode()
    numbers = to_int(listed, path, "desta").dropna().astype("int64")
    frame["desta"] = numbers.groupby(level=0).agg(tuple).reindex(frame.index)
    return frame.sort_values("org_id", kind="stable")


def _check_curated_keys(frame: pd.DataFrame, registry: pd.DataFrame, path: Path) -> None:
    check_allowed(frame["org_id"], registry["org_id"], path, "org_id")
    check_allowed(frame["state"], sorted(iso3_codes()), path, "state")


def _curated_dates(cells: pd.Series, *, closes: bool, path: Path, column: str) -> pd.Series:
    """Curated dates are written in full (YYYY-MM-DD); empty = open."""
    dates, precision = parse_dates(cells, closes=closes, source=path, column=column)
    report_first(dates.notna() & (precision != "day"), cells, path, column, "write YYYY-MM-DD")
    return dates


def read_curated_spells(path: Path, registry: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """Complete spells from ``memberships.csv`` (the ``memberships`` layout)."""
    table = read_text_table(path)
    require_columns(table, MEMBERSHIP_COLUMNS, path)
    frame = pd.DataFrame(
        {
            column: to_text(table[column], path, column)
            for column in ("org_id", "state", "kind", "date_precision", "source")
        }
    )
    _check_curated_keys(frame, registry, path)
    check_allowed(frame["kind"], MEMBERSHIP_KINDS, path, "kind")
    check_allowed(frame["date_precision"], ("day", "year"), path, "date_precision")
    frame["start"] = _curated_dates(
        to_text(table["start"], path, "start"), closes=False, path=path, column="start"
    )
    frame["end"] = _curated_dates(table["end"], closes=True, path=path, column="end")
    report_first(frame["end"] < frame["start"], table["end"], path, "end", "end before start")
    precision = frame["date_precision"]
    frame = frame.assign(
        start_precision=precision,
        end_precision=precision.where(frame["end"].notna()),
        rank=RANK["curated"],
        source="curated: " + frame["source"],
    )
    return frame.loc[frame["state"].isin(states), _SPELL_COLUMNS]


def read_end_corrections(path: Path, registry: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """``[line, org_id, state, end, end_precision, source]`` from ``membership_ends.csv``."""
    table = read_text_table(path)
    require_columns(table, ["org_id", "state", "end", "date_precision", "source"], path)
    frame = pd.DataFrame(
        {column: to_text(table[column], path, column) for column in ("org_id", "state", "source")}
    )
    _check_curated_keys(frame, registry, path)
    frame["end"] = _curated_dates(table["end"], closes=True, path=path, column="end")
    precision = table["date_precision"].str.strip().replace("", pd.NA).astype("string")
    check_allowed(precision, ("day", "year"), path, "date_precision")
    report_first(
        frame["end"].notna() != precision.notna(),
        table["date_precision"],
        path,
        "date_precision",
        "a corrected end needs a precision, an open end none",
    )
    frame["end_precision"] = precision
    frame = frame.rename_axis("line").reset_index()
    return frame[frame["state"].isin(states)]


# --- membership spells per source -------------------------------------------------------------


def _year_start(years: pd.Series) -> pd.Series:
    return pd.to_datetime(
        pd.DataFrame({"year": years.astype("float64"), "month": 1, "day": 1}), errors="coerce"
    )


def _year_end(years: pd.Series) -> pd.Series:
    return pd.to_datetime(
        pd.DataFrame({"year": years.astype("float64"), "month": 12, "day": 31}), errors="coerce"
    )


def _year_spells(spells: pd.DataFrame, source: str) -> pd.DataFrame:
    """Spells with ``start_year``/``end_year`` (``end_year`` missing = open) as dated spells."""
    return spells.assign(
        start=_year_start(spells["start_year"]),
        start_precision="year",
        end=_year_end(spells["end_year"]),
        end_precision=pd.Series("year", index=spells.index, dtype="string").where(
            spells["end_year"].notna()
        ),
        source=SOURCE_KEYS[source],
        rank=RANK[source],
    )


def _registry_ids(registry: pd.DataFrame, source: str) -> pd.Series:
    """Source identifier -> org_id for the organisations the source covers (each of a body's
    DESTA treaties)."""
    covered = registry[["org_id", source]].explode(source).dropna()
    return pd.Series(covered["org_id"].to_numpy(), index=covered[source].to_numpy())


def _igo_spells(spells: pd.DataFrame, ids: pd.Series, source: str) -> pd.DataFrame:
    """Year spells of IGOs (column ``igo``) as dated spells of their ``org_id`` (``ids``)."""
    spells = spells.assign(org_id=spells["igo"].map(ids).astype("string"))
    return _year_spells(spells, source)[_SPELL_COLUMNS]


def cow_spells(path: Path, registry: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """COW IGO spells of the registry's ``cow_igo`` columns (year precision)."""
    ids = _registry_ids(registry, "cow_igo")
    panel = read_cow_igo_state_year(path, igos=list(ids.index), states=states)
    return _igo_spells(cow_igo_spells(panel), ids, "cow_igo")


def migo_org_spells(
    migo: pd.DataFrame, registry: pd.DataFrame, states: Sequence[str]
) -> pd.DataFrame:
    """MIGO spells of the registry's ``migo`` IGOs (year precision; open only at 2010)."""
    ids = _registry_ids(registry, "migo")
    spells = migo_spells(migo)
    spells = spells[spells["igo"].isin(ids.index) & spells["state"].isin(states)]
    return _igo_spells(spells, ids, "migo")


def atop_org_spells(
    atop: pd.DataFrame, registry: pd.DataFrame, states: Sequence[str]
) -> pd.DataFrame:
    """ATOP member spells of the registry's ``atop`` alliances (kind ``full``)."""
    ids = _registry_ids(registry, "atop")
    rows = atop[atop["atopid"].isin(ids.index) & atop["state"].isin(states)]
    return pd.DataFrame(
        {
            "org_id": rows["atopid"].map(ids).astype("string"),
            "state": rows["state"],
            "kind": "full",
            "start": rows["entry"],
            "start_precision": rows["entry_precision"],
            "end": rows["exit"],
            "end_precision": rows["exit_precision"],
            "source": SOURCE_KEYS["atop"],
            "rank": RANK["atop"],
        }
    )


def _huggo_matches(desta: pd.DataFrame, huggo: pd.DataFrame) -> pd.DataFrame:
    """HUGGO treaty rows matched to DESTA entries: same DESTA id and signature year.

    An entry matched by more than one HUGGO treaty is ambiguous and left unmatched.
    """
    entries = desta[["number", "base_treaty", "year"]].reset_index(drop=True)
    entries = entries[entries["number"] == entries["base_treaty"].astype("string")]
    treaties = huggo.dropna(subset=["desta_id"]).assign(
        signed_year=huggo["signature"].dt.year.astype("Int64")
    )
    matched = entries.merge(
        treaties, left_on=["base_treaty", "year"], right_on=["desta_id", "signed_year"]
    )
    unique = matched.groupby("base_treaty")["many_id"].transform("nunique") == 1
    return matched[unique]


def desta_org_spells(
    desta: pd.DataFrame, huggo: pd.DataFrame, registry: pd.DataFrame, states: Sequence[str]
) -> pd.DataFrame:
    """DESTA spells of the registry's ``desta`` treaties, with HUGGO day dates where HUGGO covers
    the treaty and the state has a single spell in it (the state's own dates first; an acceding
    state only with its own date); the spells of a body's successive treaties follow
    :func:`succeed`."""
    ids = _registry_ids(registry, "desta")
    spells = desta_spells(desta)
    spells = spells[spells["base_treaty"].isin(ids.index) & spells["state"].isin(states)]
    matched = _huggo_matches(desta, huggo)
    dates = huggo_member_dates(huggo.loc[huggo["many_id"].isin(matched["many_id"])])
    dates = dates.merge(matched[["many_id", "base_treaty"]].drop_duplicates(), on="many_id")
    dates = dates[~dates.duplicated(["base_treaty", "state"], keep=False)]  # ambiguous: unused
    single = ~spells.duplicated(["base_treaty", "state"], keep=False)
    spells = spells.merge(
        dates.drop(columns=["many_id", "desta_id"]).assign(huggo=True),
        on=["base_treaty", "state"],
        how="left",
    )
    use = spells["huggo"].eq(True) & single.to_numpy() & spells["force"].notna()
    # an acceding state without its own HUGGO date would get the treaty's founding date
    use &= spells["entry_type"].eq("base_treaty") | spells["own_force"].eq(True)
    yearly = _year_spells(spells, "desta")
    start = yearly["start"].mask(use, spells["force"])
    if start.isna().any():
        line = spells.loc[start.isna(), "treaty_number"].iloc[0]
        raise InputError(
            str(FILES["desta"]),
            "no entry-into-force year for a membership spell",
            column="entryforceyear",
            value=line,
        )
    end = yearly["end"].mask(use & spells["end"].notna(), spells["end"])
    listed = registry["desta"].explode().dropna()
    order = pd.Series(listed.groupby(level=0).cumcount().to_numpy(), index=listed.to_numpy())
    frame = pd.DataFrame(
        {
            "org_id": spells["base_treaty"].map(ids).astype("string"),
            "state": spells["state"],
            "kind": "full",
            "start": start,
            "start_precision": yearly["start_precision"].mask(use, spells["force_precision"]),
            "end": end,
            "end_precision": yearly["end_precision"].mask(
                use & spells["end"].notna(), spells["end_precision"]
            ),
            "source": np.where(use, SOURCE_KEYS["huggo"], SOURCE_KEYS["desta"]),
            "rank": RANK["desta"],
        }
    )
    return succeed(frame, spells["base_treaty"].map(order))


def succeed(spells: pd.DataFrame, order: pd.Series) -> pd.DataFrame:
    """Spells of a body's successive treaties (``order``: the treaty's place in the body's
    list): a state's spell under one treaty ends the day before the state's first spell under
    the next treaty it is a party of starts (with that start's precision); a spell starting
    later than that is dropped, the later treaty's spells replacing it."""
    keys = ["org_id", "state", "order"]
    spells = spells.assign(order=order.to_numpy())
    first = spells.sort_values([*keys, "start"], kind="stable").drop_duplicates(keys)
    following = first.groupby(["org_id", "state"])[["start", "start_precision"]].shift(-1)
    successor = pd.concat([first[keys], following.add_suffix("_next")], axis=1)
    spells = spells.merge(successor, on=keys, how="left", validate="many_to_one")
    cut = spells["start_next"] - pd.Timedelta(days=1)
    ends = cut.notna() & (spells["end"].isna() | (spells["end"] > cut))
    spells["end"] = spells["end"].mask(ends, cut)
    spells["end_precision"] = spells["end_precision"].mask(ends, spells["start_precision_next"])
    return spells.loc[~(spells["start"] > spells["end"]), _SPELL_COLUMNS]


# --- reconciliation ---------------------------------------------------------------------------


def reconcile(spells: pd.DataFrame, ends: pd.DataFrame, ends_path: Path | str) -> pd.DataFrame:
    """Apply the reconciliation rule (module docstring) to spells from all sources."""
    best = spells.groupby(["org_id", "state"])["rank"].transform("min")
    spells = merge_spells(spells[spells["rank"] == best])
    return correct_ends(spells, ends, ends_path)


def merge_spells(spells: pd.DataFrame) -> pd.DataFrame:
    """Merge spells of the same org, state and kind that overlap or abut (next day)."""
    rows = spells.sort_values(["org_id", "state", "kind", "start"], kind="stable")
    rows = rows.reset_index(drop=True)
    keys = ["org_id", "state", "kind"]
    reach = (rows["end"] + pd.Timedelta(days=1)).fillna(pd.Timestamp.max)  # first day after
    groups = [rows[k] for k in keys]
    previous = reach.groupby(groups).cummax().groupby(groups).shift()
    same_group = (rows[keys] == rows[keys].shift()).all(axis=1)
    joined = same_group & (rows["start"] <= previous)
    block = (~joined).cumsum()
    last = rows.assign(reach=reach).sort_values("reach", kind="stable").groupby(block).tail(1)
    merged = rows.groupby(block).first()
    merged[["end", "end_precision"]] = last.set_index(block[last.index])[["end", "end_precision"]]
    return merged.reset_index(drop=True)


def correct_ends(spells: pd.DataFrame, ends: pd.DataFrame, path: Path | str) -> pd.DataFrame:
    """Apply curated end corrections to the latest spell starting on or before each end."""
    spells = spells.reset_index(drop=True)
    pairs = spells.reset_index(names="spell").merge(
        ends, on=["org_id", "state"], suffixes=("", "_new")
    )
    pairs = pairs[~(pairs["start"] > pairs["end_new"])]
    chosen = pairs.sort_values("start", kind="stable").drop_duplicates("line", keep="last")
    missing = ~ends["line"].isin(chosen["line"])
    if missing.any():
        first = ends[missing].iloc[0]
        raise InputError(
            str(path),
            "no spell of this state to correct",
            row=int(first["line"]),
            column="state",
            value=first["state"],
        )
    target = chosen.set_index("spell")
    spells.loc[target.index, "end"] = target["end_new"]
    spells.loc[target.index, "end_precision"] = target["end_precision_new"]
    label = np.where(target["end_new"].isna(), "; continues: ", "; end: ")
    spells.loc[target.index, "source"] = target["source"] + label + target["source_new"]
    return spells


# --- treaties ---------------------------------------------------------------------------------


def not_before(dates: pd.Series, floor: pd.Series, partial: pd.Series) -> pd.Series:
    """A partial date widened to the start of its month or year (``partial``) is moved up to
    ``floor`` when the widening put it earlier: a treaty signed on 3 March 1994 and in force in
    "1994" is in force from 3 March 1994 at the earliest."""
    return dates.mask(partial & (dates < floor), floor)


def desta_treaties(desta: pd.DataFrame, huggo: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """Bilateral DESTA base treaties (``typememb`` 1, no accession or withdrawal) between two
    in-scope states; HUGGO treaty-level dates where HUGGO covers the treaty, else DESTA years."""
    members = desta_members(desta)
    changed = desta.loc[desta["entry_type"].isin(["accession", "withdrawal"]), "base_treaty"]
    bilateral = members[
        (members["entry_type"] == "base_treaty")
        & (members["typememb"] == 1)
        & ~members["base_treaty"].isin(changed)
    ]
    pairs = bilateral.groupby("line")["state"].agg(["min", "max", "count", "nunique"])
    pairs = pairs[
        (pairs["count"] == 2)
        & (pairs["nunique"] == 2)
        & pairs["min"].isin(states)
        & pairs["max"].isin(states)
    ]
    entries = desta.loc[pairs.index]
    huggo_dates = (
        _huggo_matches(desta, huggo).drop_duplicates("base_treaty").set_index("base_treaty")
    )
    cover = huggo_dates.reindex(entries["base_treaty"].to_numpy())
    cover.index = entries.index
    signed = cover["signature"].fillna(_year_start(entries["year"]))
    in_force = cover["force"].fillna(_year_start(entries["entryforceyear"]))
    in_force_partial = cover["force_precision"].ne("day").fillna(True)
    return pd.DataFrame(
        {
            "treaty_id": "DESTA-" + entries["number"],
            "state_a": pairs["min"],
            "state_b": pairs["max"],
            "kind": "trade_agreement",
            "name": entries["name"],
            "signed": signed,
            "in_force": not_before(in_force, signed, in_force_partial),
            "ended": cover["end"],
            "source": np.where(
                cover["many_id"].notna(), SOURCE_KEYS["huggo"], SOURCE_KEYS["desta"]
            ),
        }
    )


def atop_treaties(atop: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """Bilateral ATOP alliances (``bilat``) between two in-scope states: one row per alliance
    and pair of members, in force from the later entry to the earlier exit of the two (ATOP's
    member file has no signature date, so ``signed`` is empty)."""
    rows = atop[atop["bilat"] & atop["state"].isin(states)]
    span = (
        rows.assign(reach=rows["exit"].fillna(pd.Timestamp.max))
        .groupby(["atopid", "state"])
        .agg(
            entry=("entry", "min"),
            reach=("reach", "max"),
            **{o: (o, "any") for o in ATOP_OBLIGATIONS},
        )
        .reset_index()
    )
    pairs = span.merge(span, on="atopid", suffixes=("_a", "_b"))
    pairs = pairs[pairs["state_a"] < pairs["state_b"]]
    start = pairs[["entry_a", "entry_b"]].max(axis=1)
    reach = pairs[["reach_a", "reach_b"]].min(axis=1)
    pairs = pairs.assign(start=start, reach=reach)[start <= reach]
    several = pairs.duplicated("atopid", keep=False)
    suffix = np.where(several, "-" + pairs["state_a"] + "-" + pairs["state_b"], "")
    listed = (
        pd.DataFrame(
            {o: np.where(pairs[f"{o}_a"], o + ", ", "") for o in ATOP_OBLIGATIONS},
            index=pairs.index,
        )
        .sum(axis=1)
        .str.removesuffix(", ")
    )
    return pd.DataFrame(
        {
            "treaty_id": "ATOP-" + pairs["atopid"].astype("string") + suffix,
            "state_a": pairs["state_a"],
            "state_b": pairs["state_b"],
            "kind": "alliance",
            "name": "ATOP alliance " + pairs["atopid"].astype("string") + " (" + listed + ")",
            "signed": pd.NaT,
            "in_force": pairs["start"],
            "ended": pairs["reach"].where(pairs["reach"] != pd.Timestamp.max),
            "source": SOURCE_KEYS["atop"],
        }
    )


def dcad_treaties(dcad: pd.DataFrame, states: Sequence[str]) -> pd.DataFrame:
    """DCAD agreements between two in-scope states; ``ended`` is the publisher's end-year
    estimate (31 December) unless it is the data's last year (still in force at the end)."""
    rows = dcad[dcad["state_a"].isin(states) & dcad["state_b"].isin(states)]
    rows = rows[rows["state_a"] != rows["state_b"]]  # DCAD-0297 pairs Bolivia with itself
    last_year = dcad["end_year_estimate"].max()
    ended = _year_end(rows["end_year_estimate"].mask(rows["end_year_estimate"] == last_year))
    low = rows[["state_a", "state_b"]].min(axis=1)
    high = rows[["state_a", "state_b"]].max(axis=1)
    return pd.DataFrame(
        {
            "treaty_id": "DCAD-" + rows["dca_id"].str.replace(r"^DCADv[\d.]+-", "", regex=True),
            "state_a": low,
            "state_b": high,
            "kind": "defence_cooperation",
            "name": "DCA " + rows["type"] + " (" + rows["category"] + ")",
            "signed": rows["signed"],
            "in_force": not_before(
                rows["in_force"], rows["signed"], rows["in_force_precision"] != "day"
            ),
            "ended": ended,
            "source": SOURCE_KEYS["dcad"],
        }
    )


# --- output tables ----------------------------------------------------------------------------


def _overlaps(start: pd.Series, end: pd.Series, years: tuple[int, int]) -> pd.Series:
    first, last = years
    return (start <= pd.Timestamp(last, 12, 31)) & ~(end < pd.Timestamp(first, 1, 1))


def _membership_table(spells: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    spells = spells[_overlaps(spells["start"], spells["end"], years)]
    by_day = (spells["start_precision"] == "day") & (
        spells["end"].isna() | (spells["end_precision"] == "day")
    )
    table = spells.assign(date_precision=np.where(by_day, "day", "year"))[MEMBERSHIP_COLUMNS]
    table = table.astype(
        {c: "string" for c in ("org_id", "state", "kind", "date_precision", "source")}
    )
    table = table.astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})
    return table.sort_values(["org_id", "state", "start"], kind="stable").reset_index(drop=True)


def _treaty_table(treaties: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    # an entry into force dated before the signature (DCAD, 4 agreements worldwide) is unknown
    treaties = treaties.assign(
        in_force=treaties["in_force"].mask(treaties["in_force"] < treaties["signed"])
    )
    start = treaties["in_force"].fillna(treaties["signed"])
    table = treaties[_overlaps(start, treaties["ended"], years)][TREATY_COLUMNS]
    table = table.astype(
        {c: "string" for c in ("treaty_id", "state_a", "state_b", "kind", "name", "source")}
    )
    table = table.astype({c: "datetime64[ns]" for c in ("signed", "in_force", "ended")})
    return table.sort_values("treaty_id", kind="stable").reset_index(drop=True)
