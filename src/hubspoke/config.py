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


def validate_config(config: Mapping, schema_path: str | Path, source: str = "config") -> dict:
    """Return a copy of ``config`` with defaults filled in, or raise ``InputError``.

    Checks the schema first (unknown keys, wrong types), then the cross-field rules: the hub
    is one of the states, years are ordered, every break lies strictly inside the years (so
    no period is empty), each binarisation list contains its default threshold, and the
    brokerage subregions partition the states.
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    cfg = copy.deepcopy(dict(config))
    check_against_schema(cfg, schema, source=source, validator=_Validator(schema))
    _check_cross_fields(cfg, source)
    return cfg


def check_against_schema(
    instance, schema: Mapping, *, source: str, where: str = "", key: str = "", validator=None
) -> None:
    """Raise ``InputError`` for the most relevant schema violation of ``instance``, if any.

    ``where`` names the entry (e.g. ``check 'blr_rus_2013'``) and ``key`` is the dotted key of
    ``instance`` inside that entry; the error's ``key`` is the full dotted path of the offending
    key (an unknown key, a missing required key, or a key with a bad value).
    """
    validator = validator or jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return
    path = [key] if key else []
    path += [str(p) for p in error.absolute_path]
    value = None if isinstance(error.instance, dict | list) else error.instance
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path.append(unknown[0])
        message, value = "unknown key", None
    elif error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        path.append(missing[0])
        message = "missing key"
    else:
        message = error.message.splitlines()[0]
    message = f"{where}: {message}" if where else message
    raise InputError(source, message, key=".".join(path) or None, value=value)


def load_yaml_list(path: str | Path, top_key: str) -> list:
    """The non-empty list under the single key ``top_key`` of a YAML file, or ``InputError``."""
    return load_yaml_lists(path, top_key)[top_key]


def load_yaml_lists(path: str | Path, top_key: str, optional: tuple[str, ...] = ()) -> dict:
    """The non-empty lists under the keys of a YAML file: ``top_key`` and any of ``optional``
    present (no other key), by key, or ``InputError``."""
    source = str(path)
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(source, f"cannot read YAML: {err}".splitlines()[0]) from err
    allowed = {top_key, *optional}
    if not isinstance(document, dict) or top_key not in document or not set(document) <= allowed:
        keys = f"the single key {top_key!r}"
        if optional:
            keys = f"the key {top_key!r} (and optionally {', '.join(map(repr, optional))})"
        raise InputError(source, f"expected a mapping with {keys}", key=top_key)
    for key, items in document.items():
        if not isinstance(items, list) or not items:
            raise InputError(source, "expected a non-empty list", key=key)
    return document


def entry_name(kind: str, item, index: int) -> str:
    """``"check 'id'"`` (or ``"check #3"`` when the entry has no usable id) for messages."""
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} #{index + 1}"


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
