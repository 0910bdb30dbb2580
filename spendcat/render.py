"""Rich renderings for the terminal. Each function takes the data and returns renderables;
`cli.py` decides where they are printed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spendcat.inspect import pounds

_MAX_LISTED_ROWS = 8


def _rows_list(rows: Iterable[int], limit: int = _MAX_LISTED_ROWS) -> str:
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" … (+{len(rows) - limit})" if len(rows) > limit else "")


def inspect_panel(summary: dict[str, Any]) -> RenderableType:
    """How one file was read, in a panel that fits an 80-column terminal."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    where = summary["format"].upper()
    if summary["encoding"]:
        where += f", {summary['encoding']}"
    if summary["delimiter"]:
        where += f", delimiter {summary['delimiter']!r}"
    facts.add_row("format", where)
    if summary["sheets"]:
        facts.add_row("sheets", ", ".join(summary["sheets"]))
    for sheet, reason in summary["skipped_sheets"].items():
        facts.add_row("sheet skipped", f"{sheet}: {reason}")
    facts.add_row("header row", str(summary["header_row"]))
    facts.add_row("lines", f"{summary['lines']:,}")
    facts.add_row("total", pounds(summary["amount_pence"]))
    if summary["date_min"]:
        facts.add_row("dates", f"{summary['date_min']} to {summary['date_max']}  ({summary['date_format']})")
    facts.add_row("redacted", f"{summary['redacted_lines']:,} lines")
    if summary["dropped_empty_columns"]:
        facts.add_row("dropped", f"{summary['dropped_empty_columns']} empty unnamed columns")

    mapping = Table(box=box.SIMPLE_HEAD, title="columns", title_justify="left", expand=False)
    mapping.add_column("field", style="cyan", no_wrap=True)
    mapping.add_column("original header", overflow="fold")
    for field_name, header in summary["columns"].items():
        mapping.add_row(field_name, header)
    if summary["unmapped_columns"]:
        mapping.add_row(Text("(kept, unmapped)", style="dim"), ", ".join(summary["unmapped_columns"]))

    parts: list[RenderableType] = [facts, mapping]
    if summary["skipped"]:
        skipped = Table(box=box.SIMPLE_HEAD, title="rows skipped", title_justify="left")
        skipped.add_column("reason")
        skipped.add_column("rows", justify="right")
        skipped.add_column("first rows", overflow="fold")
        by_reason: dict[str, list[int]] = {}
        for item in summary["skipped"]:
            by_reason.setdefault(item["reason"], []).append(item["row"])
        for reason, rows in by_reason.items():
            skipped.add_row(reason, f"{len(rows):,}", _rows_list(rows))
        parts.append(skipped)
    if summary["problem_count"]:
        problems = Table(
            box=box.SIMPLE_HEAD,
            title=f"values that could not be parsed ({summary['problem_count']:,})",
            title_justify="left",
        )
        problems.add_column("row", justify="right")
        problems.add_column("column")
        problems.add_column("text", overflow="fold")
        for item in summary["problems"][:_MAX_LISTED_ROWS]:
            problems.add_row(str(item["row"]), item["column"], repr(item["text"]))
        parts.append(problems)
    return Panel(Group(*parts), title=f"[bold]{summary['file']}", title_align="left", width=min(100, 80))
