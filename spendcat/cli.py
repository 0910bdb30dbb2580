"""The `spendcat` command: parse arguments, call the library, render. Nothing else.

Every failure the library raises is a `SpendcatError`; `_fail` turns it into one line on
stderr and exit code 2, here and nowhere else.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from spendcat import __version__
from spendcat.errors import BadOption, SpendcatError
from spendcat.files import expand_inputs
from spendcat.inspect import describe
from spendcat.publication import ReadOptions, read_publications
from spendcat.render import inspect_panel

app = typer.Typer(
    name="spendcat",
    help=(
        "Read, categorise and check UK public-spending transparency publications.\n\n"
        "Example: spendcat inspect sample_data/council-spend-2024-05.csv"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

EXIT_OK, EXIT_GATE_FAILED, EXIT_CANNOT = 0, 1, 2


def _stdout() -> Console:
    return Console(width=None if sys.stdout.isatty() else 80)


def _fail(error: Exception) -> NoReturn:
    message = str(error) if isinstance(error, SpendcatError) else f"unexpected {type(error).__name__}: {error}"
    if os.environ.get("SPENDCAT_DEBUG") and not isinstance(error, SpendcatError):
        raise error
    typer.echo(f"spendcat: error: {message}", err=True)
    raise typer.Exit(EXIT_CANNOT)


def _parse_columns(values: list[str] | None) -> dict[str, str]:
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


def _read_options(
    header_row: int | None, sheet: str | None, column: list[str] | None, date_format: str | None, decimal_comma: bool | None
) -> ReadOptions:
    return ReadOptions(
        header_row=header_row,
        sheet=sheet,
        columns=_parse_columns(column),
        date_format=date_format,
        decimal_comma=decimal_comma,
    )


@app.command()
def inspect(
    files: Annotated[list[str], typer.Argument(help="Publication files, folders or globs.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file on stdout (JSON lines).")] = False,
    header_row: HeaderRow = None,
    sheet: Sheet = None,
    column: Column = None,
    date_format: DateFormat = None,
    decimal_comma: DecimalComma = None,
) -> None:
    """Show how spendcat reads each file: format, header, columns, lines, total, skipped rows.

    Example: spendcat inspect sample_data/council-spend-2024-05.csv --json
    """
    try:
        options = _read_options(header_row, sheet, column, date_format, decimal_comma)
        paths = expand_inputs(files)
    except SpendcatError as error:
        _fail(error)
    console = _stdout()
    failed: Exception | None = None
    for path in paths:
        try:
            publications = read_publications(path, options)
        except Exception as error:  # one bad file must not hide the others
            if failed is None:
                failed = error
            message = str(error) if isinstance(error, SpendcatError) else f"{path}: unexpected {type(error).__name__}: {error}"
            if os.environ.get("SPENDCAT_DEBUG") and not isinstance(error, SpendcatError):
                raise
            typer.echo(f"spendcat: error: {message}", err=True)
            continue
        for publication in publications:
            summary = describe(publication)
            if as_json:
                typer.echo(json.dumps(summary, ensure_ascii=False))
            else:
                console.print(inspect_panel(summary))
    if failed is not None:
        raise typer.Exit(EXIT_CANNOT)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"spendcat {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Read, categorise and check UK public-spending transparency publications."""
