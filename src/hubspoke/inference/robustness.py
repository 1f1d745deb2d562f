"""Robustness of the claims' verdicts across a grid of specifications (issue 15).

A *specification* is one run of the analysis: the main specification, and alternatives that
each vary one choice of it (or several, factorially), as the configuration's grid declares them
(:mod:`hubspoke.dag.specs`: e.g. the trade threshold, the reconciliation rule, the sample's
first year, the state set, the membership scope, the null model). The table ``specs`` (checked
by :func:`check_specs`; :func:`hubspoke.dag.specs.spec_table` makes it) names them: one row per
specification, ``spec`` its name (``"main"``, ``"reconciliation=max"``, ``"states=no_baltics"``;
factorial ones joined with ``"+"``, :func:`spec_labels` reads them), ``is_main`` (exactly one),
``choices`` the names of the choices it varies from the main specification, comma-separated
(``""`` for the main one), and one text column per choice of the grid with the label of the
specification's alternative (:data:`MAIN_LABEL` for the main value). A specification's
``choices`` are exactly the choices whose label is not the main one.

The claims are evaluated once per specification (:func:`hubspoke.inference.claims.evaluate_claims`,
one claims table each). :func:`robustness_table` lines the tables up: one row per claim x test
row x specification. A test row is matched across specifications by its key
(:data:`ROW_KEY`: the claims table's row key without ``threshold``, which a specification that
moves the binarisation threshold changes; the row's threshold is kept as a value); when a claim
has several rows with one key (a test that leaves ``threshold`` open selects every threshold),
they are matched in table order. A test row of the main specification that another
specification lacks gives that specification a row with missing values and verdict
``inconclusive`` (and the claim's verdict in that specification, missing when it lacks the whole
claim); a row that only other specifications have is kept, for those specifications.

:func:`apply_robustness` adds to the main claims table, per claim: ``n_specs``, the number of
specifications other than the main one that have the claim (a row of it with a claim verdict);
``agreement``, the share of them that *agree* with the main specification: every test row of the
claim has the same row verdict as in the main specification (a row missing there counts with its
``inconclusive``; a row the main specification lacks is a disagreement); ``min_agreement``, the
claim's pre-declared share (default :data:`DEFAULT_MIN_AGREEMENT`); and ``fragile_choices``, the
choices varied by the specifications that disagree.

How this composes with the verdict rules of :mod:`hubspoke.inference.claims`: those rules give
every row and claim its verdict within one specification, and the main specification's verdicts
stand unless robustness weakens them. Robustness can only weaken a ``supported`` claim to
``inconclusive``: a claim that the main specification finds ``supported`` stays supported when
``agreement >= min_agreement`` (or when the grid has no other specification of it); otherwise its
``claim_verdict`` becomes ``inconclusive`` and every one of its rows gets the reason
``"not robust: supported at k of n specifications; breaks with <fragile_choices>"`` (before the
row's own reason, if it has one) and the same sentence at the end of its ``evidence``; the rows'
own ``verdict`` stays as the main specification judged it. A claim that the main specification
finds ``not supported`` or ``inconclusive`` keeps its verdict whatever the grid says (its columns
still report the agreement): robustness never makes a claim ``supported`` or ``not supported``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from hubspoke.inference.claims import CLAIM_COLUMNS, INCONCLUSIVE, SUPPORTED

# The columns of ``specs`` before its choice columns (one per choice of the grid).
SPEC_COLUMNS = {"spec": "string", "is_main": "bool", "choices": "string"}
MAIN_LABEL = "main"  # the main specification's name, and the label of a choice's main value
# A claims table's row key, without the threshold (a value: it moves with the threshold choice).
ROW_KEY = ["claim_id", "kind", "layer", "metric", "variant", "test", "term", "break_year"]
ROW_VALUES = ["threshold", "effect", "ci_low", "ci_high", "p_value", "p_adjusted", "verdict"]
ROBUSTNESS_COLUMNS = {
    "claim_id": "string",
    "kind": "string",
    "layer": "string",
    "metric": "string",
    "variant": "string",
    "test": "string",
    "term": "string",
    "break_year": "Int64",
    "spec": "string",
    "threshold": "float64",
    "effect": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "p_value": "float64",
    "p_adjusted": "float64",
    "verdict": "string",
    "claim_verdict": "string",
    "choices": "string",
}
ROBUST_CLAIM_COLUMNS = {
    "n_specs": "int64",
    "agreement": "float64",
    "min_agreement": "float64",
    "fragile_choices": "string",
}
DEFAULT_MIN_AGREEMENT = 0.8
_SHARE_RTOL = 1e-12


# --- specifications ------------------------------------------------------------------------


def choice_names(choices: str) -> list[str]:
    """The choice names of a ``choices`` cell (``"threshold,states"`` -> both; ``""`` -> none)."""
    return [c.strip() for c in str(choices).split(",") if c.strip()]


def spec_labels(spec: str) -> dict[str, str]:
    """Choice -> label of the alternatives a specification's name gives
    (``"rec=max+states=no_baltics"``; the main specification: none)."""
    if spec == MAIN_LABEL:
        return {}
    return dict(part.split("=", 1) for part in spec.split("+"))


def check_specs(specs: pd.DataFrame) -> pd.DataFrame:
    """``specs`` with the columns and dtypes of :data:`SPEC_COLUMNS`; ``ValueError`` when a
    column is missing, ``spec`` is missing or repeated, not exactly one row ``is_main``, a choice
    value is missing, or a specification's ``choices`` are not the choices whose value differs
    from the main specification's (the main one's: ``""``)."""
    missing = [c for c in SPEC_COLUMNS if c not in specs.columns]
    if missing:
        raise ValueError(f"specs: missing columns {missing}")
    choices = [c for c in specs.columns if c not in SPEC_COLUMNS]
    out = specs[[*SPEC_COLUMNS, *choices]]
    if out["spec"].isna().any() or (out["spec"].astype(str).str.strip() == "").any():
        raise ValueError("specs: a specification without a name")
    names = out["spec"].astype(str)
    repeated = sorted(set(names[names.duplicated()]))
    if repeated:
        raise ValueError(f"specs: duplicate specification names {repeated}")
    is_main = out["is_main"]
    if is_main.isna().any() or not is_main.map(lambda v: isinstance(v, bool | np.bool_)).all():
        raise ValueError("specs: is_main must be True or False in every row")
    mains = names[is_main.astype(bool)].tolist()
    if len(mains) != 1:
        raise ValueError(f"specs: exactly one main specification needed, found {mains}")
    for column in ["choices", *choices]:
        if out[column].isna().any():
            raise ValueError(f"specs: missing value in column {column!r}")
    out = out.astype({**SPEC_COLUMNS, **dict.fromkeys(choices, "string")})
    out = out.reset_index(drop=True)
    for row in out.to_dict("records"):
        named = choice_names(row["choices"])
        unknown = sorted(set(named) - set(choices))
        if unknown:
            raise ValueError(f"specs: {row['spec']!r} varies unknown choices {unknown}")
        differs = [c for c in choices if row[c] != MAIN_LABEL]
        if sorted(named) != sorted(differs):
            raise ValueError(
                f"specs: {row['spec']!r} names the choices {named} but differs from the main "
                f"specification in {differs}"
            )
    return out


def _main_spec(specs: pd.DataFrame) -> str:
    return str(specs.loc[specs["is_main"], "spec"].iloc[0])


# --- the robustness table ------------------------------------------------------------------


def _value(value):
    """A cell as a plain Python value, None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _keyed_rows(table: pd.DataFrame, name: str) -> dict[tuple, dict]:
    """(row key, occurrence) -> the row's values, in table order."""
    needed = [*ROW_KEY, *ROW_VALUES, "claim_verdict"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"claims table of specification {name!r}: missing columns {missing}")
    seen: Counter = Counter()
    out = {}
    for record in table[needed].to_dict("records"):
        row = {c: _value(v) for c, v in record.items()}
        key = tuple(row[c] for c in ROW_KEY)
        out[(*key, seen[key])] = row
        seen[key] += 1
    return out


def robustness_table(
    claims_by_spec: Mapping[str, pd.DataFrame], specs: pd.DataFrame
) -> pd.DataFrame:
    """One row per claim x test row x specification (:data:`ROBUSTNESS_COLUMNS`): the row key,
    the specification, the row's values and verdicts in that specification's claims table, and
    the specification's choices. ``claims_by_spec`` maps every ``spec`` of ``specs`` to its
    claims table. Claims and test rows in the order of the main table (those of other
    specifications only after them, in the order they first appear), specifications in the
    order of ``specs``; see the module docstring for rows a specification lacks."""
    specs = check_specs(specs)
    names = specs["spec"].astype(str).tolist()
    if set(claims_by_spec) != set(names):
        raise ValueError(
            f"claims tables for specifications {sorted(claims_by_spec)}, but specs names "
            f"{sorted(names)}"
        )
    main = _main_spec(specs)
    rows = {name: _keyed_rows(claims_by_spec[name], name) for name in names}
    verdicts = {
        name: {key[0]: row["claim_verdict"] for key, row in rows[name].items()} for name in names
    }
    # claim -> its row keys, main first
    keys: dict[str, dict[tuple, None]] = {}
    for name in [main, *(n for n in names if n != main)]:
        for key in rows[name]:
            keys.setdefault(key[0], {})[key] = None
    choice_cells = {
        spec: {"choices": choices}
        for spec, choices in zip(specs["spec"], specs["choices"], strict=True)
    }
    out = []
    for claim, claim_keys in keys.items():
        for key in claim_keys:
            in_main = key in rows[main]
            for name in names:
                row = rows[name].get(key)
                if row is None and not in_main:
                    continue  # a row only other specifications have: theirs only
                if row is None:
                    row = {
                        **dict(zip(ROW_KEY, key[:-1], strict=True)),
                        "verdict": INCONCLUSIVE,
                        "claim_verdict": verdicts[name].get(claim),
                    }
                out.append({**row, "spec": name, **choice_cells[name]})
    return pd.DataFrame(out, columns=list(ROBUSTNESS_COLUMNS)).astype(ROBUSTNESS_COLUMNS)


# --- the claims' verdicts ------------------------------------------------------------------


def _spec_verdicts(robustness: pd.DataFrame) -> dict[tuple[str, str], dict[tuple, str]]:
    """(claim, spec) -> {(row key, occurrence): row verdict} of the rows the specification has
    a claim verdict for (its own rows, and the rows it lacks of a claim it has)."""
    out: dict[tuple[str, str], dict[tuple, str]] = {}
    seen: Counter = Counter()
    columns = [*ROW_KEY, "spec", "verdict", "claim_verdict"]
    for record in robustness[columns].to_dict("records"):
        row = {c: _value(v) for c, v in record.items()}
        key = tuple(row[c] for c in ROW_KEY)
        occurrence = seen[(key, row["spec"])]
        seen[(key, row["spec"])] += 1
        if row["claim_verdict"] is not None:
            out.setdefault((row["claim_id"], row["spec"]), {})[(*key, occurrence)] = row["verdict"]
    return out


def _rows(table: pd.DataFrame) -> list[tuple]:
    """The row keys and verdicts of a table, in order."""
    return [
        tuple(_value(v) for v in row)
        for row in table[[*ROW_KEY, "verdict"]].itertuples(index=False, name=None)
    ]


def _check_min_agreement(min_agreement: Mapping[str, float], claim_ids) -> None:
    unknown = sorted(set(min_agreement) - set(claim_ids))
    if unknown:
        raise ValueError(f"min_agreement: no claims {unknown} in the claims table")
    for claim, share in min_agreement.items():
        if not 0 <= float(share) <= 1:
            raise ValueError(f"min_agreement of claim {claim!r}: {share!r} is not in [0, 1]")


def not_robust_text(k: int, n: int, fragile: str) -> str:
    """The reason of a supported claim that the grid does not uphold."""
    return f"not robust: supported at {k} of {n} specifications; breaks with {fragile}"


def apply_robustness(
    main_claims: pd.DataFrame,
    robustness: pd.DataFrame,
    specs: pd.DataFrame,
    min_agreement: Mapping[str, float],
) -> pd.DataFrame:
    """The main claims table with the columns of :data:`ROBUST_CLAIM_COLUMNS` and a supported
    claim that the specifications do not uphold made inconclusive (rules in the module
    docstring). ``robustness`` is :func:`robustness_table` of the grid whose main
    specification's table is ``main_claims``; ``min_agreement`` maps claim ids to their
    pre-declared share (claims absent: :data:`DEFAULT_MIN_AGREEMENT`)."""
    specs = check_specs(specs)
    if list(main_claims.columns) != CLAIM_COLUMNS:
        raise ValueError(
            "main_claims: not a claims table (hubspoke.inference.claims.CLAIM_COLUMNS)"
        )
    missing = [c for c in ROBUSTNESS_COLUMNS if c not in robustness.columns]
    if missing:
        raise ValueError(f"robustness: missing columns {missing}")
    main = _main_spec(specs)
    claim_ids = list(dict.fromkeys(main_claims["claim_id"].astype(str)))
    _check_min_agreement(min_agreement, claim_ids)
    by_spec = _spec_verdicts(robustness)
    if _rows(robustness[robustness["spec"] == main]) != _rows(main_claims):
        raise ValueError("robustness: its main specification's rows are not those of main_claims")
    choices = dict(zip(specs["spec"].astype(str), specs["choices"].astype(str), strict=True))
    others = [name for name in specs["spec"].astype(str) if name != main]
    per_claim = {}
    for claim in claim_ids:
        reference = by_spec.get((claim, main), {})
        present = [name for name in others if (claim, name) in by_spec]
        disagree = [name for name in present if by_spec[(claim, name)] != reference]
        fragile = sorted({c for name in disagree for c in choice_names(choices[name])})
        n, k = len(present), len(present) - len(disagree)
        share = float(min_agreement.get(claim, DEFAULT_MIN_AGREEMENT))
        per_claim[claim] = {
            "n_specs": n,
            "agreement": k / n if n else math.nan,
            "min_agreement": share,
            "fragile_choices": ", ".join(fragile) if fragile else None,
            "weak": n > 0 and k < share * n * (1 - _SHARE_RTOL),
            "text": not_robust_text(k, n, ", ".join(fragile)),
        }
    ids = main_claims["claim_id"].astype(str).tolist()
    out = main_claims.assign(
        **{c: [per_claim[i][c] for i in ids] for c in ROBUST_CLAIM_COLUMNS}
    ).astype(ROBUST_CLAIM_COLUMNS)
    weak = (out["claim_verdict"] == SUPPORTED).fillna(False).to_numpy(dtype=bool) & np.array(
        [per_claim[i]["weak"] for i in ids], dtype=bool
    )
    if weak.any():
        texts = [per_claim[i]["text"] for i, w in zip(ids, weak, strict=True) if w]
        reason, evidence = out.loc[weak, "reason"], out.loc[weak, "evidence"]
        out.loc[weak, "claim_verdict"] = INCONCLUSIVE
        out.loc[weak, "reason"] = [
            t if pd.isna(r) else f"{t}; {r}" for t, r in zip(texts, reason, strict=True)
        ]
        out.loc[weak, "evidence"] = [
            t if pd.isna(e) else f"{e}; {t}" for t, e in zip(texts, evidence, strict=True)
        ]
    return out
