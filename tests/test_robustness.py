"""Robustness of the claims across a specification grid: the specs table, the robustness table
and how the grid weakens a supported claim (hubspoke.inference.robustness)."""

import numpy as np
import pandas as pd
import pytest
from test_claims import evaluate_with

from hubspoke import outputs
from hubspoke.inference import robustness
from hubspoke.inference.claims import CLAIM_COLUMNS

nan = np.nan
# the grid's choices, each at its main value (the specs table's label "main")
CHOICES = [
    "threshold",
    "reconciliation",
    "start_year",
    "states",
    "membership_scopes",
    "null_binary",
]
MAIN = dict.fromkeys(CHOICES, robustness.MAIN_LABEL)
# five alternatives, each varying one choice
GRID = [
    {"threshold": "0.01"},
    {"threshold": "0.1"},
    {"reconciliation": "max"},
    {"states": "no_baltics"},
    {"null_binary": "density"},
]


def specs_table(*alternatives: dict) -> pd.DataFrame:
    rows = [{"spec": "main", "is_main": True, "choices": "", **MAIN}]
    for alt in alternatives:
        name = "+".join(f"{k}={v}" for k, v in alt.items())
        rows.append({"spec": name, "is_main": False, "choices": ",".join(alt), **MAIN, **alt})
    return pd.DataFrame(rows)


def claims_table(rows: list[dict]) -> pd.DataFrame:
    """A claims table in the layout of ``evaluate_claims`` from partial rows."""
    base = {
        "statement": "the hub is central",
        "kind": "period_test",
        "layer": "trade",
        "metric": "hub_share",
        "variant": "weighted",
        "threshold": nan,
        "test": "segmented",
        "break_year": 2010,
        "effect": 0.2,
        "ci_low": 0.1,
        "ci_high": 0.3,
        "p_value": 0.01,
        "p_adjusted": 0.01,
        "alpha": 0.05,
        "reason": None,
        "evidence": "the row's evidence",
    }
    dtypes = outputs.declared()["claims"]["columns"]
    df = pd.DataFrame([{**base, **r} for r in rows]).reindex(columns=CLAIM_COLUMNS)
    return df.astype({c: dtypes[c] for c in CLAIM_COLUMNS})


@pytest.fixture
def main_claims():
    """Claim S (supported, two rows), claim N (not supported) and claim I (inconclusive)."""
    s, n, i = "supported", "not supported", "inconclusive"
    return claims_table(
        [
            {"claim_id": "S", "term": "level_2010", "verdict": s, "claim_verdict": s},
            {"claim_id": "S", "term": "level_2015", "verdict": s, "claim_verdict": s},
            {"claim_id": "N", "term": "level_2010", "verdict": n, "claim_verdict": n,
             "effect": -0.2},
            {"claim_id": "I", "kind": "condition", "test": "condition", "term": "rank == 1",
             "break_year": None, "ci_low": nan, "ci_high": nan, "p_value": nan,
             "p_adjusted": nan, "effect": 0.75, "verdict": i, "claim_verdict": i,
             "reason": "the 1 missing years decide it"},
        ]
    )  # fmt: skip


def with_verdicts(table: pd.DataFrame, changes: dict) -> pd.DataFrame:
    """``table`` with row verdicts changed (row index -> verdict), claim verdicts recomputed as
    ``combine: all``, and the estimates shifted so that every specification differs."""
    out = table.copy()
    for row, verdict in changes.items():
        out.loc[row, "verdict"] = verdict
    for rows in out.groupby("claim_id").groups.values():
        v = set(out.loc[rows, "verdict"])
        combined = (
            "supported"
            if v == {"supported"}
            else "not supported"
            if "not supported" in v
            else "inconclusive"
        )
        out.loc[rows, "claim_verdict"] = combined
    return out.assign(effect=out["effect"] + 0.01 * len(changes))


def grid_tables(main: pd.DataFrame, specs: pd.DataFrame, changes: dict) -> dict:
    """spec -> claims table: the main table with ``changes[spec]`` applied."""
    return {
        name: main if name == "main" else with_verdicts(main, changes.get(name, {}))
        for name in specs["spec"]
    }


def run(main, specs, tables, min_agreement=None):
    table = robustness.robustness_table(tables, specs)
    return table, robustness.apply_robustness(main, table, specs, min_agreement or {})


def by_claim(out: pd.DataFrame) -> pd.DataFrame:
    return out.drop_duplicates("claim_id").set_index("claim_id")


# --- the verdict rule ----------------------------------------------------------------------


def test_a_supported_claim_that_two_of_five_specifications_break_is_inconclusive(main_claims):
    specs = specs_table(*GRID)
    tables = grid_tables(
        main_claims,
        specs,
        {"threshold=0.01": {1: "inconclusive"}, "states=no_baltics": {0: "not supported"}},
    )
    _, out = run(main_claims, specs, tables)
    s = by_claim(out).loc["S"]
    assert (s["n_specs"], s["agreement"], s["min_agreement"]) == (5, 0.6, 0.8)
    assert s["fragile_choices"] == "states, threshold"
    sentence = "not robust: supported at 3 of 5 specifications; breaks with states, threshold"
    rows = out[out["claim_id"] == "S"]
    assert (rows["claim_verdict"] == "inconclusive").all()
    assert rows["reason"].tolist() == [sentence, sentence]
    assert rows["evidence"].tolist() == [f"the row's evidence; {sentence}"] * 2
    # the rows' own verdicts are the main specification's
    assert rows["verdict"].tolist() == ["supported", "supported"]
    # the other claims keep their verdicts
    assert out.loc[out["claim_id"] != "S", "claim_verdict"].tolist() == [
        "not supported",
        "inconclusive",
    ]
    # with a pre-declared share of 0.5 the same grid upholds the claim
    _, lenient = run(main_claims, specs, tables, {"S": 0.5})
    assert (lenient.loc[lenient["claim_id"] == "S", "claim_verdict"] == "supported").all()
    assert by_claim(lenient).loc["S", "min_agreement"] == 0.5
    assert lenient["reason"].iloc[:2].isna().all()


def test_a_supported_claim_that_four_of_five_uphold_stays_supported(main_claims):
    specs = specs_table(*GRID)
    tables = grid_tables(main_claims, specs, {"states=no_baltics": {0: "not supported"}})
    _, out = run(main_claims, specs, tables)
    s = by_claim(out).loc["S"]
    assert (s["n_specs"], s["agreement"], s["fragile_choices"]) == (5, 0.8, "states")
    assert (out.loc[out["claim_id"] == "S", "claim_verdict"] == "supported").all()
    pd.testing.assert_frame_equal(out[CLAIM_COLUMNS], main_claims)


def test_the_reason_of_an_inconclusive_row_is_kept_after_the_robustness_reason(main_claims):
    main = main_claims.copy()
    main.loc[1, "reason"] = "own reason"  # a supported claim's row does not have one; any text
    specs = specs_table(*GRID[:2])
    _, out = run(main, specs, grid_tables(main, specs, {"threshold=0.1": {0: "inconclusive"}}))
    assert out.loc[1, "reason"] == (
        "not robust: supported at 1 of 2 specifications; breaks with threshold; own reason"
    )


@pytest.mark.parametrize("claim", ["N", "I"])
def test_a_claim_not_supported_at_the_main_specification_keeps_its_verdict(main_claims, claim):
    specs = specs_table(*GRID)
    row = main_claims.index[main_claims["claim_id"] == claim][0]
    # every other specification finds it supported
    tables = grid_tables(main_claims, specs, {s: {row: "supported"} for s in specs["spec"]})
    _, out = run(main_claims, specs, tables)
    c = by_claim(out).loc[claim]
    assert c["claim_verdict"] == main_claims.loc[row, "claim_verdict"]
    assert (c["n_specs"], c["agreement"]) == (5, 0.0)
    assert c["fragile_choices"] == "null_binary, reconciliation, states, threshold"
    pd.testing.assert_frame_equal(out[CLAIM_COLUMNS], main_claims)


def test_a_grid_of_the_main_specification_only_leaves_the_verdicts(main_claims):
    specs = specs_table()
    table, out = run(main_claims, specs, {"main": main_claims})
    assert list(out.columns) == [*CLAIM_COLUMNS, *robustness.ROBUST_CLAIM_COLUMNS]
    assert (out["n_specs"] == 0).all() and out["agreement"].isna().all()
    assert (out["min_agreement"] == 0.8).all() and out["fragile_choices"].isna().all()
    pd.testing.assert_frame_equal(out[CLAIM_COLUMNS], main_claims)
    assert (table["spec"] == "main").all() and len(table) == len(main_claims)


# --- rows a specification lacks or adds ----------------------------------------------------


def test_a_test_row_missing_from_a_specification_is_an_inconclusive_row(main_claims):
    specs = specs_table(*GRID)
    tables = grid_tables(main_claims, specs, {})
    tables["reconciliation=max"] = tables["reconciliation=max"].drop(index=1)
    table, out = run(main_claims, specs, tables)
    row = table[(table["spec"] == "reconciliation=max") & (table["term"] == "level_2015")]
    assert len(row) == 1
    assert row["verdict"].item() == "inconclusive"
    assert row[["threshold", "effect", "ci_low", "ci_high", "p_value"]].isna().all(axis=None)
    assert row["claim_verdict"].item() == "supported"  # that specification's claim verdict
    s = by_claim(out).loc["S"]
    assert (s["n_specs"], s["agreement"], s["fragile_choices"]) == (5, 0.8, "reconciliation")
    assert (out.loc[out["claim_id"] == "S", "claim_verdict"] == "supported").all()
    assert len(table) == len(main_claims) * len(specs)


def test_a_specification_without_a_claim_does_not_count_for_it(main_claims):
    specs = specs_table(*GRID[:2])
    tables = grid_tables(main_claims, specs, {})
    tables["threshold=0.1"] = tables["threshold=0.1"][lambda t: t["claim_id"] != "S"]
    table, out = run(main_claims, specs, tables)
    lacking = table[(table["spec"] == "threshold=0.1") & (table["claim_id"] == "S")]
    assert len(lacking) == 2 and lacking["claim_verdict"].isna().all()
    assert (lacking["verdict"] == "inconclusive").all()
    assert (by_claim(out).loc["S", "n_specs"], by_claim(out).loc["S", "agreement"]) == (1, 1.0)


def test_a_row_only_another_specification_has_is_kept_and_disagrees(main_claims):
    specs = specs_table(*GRID[:2])
    tables = grid_tables(main_claims, specs, {})
    extra = main_claims.iloc[[0]].assign(term="level_2020")
    tables["threshold=0.01"] = pd.concat([tables["threshold=0.01"], extra], ignore_index=True)
    table, out = run(main_claims, specs, tables)
    kept = table[table["term"] == "level_2020"]
    assert kept["spec"].tolist() == ["threshold=0.01"]
    # after the main table's rows of the claim, before the next claim
    assert table["term"].tolist()[:7] == ["level_2010"] * 3 + ["level_2015"] * 3 + ["level_2020"]
    assert by_claim(out).loc["S", "agreement"] == 0.5


def test_rows_are_matched_without_the_threshold(main_claims):
    specs = specs_table(*GRID[:1])
    moved = main_claims.assign(threshold=0.01)
    _, out = run(main_claims, specs, {"main": main_claims, "threshold=0.01": moved})
    assert by_claim(out)["agreement"].tolist() == [1.0, 1.0, 1.0]


def test_rows_with_one_key_are_matched_in_order(main_claims):
    """A test that leaves the threshold open gives rows with one key, one per threshold."""
    two = pd.concat([main_claims.iloc[[0]]] * 2, ignore_index=True)
    two["threshold"] = [0.05, 0.1]
    spec = with_verdicts(two, {1: "inconclusive"}).assign(threshold=[0.01, 0.02])
    specs = specs_table(*GRID[:1])
    table, out = run(two, specs, {"main": two, "threshold=0.01": spec})
    assert table["threshold"].tolist() == [0.05, 0.01, 0.1, 0.02]
    assert table["verdict"].tolist() == ["supported", "supported", "supported", "inconclusive"]
    assert out["claim_verdict"].tolist() == ["inconclusive", "inconclusive"]


# --- order and types -----------------------------------------------------------------------


def test_order_and_dtypes_are_the_declared_ones(main_claims):
    alternatives = [GRID[3], GRID[0], {"threshold": "0.01", "states": "no_baltics"}]
    specs = specs_table(*alternatives)
    specs = specs.iloc[[1, 0, 2, 3]]  # the main specification need not come first
    tables = grid_tables(main_claims, specs, {"states=no_baltics": {1: "inconclusive"}})
    table, out = run(main_claims, specs, tables)
    names = ["states=no_baltics", "main", "threshold=0.01", "threshold=0.01+states=no_baltics"]
    assert table["spec"].tolist() == names * len(main_claims)
    assert table["claim_id"].tolist() == ["S"] * 8 + ["N"] * 4 + ["I"] * 4
    assert table["term"].tolist()[:8] == ["level_2010"] * 4 + ["level_2015"] * 4
    assert list(table.columns) == list(robustness.ROBUSTNESS_COLUMNS)
    pd.testing.assert_frame_equal(table, outputs.conform(table, "robustness"))
    pd.testing.assert_frame_equal(out, outputs.conform(out, "claims"))
    assert table["choices"].tolist()[:4] == ["states", "", "threshold", "threshold,states"]
    labels = [robustness.spec_labels(spec) for spec in table["spec"][:4]]
    assert labels == [{"states": "no_baltics"}, {}, {"threshold": "0.01"},
                      {"threshold": "0.01", "states": "no_baltics"}]  # fmt: skip
    assert table["break_year"].isna().tolist() == [False] * 12 + [True] * 4
    assert by_claim(out).loc["S", "fragile_choices"] == "states"
    assert robustness.ROBUSTNESS_COLUMNS == outputs.declared()["robustness"]["columns"]
    assert {**dict.fromkeys(CLAIM_COLUMNS), **robustness.ROBUST_CLAIM_COLUMNS}.keys() == (
        outputs.declared()["claims"]["columns"].keys()
    )
    for column, dtype in robustness.ROBUST_CLAIM_COLUMNS.items():
        assert outputs.declared()["claims"]["columns"][column] == dtype
    # the same input, the same output
    again, out_again = run(main_claims, specs, tables)
    pd.testing.assert_frame_equal(table, again)
    pd.testing.assert_frame_equal(out, out_again)


def test_claims_tables_of_evaluate_claims():
    claim = {
        "id": "C",
        "statement": "{hub} rises",
        "tests": [
            {"kind": "period_test", "metric": "spoke_density", "variant": "binary",
             "test": "segmented", "term": "level_{break}", "direction": "positive"},
        ],
    }  # fmt: skip
    rows = [
        ("L1", "spoke_density", "binary", 1.0, "segmented", "level_2004", 0.2, 0.1, 0.3, 0.01),
        ("L1", "spoke_density", "binary", 1.0, "segmented", "level_2006", 0.1, 0.05, 0.2, 0.01),
    ]
    cols = [
        "layer", "metric", "variant", "threshold", "test", "term", "estimate", "ci_low",
        "ci_high", "p_value",
    ]  # fmt: skip
    tests = pd.DataFrame(rows, columns=cols).assign(se=0.05, min_p=0.0, n_obs=8, note="")
    main = evaluate_with(tests, [claim])
    weaker = evaluate_with(tests.assign(p_value=[0.01, 0.2], threshold=2.0), [claim])
    assert main["claim_verdict"].tolist() == ["supported"] * 2
    specs = specs_table({"threshold": "2"})
    table, out = run(main, specs, {"main": main, "threshold=2": weaker})
    assert table["verdict"].tolist() == ["supported", "supported", "supported", "inconclusive"]
    assert table["threshold"].tolist() == [1.0, 2.0, 1.0, 2.0]
    assert out["claim_verdict"].tolist() == ["inconclusive"] * 2
    assert out["reason"].str.startswith("not robust: supported at 0 of 1 specifications").all()
    pd.testing.assert_frame_equal(out, outputs.conform(out, "claims"))


# --- bad input -----------------------------------------------------------------------------


def test_check_specs_returns_the_typed_table():
    specs = specs_table(*GRID).astype({"spec": object})
    checked = robustness.check_specs(specs)
    assert list(checked.columns) == [*robustness.SPEC_COLUMNS, *CHOICES]
    assert (checked.dtypes == [*robustness.SPEC_COLUMNS.values(), *["string"] * 6]).all()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda s: s.assign(is_main=[True, True, False]), "exactly one main"),
        (lambda s: s.assign(is_main=False), "exactly one main"),
        (lambda s: s.assign(is_main=[True, None, False]), "is_main must be True or False"),
        (lambda s: s.assign(spec=["main", "a", "a"]), r"duplicate specification names \['a'\]"),
        (lambda s: s.drop(columns="choices"), r"missing columns \['choices'\]"),
        (lambda s: s.assign(choices=["", "states", "threshold"]), "differs from the main"),
        (lambda s: s.assign(choices=["", "threshold", "colour"]), "unknown choices"),
        (lambda s: s.assign(choices=["threshold", "threshold", "states"]), "differs from"),
        (lambda s: s.assign(states=["main", None, "no_baltics"]), "missing value"),
    ],
)
def test_check_specs_refuses_a_bad_table(change, match):
    specs = specs_table({"threshold": "0.01"}, {"states": "no_baltics"})
    with pytest.raises(ValueError, match=match):
        robustness.check_specs(change(specs))


def test_bad_arguments_are_refused(main_claims):
    specs = specs_table(*GRID[:1])
    tables = grid_tables(main_claims, specs, {})
    with pytest.raises(ValueError, match="claims tables for specifications"):
        robustness.robustness_table({"main": main_claims}, specs)
    with pytest.raises(ValueError, match="missing columns"):
        robustness.robustness_table({**tables, "main": main_claims.drop(columns="verdict")}, specs)
    table = robustness.robustness_table(tables, specs)
    with pytest.raises(ValueError, match="no claims"):
        robustness.apply_robustness(main_claims, table, specs, {"H9": 0.5})
    with pytest.raises(ValueError, match="not in"):
        robustness.apply_robustness(main_claims, table, specs, {"S": 1.5})
    with pytest.raises(ValueError, match="not those of main_claims"):
        robustness.apply_robustness(main_claims.iloc[1:], table, specs, {})


def test_choice_names():
    assert robustness.choice_names("") == []
    assert robustness.choice_names("threshold, states") == ["threshold", "states"]
