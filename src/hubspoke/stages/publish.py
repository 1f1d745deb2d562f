"""Publish a run's outputs from the staging folder into ``results/``.

The jobs write under a staging folder; this last step puts each staged file into ``results/``
once every job has succeeded. Snakemake deletes a job's outputs before the job runs and when it
fails, so a run that fails (bad input a check missed, a crash, a kill, a full disk) then
changes the staging folder only and ``results/`` keeps the last complete run.

Each file is hard-linked (a copy where the file system has no hard links) to a temporary name
and renamed over the old one: a file in ``results/`` is always complete, old or new, and a
publish cut short is redone by the next run. The link costs no space; when a job later
rewrites its staged file, Snakemake first removes that name, so the published file keeps its
bytes.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from hubspoke.stages.runner import Job

log = logging.getLogger(__name__)


def publish(staged: Sequence[str], targets: Sequence[str], manifest: str) -> None:
    """Put each file of ``staged`` at the same position of ``targets`` (each file of a folder
    at its place under the target folder); then write ``manifest`` (one line per file: the
    target and its size in bytes)."""
    lines = []
    for source, target in zip(map(Path, staged), map(Path, targets), strict=True):
        for file, placed in _files(source, target):
            _place(file, placed)
            lines.append(f"{placed}\t{placed.stat().st_size}\n")
    Path(manifest).write_text("".join(lines))
    log.info("published %d files", len(lines))


def _files(source: Path, target: Path) -> list[tuple[Path, Path]]:
    """``source`` and ``target``, or for a folder each file in it (sorted) and its target."""
    if not source.is_dir():
        return [(source, target)]
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(p, target / p.relative_to(source)) for p in files]


def _place(source: Path, target: Path) -> None:
    if target.exists() and os.path.samefile(source, target):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:  # another file system, or none with hard links
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def run(job: Job) -> None:
    """Stage ``publish``: the staged files (input ``staged``) to the targets (param)."""
    publish(job.inputs["staged"], job.params["targets"], job.outputs["manifest"])
