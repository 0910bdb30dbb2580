"""Errors spendcat raises. `cli.py` turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class SpendcatError(Exception):
    """Something spendcat could not do; the message names file, row and column where known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        prefix = ": ".join([", ".join(where)]) if where else ""
        return f"{prefix}: {self.message}" if prefix else self.message


class UnreadableFile(SpendcatError):
    """The file is missing, empty, binary, too large, or not a table spendcat can read."""


class NoSpendTable(SpendcatError):
    """The file reads, but no header with an amount column could be found in it."""


class BadOption(SpendcatError):
    """An option names a field, header, sheet or row that does not exist."""
