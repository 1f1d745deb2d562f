"""Validate the workflow configuration: JSON-schema checks plus the rules a schema cannot say."""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import jsonschema
import yaml

from hubspoke import yamlfiles
from hubspoke.errors import InputError
from hubspoke.layers import LAYERS


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


def _strict(validator_class):
    """JSON Schema counts 1000.0 as an integer and NaN as a number; the jobs do not (a float
    replicate count fails in numpy, a NaN tolerance passes every comparison)."""
    checker = validator_class.TYPE_CHECKER.redefine_many(
        {
            "integer": lambda _, x: isinstance(x, int) and not isinstance(x, bool),
            "number": lambda _, x: (
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            ),
        }
    )
    return jsonschema.validators.extend(validator_class, type_checker=checker)


StrictValidator = _strict(jsonschema.Draft202012Validator)
_Validator = _with_defaults(StrictValidator)

# YAML aliases let a few lines expand to a huge value: values are counted as expanded, and
# bounded, before they are validated or printed.
MAX_YAML_ITEMS = 100_000
MAX_YAML_TEXT = 100_000  # characters of one string
MAX_YAML_BYTES = 10 * 2**20


def check_yaml_size(value, source: str) -> None:
    """Raise ``InputError`` if ``value`` (aliases expanded) has more than
    :data:`MAX_YAML_ITEMS` items or a string longer than :data:`MAX_YAML_TEXT`."""
    budget = MAX_YAML_ITEMS
    stack = [("", value)]
    while stack:
        key, item = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError(
                source, f"more than {MAX_YAML_ITEMS} values (YAML aliases expanded)", key=key
            )
        if isinstance(item, str) and len(item) > MAX_YAML_TEXT:
            raise InputError(
                source, f"text longer than {MAX_YAML_TEXT} characters", key=key, value=item
            )
        if isinstance(item, Mapping):
            stack += [(f"{key}.{k}".lstrip("."), v) for k, v in item.items()]
        elif isinstance(item, list | tuple):  # the key names the entry, not the nesting
            stack += [
                (f"{key}.{i}".lstrip(".") if isinstance(v, Mapping) else key, v)
                for i, v in enumerate(item)
            ]


def validate_config(
    config: Mapping,
    schema_path: str | Path,
    source: str = "config",
    all_states: Callable[[dict], list[str]] | None = None,
) -> dict:
    """Return a copy of ``config`` with defaults filled in, or raise ``InputError``.

    Checks the size of every value (YAML aliases expanded), the schema (unknown keys, wrong
    types), replaces ``states: all`` by ``all_states(config)``, then checks the cross-field
    rules: the hub
    is one of the states, years are ordered, every break lies strictly inside the years (so
    no period is empty), each binarisation list contains its default threshold, and the
    brokerage subregions partition the states.
    """
    path = Path(schema_path).resolve()
    schema, validator = _config_validator(path, path.stat().st_mtime_ns, tuple(LAYERS))
    check_yaml_size(config, source)
    cfg = copy.deepcopy(dict(config))
    check_against_schema(cfg, schema, source=source, validator=validator)
    if cfg["states"] == "all":
        if all_states is None:
            raise InputError(source, "states: all is not supported here", key="states")
        cfg["states"] = all_states(cfg)
    _check_cross_fields(cfg, source)
    return cfg


@functools.lru_cache(maxsize=4)
def _config_validator(path: Path, mtime_ns: int, layers: tuple[str, ...]):
    """The configuration schema at ``path`` with the ``layers`` of the registry, and its
    validator: made once per version of the file and of the registry, since the grid checks
    every specification's configuration (parsing the schema and making its validator took
    8 ms a specification)."""
    schema = with_registered_layers(load_schema(path))
    return schema, _Validator(schema)


def with_registered_layers(schema: dict) -> dict:
    """``schema`` with the layer names of the registry (:data:`hubspoke.layers.LAYERS`) as the
    items of ``layers`` and ``empty_layers``, the keys of ``binarisation`` and the default of
    ``layers``."""
    names = list(LAYERS)
    properties = schema["properties"]
    for key in ("layers", "empty_layers"):
        properties[key]["items"] = {"enum": names}
    properties["layers"]["default"] = names
    by_layer = properties["binarisation"]["patternProperties"]
    (rule,) = by_layer.values()
    properties["binarisation"]["patternProperties"] = {
        f"^({'|'.join(re.escape(n) for n in names)})$": rule
    }
    return schema


def check_against_schema(
    instance, schema: Mapping, *, source: str, where: str = "", key: str = "", validator=None
) -> None:
    """Raise ``InputError`` for the most relevant schema violation of ``instance``, if any.

    ``where`` names the entry (e.g. ``check 'blr_rus_2013'``) and ``key`` is the dotted key of
    ``instance`` inside that entry; the error's ``key`` is the full dotted path of the offending
    key (an unknown key, a missing required key, or a key with a bad value).
    """
    validator = validator or StrictValidator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return
    path = [key] if key else []
    path += [str(p) for p in error.absolute_path]
    value = None if isinstance(error.instance, dict | list) else error.instance
    if error.validator == "additionalProperties":
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        unknown = sorted(
            k
            for k in set(error.instance) - set(error.schema.get("properties", {}))
            if not any(p.search(k) for p in patterns)
        )
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


def load_schema(path: str | Path) -> dict:
    """A JSON schema written as YAML (the configuration's, the claims' and the reference
    checks' schemas)."""
    return yamlfiles.load(Path(path).read_text())


class _UniqueKeyLoader(yamlfiles.SafeLoader):
    """PyYAML keeps the last of repeated keys silently; here a repeated key is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml_list(path: str | Path, top_key: str) -> list:
    """The non-empty list under the single key ``top_key`` of a YAML file, or ``InputError``."""
    return load_yaml_lists(path, top_key)[top_key]


def load_yaml_lists(path: str | Path, top_key: str, optional: tuple[str, ...] = ()) -> dict:
    """The non-empty lists under the keys of a YAML file: ``top_key`` and any of ``optional``
    present (no other key), by key, or ``InputError`` (also for a repeated key, a file over
    :data:`MAX_YAML_BYTES` or an oversized value)."""
    source = str(path)
    try:
        if Path(path).stat().st_size > MAX_YAML_BYTES:
            raise InputError(source, f"file larger than {MAX_YAML_BYTES // 2**20} MB")
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        raise InputError(
            source, f"not valid YAML: {err.problem}", row=mark.line + 1 if mark else None
        ) from err
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError(source, " ".join(f"cannot read YAML: {err}".split())) from err
    check_yaml_size(document, source)
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
    did = cfg["tests"]["did"]
    for k, bloc in enumerate(did["blocs"] if did else []):
        if bloc["break"] not in breaks:
            raise InputError(
                source,
                "the difference in differences needs a configured break (config key breaks)",
                key=f"tests.did.blocs.{k}.break",
                value=bloc["break"],
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
