"""Claims: every verdict of every test kind on tiny synthetic result tables.

Years 2000-2007 with breaks 2004 and 2006 give the periods 2000-2003, 2004-2005, 2006-2007.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from hubspoke.errors import InputError
from hubspoke.inference import claims

FIXTURES = Path(__file__).parent / "fixtures" / "claims"
REPO = Path(__file__).resolve().parents[1]
BREAKS = [2004, 2006]
YEARS = range(2000, 2008)
nan = np.nan


def hub_table(series: dict) -> pd.DataFrame:
    """``{(layer, metric, variant, threshold): {year: value}}`` -> hub.parquet layout."""
    rows = [
        (year, layer, variant, threshold, metric, value)
        for (layer, metric, variant, threshold), values in series.items()
        for year, value in values.items()
    ]
    df = pd.DataFrame(rows, columns=["year", "layer", "variant", "threshold", "metric", "value"])
    return df.astype({"threshold": float})


@pytest.fixture
def hub_metrics():
    ones = dict.fromkeys(YEARS, 1.0)
    return hub_table(
        {
            ("L1", "rank_strength", "weighted", nan): ones,
            ("L2", "rank_strength", "weighted", nan): {**ones, 2001: 2.0},
            ("L3", "rank_strength", "weighted", nan): {**ones, 2002: nan},
            # L4 has no row at all for 2003 (absent = missing)
            ("L4", "rank_strength", "weighted", nan): {y: 1.0 for y in YEARS if y != 2003},
            # a binary series that must not be picked up by variant: weighted
            ("L1", "rank_strength", "binary", 0.5): dict.fromkeys(YEARS, 9.0),
        }
    )


@pytest.fixture
def nulls():
    # first period 2000-2003, layer trade, variant binary:
    #   2000 p .01, observed above the null mean  -> counts for "greater"
    #   2001 p .01, observed below                -> counts for "less"
    #   2002 p .04, observed below                -> counts for "less" (alpha .05 only)
    #   2003 p missing                            -> missing
    rows = [
        (2000, 0.9, 0.5, 0.01),
        (2001, 0.1, 0.5, 0.01),
        (2002, 0.2, 0.5, 0.04),
        (2003, 0.9, 0.5, nan),
        (2004, 0.9, 0.5, 0.01),
    ]
    df = pd.DataFrame(rows, columns=["year", "observed", "null_mean", "p_value"])
    return df.assign(layer="trade", variant="binary", metric="star_likeness", null_sd=0.1)


SERIES = ("L1", "spoke_density", "binary", 1.0)


@pytest.fixture
def period_tests():
    rows = [
        (*SERIES, "segmented", "level_2004", 0.2, 0.1, 0.3, 0.01),
        (*SERIES, "segmented", "level_2006", -0.1, -0.2, -0.05, 0.02),
        (*SERIES, "permutation", "2004-2005 vs 2000-2003", 0.3, -0.1, 0.7, 0.2),
        (*SERIES, "permutation", "2006-2007 vs 2004-2005", nan, nan, nan, nan),
        ("trade", "bilateral_trade", "weighted", nan, "did", "bloc_x_2004", 0.5, 0.1, 0.9, 0.03),
        ("trade", "bilateral_trade", "weighted", nan, "did", "bloc_x_2006", 0.4, 0.1, 0.7, 0.04),
    ]
    cols = [
        "layer", "metric", "variant", "threshold", "test", "term", "estimate", "ci_low",
        "ci_high", "p_value",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols).assign(se=0.1, min_p=0.0, n_obs=8, note="")
    frame.loc[frame["test"] == "permutation", "min_p"] = 1 / 2001
    frame.loc[frame["p_value"].isna(), "note"] = "a period has fewer than 2 non-missing years"
    return frame


@pytest.fixture
def periods():
    return periods_table()


def periods_table() -> pd.DataFrame:
    rows = [
        (*SERIES, "2000-2003", 2000, 2003, 0.10),
        (*SERIES, "2004-2005", 2004, 2005, 0.30),
        (*SERIES, "2006-2007", 2006, 2007, 0.25),
    ]
    cols = ["layer", "metric", "variant", "threshold", "period", "start_year", "end_year", "mean"]
    return pd.DataFrame(rows, columns=cols).assign(sd=0.0, n_years=2)


@pytest.fixture
def evaluate(hub_metrics, nulls, period_tests, periods):
    def run(claim_list, alpha=0.05, breaks=BREAKS):
        return claims.evaluate_claims(
            claim_list,
            hub="HUB",
            breaks=breaks,
            alpha=alpha,
            periods=periods,
            period_tests=period_tests,
            nulls=nulls,
            hub_metrics=hub_metrics,
        )

    return run


def evaluate_with(period_tests, claim_list, alpha=0.05) -> pd.DataFrame:
    """Claims on ``period_tests`` alone (no hub metrics, no null models)."""
    return claims.evaluate_claims(
        claim_list,
        hub="HUB",
        breaks=BREAKS,
        alpha=alpha,
        periods=periods_table(),
        period_tests=period_tests,
        nulls=pd.DataFrame(columns=["year", "layer", "variant", "metric"]),
        hub_metrics=pd.DataFrame(columns=["year", "layer", "variant", "metric", "value"]),
    )


def claim(*tests, **extra):
    return {"id": "C", "statement": "{hub} is central", "tests": list(tests), **extra}


RANK1 = {
    "kind": "condition",
    "metric": "rank_strength",
    "variant": "weighted",
    "op": "==",
    "value": 1,
}


# --- condition -----------------------------------------------------------------------------


def test_condition_verdicts_per_layer(evaluate):
    out = evaluate([claim({**RANK1, "layers": ["L1", "L2", "L3", "L4", "L9"]})])
    by = out.set_index("layer")
    # 2000-2003: L1 1,1,1,1 -> 4 of 4; L2 one year rank 2 -> 3 of 4, even 4 missing years
    # could not help; L3 and L4 one year missing -> 3 of 4 with 1 missing: the missing year
    # decides, so inconclusive; L9 has no data.
    assert by["verdict"].to_dict() == {
        "L1": "supported",
        "L2": "not supported",
        "L3": "inconclusive",
        "L4": "inconclusive",
        "L9": "inconclusive",
    }
    assert by.loc["L1", "effect"] == 1.0 and by.loc["L2", "effect"] == 0.75
    assert by.loc["L3", "effect"] == 1.0  # 3 of the 3 observed years
    assert by["n_obs"].tolist() == [4, 4, 3, 3, 0]
    assert (by["period"].iloc[:4] == "2000-2003").all()
    assert by.loc["L2", "period_mean"] == pytest.approx(5 / 4)  # (1 + 2 + 1 + 1) / 4
    assert math.isnan(by.loc["L9", "effect"])
    # any "not supported" row makes an all-claim not supported
    assert (out["claim_verdict"] == "not supported").all()
    assert out["statement"].iloc[0] == "HUB is central"


def test_condition_min_share(evaluate):
    # L2 3 of 4 years: enough for 0.75, not for 0.8 (3.2 years)
    ok = evaluate([claim({**RANK1, "layers": ["L2"], "min_share": 0.75})])
    short = evaluate([claim({**RANK1, "layers": ["L2"], "min_share": 0.8})])
    assert ok["verdict"].item() == "supported"
    assert short["verdict"].item() == "not supported"


def test_condition_layers_all_and_variant_filter(evaluate):
    out = evaluate([claim({**RANK1, "layers": "all"})])
    assert out["layer"].tolist() == ["L1", "L2", "L3", "L4"]
    assert out["variant"].unique().tolist() == ["weighted"]


def test_condition_threshold_selects_binary(evaluate):
    test = {**RANK1, "variant": "binary", "threshold": 0.5, "op": ">", "value": 8}
    out = evaluate([claim(test)])
    assert out["layer"].tolist() == ["L1"] and out["threshold"].tolist() == [0.5]
    assert out["verdict"].item() == "supported"


@pytest.mark.parametrize(
    ("period", "label", "n"),
    [
        ("first", "2000-2003", 4),
        ("last", "2006-2007", 2),
        ("all", "2000-2007", 8),
        ({"from": 2004, "to": 2005}, "2004-2005", 2),
        ({"from": 2005}, "2005-2007", 3),
    ],
)
def test_condition_periods(evaluate, period, label, n):
    out = evaluate([claim({**RANK1, "layers": ["L1"], "period": period})])
    assert out["period"].item() == label
    assert out["n_obs"].item() == n


def test_condition_empty_period_is_inconclusive(evaluate):
    out = evaluate([claim({**RANK1, "layers": ["L1"], "period": {"from": 2050}})])
    assert out["verdict"].item() == "inconclusive"


# --- null model ----------------------------------------------------------------------------

NULL = {"kind": "null_model", "metric": "star_likeness", "layers": ["trade"]}


@pytest.mark.parametrize(
    ("direction", "alpha", "min_share", "verdict", "effect"),
    [
        # greater: only 2000 counts (k = 1), 2003 missing (m = 1), n = 4
        ("greater", 0.05, 0.25, "supported", 1 / 3),  # need 1
        ("greater", 0.05, 0.5, "inconclusive", 1 / 3),  # need 2: 1 < 2 <= 1 + 1
        ("greater", 0.05, 0.75, "not supported", 1 / 3),  # need 3 > 1 + 1
        # less: 2001 and 2002 count (k = 2)
        ("less", 0.05, 0.5, "supported", 2 / 3),
        # at alpha .01, p = .01 is not below alpha: no year counts
        ("less", 0.01, 0.5, "not supported", 0.0),  # k + m = 1 < 2
    ],
)
def test_null_model_verdicts(evaluate, direction, alpha, min_share, verdict, effect):
    test = {**NULL, "direction": direction, "min_share": min_share}
    out = evaluate([claim(test)], alpha=alpha)
    assert out["verdict"].item() == verdict
    assert out["effect"].item() == pytest.approx(effect)
    assert out["period_mean"].item() == pytest.approx((0.9 + 0.1 + 0.2 + 0.9) / 4)


def test_null_model_without_data_is_inconclusive(evaluate):
    out = evaluate([claim({**NULL, "layers": ["treaty"]})])
    assert out["verdict"].item() == "inconclusive"
    assert out["layer"].item() == "treaty"


# --- period tests --------------------------------------------------------------------------

SEG = {
    "kind": "period_test",
    "metric": "spoke_density",
    "layers": ["L1"],
    "variant": "binary",
    "threshold": 1,
    "test": "segmented",
    "term": "level_{break}",
}


def test_segmented_direction_and_significance(evaluate):
    out = evaluate([claim({**SEG, "direction": "positive"})]).set_index("break_year")
    # level_2004 +0.2, p .01 -> supported; level_2006 -0.1, p .02: significant the other way
    assert out.loc[2004, "verdict"] == "supported"
    assert out.loc[2006, "verdict"] == "not supported"
    assert "opposite direction" in out.loc[2006, "evidence"]
    assert out.loc[2004, ["effect", "ci_low", "ci_high", "p_value"]].tolist() == [
        0.2,
        0.1,
        0.3,
        0.01,
    ]
    assert out.loc[2004, "term"] == "level_2004"
    assert (out.loc[2004, "baseline_period"], out.loc[2004, "period"]) == ("2000-2003", "2004-2005")
    assert (out.loc[2004, "baseline_mean"], out.loc[2004, "period_mean"]) == (0.10, 0.30)
    negative = evaluate([claim({**SEG, "direction": "negative", "breaks": [2006]})])
    assert negative["verdict"].item() == "supported"


def test_permutation_term_from_period_labels(evaluate):
    test = {**SEG, "test": "permutation", "term": "{after} vs {before}", "direction": "positive"}
    out = evaluate([claim(test)]).set_index("break_year")
    assert out["term"].tolist() == ["2004-2005 vs 2000-2003", "2006-2007 vs 2004-2005"]
    assert out.loc[2004, "verdict"] == "inconclusive"  # p = .2, interval [-0.1, 0.7]
    assert "not significant" in out.loc[2004, "evidence"]
    assert out.loc[2006, "verdict"] == "inconclusive"  # estimate and p-value undefined
    assert out.loc[2006, "reason"] == "estimate undefined"
    assert out.loc[2006, "evidence"].endswith(
        "estimate undefined (a period has fewer than 2 non-missing years)"
    )


PERMUTATION_2004 = {
    **SEG, "test": "permutation", "term": "{after} vs {before}", "breaks": [2004],
}  # fmt: skip


@pytest.mark.parametrize(
    ("direction", "min_effect", "verdict", "why"),
    [
        # estimate +0.3, interval [-0.1, 0.7], p = .2, se 0.1
        ("positive", None, "inconclusive", "does not rule out an effect of +0 or beyond"),
        ("positive", 0.5, "inconclusive", "does not rule out an effect of +0.5 or beyond"),
        ("positive", 0.8, "not supported", "rules out an effect of +0.8 or beyond"),
        ("negative", 0.05, "inconclusive", "does not rule out an effect of -0.05 or beyond"),
        ("negative", 0.2, "not supported", "rules out an effect of -0.2 or beyond"),
    ],
)
def test_not_significant_is_not_supported_only_when_the_interval_rules_the_claim_out(
    evaluate, direction, min_effect, verdict, why
):
    extra = {} if min_effect is None else {"min_effect": min_effect}
    row = evaluate([claim({**PERMUTATION_2004, "direction": direction, **extra})]).iloc[0]
    assert row["verdict"] == verdict
    assert why in row["evidence"]
    assert row["min_effect"] == (min_effect or 0.0)
    # Bloom (1995): (z_.975 + z_.8) * se = (1.95996 + 0.84162) * 0.1
    assert row["mde"] == pytest.approx(0.280158, abs=1e-6)
    if verdict == "inconclusive":
        assert row["reason"].startswith("not significant, but the interval does not rule out")
        assert "minimum detectable effect 0.28 at 80% power" in row["reason"]
    else:
        assert pd.isna(row["reason"])


def test_binary_row_shows_its_weighted_counterpart(evaluate, period_tests):
    # binary spoke density jumps at 2004 (p .01) while the weighted series is flat (p .6):
    # the evidence says the binary ties drive the verdict
    weighted = period_tests.iloc[[0]].assign(
        variant="weighted", threshold=nan, estimate=0.01, p_value=0.6
    )
    tests = pd.concat([period_tests, weighted], ignore_index=True)
    out = evaluate_with(tests, [claim({**SEG, "direction": "positive", "breaks": [2004]})])
    assert out["verdict"].item() == "supported"
    evidence = out["evidence"].item()
    assert evidence.endswith(
        "(driven by the binary ties; weighted spoke_density: estimate +0.01, p = 0.6, "
        "not significant)"
    )
    # degree centralization's weighted counterpart is hub_share (strength centralization is
    # an affine function of it and is not tested)
    renamed = tests.assign(metric=tests["metric"].replace("spoke_density", "degree_centralization"))
    renamed.loc[renamed["variant"] == "weighted", "metric"] = "hub_share"
    degree = {**SEG, "metric": "degree_centralization", "direction": "positive"}
    out = evaluate_with(renamed, [claim({**degree, "breaks": [2004]})])
    assert "weighted hub_share: estimate +0.01, p = 0.6" in out["evidence"].item()


def test_a_break_matched_by_placebo_years_is_not_specific(evaluate, period_tests):
    # 20 candidate years; 2004 ranks 5th (4 of the 19 placebo years, 21%, shift at least as
    # much): the significant jump at 2004 is not specific to the break. 2006 ranks first.
    placebo = period_tests.iloc[[0, 0]].assign(
        test="placebo", term=["break_2004", "break_2006"], p_value=[5 / 20, 1 / 20],
        min_p=1 / 20,
    )  # fmt: skip
    period_tests = pd.concat([period_tests, placebo], ignore_index=True)
    out = evaluate_with(period_tests, [claim({**SEG, "direction": "positive"})])
    out = out.set_index("break_year")
    assert out.loc[2004, "placebo_rank"] == 5
    assert out.loc[2004, "placebo_share"] == pytest.approx(4 / 19)
    assert out.loc[2004, "verdict"] == "inconclusive"
    assert out.loc[2004, "reason"] == (
        "not specific to the break: 21% of the placebo years show a mean shift at least as "
        "large (rank 5)"
    )
    assert out.loc[2006, "placebo_rank"] == 1 and out.loc[2006, "placebo_share"] == 0
    assert out.loc[2006, "verdict"] == "not supported"  # significant the other way
    assert out.loc[2006, "evidence"].endswith(
        "; placebo breaks: 2006 ranks 1, 0% of the placebo years shift the mean at least as much"
    )


def test_binary_row_shows_the_other_thresholds(evaluate, period_tests):
    # the same level change at threshold 2 is significant the other way: the verdict at
    # threshold 1 hinges on the threshold, and the evidence shows it
    other = period_tests.iloc[[0]].assign(threshold=2.0, estimate=-0.4, p_value=0.001)
    tests = pd.concat([period_tests, other], ignore_index=True)
    out = evaluate_with(tests, [claim({**SEG, "direction": "positive", "breaks": [2004]})])
    assert out["verdict"].item() == "supported"
    assert out["evidence"].item().endswith("; at other thresholds 2: -0.4, p = 0.001")


def test_significant_the_other_way_is_not_supported_whatever_min_effect(evaluate):
    row = evaluate([claim({**SEG, "direction": "negative", "breaks": [2004], "min_effect": 9})])
    assert row["verdict"].item() == "not supported"
    assert "significant in the opposite direction" in row["evidence"].item()


def test_a_test_that_cannot_reach_alpha_is_inconclusive(period_tests):
    # circular shifts of 6 pooled years: p >= 1/6 whatever the data, so "not significant"
    # says nothing about the claim
    period_tests.loc[period_tests["test"] == "permutation", "min_p"] = 1 / 6
    other = period_tests[period_tests["test"] == "permutation"].assign(threshold=2.0)
    period_tests = pd.concat([period_tests, other], ignore_index=True)
    test = {**SEG, "test": "permutation", "term": "{after} vs {before}", "direction": "positive"}
    row = evaluate_with(period_tests, [claim({**test, "breaks": [2004]})]).iloc[0]
    assert row["verdict"] == "inconclusive"
    assert row["min_p"] == pytest.approx(1 / 6)
    assert row["reason"] == "the test cannot reach p < 0.05 (smallest attainable p 0.167)"
    assert row["evidence"].endswith(row["reason"] + "; at other thresholds 2: +0.3, p = 0.2")
    # at alpha 0.25 the same test can reach significance (p = .2 < .25): supported
    at_25 = evaluate_with(period_tests, [claim({**test, "breaks": [2004]})], alpha=0.25)
    assert at_25.iloc[0]["verdict"] == "supported"


def test_missing_period_test_row_is_inconclusive(evaluate):
    out = evaluate([claim({**SEG, "term": "slope_{break}", "direction": "positive"})])
    assert (out["verdict"] == "inconclusive").all()
    assert out["evidence"].str.startswith("no result for segmented slope_").all()
    assert (out["reason"] == "no test result").all()


DID = {
    "kind": "period_test",
    "metric": "bilateral_trade",
    "layers": ["trade"],
    "test": "did",
    "term": "bloc_x_{break}",
    "direction": "positive",
}


def test_holm_adjustment(evaluate):
    # p = .03 and .04. Holm: sorted p times (m - rank + 1), running max:
    # 2 * .03 = .06, max(.06, 1 * .04) = .06 -> neither below .05
    raw = evaluate([claim(DID, combine="any")])
    holm = evaluate([claim(DID, combine="any", p_adjust="holm")])
    assert raw["verdict"].tolist() == ["supported", "supported"]
    assert holm["p_adjusted"].tolist() == pytest.approx([0.06, 0.06])
    # not significant after Holm, and the intervals [0.1, 0.9], [0.1, 0.7] hold positive effects
    assert holm["verdict"].tolist() == ["inconclusive", "inconclusive"]
    assert holm["claim_verdict"].unique().tolist() == ["inconclusive"]
    assert "(Holm 0.06)" in holm["evidence"].iloc[0]


def test_holm_equals_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    cases = [
        np.array([0.04]),
        np.array([0.03, 0.04]),
        np.array([0.01, 0.01, 0.2, 0.01, 0.5]),  # ties
        np.array([0.0, 1.0, 0.6, 0.6]),  # bounds; capped at 1
        rng.uniform(size=50),
        rng.uniform(0, 0.05, size=200).round(3),  # many ties among small values
    ]
    for p in cases:
        expected = multipletests(p, method="holm")[1]
        assert claims.holm(p).tolist() == pytest.approx(expected.tolist(), rel=1e-15, abs=0)
    # by hand: sorted .01 .02 .04 times 3 2 1 = .03 .04 .04
    assert claims.holm(np.array([0.04, 0.01, 0.02])).tolist() == pytest.approx([0.04, 0.03, 0.04])


def test_did_takes_period_labels_from_the_other_series(evaluate):
    out = evaluate([claim(DID)]).set_index("break_year")
    assert (out.loc[2006, "baseline_period"], out.loc[2006, "period"]) == ("2004-2005", "2006-2007")
    assert math.isnan(out.loc[2006, "baseline_mean"])


# --- combining rows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "combine", "verdict"),
    [
        (["L1"], "all", "supported"),
        (["L1", "L3"], "all", "inconclusive"),  # supported + inconclusive
        (["L1", "L2", "L3"], "all", "not supported"),
        (["L2", "L3"], "any", "inconclusive"),  # not supported + inconclusive
        (["L2"], "any", "not supported"),
        (["L1", "L2"], "any", "supported"),
    ],
)
def test_combine(evaluate, layers, combine, verdict):
    out = evaluate([claim({**RANK1, "layers": layers}, combine=combine)])
    assert out["claim_verdict"].unique().tolist() == [verdict]


def test_layout_types_and_order(evaluate):
    two = [
        {**claim(DID), "id": "B"},
        {**claim({**RANK1, "layers": ["L1"]}, {**NULL}), "id": "A"},
    ]
    out = evaluate(two)
    assert list(out.columns) == claims.CLAIM_COLUMNS
    assert out["claim_id"].tolist() == ["B", "B", "A", "A"]  # config order, then tests
    assert out["kind"].tolist() == ["period_test", "period_test", "condition", "null_model"]
    assert str(out["break_year"].dtype) == "Int64" and str(out["n_obs"].dtype) == "Int64"
    assert str(out["verdict"].dtype) == "string"
    assert out["alpha"].unique().tolist() == [0.05]
    assert out.loc[2, "break_year"] is pd.NA


# --- configuration -------------------------------------------------------------------------


def write_claims(tmp_path, mutate):
    document = yaml.safe_load((FIXTURES / "claims.yaml").read_text())
    mutate(document["claims"][0])
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("mutate", "key", "words"),
    [
        (lambda c: c["tests"][1].update(kind="trend"), "tests.1.kind", "is not one of"),
        (lambda c: c["tests"][0].update(colour="red"), "tests.0.colour", "unknown key"),
        (lambda c: c["tests"][0].pop("op"), "tests.0.op", "missing key"),
        (lambda c: c["tests"][0].update(op="=>"), "tests.0.op", "is not one of"),
        (lambda c: c["tests"][1].update(term="level_{year}"), "tests.1.term", "placeholders"),
        # issue 11: terms that failed only when the claims were evaluated, or as a traceback
        (lambda c: c["tests"][1].update(term="level_{}"), "tests.1.term", "placeholders"),
        (lambda c: c["tests"][1].update(term="a {"), "tests.1.term", "placeholders"),
        (lambda c: c["tests"][1].update(term="{break[0]}"), "tests.1.term", "placeholders"),
        (lambda c: c["tests"][1].update(term="{break!r}"), "tests.1.term", "placeholders"),
        (lambda c: c["tests"][0].update(value=math.nan), "tests.0.value", "of type 'number'"),
        (lambda c: c["tests"][1].update(direction="up"), "tests.1.direction", "is not one of"),
        (lambda c: c["tests"][0].update(min_share=0), "tests.0.min_share", "less than or equal"),
        (lambda c: c.update(combine="most"), "combine", "is not one of"),
        (lambda c: c.update(weight=2), "weight", "unknown key"),
        (lambda c: c.pop("statement"), "statement", "missing key"),
    ],
)
def test_bad_claims_name_file_claim_and_key(tmp_path, mutate, key, words):
    path = write_claims(tmp_path, mutate)
    with pytest.raises(InputError) as err:
        claims.load_claims(path)
    assert err.value.source == str(path)
    assert err.value.key == key
    assert "claim 'H9'" in str(err.value)
    assert words in str(err.value)


def test_duplicate_claim_ids(tmp_path):
    document = yaml.safe_load((FIXTURES / "claims.yaml").read_text())
    document["claims"].append(document["claims"][0])
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError, match="duplicate id"):
        claims.load_claims(path)


def test_test_breaks_must_be_configured(evaluate):
    with pytest.raises(InputError, match="configured breaks") as err:
        evaluate([claim({**DID, "breaks": [2005]})])
    assert err.value.key == "tests.0.breaks"


def test_fixture_claims_evaluate(evaluate):
    out = evaluate(claims.load_claims(FIXTURES / "claims.yaml"))
    assert out["claim_id"].unique().tolist() == ["H9"]


def test_shipped_claims_are_valid():
    shipped = claims.load_claims(REPO / "config" / "claims.yaml")
    assert [c["id"] for c in shipped] == ["H1", "H2", "H3", "H4", "H5"]


def test_the_schema_of_a_claims_file_agrees_with_the_code_that_evaluates_it():
    """The claims schema (inference/claims.yaml) is the one declaration of a claims file:
    its test kinds and operators are the ones the evaluation knows."""
    kinds = claims.CLAIM_SCHEMA["properties"]["tests"]["items"]["properties"]["kind"]["enum"]
    assert set(kinds) == set(claims.TEST_SCHEMAS)
    assert set(claims.TEST_SCHEMAS["condition"]["properties"]["op"]["enum"]) == set(claims.OPS)


def test_binary_tests_at_the_main_default_threshold_follow_a_specifications_default():
    main, spec = {"trade": 0.05, "treaty": 1.0}, {"trade": 0.01, "treaty": 1.0}
    cfg = [
        {"id": "A", "statement": "s", "tests": [
            {"kind": "condition", "metric": "m", "layers": ["trade"], "variant": "binary",
             "threshold": 0.05, "op": "<=", "value": 0.5},
            # another threshold than the default, a weighted series, a layer at another default
            {"kind": "condition", "metric": "m", "layers": ["trade"], "variant": "binary",
             "threshold": 0.1, "op": "<=", "value": 0.5},
            {"kind": "condition", "metric": "m", "layers": ["trade"], "variant": "weighted",
             "threshold": None, "op": "<=", "value": 0.5},
            {"kind": "condition", "metric": "m", "layers": ["trade", "treaty"],
             "variant": "binary", "threshold": 0.05, "op": "<=", "value": 0.5},
        ]},
    ]  # fmt: skip
    moved = claims.at_thresholds(cfg, main, spec)
    assert [t["threshold"] for t in moved[0]["tests"]] == [0.01, 0.1, None, 0.05]
    assert cfg[0]["tests"][0]["threshold"] == 0.05  # the claims given are not changed
    assert claims.at_thresholds(cfg, main, main) == cfg
