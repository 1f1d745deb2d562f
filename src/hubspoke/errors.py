"""The one exception type for bad input, formatted as a single line."""

from __future__ import annotations

# A bad value can be megabytes long (a whole file in one field, an expanded YAML alias): the
# line shows its start only, so that it stays one readable line.
MAX_SHOWN = 120


def shown(value: object) -> str:
    """``repr(value)``, cut to :data:`MAX_SHOWN` characters."""
    text = repr(value) if len(str(value)) <= 4 * MAX_SHOWN else repr(str(value)[: 4 * MAX_SHOWN])
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 5]}[...]"


class SettingError(ValueError):
    """A setting the library cannot work with, named by its field in :mod:`hubspoke.settings`
    (e.g. ``breaks``): the library does not know configuration keys, the stage runner turns it
    into the one-line :class:`InputError` naming the key (:func:`hubspoke.settings.setting_key`).
    """

    def __init__(self, setting: str, message: str, value: object = None) -> None:
        self.setting, self.message, self.value = setting, message, value
        super().__init__(f"setting {setting!r}, value {shown(value)}: {message}")


class InputError(ValueError):
    """Bad input data or configuration.

    ``str(err)`` is one line naming the file, the config key or the row and column, and the
    offending value, so a user can go straight to the cell that stopped the run. The value and
    the message are cut to a bounded length.
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
            text += f", value {shown(value)}"
        super().__init__(f"{text}: {message}"[: 8 * MAX_SHOWN].replace("\n", " "))
