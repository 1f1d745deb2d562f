"""Validate the workflow configuration: JSON-schema checks plus the rules a schema cannot say."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import yaml

from hubspoke.errors import InputError


def _with_defaults(validator_class):
    """A validator that fills in schema ``default`` values while it validates."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub:
                    instance.setdefault(name, copy.deepcopy(sub["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


_Validator = _with_defaults(jsonschema.Draft202012Validator)


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def validate_config(config: Mapping, schema_path: str | Path, source: str = "config") -> dict:
    """Return a copy of ``config`` with defaults filled in, or raise ``InputError``.

    Checks the schema first (unknown keys, wrong types), then the cross-field rules: the hub
    is one of the states, years are ordered, every break lies strictly inside the years (so
    no period is empty), each binarisation list contains its default threshold, and the
    brokerage subregions partition the states.
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    cfg = copy.deepcopy(dict(config))
    error = jsonschema.exceptions.best_match(_Validator(schema).iter_errors(cfg))
    if error is not None:
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            raise InputError(
                source, "unknown configuration key", key=_key([*error.absolute_path, *unknown[:1]])
            )
        raise InputError(
            source,
            error.message.splitlines()[0],
            key=_key(error.absolute_path),
            value=error.instance if not isinstance(error.instance, dict) else None,
        )
    _check_cross_fields(cfg, source)
    return cfg


def _check_cross_fields(cfg: dict, source: str) -> None:
    states = cfg["states"]
    if cfg["hub"] not in states:
        raise InputError(source, "the hub must be one of the states", key="hub", value=cfg["hub"])
    start, end = cfg["years"]["start"], cfg["years"]["end"]
    if start > end:
        raise InputError(source, "years.start is after years.end", key="years.start", value=start)
    breaks = cfg["breaks"]
    if breaks != sorted(breaks):
        raise InputError(source, "breaks must be in increasing order", key="breaks", value=breaks)
    for b in breaks:
        if not start < b <= end:
            raise InputError(
                source,
                f"each break must lie in ({start}, {end}] so that no period is empty",
                key="breaks",
                value=b,
            )
    for layer in cfg["layers"]:
        rule = cfg["binarisation"].get(layer)
        if rule is None:
            raise InputError(
                source, "no binarisation rule for this layer", key=f"binarisation.{layer}"
            )
        if rule["threshold"] not in rule["sensitivity"]:
            raise InputError(
                source,
                "the default threshold must be one of the sensitivity thresholds",
                key=f"binarisation.{layer}.threshold",
                value=rule["threshold"],
            )
    seen: dict[str, str] = {}
    for i, entry in enumerate(cfg["brokerage"]["subregions"]):
        group = entry["group"]
        for state in entry["states"]:
            if state not in states:
                raise InputError(
                    source,
                    "subregion member is not one of the states",
                    key=f"brokerage.subregions.{i}.states",
                    value=state,
                )
            if state in seen:
                raise InputError(
                    source,
                    f"state is already in subregion {seen[state]!r}",
                    key=f"brokerage.subregions.{i}.states",
                    value=state,
                )
            seen[state] = group
    missing = [s for s in states if s not in seen]
    if missing:
        raise InputError(
            source,
            "state is in no brokerage subregion",
            key="brokerage.subregions",
            value=missing[0],
        )
