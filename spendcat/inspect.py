"""What `spendcat inspect` says about a publication, as plain data (JSON-ready)."""

from __future__ import annotations

from typing import Any

from spendcat.publication import Publication


def pounds(pence: int) -> str:
    """`123456` -> `£1,234.56`, exactly (integer arithmetic, no float)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def describe(publication: Publication) -> dict[str, Any]:
    """Everything `inspect --json` reports for one publication."""
    date_min, date_max = publication.date_range
    skipped = publication.skipped
    first = publication.tables[0]
    return {
        "file": publication.file,
        "format": publication.format,
        "encoding": publication.encoding,
        "delimiter": publication.delimiter,
        "sheets": publication.sheets,
        "header_row": first.header_row,
        "columns": publication.columns,
        "unmapped_columns": first.mapping.unmapped,
        "lines": publication.line_count,
        "amount_pence": publication.amount_pence,
        "amount": pounds(publication.amount_pence),
        "date_min": date_min.isoformat() if date_min else None,
        "date_max": date_max.isoformat() if date_max else None,
        "date_format": first.date_format,
        "decimal_comma": first.decimal_comma,
        "redacted_lines": publication.redacted_lines,
        "skipped": [
            {"row": int(row), "reason": reason, **({"sheet": sheet} if sheet is not None else {})}
            for sheet, row, reason in zip(skipped["sheet"], skipped["row"], skipped["reason"])
        ],
        "skipped_by_reason": {str(k): int(v) for k, v in skipped["reason"].value_counts().items()},
        "skipped_sheets": publication.skipped_sheets,
        "dropped_empty_columns": sum(t.dropped_columns for t in publication.tables),
        "problems": [
            {"row": p.row, "column": p.column, "field": p.field, "text": p.text, **({"sheet": p.sheet} if p.sheet else {})}
            for p in publication.problems
        ],
        "problem_count": publication.problem_count,
        "tables": [
            {
                "sheet": t.sheet,
                "header_row": t.header_row,
                "columns": t.mapping.as_dict(),
                "unmapped_columns": t.mapping.unmapped,
                "lines": t.lines,
                "date_format": t.date_format,
            }
            for t in publication.tables
        ],
    }
