"""The `spendcat` command: parse arguments, call the library, render. Nothing else.

Every failure the library raises is a `SpendcatError`; `cli_common.fail` turns it into one line on
stderr and exit code 2, here and nowhere else.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from spendcat import __version__
from spendcat.check_cli import check
from spendcat.cli_common import (
    EXIT_CANNOT,
    EXIT_GATE_FAILED,
    Column,
    DateFormat,
    DecimalComma,
    HeaderRow,
    Sheet,
    fail,
    read_options,
    report_error,
    stdout_console,
)
from spendcat.errors import BadOption, SpendcatError
from spendcat.files import expand_inputs
from spendcat.inspect import describe
from spendcat.output import check_output_path, manifest_path, write_lines, write_manifest
from spendcat.publication import ReadOptions, read_publications
from spendcat.render import explain_panel, inspect_panel, report_renderables, taxonomy_tree
from spendcat.rulecheck import explain_line, lint, run_examples
from spendcat.rules import RuleSet, load_rule_set, rule_file_schema
from spendcat.run import RunResult, categorise_files, manifest
from spendcat.shipped import shipped_rules_dir
from spendcat.taxonomy import load_taxonomy

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
        options = read_options(header_row, sheet, column, date_format, decimal_comma)
        paths = expand_inputs(files)
    except SpendcatError as error:
        fail(error)
    console = stdout_console()
    failed: Exception | None = None
    for path in paths:
        try:
            publications = read_publications(path, options)
        except Exception as error:  # one bad file must not hide the others
            failed = failed or error
            report_error(error, where=path)
            continue
        for publication in publications:
            summary = describe(publication)
            if as_json:
                typer.echo(json.dumps(summary, ensure_ascii=False))
            else:
                console.print(inspect_panel(summary))
    if failed is not None:
        raise typer.Exit(EXIT_CANNOT)


RulesOption = Annotated[
    list[Path] | None,
    typer.Option("--rules", "-r", help="Rule file or folder; repeat to layer (later overrides earlier by rule id). Default: the shipped rules/."),
]
SuppliersOption = Annotated[
    list[Path] | None, typer.Option("--suppliers", "-s", help="Extra supplier directory (CSV or YAML). Repeatable.")
]


def _rule_set(rules: list[Path] | None, suppliers: list[Path] | None = None) -> RuleSet:
    return load_rule_set(list(rules) if rules else [shipped_rules_dir()], supplier_csvs=list(suppliers or []))


@app.command()
def categorise(
    files: Annotated[list[str], typer.Argument(help="Publication files, folders or globs.", show_default=False)],
    rules: RulesOption = None,
    suppliers: SuppliersOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write every line with its category: .csv, .xlsx, .parquet or .jsonl.")
    ] = None,
    report: Annotated[str, typer.Option("--report", help="rich (tables), json (stdout) or none.")] = "rich",
    min_coverage: Annotated[
        float | None, typer.Option("--min-coverage", min=0, max=100, help="Exit 1 unless at least PCT of £ is categorised.")
    ] = None,
    min_line_coverage: Annotated[
        float | None, typer.Option("--min-line-coverage", min=0, max=100, help="Exit 1 unless at least PCT of lines are categorised.")
    ] = None,
    header_row: HeaderRow = None,
    sheet: Sheet = None,
    column: Column = None,
    date_format: DateFormat = None,
    decimal_comma: DecimalComma = None,
) -> None:
    """Give every line a purpose category; write the lines and report what is left.

    Example: spendcat categorise sample_data/council-spend-2024-05.csv --out categorised.xlsx
    """
    if report not in ("rich", "json", "none"):
        fail(BadOption(f"--report {report!r}: choose rich, json or none"))
    try:
        options = read_options(header_row, sheet, column, date_format, decimal_comma)
        paths = expand_inputs(files)
        rule_set = _rule_set(rules, suppliers)
        if out is not None:
            check_output_path(out, paths)
        err = Console(stderr=True)
        with Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal or len(paths) < 2,
        ) as progress:
            task = progress.add_task("categorising", total=len(paths))
            result = categorise_files(paths, rule_set, options, on_file=lambda _: progress.advance(task))
        if out is not None:
            write_lines(result.output, out, inputs=paths, sheets=_xlsx_sheets(result) if out.suffix.lower() == ".xlsx" else None)
            write_manifest(
                manifest_path(out),
                manifest(
                    result,
                    rule_set,
                    {"min_coverage": min_coverage, "min_line_coverage": min_line_coverage, "read": _options_record(options), "out": str(out)},
                ),
            )
    except SpendcatError as error:
        fail(error)
    if report == "json":
        typer.echo(json.dumps(result.report, ensure_ascii=False, default=str))
    elif report == "rich":
        console = stdout_console()
        for part in report_renderables(result.report):
            console.print(part)
        if out is not None:
            console.print(f"wrote {out} and {manifest_path(out)}")
    failed = []
    cover = result.report["coverage"]
    if min_coverage is not None and cover["amount"] < min_coverage:
        failed.append(f"{cover['amount']:.2f}% of £ categorised, below --min-coverage {min_coverage:g}")
    if min_line_coverage is not None and cover["lines"] < min_line_coverage:
        failed.append(f"{cover['lines']:.2f}% of lines categorised, below --min-line-coverage {min_line_coverage:g}")
    for message in failed:
        typer.echo(f"spendcat: gate failed: {message}", err=True)
    if failed:
        raise typer.Exit(EXIT_GATE_FAILED)


def _options_record(options: ReadOptions) -> dict[str, object]:
    return {
        "header_row": options.header_row,
        "sheet": options.sheet,
        "columns": options.columns,
        "date_format": options.date_format,
        "decimal_comma": options.decimal_comma,
    }


def _xlsx_sheets(result: RunResult) -> dict[str, pd.DataFrame]:
    report = result.report
    summary = pd.DataFrame(report["summary"])
    by_category = pd.DataFrame(report["by_category"])
    uncategorised = result.output[result.output["status"] == "uncategorised"]
    order = uncategorised["amount_pence"].fillna(0).abs().sort_values(ascending=False, kind="stable").index
    return {"summary": summary, "by category": by_category, "uncategorised": uncategorised.loc[order]}


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="The publication file.", show_default=False)],
    row: Annotated[int, typer.Option("--row", min=1, help="Row number of the line (as inspect and the output's source_row give it).")],
    rules: RulesOption = None,
    suppliers: SuppliersOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
    header_row: HeaderRow = None,
    sheet: Sheet = None,
    column: Column = None,
    date_format: DateFormat = None,
    decimal_comma: DecimalComma = None,
) -> None:
    """Why one line got its category: every rule that fired and every supplier candidate.

    Example: spendcat explain sample_data/council-spend-2024-05.csv --row 12
    """
    try:
        options = read_options(header_row, sheet, column, date_format, decimal_comma)
        rule_set = _rule_set(rules, suppliers)
        publications = read_publications(file, options)
        explanation = explain_line(publications[0], row, rule_set, sheet=sheet)
    except SpendcatError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(explanation, ensure_ascii=False, default=str))
    else:
        stdout_console().print(explain_panel(explanation))


@app.command("taxonomy")
def taxonomy_command(
    output_format: Annotated[str, typer.Option("--format", "-f", help="tree (Rich), csv or json, with the crosswalk.")] = "tree",
    path: Annotated[Path | None, typer.Option("--taxonomy", help="A taxonomy YAML file instead of the shipped one.")] = None,
) -> None:
    """Print the purpose taxonomy: groups, categories and their crosswalk (SeRCOP, COFOG, ProClass).

    Example: spendcat taxonomy --format csv > taxonomy.csv
    """
    if output_format not in ("tree", "csv", "json"):
        fail(BadOption(f"--format {output_format!r}: choose tree, csv or json"))
    try:
        taxonomy = load_taxonomy(path)
    except SpendcatError as error:
        fail(error)
    rows = taxonomy.to_rows()
    if output_format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        stdout_console().print(taxonomy_tree(taxonomy))


app.command("check")(check)

rules_app = typer.Typer(help="Validate rule files, run their examples, print their schema.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("schema")
def rules_schema() -> None:
    """Print the rule-file format as JSON Schema, for editors.

    Example: spendcat rules schema > spendcat-rules.schema.json
    """
    typer.echo(json.dumps(rule_file_schema(), indent=2))


@rules_app.command("test")
def rules_test(
    rules: Annotated[list[Path], typer.Argument(help="Rule files or folders, layered in order.", show_default=False)],
    suppliers: SuppliersOption = None,
) -> None:
    """Run the examples in rule files, like a test runner; exit 1 on any failure.

    Example: spendcat rules test rules/
    """
    try:
        results = run_examples(_rule_set(rules, suppliers))
    except SpendcatError as error:
        fail(error)
    failures = [r for r in results if not r.passed]
    for failure in failures:
        shown = ", ".join(f"{k}={v!r}" for k, v in failure.example.items())
        typer.echo(f"FAIL {failure.file}:{failure.line} {failure.rule_id}: {{{shown}}} expected {failure.expected}, got {failure.got}; {failure.why}")
    typer.echo(f"{len(results) - len(failures)} passed, {len(failures)} failed")
    if failures:
        raise typer.Exit(EXIT_GATE_FAILED)


@rules_app.command("lint")
def rules_lint(
    rules: Annotated[list[Path], typer.Argument(help="Rule files or folders, layered in order.", show_default=False)],
    against: Annotated[
        list[str] | None, typer.Option("--against", help="Publications to check the rules against (files, folders, globs).")
    ] = None,
    suppliers: SuppliersOption = None,
) -> None:
    """Find invalid, doubled or unused parts of rule files (a rule id used in two files of one
    folder, a supplier listed twice); with --against, rules that never fire or never win.

    Example: spendcat rules lint rules/ --against sample_data/
    """
    try:
        rule_set = _rule_set(rules, suppliers)
        publications = []
        for path in expand_inputs(against or []):
            publications.extend(read_publications(path))
        findings = lint(rule_set, publications)
    except SpendcatError as error:
        fail(error)
    for finding in findings:
        where = f"{finding.file}:{finding.line} " if finding.file else ""
        subject = f"{finding.rule_id}: " if finding.rule_id else ""
        typer.echo(f"{finding.severity}: {where}{subject}{finding.message}")
    warnings = sum(f.severity == "warning" for f in findings)
    typer.echo(f"{len(rule_set.rules)} rules, {len(rule_set.suppliers)} suppliers: {warnings} warning(s), {len(findings) - warnings} note(s)")
    if warnings:
        raise typer.Exit(EXIT_GATE_FAILED)


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
