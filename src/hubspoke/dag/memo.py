"""The input check of the job graph, remembered between invocations.

Every invocation of the workflow, a no-op rerun and ``snakemake -n`` too, checks the input
tables against each other and against the configuration (:func:`hubspoke.validate.load_inputs`)
and computes the per-year fingerprints of the analyses (:mod:`hubspoke.dag.fingerprint`). Both
follow from the input files, the configuration and the code that checks and fingerprints them
only, so once they pass, the fingerprints are written to a small JSON file with a key over
those three (:func:`memo_key`); the next invocation with the same key reads them back instead
of loading the tables again. Any change to an input file's bytes, to a configuration value or
to that code changes the key, and the tables are checked again. Only a check that passed is
remembered: bad input fails on every invocation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from hubspoke.dag.codedeps import ROOT, module_files
from hubspoke.tables import sha256_file, sha256_json

# Fingerprints per analysis: the state set and activity rule it reads the inputs with.
Fingerprints = dict[tuple[tuple[str, ...], str], dict[int, str]]


def memo_key(paths: Mapping[str, str | Path], config: Mapping) -> str:
    """SHA-256 over the input files' bytes, the checked configuration and the source files of
    the modules that check and fingerprint the inputs."""
    code = module_files("validate", "dag.fingerprint")
    return sha256_json(
        {
            # a missing file has no hash: the check then runs, and says the file is missing
            "inputs": {
                name: sha256_file(path) if Path(path).is_file() else None
                for name, path in sorted(paths.items())
            },
            "config": config,
            "code": {str(p.relative_to(ROOT)): sha256_file(p) for p in code},
        }
    )


def recall(path: str | Path, key: str) -> Fingerprints | None:
    """The fingerprints remembered under ``key``, or None (no file, another key, unreadable)."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    return {
        (tuple(entry["states"]), entry["rule"]): {int(y): h for y, h in entry["years"].items()}
        for entry in record["fingerprints"]
    }


def remember(path: str | Path, key: str, fingerprints: Fingerprints) -> None:
    """Write the fingerprints under ``key`` (atomically: a file is whole or absent)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "key": key,
        "fingerprints": [
            {"states": list(states), "rule": rule, "years": {str(y): h for y, h in years.items()}}
            for (states, rule), years in sorted(fingerprints.items())
        ],
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(record, sort_keys=True, indent=1))
    partial.replace(path)
