"""The explorer: a self-contained page, checked in a real browser (headless Chromium from
Debian's packages, driven by selenium) on the tiny workflow run: the slider and the layer switch
redraw the network with the node and tie counts of edges.parquet, and the console stays clean.
The browser tests skip when chromium, chromedriver or selenium is missing."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hubspoke.stages import explorer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
nan = np.nan


# --- the page without a browser -------------------------------------------------------------


def _tables():
    edges = pd.DataFrame(
        [
            (2000, "trade", "AAA", "BBB", 5.0),
            (2000, "trade", "AAA", "CCC", nan),
            (2001, "trade", "AAA", "BBB", 0.0),
            (2001, "trade", "BBB", "CCC", 2.5),
        ],
        columns=["year", "layer", "source", "target", "weight"],
    ).assign(weight_source="importer")
    nodes = pd.DataFrame(
        [(y, "trade", s, s == "BBB") for y in (2000, 2001) for s in ("AAA", "BBB", "CCC", "DDD")],
        columns=["year", "layer", "node", "is_hub"],
    )
    partitions = pd.DataFrame(
        [
            (2000, "subregions", s, g)
            for s, g in [("AAA", "Z"), ("BBB", "Y"), ("CCC", "Y"), ("DDD", "X")]
        ],
        columns=["year", "partition", "node", "group"],
    )
    hub = pd.DataFrame(
        [
            (2000, "trade", "weighted", nan, "hub_share", 0.6),
            (2001, "trade", "weighted", nan, "hub_share", nan),
            (2000, "trade", "binary", 0.05, "star_likeness", 0.2),
            (2000, "trade", "binary", 0.1, "star_likeness", 0.9),
        ],
        columns=["year", "layer", "variant", "threshold", "metric", "value"],
    )
    claims = pd.DataFrame([dict.fromkeys(explorer.CLAIM_COLUMNS, "x") | {"p_value": nan}])
    return edges, nodes, partitions, hub, claims


def test_data_keeps_unknown_weights_drops_zero_ties_and_places_states_stably():
    edges, nodes, partitions, hub, claims = _tables()
    data = explorer.explorer_data(
        edges, nodes, partitions, hub, claims, hub="BBB", breaks=[2001], thresholds={"trade": 0.05}
    )
    # the hub first, then the subregions in the order of the partition (Z, Y, X), then ISO3
    assert [n["iso3"] for n in data["nodes"]] == ["BBB", "AAA", "CCC", "DDD"]
    assert [n["is_hub"] for n in data["nodes"]] == [True, False, False, False]
    net = data["networks"]["trade"]
    assert net["years"]["2000"] == [[1, 0, 5.0], [1, 2, None]]  # AAA-BBB 5, AAA-CCC unknown
    assert net["years"]["2001"] == [[0, 2, 2.5]]  # the reported zero AAA-BBB is no tie
    assert net["max_weight"] == 5.0 and net["directed"] is False
    series = {s["label"]: s["values"] for s in data["series"]["trade"]}
    assert series == {"hub_share": [0.6, None], "star_likeness (binary, ≥ 0.05)": [0.2, None]}
    assert data["claims"]["rows"][0][explorer.CLAIM_COLUMNS.index("p_value")] is None


def test_page_is_self_contained_and_embeds_the_data():
    edges, nodes, partitions, hub, claims = _tables()
    claims["evidence"] = "a </script> in the text"
    data = explorer.explorer_data(
        edges, nodes, partitions, hub, claims, hub="BBB", breaks=[2001], thresholds={"trade": 0.05}
    )
    page = explorer.explorer_html(data, "t")
    assert not re.search(r"(src|href)=", page)  # nothing loaded from elsewhere
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    assert page.count("</script>") == 2  # the embedded text cannot close the data element
    embedded = page.split('<script type="application/json" id="data">')[1].split("</script>")[0]
    assert json.loads(embedded) == data


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "headless Chromium not found (/usr/bin/chromium, /usr/bin/chromedriver): "
            "apt-get install chromium chromium-driver"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,1100")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def drawn(driver):
    """What the page draws: the SVG's data attributes and the elements actually in it."""
    svg = driver.find_element("id", "network")
    return {
        "layer": svg.get_attribute("data-layer"),
        "year": int(svg.get_attribute("data-year")),
        "nodes": int(svg.get_attribute("data-nodes")),
        "edges": int(svg.get_attribute("data-edges")),
        "missing": int(svg.get_attribute("data-missing")),
        "node_elements": len(driver.find_elements("css selector", "#network .node circle")),
        "tie_elements": len(driver.find_elements("css selector", "#network path.tie")),
        "missing_elements": len(driver.find_elements("css selector", "#network path.tie.missing")),
    }


def expected(edges, nodes, layer, year):
    e = edges[(edges["layer"] == layer) & (edges["year"] == year)]
    ties = e[e["weight"].isna() | (e["weight"] != 0)]
    n = nodes[(nodes["layer"] == layer) & (nodes["year"] == year)]
    return len(n), len(ties), int(ties["weight"].isna().sum())


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_explorer_in_chromium_matches_the_edges_table(browser, tiny_run, tmp_path_factory):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    results = tiny_run / "results"
    page = results / "explorer.html"
    edges = pd.read_parquet(results / "networks" / "edges.parquet")
    nodes = pd.read_parquet(results / "networks" / "nodes.parquet")
    years = sorted(int(y) for y in nodes["year"].unique())
    shots = tmp_path_factory.mktemp("explorer_screenshots")

    browser.get(page.as_uri())
    assert console_errors(browser) == []
    layers = [o.get_attribute("value") for o in Select(browser.find_element("id", "layer")).options]
    assert layers == [
        "trade",
        "trade_flow",
        "trade_dependence",
        "treaty",
        "membership",
        "membership_depth",
    ]
    slider = browser.find_element("id", "year")
    checked = 0
    for layer in layers:
        Select(browser.find_element("id", "layer")).select_by_value(layer)
        slider.send_keys(Keys.HOME)
        for year in years:
            if year > years[0]:
                slider.send_keys(Keys.ARROW_RIGHT)  # moves the slider one year, as a user does
            got = drawn(browser)
            n_nodes, n_edges, n_missing = expected(edges, nodes, layer, year)
            assert (got["layer"], got["year"]) == (layer, year)
            assert got["nodes"] == got["node_elements"] == n_nodes == 6, (layer, year)
            assert got["edges"] == got["tie_elements"] == n_edges, (layer, year)
            assert got["missing"] == got["missing_elements"] == n_missing, (layer, year)
            assert browser.find_element("id", "year-label").text == str(year)
            checked += 1
        browser.save_screenshot(str(shots / f"{layer}.png"))
        charts = browser.find_elements("css selector", "#series svg.chart")
        assert charts, layer
    assert checked == len(layers) * len(years)
    rows = browser.find_elements("css selector", "#claims tbody tr")
    claims = pd.read_parquet(results / "tests" / "claims.parquet")
    assert len(rows) == len(claims)
    assert console_errors(browser) == []
    assert sorted(p.name for p in shots.iterdir()) == sorted(f"{layer}.png" for layer in layers)
