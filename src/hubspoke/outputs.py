"""The declared output tables: columns, dtypes and data dictionary of every parquet table in
``results/`` (``outputs.yaml`` beside this module, declared once).

:func:`conform` checks a table against its declaration (the same columns in the same order)
and gives it the declared dtypes; :func:`hubspoke.tables.write_parquet` calls it for every
declared table, so a table cannot leave a job in another shape. :func:`markdown` renders the
README's data dictionary of one results folder (``python -m hubspoke.outputs`` prints every
folder's; a test compares them with the README).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from hubspoke import yamlfiles

DECLARATIONS = Path(__file__).with_name("outputs.yaml")


@cache
def declared() -> dict[str, dict]:
    """Table name -> its declaration (``folder``, ``columns``: name -> dtype, ``dictionary``,
    optional ``workflow``)."""
    return {t["table"]: t for t in yamlfiles.load(DECLARATIONS.read_text(encoding="utf-8"))}


def of_workflow(workflow: str = "main") -> dict[str, dict]:
    """The declared tables that ``workflow`` writes (``main``: the Snakefile; ``compare``:
    workflow/compare.smk)."""
    return {n: t for n, t in declared().items() if t.get("workflow", "main") == workflow}


def columns(table: str) -> dict[str, str]:
    """The declared columns of ``table`` in order: name -> dtype."""
    return declared()[table]["columns"]


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with the declared dtypes of ``table``; ``ValueError`` when its columns are not
    the declared ones in the declared order (or a value does not fit its dtype)."""
    declared_columns = columns(table)
    if list(df.columns) != list(declared_columns):
        missing = [c for c in declared_columns if c not in df.columns]
        extra = [c for c in df.columns if c not in declared_columns]
        raise ValueError(
            f"table {table!r} does not match its declaration in {DECLARATIONS.name}: "
            f"missing {missing}, undeclared {extra}, or the order differs"
        )
    return df.astype(declared_columns, copy=False)  # columns of the right dtype are not copied


def markdown(folder: str) -> str:
    """The data dictionary of ``results/<folder>/`` as a markdown table."""
    lines = [
        "| table | column | unit | meaning | computed by |",
        "|---|---|---|---|---|",
    ]
    for name, table in declared().items():
        if table["folder"] != folder:
            continue
        for i, row in enumerate(table["dictionary"]):
            first = f"`{name}`" if i == 0 else ""
            cells = [first, row["columns"], row["unit"], row["meaning"], row["computed_by"]]
            lines.append("|" + "".join(f" {c} |" if c else " |" for c in cells))
    return "\n".join(lines) + "\n"


def folders() -> list[str]:
    return list(dict.fromkeys(t["folder"] for t in declared().values()))


if __name__ == "__main__":
    for folder in folders():
        print(f"results/{folder}/\n\n{markdown(folder)}")
