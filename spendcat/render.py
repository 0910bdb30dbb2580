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
    return Panel(Group(*parts), title=f"[bold]{summary['file']}", title_align="left", width=80)


def _money(pence: int) -> str:
    """Whole pounds for tables (the exact figure is in the JSON report)."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(int(pence)) // 100:,}"


def report_renderables(report: dict[str, Any], top: int = 10) -> list[RenderableType]:
    """The categorisation report as Rich tables that fit an 80-column terminal."""
    parts: list[RenderableType] = []
    cover = report["coverage"]
    head = Text.assemble(
        (f"{report['files']} file(s), {report['lines']:,} lines, ", ""),
        (pounds(report["amount_pence"]), "bold"),
        (f"; categorised {cover['amount']:.1f}% of £ and {cover['lines']:.1f}% of lines (excluded left out)", ""),
    )
    parts.append(head)
    summary = Table(box=box.SIMPLE_HEAD, title="summary", title_justify="left")
    for name, justify in (("status", "left"), ("lines", "right"), ("% lines", "right"), ("£", "right"), ("% £", "right"), ("suppliers", "right")):
        summary.add_column(name, justify=justify)  # type: ignore[arg-type]
    for item in report["summary"]:
        summary.add_row(
            item["status"], f"{item['lines']:,}", f"{item['share_lines']:.1f}", _money(item["amount_pence"]),
            f"{item['share_amount']:.1f}", f"{item['suppliers']:,}",
        )
    parts.append(summary)
    if report["by_category"]:
        categories = Table(box=box.SIMPLE_HEAD, title="by category (top by £)", title_justify="left")
        categories.add_column("category", overflow="fold", max_width=40)
        categories.add_column("lines", justify="right")
        categories.add_column("£", justify="right")
        categories.add_column("% £", justify="right")
        for item in report["by_category"][:top]:
            categories.add_row(item["category"], f"{item['lines']:,}", _money(item["amount_pence"]), f"{item['share_amount']:.1f}")
        if len(report["by_category"]) > top:
            categories.add_row(Text(f"… {len(report['by_category']) - top} more (--report json)", style="dim"), "", "", "")
        parts.append(categories)
    if report.get("by_evidence"):
        evidence = Table(box=box.SIMPLE_HEAD, title="decided by", title_justify="left")
        evidence.add_column("evidence")
        evidence.add_column("lines", justify="right")
        evidence.add_column("£", justify="right")
        evidence.add_column("% £", justify="right")
        for item in report["by_evidence"]:
            evidence.add_row(item["evidence"], f"{item['lines']:,}", _money(item["amount_pence"]), f"{item['share_amount']:.1f}")
        parts.append(evidence)
    if report["uncategorised"]:
        missing = Table(box=box.SIMPLE_HEAD, title="uncategorised, by supplier and expense type (top by £)", title_justify="left")
        missing.add_column("supplier", overflow="fold", max_width=28)
        missing.add_column("expense type", overflow="fold", max_width=26)
        missing.add_column("lines", justify="right")
        missing.add_column("£", justify="right")
        for item in report["uncategorised"][:top]:
            missing.add_row(str(item["supplier"]), str(item["expense_type"]), f"{item['lines']:,}", _money(item["amount_pence"]))
        parts.append(missing)
    if report["ambiguous"]:
        ambiguous = Table(box=box.SIMPLE_HEAD, title="ambiguous: competing categories (top by £)", title_justify="left")
        ambiguous.add_column("supplier", overflow="fold", max_width=22)
        ambiguous.add_column("candidates", overflow="fold", max_width=26)
        ambiguous.add_column("top evidence", overflow="fold", max_width=14)
        ambiguous.add_column("£", justify="right")
        for item in report["ambiguous"][:top]:
            ambiguous.add_row(str(item["supplier"]), str(item["other_categories"]), str(item["decided_by"]), _money(item["amount_pence"]))
        parts.append(ambiguous)
    return parts


def explain_panel(explanation: dict[str, Any]) -> RenderableType:
    """One line's fields, the rules that fired, the supplier candidates and the outcome."""
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column(overflow="fold")
    for name, value in explanation["fields"].items():
        if value is not None and value != "":
            fields.add_row(name, value)
    rules = Table(box=box.SIMPLE_HEAD, title=f"rules fired ({len(explanation['rules_fired'])} of {explanation['rules_considered']})", title_justify="left")
    rules.add_column("priority", justify="right")
    rules.add_column("rule", overflow="fold")
    rules.add_column("category", overflow="fold")
    for item in explanation["rules_fired"]:
        rules.add_row(str(item["priority"]), item["rule"], item["category"])
    matching = explanation["matching"]
    suppliers = Table(
        box=box.SIMPLE_HEAD,
        title=(
            f"supplier candidates (priority {explanation['supplier_priority']}; accept ≥{matching['accept']}, "
            f"review ≥{matching['review']}, margin {matching['margin']})"
        ),
        title_justify="left",
    )
    suppliers.add_column("score", justify="right")
    suppliers.add_column("directory name", overflow="fold")
    suppliers.add_column("category", overflow="fold")
    suppliers.add_column("match")
    for item in explanation["supplier_candidates"]:
        suppliers.add_row(f"{item['score']:.0f}", item["name"], item["category"], item["method"])
    outcome = Text.assemble(
        ("status ", "bold"), (explanation["status"], "cyan"),
        ("  category ", "bold"), (str(explanation["category"] or "-"), ""),
        ("  decided by ", "bold"), (str(explanation["decided_by"] or "-"), ""),
    )
    parts: list[RenderableType] = [fields, rules, suppliers, outcome]
    if explanation["other_categories"]:
        parts.append(Text(f"other candidates: {explanation['other_categories']}"))
    parts.append(
        Text(
            "The highest priority with evidence decides; different categories at that priority, or a weak "
            "supplier match, make the line ambiguous.",
            style="dim",
        )
    )
    return Panel(Group(*parts), title=f"[bold]{explanation['file']} row {explanation['row']}", title_align="left")


def taxonomy_tree(taxonomy: Any) -> RenderableType:
    """The taxonomy as a Rich tree: id, label and crosswalk of every node."""
    from rich.tree import Tree

    root = Tree(f"[bold]taxonomy {taxonomy.id}[/] ({len(taxonomy.groups)} groups, {len(taxonomy.ids) - len(taxonomy.groups)} categories)")

    def add(branch: Any, category_id: str) -> None:
        node = taxonomy.get(category_id)
        crosswalk = ", ".join(
            part for part in (node.sercop, f"COFOG {node.cofog}" if node.cofog else None, node.proclass) if part
        )
        child = branch.add(Text.assemble((node.id, "cyan"), f"  {node.label}", (f"  [{crosswalk}]" if crosswalk else "", "dim")))
        for grandchild in taxonomy.children(category_id):
            add(child, grandchild.id if hasattr(grandchild, "id") else grandchild)

    for group in taxonomy.groups:
        add(root, group.id if hasattr(group, "id") else group)
    return root
