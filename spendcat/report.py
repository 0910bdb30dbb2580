"""The categorisation report, as plain data: the Rich tables and `--report json` render it.

Shares of money are shares of *absolute* pence: a credit note of £1m is a million pounds a
reader has to account for, not a million pounds less to categorise. Totals stay signed and
exact.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from spendcat.categorise import AMBIGUOUS, CATEGORISED, EXCLUDED, STATUSES, UNCATEGORISED

TOP_GROUPS = 20
REPORT_COLUMNS = (
    "source_file", "supplier", "expense_type", "amount_pence", "status", "category", "category_label",
    "decided_by", "other_categories", "redacted",
)


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def coverage(frame: pd.DataFrame) -> dict[str, float]:
    """Percent of lines and of £ categorised, excluded lines left out of both sides."""
    counted = frame["status"] != EXCLUDED
    money = frame["amount_pence"].fillna(0).abs().astype("int64")
    categorised = frame["status"] == CATEGORISED
    return {
        "lines": _share(int((categorised & counted).sum()), int(counted.sum())),
        "amount": _share(int(money[categorised & counted].sum()), int(money[counted].sum())),
    }


def _group(frame: pd.DataFrame, keys: list[str], top: int) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    work = frame[keys + ["amount_pence"]].copy()
    for key in keys:
        work[key] = work[key].astype(object).where(work[key].notna(), "(blank)")
    work["abs_pence"] = work["amount_pence"].fillna(0).abs().astype("int64")
    work["amount_pence"] = work["amount_pence"].fillna(0).astype("int64")
    grouped = (
        work.groupby(keys, sort=False, observed=True)
        .agg(lines=("amount_pence", "size"), amount_pence=("amount_pence", "sum"), abs_pence=("abs_pence", "sum"))
        .sort_values(["abs_pence", "lines"], ascending=False)
        .head(top)
        .reset_index()
    )
    return [
        {
            **{k: row[k] for k in keys},
            "lines": int(row["lines"]),
            "amount_pence": int(row["amount_pence"]),
            "abs_amount_pence": int(row["abs_pence"]),
        }
        for row in grouped.to_dict("records")
    ]


def build_report(frame: pd.DataFrame, *, files: int, top: int = TOP_GROUPS) -> dict[str, Any]:
    """Everything the report says, for a run's lines (REPORT_COLUMNS present)."""
    money = frame["amount_pence"].fillna(0).abs().astype("int64")
    total_abs = int(money.sum())
    total_lines = len(frame)
    supplier = frame["supplier"].astype(object) if "supplier" in frame else pd.Series([None] * total_lines, dtype=object)
    summary = []
    for status in STATUSES:
        mask = (frame["status"] == status).to_numpy()
        summary.append(
            {
                "status": status,
                "lines": int(mask.sum()),
                "amount_pence": int(frame["amount_pence"][mask].fillna(0).sum()),
                "share_lines": _share(int(mask.sum()), total_lines),
                "share_amount": _share(int(money[mask].sum()), total_abs),
                "suppliers": int(supplier[mask].nunique(dropna=True)),
            }
        )
    categorised = frame[frame["status"] == CATEGORISED]
    by_category = _group(categorised, ["category", "category_label"], top=10_000)
    for item in by_category:
        item["share_amount"] = _share(item["abs_amount_pence"], total_abs)
    decided = frame[frame["status"].isin([CATEGORISED, EXCLUDED])]
    by_decided_by = []
    for item in _group(decided.assign(evidence=_evidence_kind(decided["decided_by"])), ["evidence"], top=10_000):
        item["share_amount"] = _share(item["abs_amount_pence"], total_abs)
        by_decided_by.append(item)
    return {
        "files": files,
        "lines": total_lines,
        "amount_pence": int(frame["amount_pence"].fillna(0).sum()),
        "suppliers": int(supplier.nunique(dropna=True)),
        "coverage": coverage(frame),
        "summary": summary,
        "by_category": by_category,
        "by_evidence": by_decided_by,
        "uncategorised": _group(frame[frame["status"] == UNCATEGORISED], ["supplier", "expense_type"], top),
        "ambiguous": _group(
            frame[frame["status"] == AMBIGUOUS], ["supplier", "expense_type", "other_categories", "decided_by"], top
        ),
    }


def _evidence_kind(decided_by: pd.Series) -> pd.Series:
    """`supplier:exact` etc. stay as they are; rule ids become `rule`."""
    values = decided_by.astype(object)
    return values.where(values.astype(str).str.startswith("supplier:"), "rule")
