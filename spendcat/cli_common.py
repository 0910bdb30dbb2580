"""What every command shares: exit codes, the one place errors become exit code 2, the
console, and the reader's override options."""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from spendcat.errors import BadOption, SpendcatError
from spendcat.publication import ReadOptions

EXIT_OK, EXIT_GATE_FAILED, EXIT_CANNOT = 0, 1, 2


def report_error(error: Exception, where: object = None) -> None:
    """One line on stderr naming what went wrong (and where, for an unexpected error), no
    traceback; set SPENDCAT_DEBUG=1 to see the traceback of an unexpected error."""
    if isinstance(error, SpendcatError):
        message = str(error)
    else:
        if os.environ.get("SPENDCAT_DEBUG"):
            raise error
        message = f"{where}: " if where is not None else ""
        message += f"unexpected {type(error).__name__}: {error}"
    typer.echo(f"spendcat: error: {message}", err=True)


def fail(error: Exception) -> NoReturn:
    """Report the error and stop with exit code 2."""
    report_error(error)
    raise typer.Exit(EXIT_CANNOT)


def stdout_console() -> Console:
    """The terminal's width on a terminal; 80 columns when piped, so output stays readable."""
    return Console(width=None if sys.stdout.isatty() else 80)


def parse_columns(values: list[str] | None) -> dict[str, str]:
    columns: dict[str, str] = {}
    for value in values or []:
        field_name, sep, header = value.partition("=")
        if not sep or not field_name.strip() or not header.strip():
            raise BadOption(f"--column {value!r}: expected FIELD=HEADER, e.g. supplier=\"Vendor Name\"")
        columns[field_name.strip()] = header
    return columns


HeaderRow = Annotated[
    int | None, typer.Option("--header-row", min=1, help="Row number of the header (1 = first row), if the guess is wrong.")
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="Read only this sheet of a workbook.")]
Column = Annotated[
    list[str] | None,
    typer.Option("--column", "-c", help='Map a field to a header, e.g. -c supplier="Vendor Name". Repeatable.'),
]
DateFormat = Annotated[
    str | None, typer.Option("--date-format", help="strftime format of the date column, e.g. %d/%m/%Y.")
]
DecimalComma = Annotated[
    bool | None,
    typer.Option("--decimal-comma/--decimal-point", help="Amounts use a decimal comma (1.234,56) or point; guessed if not given."),
]


def read_options(
    header_row: int | None, sheet: str | None, column: list[str] | None, date_format: str | None, decimal_comma: bool | None
) -> ReadOptions:
    return ReadOptions(
        header_row=header_row,
        sheet=sheet,
        columns=parse_columns(column),
        date_format=date_format,
        decimal_comma=decimal_comma,
    )
