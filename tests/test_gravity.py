"""The structural-gravity difference in differences (hubspoke.inference.gravity) on simulated panels
with known answers, checked against statsmodels, and its treatment from the real memberships."""

import dataclasses
from itertools import combinations, permutations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml

from hubspoke.config import validate_config
from hubspoke.inference import gravity, ppml
from hubspoke.layers import build_networks
from hubspoke.settings import Networks, TradeDid
from hubspoke.validate import load_inputs, load_table

ROOT = Path(__file__).resolve().parents[1]
SPOKES = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
YEARS = list(range(2000, 2012))
BREAK = 2006


def simulate(seed, *, effect=0.0, bloc=("AAA", "BBB"), rho=0.5, pretrend=0.0, sd=0.3):
    """Directed flows among SPOKES: exporter-year and importer-year shocks, pair levels, AR(1)
    pair noise (rho) and ``effect`` log points for flows within ``bloc`` from BREAK (plus a
    ``pretrend`` per year before BREAK)."""
    rng = np.random.default_rng(seed)
    ex = {(s, y): rng.normal(0, 0.3) for s in SPOKES for y in YEARS}
    im = {(s, y): rng.normal(0, 0.3) for s in SPOKES for y in YEARS}
    rows = []
    for i, j in permutations(SPOKES, 2):
        level, noise = rng.normal(3, 1), rng.normal(0, sd)
        inside = i in bloc and j in bloc
        for y in YEARS:
            noise = rho * noise + np.sqrt(1 - rho**2) * rng.normal(0, sd)
            mu = level + ex[(i, y)] + im[(j, y)] + noise
            if inside:
                mu += effect * (y >= BREAK) + pretrend * min(y - BREAK, 0)
            rows.append((y, i, j, f"{i}>{j}", float(np.exp(mu))))
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "pair", "value"])


def bloc_of(*states, start=BREAK):
    return {s: frozenset(y for y in YEARS if y >= start) for s in states}


# the dummies are collinear (each set of fixed effects sums to the constant); the pseudo-inverse
# solution of statsmodels still identifies the treatment coefficient
@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_ppml_equals_statsmodels_poisson_with_dummies():
    panel = simulate(1, effect=0.4)
    data = gravity._terms({BREAK: bloc_of("AAA", "BBB")}, panel)
    ours = gravity._fit(data, [f"bloc_x_{BREAK}"])
    dummies = pd.get_dummies(
        data[["pair"]].assign(
            ey=data["exporter"] + data["year"].astype(str),
            iy=data["importer"] + data["year"].astype(str),
        ),
        drop_first=True,
        dtype=float,
    )
    X = sm.add_constant(pd.concat([data[[f"bloc_x_{BREAK}"]], dummies], axis=1))
    glm = sm.GLM(data["value"], X, family=sm.families.Poisson()).fit(method="newton", tol=1e-12)
    effect = f"bloc_x_{BREAK}"
    assert ours.coef()[effect] == pytest.approx(glm.params[effect], abs=1e-8)


def test_a_known_effect_is_recovered():
    # 174 fixed effects for 360 flows: the estimate's noise is several times the flows' (0.01)
    panel = simulate(2, effect=0.5, sd=0.01, bloc=("AAA", "BBB", "CCC"))
    data = gravity._terms({BREAK: bloc_of("AAA", "BBB", "CCC")}, panel)
    fit = gravity._fit(data, [f"bloc_x_{BREAK}"])
    assert fit.coef()[f"bloc_x_{BREAK}"] == pytest.approx(0.5, abs=0.05)


def test_flow_panel_keeps_reported_zeros_leaves_out_unknown_flows_and_the_hub():
    edges = pd.DataFrame(
        {
            "year": [2000] * 5,
            "layer": ["trade_flow"] * 4 + ["trade"],
            "source": ["AAA", "BBB", "HUB", "AAA", "AAA"],
            "target": ["BBB", "AAA", "AAA", "CCC", "BBB"],
            "weight": [5.0, 0.0, 9.0, np.nan, 7.0],
        }
    )
    panel = gravity.flow_panel(edges, "HUB")
    assert panel[["exporter", "importer", "value"]].values.tolist() == [
        ["AAA", "BBB", 5.0],
        ["BBB", "AAA", 0.0],
    ]


def test_treatment_follows_the_membership_years_of_each_bloc():
    memberships = load_table(ROOT / "data" / "raw" / "memberships.csv", "memberships")
    spokes = ["ARM", "BLR", "KAZ", "KGZ", "UKR"]
    years = list(range(2008, 2018))
    kw = {"rule": "any_day", "kinds": ["full", "participant"]}
    cu = gravity.member_years(memberships, "CU", spokes, years, **kw)
    eaeu = gravity.member_years(memberships, "EAEU", spokes, years, **kw)
    # the 2010 Customs Union: Belarus and Kazakhstan (with Russia, the hub) until the EAEU
    assert cu == {s: frozenset(range(2010, 2015)) for s in ("BLR", "KAZ")}
    # Armenia and Kyrgyzstan enter in 2015, with the EAEU, never the 2010 Customs Union
    assert eaeu == {s: frozenset(range(2015, 2018)) for s in ("ARM", "BLR", "KAZ", "KGZ")}
    panel = pd.DataFrame(
        [(y, i, j) for y in (2009, 2010, 2015) for i, j in permutations(["ARM", "BLR", "KAZ"], 2)],
        columns=["year", "exporter", "importer"],
    )
    treated = panel[gravity.treated(panel, cu) > 0]
    assert treated[["year", "exporter", "importer"]].values.tolist() == [
        [2010, "BLR", "KAZ"],
        [2010, "KAZ", "BLR"],
    ]
    assert gravity.treated(panel, eaeu)[panel["year"] == 2015].all()


def _ri(panel, bloc, draws=50, seed=1):
    blocs = {BREAK: bloc}
    fit = gravity._fit(gravity._terms(blocs, panel), [f"bloc_x_{BREAK}"])
    est = float(fit.coef()[f"bloc_x_{BREAK}"])
    return gravity.randomization_p(panel, blocs, BREAK, est, draws=draws, seed=seed)


def test_randomization_p_counts_every_placebo_bloc():
    # 6 spokes, blocs of 2: 15 sets, the bloc's own among them
    p, min_p, sets, tried, enumerated = _ri(simulate(3, effect=2.0, sd=0.1), bloc_of("AAA", "BBB"))
    assert (sets, tried, enumerated, min_p) == (15, 15, True, pytest.approx(1 / 15))
    assert p == pytest.approx(1 / 15)  # a large effect: no placebo bloc matches it
    # with fewer draws allowed than sets, 10 are drawn, the bloc's own left out
    p, min_p, sets, tried, enumerated = _ri(
        simulate(3, effect=2.0, sd=0.1), bloc_of("AAA", "BBB"), 10
    )
    assert (sets, tried, enumerated, min_p) == (10, 10, False, pytest.approx(1 / 11))
    assert p == pytest.approx(1 / 11)


def test_placebo_fits_give_the_p_value_of_tight_clustered_fits(monkeypatch):
    # the placebo blocs are fitted on arrays with loose tolerances (hubspoke.inference.ppml),
    # and refitted tight near the bloc's estimate: the p-value is that of tight pyfixest fits
    # of every set
    panel, bloc = simulate(101), bloc_of("AAA", "BBB")
    blocs, term = {BREAK: bloc}, f"bloc_x_{BREAK}"
    data = gravity._terms(blocs, panel)
    estimate = float(gravity._fit(data, [term]).coef()[term])
    tight = [
        gravity._fit(
            data.assign(**{term: gravity.treated(panel, gravity._relabel(bloc, spokes))}), [term]
        ).coef()[term]
        for spokes in combinations(SPOKES, 2)
    ]
    expected = np.mean(np.abs(tight) >= abs(estimate) * (1 - 1e-9))
    tolerances, fit = [], ppml.fit
    monkeypatch.setattr(
        ppml, "fit", lambda *a, **k: tolerances.append(k.get("tol")) or fit(*a, **k)
    )
    p = gravity.randomization_p(panel, blocs, BREAK, estimate, draws=50, seed=1)[0]
    assert 0 < expected < 1 and p == expected
    # the bloc's fit to start from, 15 loose fits, and a tight refit of the bloc's own set
    assert len(tolerances) == 1 + 15 + 1
    assert tolerances.count(gravity.TIGHT["tol"]) == 1


def default_flow_panel():
    """The flow panel and the blocs of the default configuration, from data/raw."""
    cfg = validate_config(
        yaml.safe_load((ROOT / "config" / "config.yaml").read_text()),
        ROOT / "workflow" / "schemas" / "config.schema.yaml",
        source="config",
    )
    networks, did = Networks.from_config(cfg), TradeDid.from_config(cfg)
    years = list(range(cfg["years"]["start"], cfg["years"]["end"] + 1))
    inputs = load_inputs(
        {name: ROOT / path for name, path in cfg["inputs"].items()},
        states=networks.states,
        years=years,
    )
    edges = build_networks(
        inputs, years, dataclasses.replace(networks, layers=(gravity.FLOW_LAYER,))
    )["edges"]
    panel = gravity.flow_panel(edges, networks.hub)
    spokes = sorted(set(panel["exporter"]))
    blocs = {
        bloc.year: gravity.member_years(
            inputs["memberships"], bloc.org, spokes, years,
            rule=did.rule, kinds=did.membership_kinds,
        )
        for bloc in did.did.blocs
    }  # fmt: skip
    return panel, blocs


@pytest.fixture(scope="module")
def default_flows():
    return default_flow_panel()


def test_placebo_estimates_are_within_a_tenth_of_near_of_tight_fits(default_flows):
    # the refit-near-the-bloc rule holds only if a placebo fit stops closer to the tight
    # estimate than NEAR; the default data are the test (simulated panels converge far closer,
    # while these stopped up to 2e-5 away at fepois' default tolerance)
    panel, blocs = default_flows
    spokes = sorted(set(panel["exporter"]))
    data = gravity._terms(blocs, panel)
    regressors = [f"bloc_x_{b}" for b in blocs]
    flows = ppml.design(data["value"], gravity._effect_codes(data))
    X = data[regressors].to_numpy()
    start = ppml.fit(flows, X)[1]
    column = regressors.index("bloc_x_2010")  # sets of 2 spokes: 91, the hardest fits
    checked = 0
    for spoke_set in combinations(spokes, 2):
        X[:, column] = gravity.treated(panel, gravity._relabel(blocs[2010], spoke_set))
        loose = ppml.fit(flows, X, start=start, **gravity.PLACEBO)[0]
        if loose is None:
            continue
        tight = ppml.fit(flows, X, **gravity.TIGHT)[0][column]
        assert abs(loose[column] - tight) <= gravity.NEAR / 10 * max(1.0, abs(tight))
        checked += 1
    assert checked >= 85


def test_randomization_p_is_calibrated_under_autocorrelated_noise_and_has_power():
    # no effect, AR(1) pair noise (rho 0.5): P(p <= 3/15) is 3/15 = 0.2 when the assignment is
    # exchangeable; 40 panels measured 0.2 (seeds 100-139)
    null = [_ri(simulate(100 + s), bloc_of("AAA", "BBB"))[0] for s in range(40)]
    assert 0.05 <= np.mean(np.array(null) <= 3 / 15 + 1e-12) <= 0.4
    # one log point for the bloc: rank 1 of 15 in every one of 10 panels
    power = [_ri(simulate(200 + s, effect=1.0), bloc_of("AAA", "BBB"))[0] for s in range(10)]
    assert np.mean(np.array(power) <= 1 / 15 + 1e-12) >= 0.8


def test_the_event_study_finds_a_pretrend_and_none_without_one():
    bloc = ("AAA", "BBB", "CCC")
    blocs = {BREAK: bloc_of(*bloc)}

    def pretrend_p(panel):
        rows = gravity.event_study(panel, blocs, BREAK, leads=4, lags=3)
        (row,) = [r for r in rows if r["test"] == "did_pretrend"]
        return row["p_value"]

    assert pretrend_p(simulate(4, effect=0.5, pretrend=0.3, sd=0.05, bloc=bloc)) < 0.01
    assert pretrend_p(simulate(4, effect=0.5, sd=0.05, bloc=bloc)) > 0.05


def test_did_rows_carry_the_randomization_p_and_leave_out_variants():
    panel = simulate(5, effect=0.8, sd=0.1)
    rows = gravity.did_gravity(
        panel,
        {BREAK: bloc_of("AAA", "BBB")},
        placebo_draws=50,
        seed=7,
        leads=3,
        lags=3,
        leave_out=[["FFF"]],
    ).set_index("term")
    did = rows.loc[f"bloc_x_{BREAK}"]
    assert did["p_value"] == pytest.approx(1 / 15) and did["min_p"] == pytest.approx(1 / 15)
    assert "randomization p over 15 placebo blocs of 2 spokes (every set)" in did["note"]
    assert "AAA>BBB, BBB>AAA" in did["note"]
    assert did["ci_low"] < did["estimate"] < did["ci_high"]
    without = rows.loc[f"bloc_x_{BREAK}_without_FFF"]
    kept = (panel["exporter"] != "FFF") & (panel["importer"] != "FFF")
    assert without["n_obs"] == kept.sum()
    assert {"did_event", "did_pretrend"} <= set(rows["test"])
    # deterministic for a seed
    again = gravity.did_gravity(
        panel, {BREAK: bloc_of("AAA", "BBB")}, placebo_draws=50, seed=7, leads=3, lags=3
    ).set_index("term")
    assert again.loc[f"bloc_x_{BREAK}", "p_value"] == did["p_value"]


def test_a_bloc_without_spoke_pairs_is_not_identified():
    rows = gravity.did_gravity(
        simulate(6), {BREAK: bloc_of("AAA")}, placebo_draws=10, seed=1, leads=2, lags=2
    )
    assert rows["p_value"].isna().all()
    assert rows["note"].str.contains("not identified").all()


def test_great_circle_distances_by_hand():
    # a quarter of the equator, and Moscow-Minsk (about 675 km)
    assert gravity.distance_km(0, 0, 0, 90) == pytest.approx(np.pi / 2 * gravity.EARTH_RADIUS_KM)
    assert gravity.distance_km(55.7558, 37.6173, 53.9006, 27.5590) == pytest.approx(675, abs=5)
    assert gravity.distance_km(10, 20, 10, 20) == 0


def _benchmark_inputs(seed, hub_premium=0.0):
    """Flows drawn from a known gravity model (GDP elasticities 1.0 and 0.8, distance -1.0,
    contiguity +0.5), the hub's flows ``hub_premium`` log points above it."""
    rng = np.random.default_rng(seed)
    states = ["HUB", *SPOKES]
    geography = pd.DataFrame(
        {
            "state": states,
            "latitude": rng.uniform(40, 60, len(states)),
            "longitude": rng.uniform(20, 80, len(states)),
            "landlocked": rng.random(len(states)) < 0.5,
        }
    )
    gdp = pd.DataFrame(
        [(s, y, float(np.exp(rng.normal(10, 1)))) for s in states for y in YEARS],
        columns=["state", "year", "gdp_usd_m"],
    )
    borders = pd.DataFrame({"state_a": ["AAA", "BBB"], "state_b": ["HUB", "CCC"]})
    panel = gravity.benchmark_panel(
        pd.DataFrame(
            [(y, "trade_flow", i, j, 1.0) for y in YEARS for i, j in permutations(states, 2)],
            columns=["year", "layer", "source", "target", "weight"],
        ),
        gdp,
        geography,
        borders,
    )
    mu = (
        panel["log_gdp_exporter"] + 0.8 * panel["log_gdp_importer"] - panel["log_distance"]
        + 0.5 * panel["contiguous"] - 12
        + hub_premium * ((panel["exporter"] == "HUB") | (panel["importer"] == "HUB"))
    )  # fmt: skip
    edges = pd.DataFrame(
        {
            "year": panel["year"],
            "layer": "trade_flow",
            "source": panel["exporter"],
            "target": panel["importer"],
            "weight": np.exp(mu + rng.normal(0, 0.05, len(mu))),
        }
    )
    return edges, gdp, geography, borders


def test_the_benchmark_recovers_known_elasticities_and_a_hub_premium():
    panel = gravity.benchmark_panel(*_benchmark_inputs(8))
    shares, fit = gravity.gravity_benchmark(panel, "HUB")
    estimate = fit.set_index("term")["estimate"]
    assert estimate["log_gdp_exporter"] == pytest.approx(1.0, abs=0.05)
    assert estimate["log_gdp_importer"] == pytest.approx(0.8, abs=0.05)
    assert estimate["log_distance"] == pytest.approx(-1.0, abs=0.1)
    assert estimate["contiguous"] == pytest.approx(0.5, abs=0.1)
    # without a premium the hub's share is what the model predicts
    assert shares["ratio"].to_numpy() == pytest.approx(1.0, abs=0.05)
    premium = gravity.benchmark_panel(*_benchmark_inputs(8, hub_premium=1.0))
    shares, _ = gravity.gravity_benchmark(premium, "HUB")
    by = shares.set_index(["measure", "year"])["ratio"]
    assert (by["hub_share"] > 1.2).all() and (by["spoke_share"] < 1).all()


def test_a_state_without_gdp_leaves_its_flows_out_never_zero():
    edges, gdp, geography, borders = _benchmark_inputs(9)
    gdp = gdp[~((gdp["state"] == "CCC") & (gdp["year"] == 2003))]
    panel = gravity.benchmark_panel(edges, gdp, geography, borders)
    lost = panel["log_gdp_exporter"].isna() | panel["log_gdp_importer"].isna()
    assert lost.sum() == 2 * 6  # CCC's 2003 flows, both ways
    shares, fit = gravity.gravity_benchmark(panel, "HUB")
    assert (fit["n_dropped"] == 12).all()
    assert shares.loc[shares["year"] == 2003, "n_flows"].eq(42 - 12).all()


def test_a_bloc_of_every_spoke_is_collinear_with_the_fixed_effects():
    # every flow within the bloc after the break: the exporter-year effects absorb it
    every = bloc_of(*SPOKES)
    rows = gravity.did_gravity(
        simulate(7), {BREAK: every}, placebo_draws=5, seed=1, leads=2, lags=2
    )
    did = rows[rows["test"] == "did"]
    assert did["p_value"].isna().all() and did["note"].str.contains("not identified").all()


def test_without_flows_the_did_says_so_and_the_benchmark_is_empty():
    empty = simulate(1).iloc[0:0]
    rows = gravity.did_gravity(empty, {BREAK: {}}, placebo_draws=5, seed=1, leads=2, lags=2)
    assert rows.loc[rows["test"] == "did", "note"].str.contains("no known flows").all()
    edges, gdp, geography, borders = _benchmark_inputs(1)
    panel = gravity.benchmark_panel(edges.iloc[0:0], gdp, geography, borders)
    shares, fit = gravity.gravity_benchmark(panel, "HUB")
    assert shares.empty and fit.empty
    assert list(shares.columns) == gravity.SHARE_COLUMNS


def test_two_spokes_leave_only_singleton_flows_and_are_not_identified():
    # each exporter-year has one flow: pyfixest would drop every flow and abort the process
    two = simulate(3)
    two = two[two["exporter"].isin(SPOKES[:2]) & two["importer"].isin(SPOKES[:2])]
    assert not gravity._beyond_singletons(two) and gravity._beyond_singletons(simulate(3))
    rows = gravity.did_gravity(
        two, {BREAK: bloc_of(*SPOKES[:2])}, placebo_draws=5, seed=1, leads=2, lags=2
    )
    did = rows[rows["test"] == "did"]
    assert did["p_value"].isna().all() and did["note"].str.contains("too few spokes").all()
