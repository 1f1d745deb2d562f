"""The one exception type for bad input, formatted as a single line."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input data or configuration.

    ``str(err)`` is one line naming the file, the config key or the row and column, and the
    offending value, so a user can go straight to the cell that stopped the run.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        value: object = None,
    ) -> None:
        self.source = str(source)
        self.row = row
        self.column = column
        self.key = key
        self.value = value
        self.message = message
        where = [self.source]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if key is not None:
            where.append(f"key {key!r}")
        text = ", ".join(where)
        if value is not None:
            text += f", value {value!r}"
        super().__init__(f"{text}: {message}".replace("\n", " "))
