"""Which library source files a module depends on, so rules can declare them as inputs.

Snakemake does not see what a workflow script imports; listing the transitive ``hubspoke``
imports of each rule's entry module as rule inputs makes an edit to any of them rerun
exactly the rules that use it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PACKAGE = "hubspoke"
ROOT = Path(__file__).resolve().parents[1]  # the hubspoke package


def _module_path(name: str) -> Path:
    rel = Path(*name.split(".")[1:])
    pkg = ROOT / rel / "__init__.py"
    return pkg if pkg.exists() else ROOT / rel.with_suffix(".py")


# ``from hubspoke[.x] import a, b`` (names possibly in parentheses over several lines) and
# ``import hubspoke.x``, at the start of a line; a regular expression rather than a parse,
# because every invocation of the workflow (a no-op too) asks for every rule's modules. A
# docstring line that looks like an import only adds a dependency, never loses one.
_IMPORT = re.compile(
    rf"^\s*(?:from\s+({PACKAGE}[\w.]*)\s+import\s+(\([^)]*\)|[^\n]*)|import\s+({PACKAGE}[\w.]*))",
    re.MULTILINE,
)


@cache
def _imports(path: Path) -> frozenset[str]:
    found = set()
    for module, names, plain in _IMPORT.findall(path.read_text()):
        if plain:
            found.add(plain)
            continue
        found.add(module)
        for name in re.sub(r"#[^\n]*", "", names).strip("()").split(","):
            name = name.split(" as ")[0].strip()
            if name:
                found.add(f"{module}.{name}")
    return frozenset(m for m in found if _module_path(m).exists())


def module_files(*modules: str) -> list[Path]:
    """Source files of ``hubspoke.<module>`` for each module and everything they import, with
    the declarations each keeps in a YAML file of its name."""
    todo = [PACKAGE] + [f"{PACKAGE}.{m}" for m in modules]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(_module_path(name)))
            todo.append(name.rpartition(".")[0] or name)  # importing it runs its package
    paths = [_module_path(m) for m in seen]
    # a module's declarations in <module>.yaml beside it (outputs.yaml) are part of its code
    data = [p.with_suffix(".yaml") for p in paths if p.with_suffix(".yaml").exists()]
    return sorted(paths + data)
