"""Yearly network construction on tiny hand-made tables."""

import numpy as np
import pandas as pd
import pytest

from hubspoke import layers as registry
from hubspoke import networks
from hubspoke.settings import Networks

STATES = ["AAA", "BBB", "CCC"]


def trade_rows(rows):
    return pd.DataFrame(rows, columns=["reporter", "partner", "year", "flow", "value_usd_m"])


@pytest.fixture
def trade():
    nan = np.nan
    return trade_rows(
        [
            # AAA->BBB: exporter says 10, importer says 12
            ("AAA", "BBB", 2000, "export_fob", 10.0),
            ("BBB", "AAA", 2000, "import_cif", 12.0),
            # BBB->AAA: only the exporter reports (5)
            ("BBB", "AAA", 2000, "export_fob", 5.0),
            ("AAA", "BBB", 2000, "import_cif", nan),
            # CCC->AAA: only the importer reports (7); AAA->CCC: nobody reports
            ("AAA", "CCC", 2000, "import_cif", 7.0),
            # BBB<->CCC: reported zero one way, 3 the other way (exporter)
            ("BBB", "CCC", 2000, "export_fob", 0.0),
            ("CCC", "BBB", 2000, "export_fob", 3.0),
            # outside the states: ignored
            ("AAA", "ZZZ", 2000, "export_fob", 99.0),
        ]
    )


def test_reconcile_importer_first(trade):
    f = networks.reconcile_flows(trade, STATES, [2000], "importer_first")
    f = f.set_index(["exporter", "importer"])
    assert len(f) == 6  # every ordered pair of 3 states is a row
    assert f.loc[("AAA", "BBB"), "value_usd_m"] == 12.0
    assert f.loc[("AAA", "BBB"), "weight_source"] == "importer"
    assert f.loc[("BBB", "AAA"), "value_usd_m"] == 5.0
    assert f.loc[("BBB", "AAA"), "weight_source"] == "exporter"
    assert f.loc[("CCC", "AAA"), "value_usd_m"] == 7.0
    assert np.isnan(f.loc[("AAA", "CCC"), "value_usd_m"])
    assert f.loc[("AAA", "CCC"), "weight_source"] == "missing"


def test_reconcile_exporter_first_and_max(trade):
    exp = networks.reconcile_flows(trade, STATES, [2000], "exporter_first")
    exp = exp.set_index(["exporter", "importer"])["value_usd_m"]
    assert exp[("AAA", "BBB")] == 10.0
    assert exp[("CCC", "AAA")] == 7.0  # falls back to the importer
    mx = networks.reconcile_flows(trade, STATES, [2000], "max")
    mx = mx.set_index(["exporter", "importer"])["value_usd_m"]
    assert mx[("AAA", "BBB")] == 12.0


def test_reconcile_puts_a_fallback_report_on_the_rule_basis(trade):
    imp = networks.reconcile_flows(trade, STATES, [2000], "importer_first", cif_fob_factor=1.1)
    imp = imp.set_index(["exporter", "importer"])["value_usd_m"]
    assert imp[("AAA", "BBB")] == 12.0  # the importer's CIF report as it is
    assert imp[("BBB", "AAA")] == pytest.approx(5.5)  # the exporter's FOB 5 x 1.1
    exp = networks.reconcile_flows(trade, STATES, [2000], "exporter_first", cif_fob_factor=1.1)
    exp = exp.set_index(["exporter", "importer"])["value_usd_m"]
    assert exp[("AAA", "BBB")] == 10.0
    assert exp[("CCC", "AAA")] == pytest.approx(7.0 / 1.1)  # the importer's CIF on FOB basis
    # max compares on the CIF basis: 10 x 1.3 = 13 beats the importer's 12
    mx = networks.reconcile_flows(trade, STATES, [2000], "max", cif_fob_factor=1.3)
    mx = mx.set_index(["exporter", "importer"])
    assert mx.loc[("AAA", "BBB"), "value_usd_m"] == pytest.approx(13.0)
    assert mx.loc[("AAA", "BBB"), "weight_source"] == "exporter"


def test_one_report_rules_never_switch_source(trade):
    imp = networks.reconcile_flows(trade, STATES, [2000], "importer_only", cif_fob_factor=1.1)
    imp = imp.set_index(["exporter", "importer"])
    assert imp.loc[("AAA", "BBB"), "value_usd_m"] == 12.0
    # BBB->AAA has only the exporter's report: unknown, not the exporter's figure
    assert np.isnan(imp.loc[("BBB", "AAA"), "value_usd_m"])
    assert set(imp["weight_source"]) == {"importer", "missing"}
    exp = networks.reconcile_flows(trade, STATES, [2000], "exporter_only")
    assert set(exp["weight_source"]) == {"exporter", "missing"}
    with pytest.raises(ValueError, match="unknown reconciliation"):
        networks.reconcile_flows(trade, STATES, [2000], "importer")


def test_source_switches_are_flagged_year_on_year():
    edges = pd.DataFrame(
        {
            "year": [2000, 2001, 2002, 2003, 2005, 2000, 2001],
            "layer": ["trade"] * 5 + ["treaty"] * 2,
            "source": "AAA",
            "target": "BBB",
            "weight": [1.0, 2.0, np.nan, 4.0, 5.0, 1.0, 1.0],
            "weight_source": [
                "importer",
                "exporter",
                "missing",
                "exporter",
                "importer",
                None,
                None,
            ],
        }
    )
    flagged = networks.flag_source_switches(edges)
    got = flagged["source_switch"].tolist()
    # 2000: first year; 2001: importer -> exporter; 2002: unknown; 2003: the year before is
    # unknown; 2005: 2004 absent; treaty rows: not a trade layer
    assert got[:2] == [pd.NA, True] and all(v is pd.NA for v in got[2:])
    assert flagged["source_switch"].dtype == "boolean"
    same = edges.assign(weight_source=["importer"] * 5 + [None, None], year=range(2000, 2007))
    assert networks.flag_source_switches(same)["source_switch"].tolist()[1:5] == [False] * 4


def test_source_switches_equal_a_groupby_over_the_pairs():
    """The vectorised flags against the plain pandas formulation, on random edges."""
    rng = np.random.default_rng(7)
    n = 4000
    edges = pd.DataFrame(
        {
            "year": rng.integers(2000, 2012, n),
            "layer": rng.choice(["trade", "trade_flow", "treaty"], n),
            "source": rng.choice(list("ABCDE"), n),
            "target": rng.choice(list("FGHIJ"), n),
            "weight_source": rng.choice(["importer", "exporter", "mixed", "missing", None], n),
        }
    ).drop_duplicates(["year", "layer", "source", "target"], ignore_index=True)
    known = edges[edges["weight_source"].notna() & (edges["weight_source"] != "missing")]
    known = known.sort_values(["layer", "source", "target", "year"])
    pair = [known[c] for c in ("layer", "source", "target")]
    previous = known.groupby(pair, sort=False)["weight_source"].shift()
    consecutive = known.groupby(pair, sort=False)["year"].diff() == 1
    expected = (known["weight_source"] != previous).where(previous.notna() & consecutive)
    expected = expected.reindex(edges.index).astype("boolean")
    got = networks.flag_source_switches(edges)["source_switch"]
    pd.testing.assert_series_equal(got, expected, check_names=False)
    assert got.notna().sum() > 100 and got.sum() > 50  # both kinds of value occur
    assert "source_switch" not in edges  # the input is left as it was


def test_reconcile_never_invents_a_value_when_both_reports_missing(trade):
    for rule in ("importer_first", "exporter_first", "max"):
        f = networks.reconcile_flows(trade, STATES, [2000, 2001], rule)
        both_missing = f["fob"].isna() & f["cif"].isna()
        assert f.loc[both_missing, "value_usd_m"].isna().all()
        assert (f.loc[both_missing, "weight_source"] == "missing").all()
        # 2001 has no reports at all: every flow missing, none zero
        assert f.loc[f["year"] == 2001, "value_usd_m"].isna().all()


def _inputs(trade, treaties=None, memberships=None, organisations=None):
    world = pd.DataFrame(
        [
            (s, 2000, flow, v)
            for s, v in zip(STATES, [100.0, 50.0, 40.0], strict=True)
            for flow in ("export_fob", "import_cif")
        ],
        columns=["reporter", "year", "flow", "value_usd_m"],
    )
    empty_t = pd.DataFrame(
        {c: pd.Series(dtype="datetime64[ns]") for c in ["signed", "in_force", "ended"]}
    ).assign(state_a=pd.Series(dtype=str), state_b=pd.Series(dtype=str))
    empty_m = pd.DataFrame(
        {
            "org_id": pd.Series(dtype=str),
            "state": pd.Series(dtype=str),
            "kind": pd.Series(dtype=str),
            "start": pd.Series(dtype="datetime64[ns]"),
            "end": pd.Series(dtype="datetime64[ns]"),
        }
    )
    orgs = pd.DataFrame(
        {
            "org_id": ["U", "F"],
            "depth": [4, 0],
            "leader": pd.array(["AAA", None], dtype="string"),
            "scope": ["regional_post_soviet", "regional_other"],
            "implemented": pd.array(["yes", None], dtype="string"),
        }
    )
    return {
        "trade": trade,
        "trade_world": world,
        "treaties": empty_t if treaties is None else treaties,
        "memberships": empty_m if memberships is None else memberships,
        "organisations": orgs if organisations is None else organisations,
    }


def _build(
    inputs, layers, rule="any_day", scopes=("regional_post_soviet", "regional_other"), hub="AAA"
):
    settings = Networks.from_params(
        {
            "states": STATES,
            "hub": hub,
            "layers": layers,
            "rule": rule,
            "reconciliation": "importer_first",
            "cif_fob_factor": 1.0,
            "membership_kinds": ["full"],
            "membership_scopes": list(scopes),
            "membership_implementation": ["yes", "partial", "no"],
            "subregions": [
                {"group": "x", "states": ["AAA", "BBB"]},
                {"group": "y", "states": ["CCC"]},
            ],
        }
    )
    return registry.build_networks(inputs, [2000], settings)


def test_undirected_trade_keeps_missing_pairs_missing(trade):
    edges = _build(_inputs(trade), ["trade"])["edges"].set_index(["source", "target"])
    # AAA-BBB: 12 (importer) + 5 (exporter) = 17, from different reports
    assert edges.loc[("AAA", "BBB"), "weight"] == 17.0
    assert edges.loc[("AAA", "BBB"), "weight_source"] == "mixed"
    # AAA-CCC: CCC->AAA = 7 but AAA->CCC unreported: the total is unknown, not 7
    assert np.isnan(edges.loc[("AAA", "CCC"), "weight"])
    assert edges.loc[("AAA", "CCC"), "weight_source"] == "missing"
    # BBB-CCC: 0 + 3 = 3, both from the exporters
    assert edges.loc[("BBB", "CCC"), "weight"] == 3.0
    assert edges.loc[("BBB", "CCC"), "weight_source"] == "exporter"


def test_trade_flow_keeps_reported_zeros_and_missing(trade):
    built = _build(_inputs(trade), ["trade_flow"])
    edges = built["edges"].set_index(["source", "target"])
    assert edges.loc[("BBB", "CCC"), "weight"] == 0.0  # reported zero: a row, not a tie
    nodes = built["nodes"].set_index("node")
    # total degree: BBB->AAA, AAA->BBB, CCC->BBB; the reported zero BBB->CCC is no tie
    assert nodes.loc["BBB", "degree"] == 3
    assert np.isnan(edges.loc[("AAA", "CCC"), "weight"])
    assert edges.loc[("CCC", "BBB"), "weight"] == 3.0


def test_trade_dependence_is_the_pair_trade_over_the_world_total(trade):
    # World totals: AAA 100 + 100, BBB 50 + 50, CCC 40 + 40 (exports + imports)
    edges = _build(_inputs(trade), ["trade_dependence"])["edges"]
    edges = edges.set_index(["source", "target"])
    assert len(edges) == 6  # every ordered pair, directed
    assert edges.loc[("AAA", "BBB"), "weight"] == 17.0 / 200  # AAA-BBB trade is 17
    assert edges.loc[("BBB", "AAA"), "weight"] == 17.0 / 100
    assert edges.loc[("CCC", "BBB"), "weight"] == 3.0 / 80
    assert edges.loc[("BBB", "AAA"), "weight_source"] == "mixed"
    # unknown trade stays unknown in both directions
    assert np.isnan(edges.loc[("AAA", "CCC"), "weight"])
    assert np.isnan(edges.loc[("CCC", "AAA"), "weight"])


def test_unknown_as_nan_marks_only_unknown_pairs(trade):
    edges = _build(_inputs(trade), ["trade_dependence"])["edges"]
    W = registry.adjacency(edges, STATES, "trade_dependence")
    assert W[0, 2] == 0.0  # adjacency reads an unknown pair as no tie
    D = registry.unknown_as_nan(W, edges, STATES, "trade_dependence")
    assert np.isnan(D[0, 2]) and np.isnan(D[2, 0])
    assert D[1, 0] == 17.0 / 100 and not np.isnan(D[1, 2])


def _date(s):
    return pd.Timestamp(s) if s else pd.NaT


def test_treaty_counts_and_activity_rules(trade):
    treaties = pd.DataFrame(
        [
            ("AAA", "BBB", "1999-01-01", "1999-06-01", None),  # in force all year
            ("AAA", "BBB", "2000-03-01", None, None),  # no in_force: counts from signature
            ("AAA", "CCC", "1995-01-01", "1995-01-01", "2000-08-01"),  # ends mid-year
            ("BBB", "CCC", "2001-01-01", "2001-01-01", None),  # not yet
        ],
        columns=["state_a", "state_b", "signed", "in_force", "ended"],
    )
    for c in ("signed", "in_force", "ended"):
        treaties[c] = pd.to_datetime(treaties[c])
    any_day = _build(_inputs(trade, treaties=treaties), ["treaty"])["edges"]
    w = any_day.set_index(["source", "target"])["weight"]
    assert w.to_dict() == {("AAA", "BBB"): 2.0, ("AAA", "CCC"): 1.0}
    year_end = _build(_inputs(trade, treaties=treaties), ["treaty"], rule="year_end")["edges"]
    w = year_end.set_index(["source", "target"])["weight"]
    assert w.to_dict() == {("AAA", "BBB"): 2.0}  # AAA-CCC ended before 31 December


def test_membership_layers_and_bloc_partition(trade):
    rows = [
        ("U", "AAA", "full", "1999-01-01", None),
        ("U", "BBB", "full", "2000-12-31", None),
        ("U", "CCC", "observer", "1999-01-01", None),  # observers do not count
        ("F", "AAA", "full", "1990-01-01", None),
        ("F", "BBB", "full", "1990-01-01", None),
        ("F", "CCC", "full", "1990-01-01", "1999-12-31"),  # left before 2000
    ]
    m = pd.DataFrame(rows, columns=["org_id", "state", "kind", "start", "end"])
    m["start"], m["end"] = pd.to_datetime(m["start"]), pd.to_datetime(m["end"])
    built = _build(_inputs(trade, memberships=m), ["membership", "membership_depth"])
    w = built["edges"].set_index(["layer", "source", "target"])["weight"].to_dict()
    # AAA and BBB share U (depth 4) and F (depth 0)
    assert w == {("membership", "AAA", "BBB"): 2.0, ("membership_depth", "AAA", "BBB"): 4.0}
    bloc = built["partitions"].query("partition == 'bloc'").set_index("node")["group"]
    assert bloc.to_dict() == {"AAA": "depth_4", "BBB": "depth_4", "CCC": "depth_0"}
    # the bloc partition counts the bodies led by the configured hub: U is led by AAA
    other = _build(_inputs(trade, memberships=m), ["membership"], hub="BBB")["partitions"]
    assert set(other.query("partition == 'bloc'")["group"]) == {"depth_0"}


def test_membership_scopes_and_implementation_select_organisations(trade):
    rows = [(org, state, "full", "1990-01-01", None) for org in "UF" for state in STATES]
    m = pd.DataFrame(rows, columns=["org_id", "state", "kind", "start", "end"])
    m["start"], m["end"] = pd.to_datetime(m["start"]), pd.to_datetime(m["end"])
    inputs = _inputs(trade, memberships=m)

    def weights(scopes):
        edges = _build(inputs, ["membership"], scopes=scopes)["edges"]
        return set(edges["weight"])

    assert weights(["regional_post_soviet", "regional_other"]) == {2.0}  # U and F
    assert weights(["regional_post_soviet"]) == {1.0}  # F (regional_other) is no tie
    assert weights(["global"]) == set()  # no organisation of that scope: no ties
    # bloc partition follows the same organisations: U out of scope -> depth_0
    bloc = _build(inputs, ["membership"], scopes=["regional_other"])["partitions"]
    assert set(bloc.query("partition == 'bloc'")["group"]) == {"depth_0"}
    orgs = inputs["organisations"]
    # implementation: U (record "yes") drops when only "no" counts; F (depth 0, no record) stays
    assert networks.counted_organisations(
        orgs, ["regional_post_soviet", "regional_other"], ["no"]
    ).tolist() == ["F"]
    assert networks.counted_organisations(
        orgs, ["regional_post_soviet", "regional_other"], ["yes"]
    ).tolist() == ["U", "F"]


def test_nodes_have_strength_degree_and_world_base(trade):
    nodes = _build(_inputs(trade), ["trade"])["nodes"].set_index("node")
    # AAA: 17 with BBB; the missing AAA-CCC pair adds nothing
    assert nodes.loc["AAA", "strength"] == 17.0
    assert nodes.loc["AAA", "degree"] == 1
    assert nodes.loc["AAA", "binarisation_base"] == 200.0  # exports 100 + imports 100
    assert nodes.loc["AAA", "is_hub"]


def test_adjacency_and_binarise_share_rule():
    edges = pd.DataFrame(
        {
            "layer": ["trade", "trade"],
            "source": ["AAA", "BBB"],
            "target": ["BBB", "CCC"],
            "weight": [10.0, np.nan],
        }
    )
    W = registry.adjacency(edges, STATES, "trade")
    assert W.tolist() == [[0, 10, 0], [10, 0, 0], [0, 0, 0]]
    # AAA's World total is 200: 10/200 = 0.05 passes 0.05; BBB's is 100: 10/100 passes;
    # CCC has no World total: no outgoing ties
    B = registry.binarise(W, "trade", 0.05, np.array([200.0, 100.0, np.nan]))
    assert B.tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    B = registry.binarise(W, "trade", 0.06, np.array([200.0, 100.0, np.nan]))
    assert B.tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 0]]
    C = registry.binarise(np.array([[0, 2.0], [2.0, 0]]), "treaty", 2, None)
    assert C.tolist() == [[0, 1], [1, 0]]
