"""Country geography from mledoze/countries (``countries.json``; ODbL 1.0, attribute
"mledoze/countries"): an approximate centre, land borders, landlocked, area.

One JSON object per country or territory with ``cca3`` (ISO3), ``latlng`` ([latitude,
longitude], a rounded country centre, not the capital), ``borders`` (ISO3 codes of today's land
neighbours), ``landlocked`` and ``area`` (km²). Quirks: Kosovo is ``UNK`` here and ``XKX`` in
:func:`hubspoke.countries.iso3_codes` (and the World Bank), so ``UNK`` is read as ``XKX``;
borders are today's, so they do not describe historical states; an ``area`` of -1 means
unknown (Svalbard and Jan Mayen) and is read as missing. Distances computed from the
centres are coarse: fine as a gravity control among distant states, not between neighbours.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from hubspoke.countries import iso3_codes
from hubspoke.errors import InputError

SOURCE = "mledoze/countries"
UNKNOWN_AREA = -1
RENAMED = {"UNK": "XKX"}  # Kosovo's user-assigned code in the source -> the code used here


def read_countries_json(path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(geography, borders)``: ``[state, latitude, longitude, landlocked, area_km2]`` per
    state and ``[state_a, state_b]`` per land border (``state_a < state_b``), both sorted.

    An unknown code or a malformed record raises ``InputError`` naming the record (its
    position in the array, from 1) and the field.
    """
    source = str(path)
    if not Path(path).is_file():
        raise InputError(source, "file not found")
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    known = iso3_codes()
    rows, borders = [], set()
    for number, record in enumerate(records, start=1):
        state = _code(record.get("cca3"), known, source, number, "cca3")
        latlng = record.get("latlng")
        if not (isinstance(latlng, list) and len(latlng) == 2 and _is_number(latlng)):
            raise InputError(source, "latlng must be [latitude, longitude]", row=number,
                             column="latlng", value=latlng)  # fmt: skip
        landlocked, area = record.get("landlocked"), record.get("area")
        if not isinstance(landlocked, bool):
            raise InputError(source, "must be true or false", row=number, column="landlocked",
                             value=landlocked)  # fmt: skip
        if area == UNKNOWN_AREA:
            area = math.nan
        elif not _is_number([area]) or area <= 0:
            raise InputError(source, "not a positive number", row=number, column="area",
                             value=area)  # fmt: skip
        rows.append((state, float(latlng[0]), float(latlng[1]), landlocked, float(area)))
        for neighbour in record.get("borders", []):
            other = _code(neighbour, known, source, number, "borders")
            borders.add(tuple(sorted((state, other))))
    geography = pd.DataFrame(
        rows, columns=["state", "latitude", "longitude", "landlocked", "area_km2"]
    ).astype({"state": "string"})
    if geography["state"].duplicated().any():
        twice = geography.loc[geography["state"].duplicated(), "state"].iloc[0]
        raise InputError(source, "second record for the state", column="cca3", value=twice)
    pairs = pd.DataFrame(sorted(borders), columns=["state_a", "state_b"], dtype="string")
    return geography.sort_values("state", ignore_index=True), pairs


def _code(value, known: frozenset[str], source: str, number: int, field: str) -> str:
    code = RENAMED.get(value, value)
    if code not in known:
        raise InputError(source, "unknown ISO3 country code", row=number, column=field,
                         value=value)  # fmt: skip
    return code


def _is_number(values) -> bool:
    return all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )
