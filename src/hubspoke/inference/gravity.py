"""Structural gravity on the directed trade flows: did a bloc raise its spokes' trade?

The difference in differences (config ``tests.did``) is estimated on the spoke-spoke flows of
the ``trade_flow`` layer by Poisson pseudo-maximum likelihood (PPML; Santos Silva & Tenreyro
2006, Rev. Econ. Stat. 88:641) with exporter-year, importer-year and pair fixed effects, the
structural gravity specification of Yotov, Piermartini, Monteiro & Larch (2016, *An Advanced
Guide to Trade Policy Analysis*, WTO/UNCTAD, ch. 3), fitted by ``pyfixest.fepois``::

    E[X_ijt] = exp(a_it + m_jt + p_ij + sum_b th_b * D_bijt)

``D_bijt`` is 1 when both ``i`` and ``j`` are members of break ``b``'s bloc in year ``t``
(from the memberships table, so later entrants are treated from their entry and a bloc that
ends stops treating; for 2010 the Customs Union of Belarus, Kazakhstan and Russia, whose only
spoke pair is Belarus-Kazakhstan; for 2015 the EAEU: Armenia, Belarus, Kazakhstan and
Kyrgyzstan). The hub's flows are left out: the claim compares the spokes' trade among
themselves, and the exporter-year and importer-year effects absorb everything that moves a
state's trade with all partners (its size, its currency, a war). The control group is every
other spoke pair; ``leave_out`` re-estimates without named states (Ukraine after 2014; the
Baltic states in the EU) as sensitivity rows. Unknown flows are left out, never read as zero;
reported zeros stay in (PPML uses them).

With so few treated pairs (2 directed flows in 2010, 12 in 2015) cluster-robust standard
errors are unreliable (MacKinnon & Webb 2017, J. Appl. Econometrics 32:233), so the p-value a
verdict uses is randomization inference over placebo blocs (``did`` rows): the same membership
years given to every other set of as many spokes (all sets when there are at most
``placebo_draws + 1``, else that many drawn without replacement, seeded), the estimate
recomputed for each, and ``p = share of sets whose |estimate| is at least the bloc's``
(Fisher's exact p, the bloc's own set counted; ``min_p`` = 1 / the number of sets). One
treated pair in 2010 among 14 spokes gives 91 sets: a modest effect cannot stand out.

Event study (``did_event`` rows): the bloc's pairs (ever treated at break ``b``) get one
indicator per year relative to the break, ``lead_<k>`` (k years before; the year before the
break is the reference, the earliest bin pools all earlier years) and ``lag_<k>`` (the last
bin pools later years); the other breaks' treatments stay in the model. ``did_pretrend``:
the joint Wald test that every lead is zero (chi-squared, pair-clustered covariance); a
claim reads a significant pre-trend as "inconclusive" (:mod:`hubspoke.inference.claims`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyfixest as pf
import scipy.stats

from hubspoke import networks
from hubspoke.inference import ppml
from hubspoke.inference.stats import TEST_COLUMNS
from hubspoke.layers import FLOW_LAYER
from hubspoke.seeds import series_seed

CONFIDENCE = 0.95
# exporter-year, importer-year and pair effects, coded once per panel by _terms (pyfixest would
# build the exporter^year strings again in each of the ~300 placebo fits)
FIXED_EFFECTS = "exporter_year + importer_year + pair"
# tighter than pyfixest's defaults (1e-8): estimates then agree with statsmodels' Poisson GLM
# with dummies to 1e-8 (tests/test_gravity.py); TIGHT for hubspoke.inference.ppml, TOLERANCES
# for pyfixest
TIGHT = {"tol": 1e-12, "maxiter": 100, "fixef_tol": 1e-12}
TOLERANCES = {
    "iwls_tol": TIGHT["tol"],
    "iwls_maxiter": TIGHT["maxiter"],
    "demeaner": pf.MapDemeaner(fixef_tol=TIGHT["fixef_tol"]),
}
CLUSTERED = {"vcov": {"CRV1": "pair"}, **TOLERANCES}
# A placebo fit needs its estimate only: it is fitted on arrays (hubspoke.inference.ppml),
# starting from the bloc's fitted values, with PLACEBO: fepois' defaults but a deviance change
# of 1e-10 (at fepois' 1e-8 a warm-started fit stops up to 2e-5 from the tight estimate on the
# default data; at 1e-10 within 1e-7, at about the same cost). A placebo whose |estimate| comes
# within NEAR (relative) of the bloc's is refitted with TIGHT before it is counted, so the
# count, and the p-value, are those of tight fits (tests/test_gravity.py checks the margin).
PLACEBO = {"tol": 1e-10}
NEAR = 1e-5
# what of the edges table the difference in differences and the benchmark model read: the
# flow layer (hubspoke.tables.read_parquet's columns and row filter)
FLOW_READ = {
    "columns": ["year", "layer", "source", "target", "weight"],
    "filters": [("layer", "==", FLOW_LAYER)],
}


def flow_panel(edges: pd.DataFrame, hub: str) -> pd.DataFrame:
    """``[year, exporter, importer, pair, value]``: the known spoke-spoke flows of the
    ``trade_flow`` layer (a reported zero stays; an unknown flow is left out)."""
    flows = edges[
        (edges["layer"] == FLOW_LAYER)
        & edges["weight"].notna()
        & (edges["source"] != hub)
        & (edges["target"] != hub)
    ]
    return pd.DataFrame(
        {
            "year": flows["year"].to_numpy(dtype=np.int64),
            "exporter": flows["source"].astype(str).to_numpy(),
            "importer": flows["target"].astype(str).to_numpy(),
            "pair": (flows["source"] + ">" + flows["target"]).astype(str).to_numpy(),
            "value": flows["weight"].to_numpy(dtype=np.float64),
        }
    )


def member_years(
    memberships: pd.DataFrame,
    org_id: str,
    states: Sequence[str],
    years: Sequence[int],
    *,
    rule: str,
    kinds: Sequence[str],
) -> dict[str, frozenset[int]]:
    """The years in which each of ``states`` is a member of ``org_id`` (by the activity rule,
    memberships of the given kinds); states never a member are absent."""
    active = networks.active_memberships(memberships, states, years, rule, kinds, [org_id])
    return {
        state: frozenset(int(y) for y in group["year"])
        for state, group in active.groupby("state", sort=True)
    }


def treated(panel: pd.DataFrame, members: Mapping[str, frozenset[int]]) -> np.ndarray:
    """1.0 where exporter and importer are both members in the flow's year."""
    if panel.empty:
        return np.zeros(0)
    states = pd.Index(sorted(members))
    year = panel["year"].to_numpy()
    first, span = int(year.min()), int(year.max() - year.min()) + 1
    # member[s, y - first]: state s by its place in states; the last row, any other state
    member = np.zeros((len(states) + 1, span), dtype=bool)
    for row, state in enumerate(states):
        member[row, [y - first for y in members[state] if 0 <= y - first < span]] = True
    at = year - first
    both = [member[states.get_indexer(panel[side]), at] for side in ("exporter", "importer")]
    return (both[0] & both[1]).astype(np.float64)


def _beyond_singletons(data: pd.DataFrame) -> bool:
    """Whether any flow is left once flows alone in a fixed-effect group are dropped, again
    until none is (pyfixest drops them, and aborts the process when none is left: a panel of
    two spokes, each exporter-year with one flow). Checked once per panel before fitting it."""
    groups = [["exporter", "year"], ["importer", "year"], ["pair"]]
    while len(data):
        alone = np.zeros(len(data), dtype=bool)
        for columns in groups:
            alone |= data.groupby(columns, sort=False)["value"].transform("size").to_numpy() < 2
        if not alone.any():
            return True
        data = data[~alone]
    return False


def _fit(data: pd.DataFrame, regressors: Sequence[str], options: Mapping = CLUSTERED):
    """PPML with the gravity fixed effects (pyfixest ``options``: by default pair-clustered
    errors and tight tolerances), or None when the regressors are not identified (collinear
    with the fixed effects, or constant)."""
    if not regressors or not all(data[r].any() for r in regressors):
        return None
    formula = f"value ~ {' + '.join(regressors)} | {FIXED_EFFECTS}"
    try:
        fit = pf.fepois(formula, data=data, **options)
    except ValueError as err:  # pyfixest: every regressor collinear with the fixed effects
        if "collinear" not in str(err):
            raise
        return None
    if not set(regressors) <= set(fit.coef().index):
        return None
    return fit


def _terms(blocs: Mapping[int, Mapping[str, frozenset[int]]], panel: pd.DataFrame):
    """The panel with its fixed-effect codes and each break's treatment."""
    return panel.assign(
        **{
            f"{side}_year": panel.groupby([side, "year"], sort=True).ngroup().to_numpy()
            for side in ("exporter", "importer")
        },
        **{f"bloc_x_{b}": treated(panel, m) for b, m in blocs.items()},
    )


def _relabel(members: Mapping[str, frozenset[int]], spokes: Sequence[str]) -> dict:
    """The bloc's membership years carried over to ``spokes`` (in sorted order)."""
    return dict(zip(spokes, (members[s] for s in sorted(members)), strict=True))


def _placebo_sets(spokes: Sequence[str], size: int, actual: tuple, draws: int, seed):
    """Every set of ``size`` spokes when there are at most ``draws + 1``; else ``draws`` sets
    other than ``actual`` drawn without replacement. Returns (sets, enumerated)."""
    total = math.comb(len(spokes), size)
    if total <= draws + 1:
        return list(itertools.combinations(spokes, size)), True
    rng = np.random.default_rng(seed)
    chosen: set[tuple] = set()
    while len(chosen) < draws:
        pick = tuple(sorted(rng.choice(spokes, size=size, replace=False)))
        if pick != actual:
            chosen.add(pick)
    return sorted(chosen), False


def _row(test, term, n_obs, note=None, **values) -> dict:
    return {"test": test, "term": term, "n_obs": n_obs, "note": note, **values}


def _effect_codes(data: pd.DataFrame) -> np.ndarray:
    """The fixed-effect codes of FIXED_EFFECTS, one column each (of a panel from _terms)."""
    return np.column_stack(
        [data["exporter_year"], data["importer_year"], pd.factorize(data["pair"])[0]]
    )


def _placebo_estimate(
    flows: ppml.Design, X: np.ndarray, column: int, estimate: float, start
) -> float:
    """A placebo bloc's estimate (the regressor ``column`` of ``X``; NaN when not identified),
    tight where it is near ``estimate`` in absolute value."""
    if not X.any(axis=0).all():
        return np.nan
    coef, _ = ppml.fit(flows, X, start=start, **PLACEBO)
    if coef is None:
        return np.nan
    value = float(coef[column])
    if abs(abs(value) - abs(estimate)) <= NEAR * max(1.0, abs(estimate)):
        value = float(ppml.fit(flows, X, start=start, **TIGHT)[0][column])
    return value


def randomization_p(
    panel: pd.DataFrame,
    blocs: Mapping[int, Mapping[str, frozenset[int]]],
    brk: int,
    estimate: float,
    *,
    draws: int,
    seed,
) -> tuple[float, float, int, bool]:
    """``(p, min_p, sets, tried, enumerated)`` of the break's estimate against placebo blocs:
    ``sets`` of the ``tried`` ones identified the effect (the others leave it out)."""
    spokes = sorted(set(panel["exporter"]) | set(panel["importer"]))
    members = blocs[brk]
    actual = tuple(sorted(members))
    sets, enumerated = _placebo_sets(spokes, len(actual), actual, draws, seed)
    data = _terms(blocs, panel)
    regressors = [f"bloc_x_{b}" for b in blocs]  # the other breaks' terms stay
    column = regressors.index(f"bloc_x_{brk}")
    flows = ppml.design(data["value"], _effect_codes(data))
    X = data[regressors].to_numpy(dtype=np.float64)
    # each placebo fit starts from the bloc's fitted values: fewer iterations, same optimum
    start = ppml.fit(flows, X)[1]

    def placebo(spoke_set):
        X[:, column] = treated(panel, _relabel(members, spoke_set))
        return _placebo_estimate(flows, X, column, estimate, start)

    estimates = np.array([placebo(spoke_set) for spoke_set in sets])
    estimates = estimates[np.isfinite(estimates)]
    tol = 1e-9 * max(1.0, abs(estimate))
    at_least = int(np.count_nonzero(np.abs(estimates) >= abs(estimate) - tol))
    if enumerated:  # the bloc's own set is among them
        return at_least / estimates.size, 1 / estimates.size, estimates.size, len(sets), True
    used = estimates.size
    return (at_least + 1) / (used + 1), 1 / (used + 1), used, len(sets), False


def event_study(
    panel: pd.DataFrame,
    blocs: Mapping[int, Mapping[str, frozenset[int]]],
    brk: int,
    *,
    leads: int,
    lags: int,
) -> list[dict]:
    """``did_event`` rows (leads and lags of break ``brk``) and the ``did_pretrend`` row."""
    ever = set(blocs[brk])
    bloc_pair = panel["exporter"].isin(ever) & panel["importer"].isin(ever)
    relative = np.clip(panel["year"].to_numpy() - brk, -leads, lags)
    events = {}
    for k in range(-leads, lags + 1):
        if k != -1:
            name = f"lead_{-k}" if k < 0 else f"lag_{k}"
            events[name] = (bloc_pair.to_numpy() & (relative == k)).astype(np.float64)
    others = [f"bloc_x_{b}" for b in blocs if b != brk]
    data = _terms({b: m for b, m in blocs.items() if b != brk}, panel).assign(**events)
    names = [n for n in events if data[n].any()]
    fit = _fit(data, [*names, *others])
    n_obs = len(data)
    if fit is None:
        note = "the event study is not identified"
        return [_row("did_pretrend", f"pretrend_{brk}", n_obs, note)]
    coef, se = fit.coef(), fit.se()
    low, high = fit.confint(alpha=1 - CONFIDENCE).to_numpy().T
    index = list(coef.index)
    rows = [
        _row(
            "did_event", f"{name}_{brk}", n_obs, estimate=float(coef[name]), se=float(se[name]),
            ci_low=float(low[index.index(name)]), ci_high=float(high[index.index(name)]),
            p_value=float(fit.pvalue()[name]), min_p=0.0,
        )
        for name in names
    ]  # fmt: skip
    lead_names = [n for n in names if n.startswith("lead_")]
    if not lead_names:
        return [*rows, _row("did_pretrend", f"pretrend_{brk}", n_obs, "no years before the break")]
    b = coef[lead_names].to_numpy()
    V = pd.DataFrame(fit._vcov, index=index, columns=index).loc[lead_names, lead_names]
    wald = float(b @ np.linalg.pinv(V.to_numpy()) @ b)
    p = float(scipy.stats.chi2.sf(wald, len(lead_names)))
    note = f"joint Wald test that the {len(lead_names)} leads are zero (chi-squared)"
    rows.append(
        _row("did_pretrend", f"pretrend_{brk}", n_obs, note, estimate=wald, p_value=p, min_p=0.0)
    )
    return rows


def did_gravity(
    panel: pd.DataFrame,
    blocs: Mapping[int, Mapping[str, frozenset[int]]],
    *,
    placebo_draws: int,
    seed: int,
    leads: int,
    lags: int,
    leave_out: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """``did`` (randomization p), ``did_event``, ``did_pretrend`` and the leave-one-out ``did``
    rows (term ``bloc_x_<b>_without_<states>``), in the layout of the period tests."""
    regressors = [f"bloc_x_{b}" for b in blocs]
    data = _terms(blocs, panel)
    # the placebo and event-study fits below use the same flows, so the check holds for them
    fit = _fit(data, regressors) if _beyond_singletons(panel) else None
    rows = []
    for b in blocs:
        term = f"bloc_x_{b}"
        pairs = sorted(set(data.loc[data[term] > 0, "pair"]))
        if fit is None:
            note = (
                "not identified: no treated flows, too few spokes, or treatment collinear "
                "with the effects"
            )
            if panel.empty:
                note = "no known flows among the spokes (is the trade_flow layer configured?)"
            rows.append(_row("did", term, len(data), note))
            continue
        estimate = float(fit.coef()[term])
        p, min_p, sets, tried, enumerated = randomization_p(
            panel, blocs, b, estimate, draws=placebo_draws, seed=series_seed(seed, ("did", b))
        )
        low, high = fit.confint(alpha=1 - CONFIDENCE).loc[term]
        how = "every set" if enumerated else "drawn at random"
        failed = f", {tried - sets} not identified" if sets < tried else ""
        note = (
            f"randomization p over {sets} placebo blocs of {len(blocs[b])} spokes ({how}"
            f"{failed}); "
            f"cluster-robust p {fit.pvalue()[term]:.3g}; treated flows: {', '.join(pairs)}"
        )
        rows.append(
            _row(
                "did", term, fit._N, note, estimate=estimate, se=float(fit.se()[term]),
                ci_low=float(low), ci_high=float(high), p_value=p, min_p=min_p,
            )
        )  # fmt: skip
        rows += event_study(panel, blocs, b, leads=leads, lags=lags)
    for states in leave_out:
        kept = panel[~panel["exporter"].isin(states) & ~panel["importer"].isin(states)]
        sub = _fit(_terms(blocs, kept), regressors) if _beyond_singletons(kept) else None
        for b in blocs:
            term = f"bloc_x_{b}_without_{'_'.join(states)}"
            if sub is None:
                rows.append(_row("did", term, len(kept), "not identified without these states"))
                continue
            low, high = sub.confint(alpha=1 - CONFIDENCE).loc[f"bloc_x_{b}"]
            rows.append(
                _row(
                    "did", term, sub._N, "leave-out sensitivity; cluster-robust p",
                    estimate=float(sub.coef()[f"bloc_x_{b}"]),
                    se=float(sub.se()[f"bloc_x_{b}"]), ci_low=float(low), ci_high=float(high),
                    p_value=float(sub.pvalue()[f"bloc_x_{b}"]), min_p=0.0,
                )
            )  # fmt: skip
    return pd.DataFrame(rows, columns=TEST_COLUMNS)


# --- the gravity benchmark ----------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
BENCHMARK_TERMS = (
    "log_gdp_exporter",
    "log_gdp_importer",
    "log_distance",
    "contiguous",
    "landlocked_exporter",
    "landlocked_importer",
)


SHARE_COLUMNS = ["year", "measure", "observed", "predicted", "ratio", "n_flows"]
FIT_COLUMNS = ["term", "estimate", "se", "ci_low", "ci_high", "p_value", "n_obs", "n_dropped"]


def distance_km(lat_a, lon_a, lat_b, lon_b) -> np.ndarray:
    """Great-circle distance (haversine) between points given in degrees."""
    lat_a, lon_a, lat_b, lon_b = map(np.radians, (lat_a, lon_a, lat_b, lon_b))
    h = np.sin((lat_b - lat_a) / 2) ** 2
    h += np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def benchmark_panel(
    edges: pd.DataFrame, gdp: pd.DataFrame, geography: pd.DataFrame, borders: pd.DataFrame
) -> pd.DataFrame:
    """Every known directed flow of the ``trade_flow`` layer (the hub's too) with the
    covariates of the gravity benchmark; a flow whose exporter or importer has no GDP that
    year, or no coordinates, has missing covariates (never zero)."""
    flows = edges[(edges["layer"] == FLOW_LAYER) & edges["weight"].notna()]
    panel = pd.DataFrame(
        {
            "year": flows["year"].to_numpy(dtype=np.int64),
            "exporter": flows["source"].astype(str).to_numpy(),
            "importer": flows["target"].astype(str).to_numpy(),
            "value": flows["weight"].to_numpy(dtype=np.float64),
        }
    )
    size = gdp.assign(state=gdp["state"].astype(str)).set_index(["state", "year"])["gdp_usd_m"]
    place = geography.assign(state=geography["state"].astype(str)).set_index("state")
    for side in ("exporter", "importer"):
        keys = pd.MultiIndex.from_arrays([panel[side], panel["year"]])
        panel[f"log_gdp_{side}"] = np.log(size.reindex(keys).to_numpy())
        panel[f"landlocked_{side}"] = place["landlocked"].reindex(panel[side]).to_numpy(float)
    ends = [place.reindex(panel[side]) for side in ("exporter", "importer")]
    panel["log_distance"] = np.log(
        distance_km(
            ends[0]["latitude"].to_numpy(),
            ends[0]["longitude"].to_numpy(),
            ends[1]["latitude"].to_numpy(),
            ends[1]["longitude"].to_numpy(),
        )
    )
    pairs = {frozenset(p) for p in zip(borders["state_a"], borders["state_b"], strict=True)}
    panel["contiguous"] = [
        float(frozenset(p) in pairs) for p in zip(panel["exporter"], panel["importer"], strict=True)
    ]
    panel["pair"] = panel["exporter"] + ">" + panel["importer"]
    return panel


def gravity_benchmark(panel: pd.DataFrame, hub: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(shares, fit)``: PPML of the flows on the GDPs, distance, contiguity and
    landlockedness with year effects, pair-clustered; per year the hub's share and the spokes'
    share of the flows among the states, observed and predicted (on the flows the model could
    predict), and the coefficients."""
    usable = panel.dropna(subset=list(BENCHMARK_TERMS)).reset_index(drop=True)
    if usable.empty:  # no trade_flow layer, or no GDP: nothing to compare (empty tables)
        return pd.DataFrame(columns=SHARE_COLUMNS), pd.DataFrame(columns=FIT_COLUMNS)
    formula = f"value ~ {' + '.join(BENCHMARK_TERMS)} | year"
    fit = pf.fepois(formula, data=usable, vcov={"CRV1": "pair"}, **TOLERANCES)
    usable["predicted"] = fit.predict(type="response", atol=1e-12, btol=1e-12)
    hub_flow = (usable["exporter"] == hub) | (usable["importer"] == hub)
    rows = []
    for year, group in usable.groupby("year", sort=True):
        within = hub_flow.loc[group.index]
        for measure, part in (("hub_share", within), ("spoke_share", ~within)):
            observed = group.loc[part, "value"].sum() / group["value"].sum()
            predicted = group.loc[part, "predicted"].sum() / group["predicted"].sum()
            rows.append((year, measure, observed, predicted, observed / predicted, len(group)))
    shares = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    coefficients = fit.tidy()
    table = pd.DataFrame(
        {
            "term": coefficients.index.astype(str),
            "estimate": coefficients["Estimate"].to_numpy(),
            "se": coefficients["Std. Error"].to_numpy(),
            "ci_low": coefficients["2.5%"].to_numpy(),
            "ci_high": coefficients["97.5%"].to_numpy(),
            "p_value": coefficients["Pr(>|t|)"].to_numpy(),
            "n_obs": len(usable),
            "n_dropped": len(panel) - len(usable),
        }
    )
    return shares, table
