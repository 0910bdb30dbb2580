"""A categorisation run over many files: read each, categorise, collect output and report.

This is what `spendcat categorise` does, importable: `categorise_files(paths, rule_set)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spendcat import __version__
from spendcat.categorise import (
    ADDED_COLUMNS,
    CATEGORISED,
    CATEGORY_COLUMNS,
    CONSENSUS,
    Categoriser,
    category_table,
    supplier_consensus,
)
from spendcat.errors import NoSpendTable
from spendcat.output import sha256_file
from spendcat.publication import Publication, ReadOptions, read_publications
from spendcat.report import REPORT_COLUMNS, build_report
from spendcat.rules import RuleSet

PROVENANCE = ("source_file", "source_sheet", "source_row")


@dataclass
class RunResult:
    output: pd.DataFrame  # every line: provenance, original columns, then spendcat's columns
    report: dict[str, Any]
    report_frame: pd.DataFrame
    publications: list[dict[str, Any]]
    rule_fires: np.ndarray
    rule_wins: np.ndarray
    inputs: list[Path] = field(default_factory=list)


def _unclashing(name: str, taken: set[str]) -> str:
    """An added column never overwrites an original one of the same name."""
    candidate = name
    while candidate.lower() in taken:
        candidate = f"{candidate}_spendcat"
    return candidate


def output_frame(publication: Publication, added: pd.DataFrame) -> pd.DataFrame:
    """Provenance, every original column, then spendcat's canonical and decision columns."""
    original = publication.original.reset_index(drop=True)
    lines = publication.lines
    taken = {str(c).lower() for c in original.columns}
    columns: dict[str, Any] = {}
    for name in PROVENANCE:
        if name in lines:
            columns[_unclashing(name, taken)] = lines[name].to_numpy() if name == "source_row" else lines[name].array
    front = pd.DataFrame(columns)
    back: dict[str, Any] = {
        _unclashing("amount_pence", taken): lines["amount_pence"].array,
        _unclashing("payment_date", taken): lines["date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
        _unclashing("redacted", taken): lines["redacted"].to_numpy(),
    }
    for name in ADDED_COLUMNS:
        back[_unclashing(name, taken)] = added[name].array
    return pd.concat([front, original, pd.DataFrame(back)], axis=1)


def _report_part(publication: Publication, added: pd.DataFrame) -> pd.DataFrame:
    lines = publication.lines
    part = pd.DataFrame(
        {
            "source_file": publication.file,
            "supplier": lines["supplier"].array if "supplier" in lines else None,
            "expense_type": lines["expense_type"].array if "expense_type" in lines else None,
            "amount_pence": lines["amount_pence"],
            "redacted": lines["redacted"].to_numpy(),
        }
    )
    for name in ("status", "category", "category_label", "decided_by", "other_categories"):
        part[name] = added[name].array
    return part[list(REPORT_COLUMNS)]


def categorise_files(
    paths: Sequence[Path],
    rule_set: RuleSet,
    options: ReadOptions | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> RunResult:
    """Read and categorise every file; one output frame and one report for the run."""
    categoriser = Categoriser(rule_set)
    categorised: list[tuple[Publication, pd.DataFrame]] = []
    fires = np.zeros(len(rule_set.rules), dtype=np.int64)
    wins = np.zeros(len(rule_set.rules), dtype=np.int64)
    for path in paths:
        for publication in read_publications(path, options):
            result = categoriser.categorise(publication)
            fires += result.rule_fires
            wins += result.rule_wins
            categorised.append((publication, result.added))
        if on_file is not None:
            on_file(path)
    if not categorised:
        raise NoSpendTable("no publications to categorise")
    report_frame = _concat([_report_part(p, added) for p, added in categorised])
    _apply_consensus(report_frame, categorised, rule_set)
    output = _concat([output_frame(p, added) for p, added in categorised])
    described = [{"file": p.file, "lines": p.line_count, "amount_pence": p.amount_pence} for p, _ in categorised]
    report = build_report(report_frame, files=len(described))
    return RunResult(output, report, report_frame, described, fires, wins, list(paths))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0]


def _apply_consensus(report_frame: pd.DataFrame, categorised: list[tuple[Publication, pd.DataFrame]], rule_set: RuleSet) -> None:
    """Lend each agreeing supplier's category to its lines with no evidence (in place)."""
    lent = supplier_consensus(
        report_frame["supplier"], report_frame["redacted"].to_numpy(dtype=bool), report_frame["status"],
        report_frame["category"], report_frame["amount_pence"],
    )
    filled = lent.notna().to_numpy()
    if not filled.any():
        return
    taxonomy = rule_set.taxonomy
    report_frame.loc[filled, "category"] = lent[filled]
    report_frame.loc[filled, "category_label"] = [taxonomy.get(c).label for c in lent[filled]]
    report_frame.loc[filled, "decided_by"] = CONSENSUS
    report_frame.loc[filled, "status"] = CATEGORISED
    start = 0
    for _, added in categorised:
        part = filled[start : start + len(added)]
        if part.any():
            categories = lent.to_numpy()[start : start + len(added)][part]
            described = category_table(taxonomy, [taxonomy.get(c).id for c in categories])
            for name in CATEGORY_COLUMNS:
                added.loc[part, name] = described[name].to_numpy()[:-1]
            added.loc[part, "decided_by"] = CONSENSUS
            added.loc[part, "status"] = CATEGORISED
        start += len(added)


def manifest(result: RunResult, rule_set: RuleSet, options: dict[str, Any]) -> dict[str, Any]:
    """What a published categorisation was made from, so it can be re-derived."""
    return {
        "spendcat_version": __version__,
        "inputs": [{"file": str(p), "sha256": sha256_file(p)} for p in result.inputs],
        "rule_files": [{"file": str(p), "sha256": sha256_file(p)} for p in rule_set.files],
        "supplier_files": [{"file": str(p), "sha256": sha256_file(p)} for p in rule_set.supplier_paths],
        "taxonomy": {"id": rule_set.taxonomy.id, "file": str(rule_set.taxonomy.source), "sha256": sha256_file(rule_set.taxonomy.source)},
        "matching": rule_set.matching.model_dump(),
        "options": options,
        "publications": result.publications,
        "lines": result.report["lines"],
        "amount_pence": result.report["amount_pence"],
        "coverage": result.report["coverage"],
        "summary": result.report["summary"],
    }
