"""World Bank GDP in current US dollars (World Development Indicators, NY.GDP.MKTP.CD).

File ``gdp.csv`` of the Open Knowledge / datahub core data package ``gdp``:
``Country Name, Country Code, Year, Value``, one row per economy and year, 1960-2023.
World Bank data: CC BY 4.0, "World Bank, World Development Indicators, GDP (current US$)".

Quirks: aggregates (``WLD`` World, regions such as ``ECS``, income groups, ``EUU``) share the
file with the countries; their codes are not ISO 3166-1 codes and are left out, as is ``CHI``
(Channel Islands, no ISO3 code). Kosovo is ``XKX`` as in :func:`hubspoke.countries.iso3_codes`.
Years before a state's first figure (Estonia before 1993, Latvia and Lithuania before 1995) have
no row: they stay absent, never zero. Values are converted to USD millions, the unit of the
trade tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hubspoke.countries import iso3_codes
from hubspoke.sources.cells import read_text_table, report_first, require_columns, to_int

SOURCE = "World Bank WDI NY.GDP.MKTP.CD"
_COLUMNS = ("Country Name", "Country Code", "Year", "Value")


def read_worldbank_gdp(path: Path | str) -> pd.DataFrame:
    """Country rows ``[state, year, gdp_usd_m]`` sorted by state and year (USD millions).

    A value that is empty, not a positive finite number, or a second row for one economy and
    year raises ``InputError`` naming the file line.
    """
    table = read_text_table(path)
    require_columns(table, _COLUMNS, path)
    code = table["Country Code"].str.strip()
    table = table[code.isin(iso3_codes())]
    year = to_int(table["Year"], path, "Year", required=True)
    value = pd.to_numeric(table["Value"].str.strip(), errors="coerce")
    report_first(~(value > 0) | ~np.isfinite(value), table["Value"], path, "Value",
                 "not a positive finite number")  # fmt: skip
    frame = pd.DataFrame(
        {
            "state": table["Country Code"].str.strip().astype("string"),
            "year": year.astype("int64"),
            "gdp_usd_m": table["Value"].str.strip().astype(np.float64) / 1e6,
        }
    )
    twice = frame.duplicated(["state", "year"])
    report_first(twice, table["Year"], path, "Year", "second row for the economy and year")
    return frame.sort_values(["state", "year"], kind="stable").reset_index(drop=True)
