"""`spendcat check`: parse the arguments, call `spendcat.check`, render. Nothing else.

`cli.py` registers the command with `app.command("check")(check)`. The Rich renderings live
here; JSON, JUnit XML and GitHub annotations are serialisations in `spendcat.check`, so a
script gets the same output from the library.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spendcat.check import (
    PROFILES,
    RANK,
    CheckReport,
    PublicationResult,
    check_fail_on,
    check_paths,
    list_checks,
    outcome_summary,
    short_pounds,
    to_github,
    to_json,
    to_junit,
)
from spendcat.cli_common import (
    EXIT_OK,
    Column,
    DateFormat,
    DecimalComma,
    HeaderRow,
    Sheet,
    fail,
    read_options,
    stdout_console,
)
from spendcat.errors import BadOption
from spendcat.files import expand_inputs

FORMATS = ("table", "json", "junit", "github")
_SHOWN_ROWS = 3  # first rows shown per check in the table
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _parse_today(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadOption(f"--today {text!r}: expected a date as YYYY-MM-DD") from None


# --- Rich renderings ------------------------------------------------------------------------


def checks_table(checks: list[dict[str, object]]) -> Table:
    """`--list-checks`: every check with its id, severity, profiles and explanation."""
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, title="checks", title_justify="left")
    table.add_column("check", style="bold", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("profiles / explanation", overflow="fold")
    for check in checks:
        severity = str(check["severity"])
        profiles = ", ".join(check["profiles"]) if len(check["profiles"]) < len(PROFILES) else "all profiles"  # type: ignore[arg-type]
        table.add_row(
            str(check["id"]),
            Text(severity, style=_STYLE[severity]),
            Text.assemble((f"{profiles}: ", "dim"), f"{check['title']}. {check['explanation']}"),
        )
    return table


def result_renderables(result: PublicationResult, fail_on: str) -> list[RenderableType]:
    """One publication's findings: a summary table of the checks that found something, then
    the first rows of each, grouped by check (fits 80 columns)."""
    parts: list[RenderableType] = []
    head = Text(result.file, style="bold")
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("profile", f"{result.profile} ({result.profile_reason})")
    if result.period is not None:
        how = "given" if result.period.source == "given" else f"inferred: {result.period.note}"
        facts.add_row("period", f"{result.period.label} ({how})")
    facts.add_row("lines", f"{result.lines:,}, {_money(result.amount_pence)}")
    for note in result.notes:
        facts.add_row("note", note)
    parts += [head, facts]

    found = sorted((o for o in result.outcomes if o.count), key=lambda o: -RANK[o.severity])
    if not found:
        parts.append(Text(f"No findings: all {len(result.outcomes)} checks passed.", style="green"))
        return parts
    summary = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    summary.add_column("severity", no_wrap=True)
    summary.add_column("check", no_wrap=True)
    summary.add_column("lines", justify="right", no_wrap=True)
    summary.add_column("of lines", justify="right", no_wrap=True)
    summary.add_column("£", justify="right", no_wrap=True)
    for outcome in found:
        if outcome.lines:
            share = f"{outcome.share:.0f}%" if outcome.share >= 1 else "<1%"
            summary.add_row(Text(outcome.severity, style=_STYLE[outcome.severity]), outcome.check, f"{outcome.lines:,}", share, short_pounds(outcome.amount_pence))
        else:
            summary.add_row(Text(outcome.severity, style=_STYLE[outcome.severity]), outcome.check, "file", "", "")
    parts.append(summary)

    for outcome in found:
        title = Text.assemble(
            (outcome.severity, _STYLE[outcome.severity]), "  ", (outcome.check, "bold"), f"  {outcome.title}: {outcome_summary(outcome)}"
        )
        rows = Table.grid(padding=(0, 1), pad_edge=True)
        rows.add_column(justify="right", style="dim", no_wrap=True)
        rows.add_column(style="cyan", max_width=22, overflow="ellipsis", no_wrap=True)
        rows.add_column(overflow="fold")
        for finding in outcome.findings[:_SHOWN_ROWS]:
            where = "file" if finding.row is None else f"row {finding.row}"
            if finding.sheet:
                where = f"{finding.sheet}!{where}"
            rows.add_row(f"  {where}", finding.column or "", finding.message)
        more = outcome.count - min(_SHOWN_ROWS, len(outcome.findings))
        if more > 0:
            rows.add_row("", "", Text(f"… and {more:,} more", style="dim"))
        parts += [title, rows]
    failing = [o for o in found if RANK[o.severity] >= RANK[fail_on]]
    passed = len(result.outcomes) - len(found)
    if failing:
        parts.append(Text(f"FAILED: {len(failing)} check(s) at or above {fail_on}; {passed} checks found nothing.", style="bold red"))
    else:
        parts.append(Text(f"Passed at --fail-on {fail_on}; {passed} checks found nothing.", style="green"))
    return parts


def _money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def report_renderables(report: CheckReport) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for index, result in enumerate(report.results):
        if index:
            parts.append(Text(""))
        parts += result_renderables(result, report.fail_on)
    return parts


# --- The command --------------------------------------------------------------------------


def check(
    files: Annotated[
        list[str] | None, typer.Argument(help="Publication files, folders or globs.", show_default=False)
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="lgtc-500, hmt-25k or card. Default: chosen from each file's columns (and said)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period the files cover: 2024-04 or 2024-04..2024-06. Default: the dominant month(s) of the dates."),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json, junit (JUnit XML) or github (workflow annotations).")] = "table",
    fail_on: Annotated[str, typer.Option("--fail-on", help="Exit 1 when any finding is at or above this: error, warning or info.")] = "error",
    show_checks: Annotated[bool, typer.Option("--list-checks", help="List every check (id, severity, profiles, explanation) and exit.")] = False,
    max_findings: Annotated[
        int, typer.Option("--max-findings", min=0, help="Findings listed per check and file in json/junit/github (0 = all). Counts are always complete.")
    ] = 100,
    today: Annotated[
        str | None, typer.Option("--today", help="Treat this date (YYYY-MM-DD) as today for future dates, for reproducible runs.")
    ] = None,
    header_row: HeaderRow = None,
    sheet: Sheet = None,
    column: Column = None,
    date_format: DateFormat = None,
    decimal_comma: DecimalComma = None,
) -> None:
    """Check publication files against the rules they are published under: every breach with row and column.

    Exit 0 when nothing reaches --fail-on, 1 when something does, 2 when a file cannot be read.

    Example: spendcat check sample_data/council-spend-2024-05.csv --fail-on warning --format junit > check.xml
    """
    try:
        if output_format not in FORMATS:
            raise BadOption(f"--format {output_format!r}: choose {', '.join(FORMATS)}")
        check_fail_on(fail_on)
        if show_checks:
            checks = list_checks()
            if output_format == "json":
                typer.echo(json.dumps({"checks": checks, "profiles": [p.to_dict() for p in PROFILES.values()]}, ensure_ascii=False, indent=2))
            else:
                stdout_console().print(checks_table(checks))
            return
        if not files:
            raise BadOption("give the FILES to check (or --list-checks)")
        options = read_options(header_row, sheet, column, date_format, decimal_comma)
        paths = expand_inputs(files)
        report = check_paths(
            paths,
            options,
            profile=profile,
            period=period,
            today=_parse_today(today),
            fail_on=fail_on,
            keep=None if max_findings == 0 else max(max_findings, _SHOWN_ROWS),
        )
    except Exception as error:  # noqa: BLE001 - a SpendcatError, or a bug: one line on stderr, exit 2, no traceback
        fail(error)
    if output_format == "json":
        typer.echo(to_json(report))
    elif output_format == "junit":
        typer.echo(to_junit(report), nl=False)
    elif output_format == "github":
        typer.echo(to_github(report), nl=False)
    else:
        console = stdout_console()
        for part in report_renderables(report):
            console.print(part)
    for unreadable in report.unreadable:
        typer.echo(f"spendcat: error: {unreadable.message}", err=True)
    if report.exit_code != EXIT_OK:
        raise typer.Exit(report.exit_code)
