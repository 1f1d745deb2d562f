"""Check the source paper's quantitative statements against the validated trade tables.

A reference check (one entry of ``config/reference_checks.yaml``) pairs a stated number with a
*spec*, a small recipe that computes the same quantity from ``trade`` and ``trade_world``
(layouts in ``docs/interfaces.md``) in the entry's ``year``. Spec kinds:

``flow``  (unit ``usd_m``)
    ``exporter``'s exports to ``importer`` as reported by ``as_reported_by``: ``exporter``
    (its FOB export figure), ``importer`` (its CIF import figure) or ``reconciled`` (one
    figure chosen by the reconciliation rule, see below).
``bilateral_trade``  (unit ``usd_m``)
    Exports plus imports between ``a`` and ``b``: both flows as reported by ``reporter``
    (``a`` or ``b``: its FOB exports to the other plus its CIF imports from it), or
    ``reporter: reconciled``, the sum of the two reconciled directed flows.
``share``  (unit ``percent``)
    ``partner``'s share of ``reporter``'s trade with the World, in percent, ``of`` ``total``
    (exports + imports), ``exports`` or ``imports``; numerator and denominator are both the
    reporter's own figures (``trade`` and ``trade_world``).
``partner_rank``  (unit ``rank``)
    ``partner``'s rank among ``reporter``'s partner countries in ``trade`` by total trade
    (exports + imports, the reporter's figures); 1 = largest. A partner with one flow not
    reported has an unknown total: it counts as ranking above when its reported flow alone
    exceeds the target's total, otherwise it is left out of the ranking and ``basis`` says how
    many were left out and the largest of their reported flows. Ties share the best rank.
``growth``  (unit ``percent``)
    The change of a ``flow`` or ``bilateral_trade`` spec (``of``) from ``base_year`` to the
    check's year, in percent: ``100 * (v / v0 - 1)``, or with ``annualized: true`` the
    compound annual rate ``100 * ((v / v0) ** (1 / (year - base_year)) - 1)``.
``growth_ratio``  (unit ``ratio``)
    ``v / v0`` of a ``flow`` or ``bilateral_trade`` spec (``of``), from ``base_year`` to the
    check's year ("fourfold" is 4).

Reconciliation (``reconciliation`` argument, the same rule names as the workflow's config key):
``importer_first`` takes the importer's CIF figure and falls back to the exporter's FOB figure
(IMF practice: import records are usually more complete), ``exporter_first`` the reverse,
``max`` the larger of the two available figures (:func:`hubspoke.networks.reconcile_flows`).

Tolerance: ``{absolute: x}`` (in the check's unit) or ``{relative: x}`` (a fraction of the
stated value), and the check's ``relation`` says how the found value is compared with the
stated one: ``about`` (the default; within when ``|found - stated| <= x``, relative:
``<= x * |stated|``), ``more_than`` (the paper says "more than": within when
``found > stated - x``) or ``at_most`` (e.g. "one of the six major partners", rank 6: within
when ``found <= stated + x``). A mismatch is a finding (``within_tolerance`` False), never an
error; a quantity the data cannot give (a flow not reported) gives ``found_value`` NaN and
``within_tolerance`` NA, with ``basis`` saying what is missing. Missing values are never
treated as zero.

Comparison year (``year_rule``), never chosen by agreement with the data: ``stated`` when the
statement names its year; ``paragraph`` when it does not: ``year`` is then the latest year its
paragraph of the paper refers to (the paragraph's lines declared in ``paragraph``,
``[first, last]``; ``tests/test_reference.py`` checks the year against the paper), and when
that paragraph states a window of years (``window``, ``[first, last]``) the check is also
reported in every other year of the window, those rows marked ``window``. The file may also
list, under ``not_checkable``, the paper's statements the trade tables cannot check, each
with its ``reason`` (:func:`load_not_checkable`, :func:`not_checkable_table`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from hubspoke import networks
from hubspoke.config import check_against_schema, entry_name, load_schema, load_yaml_lists
from hubspoke.errors import InputError, SettingError

EXPORT, IMPORT = "export_fob", "import_cif"
FLOW_WORDS = {EXPORT: "exports (FOB) to", IMPORT: "imports (CIF) from"}
RESULT_COLUMNS = [
    "check_id",
    "statement",
    "unit",
    "year",
    "year_rule",
    "relation",
    "stated_value",
    "found_value",
    "difference",
    "relative_difference",
    "tolerance",
    "tolerance_kind",
    "within_tolerance",
    "basis",
    "citation",
]
_TOL_RTOL = 1e-9  # a difference equal to the tolerance must not fail through float rounding

# The schema of a reference-checks file, declared in reference.yaml beside this module.
SCHEMA = load_schema(Path(__file__).with_suffix(".yaml"))
CHECK_SCHEMA = SCHEMA["check"]
SPEC_SCHEMAS = SCHEMA["specs"]
NOT_CHECKABLE_SCHEMA = SCHEMA["not_checkable"]

SPEC_UNITS = {
    "flow": "usd_m",
    "bilateral_trade": "usd_m",
    "share": "percent",
    "partner_rank": "rank",
    "growth": "percent",
    "growth_ratio": "ratio",
}
_LINE = {"type": "integer", "minimum": 1}
_LINES = {"type": "array", "prefixItems": [_LINE, _LINE], "items": False, "minItems": 2}
_YEAR = {"type": "integer"}
_YEARS = {"type": "array", "prefixItems": [_YEAR, _YEAR], "items": False, "minItems": 2}

NOT_CHECKABLE_COLUMNS = ["statement_id", "statement", "reason", "citation"]


# --- configuration -------------------------------------------------------------------------


def _validate_spec(spec: Mapping, source: str, where: str, key: str) -> None:
    kind = spec["kind"]
    check_against_schema(spec, SPEC_SCHEMAS[kind], source=source, where=where, key=key)
    if kind in ("growth", "growth_ratio"):
        _validate_spec(spec["of"], source, where, f"{key}.of")
    if kind == "bilateral_trade" and spec["reporter"] not in (spec["a"], spec["b"], "reconciled"):
        raise InputError(
            source,
            f"{where}: reporter must be a, b or 'reconciled'",
            key=f"{key}.reporter",
            value=spec["reporter"],
        )


def _validate_year(check: Mapping, source: str, where: str) -> None:
    if check["year_rule"] == "paragraph" and "paragraph" not in check:
        raise InputError(source, f"{where}: year_rule 'paragraph' needs it", key="paragraph")
    for key in ("paragraph", "window"):
        if check["year_rule"] == "stated" and key in check:
            raise InputError(source, f"{where}: {key} goes with year_rule 'paragraph'", key=key)
    first, last = check.get("paragraph", (0, 0))
    if first > last:
        raise InputError(source, f"{where}: first line after last", key="paragraph", value=first)
    first, last = check.get("window", (check["year"], check["year"]))
    if not first <= check["year"] <= last:
        raise InputError(source, f"{where}: year outside the window", key="window", value=first)
    base = check["spec"].get("base_year")
    if base is not None and base >= first:
        raise InputError(
            source,
            f"{where}: base_year must be before the year (every year of the window)",
            key="spec.base_year",
            value=base,
        )


def _check_ids(entries: Sequence[Mapping], kind: str, source: str, seen: set[str]) -> None:
    for i, entry in enumerate(entries):
        if entry["id"] in seen:
            where = entry_name(kind, entry, i)
            raise InputError(source, f"{where}: duplicate id", key="id", value=entry["id"])
        seen.add(entry["id"])


def validate_checks(checks: Sequence, source: str = "reference checks") -> list[dict]:
    """Validate a list of reference checks; returns it unchanged or raises ``InputError``."""
    for i, check in enumerate(checks):
        where = entry_name("check", check, i)
        check_against_schema(check, CHECK_SCHEMA, source=source, where=where)
        kind = check["spec"]["kind"]
        _validate_spec(check["spec"], source, where, "spec")
        if check["unit"] != SPEC_UNITS[kind]:
            raise InputError(
                source,
                f"{where}: a {kind} spec gives unit {SPEC_UNITS[kind]!r}",
                key="unit",
                value=check["unit"],
            )
        _validate_year(check, source, where)
    _check_ids(checks, "check", source, set())
    return list(checks)


def _load(path: str | Path) -> tuple[list[dict], list[dict]]:
    lists = load_yaml_lists(path, "checks", ("not_checkable",))
    source = str(path)
    checks = validate_checks(lists["checks"], source)
    statements = lists.get("not_checkable", [])
    for i, statement in enumerate(statements):
        where = entry_name("statement", statement, i)
        check_against_schema(statement, NOT_CHECKABLE_SCHEMA, source=source, where=where)
    _check_ids(statements, "statement", source, {c["id"] for c in checks})
    return checks, list(statements)


def load_checks(path: str | Path) -> list[dict]:
    """The checks of a reference-checks YAML file (a mapping with the key ``checks`` and
    optionally ``not_checkable``), the whole file validated."""
    return _load(path)[0]


def load_not_checkable(path: str | Path) -> list[dict]:
    """The ``not_checkable`` statements of a reference-checks YAML file (maybe none), the
    whole file validated."""
    return _load(path)[1]


def not_checkable_table(statements: Sequence[Mapping]) -> pd.DataFrame:
    """One row per statement the data cannot check (``NOT_CHECKABLE_COLUMNS``), in order."""
    rows = [
        {"statement_id": s["id"], **{c: s[c] for c in NOT_CHECKABLE_COLUMNS[1:]}}
        for s in statements
    ]
    return pd.DataFrame(rows, columns=NOT_CHECKABLE_COLUMNS).astype("string")


# --- computing the specs -------------------------------------------------------------------


class Found(NamedTuple):
    value: float
    basis: str


class _Reports:
    """Fast look-up of one reported figure: (reporter, partner, year, flow) -> value, estimate."""

    def __init__(self, trade: pd.DataFrame, trade_world: pd.DataFrame) -> None:
        self.trade = trade
        self.pairs = self._index(trade, ["reporter", "partner", "year", "flow"])
        self.world = self._index(trade_world, ["reporter", "year", "flow"])

    @staticmethod
    def _index(df: pd.DataFrame, key: list[str]) -> dict:
        keys = zip(*(df[c].tolist() for c in key), strict=True)
        vals = zip(df["value_usd_m"].tolist(), df["is_estimate"].tolist(), strict=True)
        return dict(zip(keys, vals, strict=True))

    def pair(self, reporter: str, partner: str, year: int, flow: str) -> tuple[float, str]:
        value, estimate = self.pairs.get((reporter, partner, year, flow), (math.nan, False))
        return _described(
            float(value), estimate, f"{reporter}-reported {FLOW_WORDS[flow]} {partner}"
        )

    def with_world(self, reporter: str, year: int, flow: str) -> tuple[float, str]:
        value, estimate = self.world.get((reporter, year, flow), (math.nan, False))
        return _described(float(value), estimate, f"{reporter}-reported {FLOW_WORDS[flow]} World")


def _fmt(value: float) -> str:
    return "not reported" if math.isnan(value) else f"{value:,.1f}"


def _described(value: float, estimate, what: str) -> tuple[float, str]:
    mark = " (IMF estimate)" if estimate is True and not math.isnan(value) else ""
    return value, f"{what} {_fmt(value)}{mark}"


def _flow(reports: _Reports, exporter, importer, year, by, reconciliation) -> Found:
    fob, fob_text = reports.pair(exporter, importer, year, EXPORT)
    cif, cif_text = reports.pair(importer, exporter, year, IMPORT)
    if by == "exporter":
        return Found(fob, fob_text)
    if by == "importer":
        return Found(cif, cif_text)
    flows = networks.reconcile_flows(reports.trade, [exporter, importer], [year], reconciliation)
    row = flows[(flows["exporter"] == exporter) & (flows["importer"] == importer)].iloc[0]
    return Found(
        float(row["value_usd_m"]),
        f"reconciled ({reconciliation}, {row['weight_source']} figure) from {cif_text} "
        f"and {fob_text}",
    )


def _bilateral(reports: _Reports, a, b, year, reporter, reconciliation) -> Found:
    if reporter == "reconciled":
        ab = _flow(reports, a, b, year, "reconciled", reconciliation)
        ba = _flow(reports, b, a, year, "reconciled", reconciliation)
        return Found(ab.value + ba.value, f"{a}->{b}: {ab.basis}; {b}->{a}: {ba.basis}")
    other = b if reporter == a else a
    x, x_text = reports.pair(reporter, other, year, EXPORT)
    m, m_text = reports.pair(reporter, other, year, IMPORT)
    return Found(x + m, f"{x_text} + {m_text}")


def _share(reports: _Reports, reporter, partner, year, of) -> Found:
    flows = {"total": (EXPORT, IMPORT), "exports": (EXPORT,), "imports": (IMPORT,)}[of]
    num = [reports.pair(reporter, partner, year, f) for f in flows]
    den = [reports.with_world(reporter, year, f) for f in flows]
    numerator, denominator = sum(v for v, _ in num), sum(v for v, _ in den)
    value = 100.0 * numerator / denominator if denominator != 0 else math.nan
    texts = [t for _, t in num] + ["over"] + [t for _, t in den]
    return Found(value, "; ".join(texts))


def _rank(reports: _Reports, reporter, partner, year) -> Found:
    t = reports.trade
    rows = t[(t["reporter"] == reporter) & (t["year"] == year) & (t["partner"] != reporter)]
    wide = (
        rows.set_index(["partner", "flow"])["value_usd_m"]
        .unstack("flow")
        .reindex(columns=[EXPORT, IMPORT])
    )
    total = wide[EXPORT] + wide[IMPORT]  # NaN when either flow is not reported
    if partner not in total.index or math.isnan(total[partner]):
        texts = [reports.pair(reporter, partner, year, f)[1] for f in (EXPORT, IMPORT)]
        return Found(math.nan, f"{reporter}'s total with {partner} unknown: " + "; ".join(texts))
    target = total[partner]
    known_part = wide.max(axis=1)  # the larger reported flow: a lower bound of the total
    partial = total.isna() & known_part.notna()
    above = (total > target) | (partial & (known_part > target))
    unranked = partial & ~above
    others = int(known_part.notna().sum()) - 1
    basis = (
        f"{reporter}-reported total trade with {partner} {_fmt(target)}; "
        f"{int(above.sum())} of {others} other partner countries with a reported flow trade more"
    )
    if unranked.any():
        basis += (
            f"; left out: {int(unranked.sum())} partner(s) with one flow not reported, the "
            f"largest reported flow {_fmt(float(known_part[unranked].max()))}"
        )
    return Found(float(1 + above.sum()), basis)


def compute_spec(
    spec: Mapping, year: int, reports: _Reports, reconciliation: str = "importer_first"
) -> Found:
    """Value and human-readable basis of one spec in ``year``."""
    kind = spec["kind"]
    if kind == "flow":
        return _flow(
            reports,
            spec["exporter"],
            spec["importer"],
            year,
            spec["as_reported_by"],
            reconciliation,
        )
    if kind == "bilateral_trade":
        return _bilateral(reports, spec["a"], spec["b"], year, spec["reporter"], reconciliation)
    if kind == "share":
        return _share(reports, spec["reporter"], spec["partner"], year, spec["of"])
    if kind in ("growth", "growth_ratio"):
        return _growth(spec, year, reports, reconciliation)
    return _rank(reports, spec["reporter"], spec["partner"], year)


def _growth(spec: Mapping, year: int, reports: _Reports, reconciliation: str) -> Found:
    base = spec["base_year"]
    now = compute_spec(spec["of"], year, reports, reconciliation)
    then = compute_spec(spec["of"], base, reports, reconciliation)
    ratio = now.value / then.value if then.value != 0 else math.nan
    if spec["kind"] == "growth_ratio":
        value = ratio
    elif spec["annualized"]:
        value = 100.0 * (ratio ** (1.0 / (year - base)) - 1.0)
    else:
        value = 100.0 * (ratio - 1.0)
    return Found(value, f"{now.basis}; against {base}: {then.basis}")


def _within(found: float, stated: float, tol: float, kind: str, relation: str):
    if math.isnan(found):
        return pd.NA
    bound = tol if kind == "absolute" else tol * abs(stated)
    if relation == "more_than":
        return found > stated - bound
    if relation == "at_most":
        limit = stated + bound
        return found <= limit or math.isclose(found, limit, rel_tol=_TOL_RTOL)
    diff = abs(found - stated)
    return diff <= bound or math.isclose(diff, bound, rel_tol=_TOL_RTOL)


def _result_row(check: Mapping, year: int, reports: _Reports, reconciliation: str) -> dict:
    found = compute_spec(check["spec"], year, reports, reconciliation)
    ((tol_kind, tol),) = check["tolerance"].items()
    stated = float(check["value"])
    basis = f"{year}: {found.basis}"
    if math.isnan(found.value):
        basis = f"{year}: cannot compute: {found.basis}"
    diff = found.value - stated
    relation = check.get("relation", "about")
    return {
        "check_id": check["id"],
        "statement": check["statement"],
        "unit": check["unit"],
        "year": year,
        "year_rule": check["year_rule"] if year == check["year"] else "window",
        "relation": relation,
        "stated_value": stated,
        "found_value": found.value,
        "difference": diff,
        "relative_difference": diff / abs(stated) if stated != 0 else math.nan,
        "tolerance": float(tol),
        "tolerance_kind": tol_kind,
        "within_tolerance": _within(found.value, stated, float(tol), tol_kind, relation),
        "basis": basis,
        "citation": check["citation"],
    }


def _years(check: Mapping) -> range:
    """The years a check is evaluated in: its ``year``, or every year of its ``window``."""
    first, last = check.get("window", (check["year"], check["year"]))
    return range(first, last + 1)


def years_read(check: Mapping) -> set[int]:
    """The years of trade rows a check reads: its own and a growth's ``base_year``."""
    base = check["spec"].get("base_year")
    return {*_years(check), *([] if base is None else [base])}


# the keys of a spec (and of a growth's ``of``) that name a state
STATE_KEYS = ("a", "b", "reporter", "partner", "exporter", "importer")


def reporters_read(check: Mapping) -> set[str]:
    """The reporters whose rows of ``trade`` a check can read: every look-up of every kind is
    of a reporter's own figures (a rank reads all of the reporter's partners), and the
    reporters are among the states its spec names."""
    specs = [check["spec"], check["spec"].get("of")]
    return {s[k] for s in specs if isinstance(s, Mapping) for k in STATE_KEYS if k in s}


def trade_rows_read(checks: Sequence[Mapping]) -> list[tuple]:
    """A row filter (pyarrow's, :func:`hubspoke.tables.read_parquet`) of the ``trade`` rows
    ``checks`` can read: their years and reporters. The world table has 5.3 million rows."""
    years = set().union(*map(years_read, checks))
    reporters = set().union(*map(reporters_read, checks))
    return [("year", "in", sorted(years)), ("reporter", "in", sorted(reporters))]


def evaluate_reference_checks(
    checks: Sequence[Mapping],
    trade: pd.DataFrame,
    trade_world: pd.DataFrame,
    *,
    reconciliation: str = "importer_first",
    source: str = "reference checks",
) -> pd.DataFrame:
    """One row per check and year (``RESULT_COLUMNS``), in the order of ``checks``: the
    check's ``year``, or every year of its ``window`` (the other years' ``year_rule``
    ``window``)."""
    if reconciliation not in networks.RECONCILIATIONS:
        raise SettingError("reconciliation", "unknown reconciliation rule", reconciliation)
    validate_checks(checks, source)
    reports = _Reports(trade, trade_world)
    rows = [
        _result_row(check, year, reports, reconciliation)
        for check in checks
        for year in _years(check)
    ]
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    strings = [
        "check_id",
        "statement",
        "unit",
        "year_rule",
        "relation",
        "tolerance_kind",
        "basis",
        "citation",
    ]
    return out.astype(
        {
            **dict.fromkeys(strings, "string"),
            "year": "int64",
            **dict.fromkeys(
                ["stated_value", "found_value", "difference", "relative_difference", "tolerance"],
                "float64",
            ),
            "within_tolerance": "boolean",
        }
    )
