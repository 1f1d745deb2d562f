"""Property-based tests (hypothesis) of the importer and the measures."""

import csv
import math
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hubspoke.errors import InputError
from hubspoke.measures.brokerage import ROLES, brokerage_table
from hubspoke.measures.centralization import centralization
from hubspoke.networks import RECONCILIATIONS, reconcile_flows
from hubspoke.sources.build_raw import write_table
from hubspoke.validate import MAX_TRADE_USD_M, SCHEMAS, load_table

STATES = ["ARM", "BLR", "KAZ", "RUS"]
FLOWS = ["export_fob", "import_cif"]


# --- graphs --------------------------------------------------------------------------------------


@st.composite
def graphs(draw, *, directed: bool, weighted: bool, max_n: int = 7):
    """An adjacency matrix without loops: 0/1 or weights in [0, 100] with many zeros;
    symmetric unless ``directed``."""
    n = draw(st.integers(2, max_n))
    if weighted:
        weight = st.one_of(st.just(0.0), st.floats(0.01, 100, allow_nan=False))
        A = draw(arrays(float, (n, n), elements=weight))
    else:
        A = draw(arrays(float, (n, n), elements=st.sampled_from([0.0, 1.0])))
    if not directed:
        A = np.triu(A, 1)
        A = A + A.T
    np.fill_diagonal(A, 0.0)
    return A


def connected(A: np.ndarray) -> bool:
    """Every node reaches every other, ties taken in both directions."""
    n = len(A)
    reach = ((A + A.T) > 0).astype(int) + np.eye(n, dtype=int)
    return bool((np.linalg.matrix_power(reach, n) > 0).all())


def permuted(A: np.ndarray, order) -> np.ndarray:
    order = list(order)
    return A[np.ix_(order, order)]


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# (measure, weighted, directed) whose index the module bounds by 1 on every graph (not
# weighted eigenvector on digraphs: the module docstring bounds it for undirected graphs only)
ALWAYS_BOUNDED = [
    (measure, weighted, directed)
    for measure, weighted in [
        ("degree", False),
        ("strength", True),
        ("betweenness", False),
        ("betweenness", True),
        ("eigenvector", False),
        ("eigenvector", True),
    ]
    for directed in (False, True)
    if not (measure == "eigenvector" and weighted and directed)
]
# closeness only on connected graphs: on others it can exceed 1, as igraph's (module docstring)
CONNECTED_ONLY = [("closeness", w, d) for w in (False, True) for d in (False, True)]


@pytest.mark.parametrize(("measure", "weighted", "directed"), ALWAYS_BOUNDED + CONNECTED_ONLY)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_centralization_lies_in_0_1_and_ignores_node_labels(measure, weighted, directed, data):
    A = data.draw(graphs(directed=directed, weighted=weighted))
    if (measure, weighted, directed) in CONNECTED_ONLY:
        assume(connected(A))
    value = centralization(A, measure, directed=directed, weighted=weighted)
    assert math.isnan(value) or -1e-9 <= value <= 1 + 1e-9
    order = data.draw(st.permutations(range(len(A))))
    relabelled = centralization(permuted(A, order), measure, directed=directed, weighted=weighted)
    assert same(relabelled, value)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_brokerage_roles_split_every_open_two_path(data):
    """The five role counts of a node add up to its open two-paths a -> b -> c (a, b, c
    distinct, no a -> c), counted here without groups; the expected counts add up too."""
    A = data.draw(graphs(directed=True, weighted=False, max_n=8))
    n = len(A)
    groups = data.draw(st.lists(st.sampled_from("xyz"), min_size=n, max_size=n))
    table = brokerage_table(A, groups, [f"v{i}" for i in range(n)])
    wide = table.pivot(index="node", columns="role", values="count")
    expected = table.pivot(index="node", columns="role", values="expected")
    # open[a, c] = 1 when a != c and no a -> c; A's zero diagonal excludes a = b and b = c
    open_pair = 1.0 - A - np.eye(n)
    two_paths = np.einsum("ab,bc,ac->b", A, A, open_pair)
    nodes = [f"v{i}" for i in range(n)]
    np.testing.assert_array_equal(wide.loc[nodes, list(ROLES)].sum(axis=1), two_paths)
    np.testing.assert_array_equal(wide.loc[nodes, "total"], two_paths)
    np.testing.assert_allclose(
        expected[list(ROLES)].sum(axis=1), expected["total"], rtol=1e-9, atol=1e-12
    )


# --- reconciliation ------------------------------------------------------------------------------

reports = st.one_of(st.just(math.nan), st.floats(0, 1e6, allow_nan=False))


@st.composite
def trade_reports(draw):
    """Every (reporter, partner, flow) row among the states for one year, values possibly
    missing."""
    rows = [
        (r, p, f, draw(reports)) for r in STATES for p in STATES if r != p for f in FLOWS
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["reporter", "partner", "flow", "value_usd_m"])
    return frame.assign(year=2014)


@pytest.mark.parametrize("rule", RECONCILIATIONS)
@settings(max_examples=60, deadline=None)
@given(trade=trade_reports())
def test_reconciliation_never_invents_a_value(rule, trade):
    flows = reconcile_flows(trade, STATES, [2014], rule, cif_fob_factor=1.1)
    both_missing = flows["fob"].isna() & flows["cif"].isna()
    assert flows.loc[both_missing, "value_usd_m"].isna().all()
    assert (flows.loc[both_missing, "weight_source"] == "missing").all()
    value, fob, cif = flows["value_usd_m"], flows["fob"], flows["cif"]
    if rule.endswith("_only"):  # one kind of report, never the other
        own = cif if rule == "importer_only" else fob
        assert ((value == own) | (value.isna() & own.isna())).all()
        return
    assert value[~both_missing].notna().all()
    # a report as it is, or the other kind on the rule's basis (CIF = 1.1 x FOB)
    if rule == "exporter_first":
        allowed = (value == fob) | (value == cif / 1.1)
    else:
        allowed = (value == cif) | (value == fob * 1.1)
    assert allowed[~both_missing].all()


# --- the table importer --------------------------------------------------------------------------

values = st.one_of(
    st.just(math.nan),
    st.floats(0, MAX_TRADE_USD_M, allow_nan=False, allow_subnormal=False),
)
# text as validate reads it unchanged: no control or invisible formatting character, no
# surrounding space, Unicode NFC
texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cf")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s and unicodedata.normalize("NFC", s) == s)  # fmt: skip


@st.composite
def trade_tables(draw):
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(STATES),
                st.sampled_from(["CHN", "DEU", *STATES]),
                st.integers(1900, 2100),
                st.sampled_from(FLOWS),
            ),
            min_size=1,
            max_size=15,
            unique=True,
        )
    )
    n = len(keys)
    frame = pd.DataFrame(keys, columns=["reporter", "partner", "year", "flow"])
    frame["value_usd_m"] = draw(st.lists(values, min_size=n, max_size=n))
    frame["is_estimate"] = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    frame["source"] = draw(st.lists(texts, min_size=n, max_size=n))
    return frame.sort_values(["reporter", "partner", "year", "flow"], ignore_index=True)


@settings(max_examples=60, deadline=None)
@given(frame=trade_tables())
def test_trade_table_reads_back_exactly(tmp_path_factory, frame):
    """Written as data/raw is written and read back: the same values to the last bit, missing
    values still missing (never 0)."""
    path = tmp_path_factory.mktemp("roundtrip") / "trade.csv"
    loaded = write_table(frame, path, "trade")
    pd.testing.assert_frame_equal(
        loaded, frame.astype({c: "string" for c in ["reporter", "partner", "flow", "source"]})
    )


@settings(max_examples=60, deadline=None)
@given(frame=trade_tables(), data=st.data())
def test_a_bad_number_is_reported_at_its_line(tmp_path_factory, frame, data):
    path = tmp_path_factory.mktemp("corrupt") / "trade.csv"
    write_table(frame, path, "trade")
    lines = path.read_text(encoding="utf-8").split("\n")
    i = data.draw(st.integers(0, len(frame) - 1))
    bad = data.draw(st.sampled_from(["n/a", "1,5", "nan", "inf", "-1", "1e99", "12abc", "-"]))
    fields = lines[i + 1].split(",")
    fields[4] = f'"{bad}"' if "," in bad else bad
    lines[i + 1] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_table(path, "trade")
    assert (err.value.row, err.value.column, err.value.value) == (i + 2, "value_usd_m", bad)


# --- bad input in every table --------------------------------------------------------------------

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
BASE_ROWS = 6  # the first data rows of each committed table


def base_rows(table: str) -> tuple[list[str], list[list[str]]]:
    with (RAW / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        header, *rows = csv.reader(file)
    return header, [row for row in rows if all(row[:4])][:BASE_ROWS]


def csv_line(fields: list[str]) -> str:
    quote = any(c in f for f in fields for c in ',"\r\n')
    return ",".join(f'"{f.replace(chr(34), chr(34) * 2)}"' if quote else f for f in fields) + "\n"


def respellings(kind: str, value: str, code: bool = True) -> list[str]:
    """Other spellings of ``value`` in a column of ``kind``: each must be read as ``value``
    or rejected. Free text (``code`` false) may hold any letters, so a look-alike letter or
    another case is another text there, not another spelling."""
    padded = [f" {value}", f"{value} ", f"{value}\u00a0", f"\ufeff{value}"]
    if kind in ("int", "year"):
        return [*padded, f"0{value}", f"+{value}", f"{value}.0", f"{value}e0", f"00{value}"]
    if kind == "float":
        number = float(value)
        return [*padded, f"0{value}", f"+{value}", repr(number), f"{number:.17e}", f"{value}0"]
    if kind == "date":
        y, m, d = value.split("-")
        return [*padded, f"{y}-{int(m)}-{int(d)}", f"{y}/{m}/{d}", f"{y}{m}{d}", f"{value}T00:00"]
    composed = [unicodedata.normalize("NFD", value)]
    if not code:
        return [*padded, *composed]
    homoglyphs = value.replace("A", "\u0410").replace("E", "\u0415").replace("O", "\u041e")
    cases = [value.lower(), value.upper(), value.title()] if kind != "string" else []
    return [*padded, *composed, *cases, homoglyphs]


CONTROL = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]


@st.composite
def bad_tables(draw):
    """(table, header, rows, line, column, kind of change): a few committed rows with one field
    spelt another way, a control character put in it, or a row repeated with its key respelt."""
    table = draw(st.sampled_from(list(SCHEMAS)))
    header, rows = base_rows(table)
    schema = SCHEMAS[table]
    i = draw(st.integers(0, len(rows) - 1))
    row = list(rows[i])
    change = draw(st.sampled_from(["respell", "control", "duplicate"]))
    column = draw(st.sampled_from([c for c in header if row[header.index(c)]]))
    j = header.index(column)
    kind = schema.columns[column].kind
    if change == "respell":
        code = kind != "string" or column in schema.key
        row[j] = draw(st.sampled_from(respellings(kind, row[j], code)))
        rows = [*rows[:i], row, *rows[i + 1 :]]
    elif change == "control":
        at = draw(st.integers(0, len(row[j])))
        row[j] = row[j][:at] + draw(st.sampled_from(CONTROL)) + row[j][at:]
        rows = [*rows[:i], row, *rows[i + 1 :]]
    else:  # the row again, one of its key fields perhaps respelt
        if column in schema.key and draw(st.booleans()):
            row[j] = draw(st.sampled_from(respellings(kind, row[j])))
        rows, i = [*rows, row], len(rows)
    return table, header, rows, i + 2, column, change


@settings(max_examples=200, deadline=None)
@given(case=bad_tables())
def test_other_spellings_and_control_characters_are_read_the_same_or_rejected(
    tmp_path_factory, case
):
    """Every change is either read as the same typed table or stopped by one line naming the
    file and the row (and, for a field, its column); a repeated key never passes."""
    table, header, rows, line, column, change = case
    folder = tmp_path_factory.mktemp(table)
    good, bad = folder / "good.csv", folder / "bad.csv"
    good.write_text("".join(map(csv_line, [header, *base_rows(table)[1]])), encoding="utf-8")
    bad.write_text("".join(map(csv_line, [header, *rows])), encoding="utf-8")
    try:
        read = load_table(bad, table)
    except InputError as err:
        message = str(err)
        assert "\n" not in message and len(message) <= 1000
        assert message.startswith(f"{bad}, row {line}, "), message
        if change != "duplicate":
            assert f"column {column!r}" in message, message
        return
    assert change != "duplicate", "a repeated key was read"
    pd.testing.assert_frame_equal(read, load_table(good, table))
