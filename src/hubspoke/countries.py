"""Country codes: names, Correlates of War codes and ISO numeric codes to ISO 3166-1 alpha-3.

All conversions use the table of ``country_converter`` (coco). Two things are added on top:

* Historical entities (USSR, Yugoslavia, Czechoslovakia, ...) are never mapped to a successor
  state: coco's regular expressions would turn ``Czechoslovakia`` into ``CZE`` and both Yemens into
  ``YEM``. They map to ``None`` so callers report them instead of misattributing the flows.
* Correlates of War (COW) codes are derived from coco's Gleditsch-Ward codes (``GWcode``) plus one
  override table for the states whose COW code differs from the GW code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

import country_converter as coco
import pandas as pd

POST_SOVIET: tuple[str, ...] = (
    "ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU", "LVA", "MDA",
    "RUS", "TJK", "TKM", "UKR", "UZB",
)  # fmt: skip

# Names of entities that no longer exist; matched case-insensitively against the whole name.
# coco would map several of them to a successor (Czechoslovakia -> CZE, Yemen Arab Rep. -> YEM,
# Malaysia, West -> MYS); a flow with a dissolved state is not a flow with its successor.
_HISTORICAL = re.compile(
    r"czechoslovakia|ussr|soviet union|yugoslavia|serbia and montenegro|belgium-luxembourg"
    r"|eastern germany|german democratic|netherlands antilles|yemen arab rep"
    r"|yemen, people's dem|malaysia, west",
    re.IGNORECASE,
)

# COW state codes that differ from the Gleditsch-Ward codes in coco's table, ISO3 -> COW code.
# Source: Correlates of War Project (2017), State System Membership List v2016; Gleditsch & Ward
# (1999), "A revised list of independent states since the Congress of Vienna", International
# Interactions 25(4). coco's GWcode of Czechia (315) is GW's Czechoslovakia code and its Vietnam
# (817) / Yemen (680) codes are the codes of the historical South Vietnam / South Yemen.
COW_OVERRIDES: dict[str, int] = {
    "DEU": 255,  # GW 260 (COW 260 = German Federal Republic 1955-1990)
    "CZE": 316,  # GW 315 (COW 315 = Czechoslovakia)
    "SRB": 345,  # GW 340; COW 345 = Yugoslavia / Serbia and Montenegro / Serbia
    "YEM": 679,  # coco 680 (COW 680 = Yemen People's Republic)
    "VNM": 816,  # coco 817 (COW 817 = Republic of Vietnam)
    "KIR": 946,  # GW 970
    "TUV": 947,  # GW 973
    "TON": 955,  # GW 972
    "NRU": 970,  # GW 971
}


@cache
def _converter() -> coco.CountryConverter:
    return coco.CountryConverter()


def _table() -> pd.DataFrame:
    return _converter().data


@contextmanager
def _quiet_coco() -> Iterator[None]:
    """Silence coco's 'not found' warnings; unmapped names are reported by the callers."""
    logger = logging.getLogger("country_converter")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@cache
def iso3_codes() -> frozenset[str]:
    """ISO3 codes accepted by validation: coco's table (includes Kosovo ``XKX``)."""
    return frozenset(_table()["ISO3"].dropna().astype(str))


@cache
def _name_to_iso3(name: str) -> str | None:
    if _HISTORICAL.search(name):
        return None
    with _quiet_coco():
        found = _converter().convert(name, to="ISO3", not_found=None)
        if isinstance(found, list) and "," in name:
            # Ambiguous, e.g. "Aruba, Kingdom of the Netherlands" -> [ABW, NLD]: the territory
            # is named before the comma.
            found = _converter().convert(name.split(",")[0], to="ISO3", not_found=None)
    if isinstance(found, str) and found in iso3_codes():
        return found
    return None  # coco returns the input unchanged (or a list) when it finds no single match


def name_to_iso3(names: Iterable[str]) -> list[str | None]:
    """Country names (IMF DOTS spellings included) to ISO3; ``None`` for aggregates, historical
    entities and names coco does not recognise."""
    return [_name_to_iso3(str(name).strip()) for name in names]


@cache
def _cow_map() -> dict[int, str]:
    gw = _table().dropna(subset=["GWcode"])
    codes = dict(zip(gw["ISO3"], gw["GWcode"].astype(int), strict=True))
    codes.update(COW_OVERRIDES)
    return {code: iso3 for iso3, code in codes.items()}


def cow_to_iso3(codes: Iterable[int]) -> list[str | None]:
    """Correlates of War state codes to ISO3; ``None`` for codes of historical states.

    COW keeps one code across a state's history (365 = USSR and Russia, 345 = Yugoslavia,
    Serbia and Montenegro and Serbia); the code maps to today's state.
    """
    mapping = _cow_map()
    return [mapping.get(int(code)) for code in codes]


@cache
def _isonum_map() -> dict[int, str]:
    table = _table()
    return dict(zip(table["ISOnumeric"].astype(int), table["ISO3"], strict=True))


def isonum_to_iso3(codes: Iterable[int]) -> list[str | None]:
    """ISO 3166-1 numeric codes to ISO3; ``None`` for codes not in coco's table."""
    mapping = _isonum_map()
    return [mapping.get(int(code)) for code in codes]


@cache
def _name_map() -> dict[str, str]:
    table = _table()
    return dict(zip(table["ISO3"], table["name_short"], strict=True))


def iso3_to_name(codes: Iterable[str]) -> list[str | None]:
    """ISO3 codes to coco's short English names (``RUS`` -> ``Russia``); ``None`` for codes not
    in coco's table."""
    mapping = _name_map()
    return [mapping.get(code) for code in codes]
