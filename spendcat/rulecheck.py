"""Checking rule sets: run their examples (`rules test`), find dead parts (`rules lint`),
and explain one line's category (`explain`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from spendcat.categorise import AMBIGUOUS, CATEGORISED, EXCLUDED, Categoriser, LineView, rule_mask, rule_masks
from spendcat.columns import TEXT_FIELDS
from spendcat.errors import BadOption
from spendcat.publication import Publication
from spendcat.rules import COLUMN_PREFIX, NONE, RuleSet
from spendcat.suppliers import normalise_names
from spendcat.values import parse_amounts, parse_dates


def publication_from_records(records: list[dict[str, Any]], name: str = "examples") -> Publication:
    """A publication made of given lines (field -> text), as examples and tests need."""
    count = len(records)
    lines = pd.DataFrame(index=pd.RangeIndex(count))
    lines["source_file"] = name
    lines["source_row"] = np.arange(1, count + 1)

    def text(field_name: str) -> list[str]:
        return ["" if r.get(field_name) is None else str(r.get(field_name)) for r in records]

    lines["amount_pence"] = pd.array(parse_amounts(pa.array(text("amount"))).pence.to_pylist(), dtype="Int64")
    dates = parse_dates(pa.array(text("date")))
    lines["date"] = pd.Series(dates.dates.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False), dtype="datetime64[s]")
    for field_name in TEXT_FIELDS:
        values = [r.get(field_name) for r in records]
        if field_name == "description":
            values = [r.get("description", r.get("purpose")) for r in records]
        cleaned = [None if v is None or str(v).strip() == "" else str(v).strip() for v in values]
        if any(v is not None for v in cleaned):
            lines[field_name] = pd.Categorical(cleaned)
    lines["redacted"] = False
    original_columns = sorted({k for r in records for k in r if k.startswith(COLUMN_PREFIX)})
    original = pd.DataFrame({c[len(COLUMN_PREFIX) :]: [r.get(c) for r in records] for c in original_columns}, index=lines.index)
    return Publication(
        file=name, format="records", encoding=None, delimiter=None,
        tables=[], lines=lines, original=original,
        skipped=pd.DataFrame({"sheet": [], "row": [], "reason": []}), problems=[], problem_count=0,
    )


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    file: str
    line: int | None
    example: dict[str, Any]
    expected: str
    got: str
    fired: bool
    passed: bool
    why: str


def run_examples(rule_set: RuleSet) -> list[ExampleResult]:
    """Every example of every rule, run against the whole layered rule set.

    An example expects the rule's own category (or `excluded`) unless it says otherwise;
    `expect: none` means this rule must not fire on it.
    """
    cases = []
    for index, loaded in enumerate(rule_set.rules):
        for example in loaded.rule.examples:
            fields = {k: v for k, v in (example.model_extra or {}).items()}
            own = "excluded" if loaded.rule.exclude else rule_set.taxonomy.get(loaded.rule.category).id
            cases.append((index, loaded, fields, example.expect or own))
    if not cases:
        return []
    publication = publication_from_records([c[2] for c in cases])
    categoriser = Categoriser(rule_set)
    result = categoriser.categorise(publication).added
    masks = rule_masks(LineView(publication, rule_set.shorthand), rule_set)
    results = []
    for position, (index, loaded, fields, expected) in enumerate(cases):
        status = result["status"].iloc[position]
        fired = bool(masks[index][position])
        if status == CATEGORISED:
            got = str(result["category"].iloc[position])
        elif status == EXCLUDED:
            got = "excluded"
        elif status == AMBIGUOUS:
            got = f"ambiguous ({result['other_categories'].iloc[position]})"
        else:
            got = NONE
        if expected == NONE:
            passed = not fired
            why = "" if passed else f"the rule fired (line ended {got})"
        else:
            expected_id = expected if expected == "excluded" else rule_set.taxonomy.get(expected).id
            passed = got == expected_id
            why = "" if passed else f"decided by {result['decided_by'].iloc[position]}" if got != NONE else "nothing fired"
        results.append(
            ExampleResult(loaded.rule.id, loaded.file, loaded.line, fields, expected, got, fired, passed, why)
        )
    return results


@dataclass(frozen=True)
class LintFinding:
    severity: str  # warning fails `rules lint`; info does not
    rule_id: str | None
    file: str | None
    line: int | None
    message: str


def _lint_directory(rule_set: RuleSet) -> list[LintFinding]:
    """Directory spellings (names and aliases) that match nothing, that send one name to
    several categories, or that list one supplier twice."""
    findings: list[LintFinding] = []
    spellings = [(index, spelling) for index, (entry, _) in enumerate(rule_set.suppliers) for spelling in (entry.name, *entry.aliases)]
    normalised = normalise_names([spelling for _, spelling in spellings]).to_pylist() if spellings else []
    categories: dict[str, set[str]] = {}
    named_by: dict[str, int] = {}
    for (index, spelling), key in zip(spellings, normalised):
        entry, where = rule_set.suppliers[index]
        if not key:
            findings.append(LintFinding("warning", None, where, None, f"supplier {spelling!r} normalises to nothing"))
            continue
        categories.setdefault(key, set()).add(entry.category)
        if spelling == entry.name:
            if key in named_by:
                findings.append(LintFinding("warning", None, where, None, f"supplier {entry.name!r} is listed twice"))
            named_by[key] = index
    for key, found in categories.items():
        if len(found) > 1:
            findings.append(
                LintFinding("warning", None, None, None, f"supplier name {key!r} is listed under several categories: {sorted(found)}")
            )
    return findings


def lint(rule_set: RuleSet, publications: list[Publication] | None = None) -> list[LintFinding]:
    """Parts of a rule set that cannot be right or are never used."""
    findings: list[LintFinding] = []
    for loaded in rule_set.rules:
        if not loaded.rule.examples:
            findings.append(LintFinding("warning", loaded.rule.id, loaded.file, loaded.line, "rule has no examples"))
    for rule_id, earlier, later, line in rule_set.replaced:
        if Path(earlier).parent == Path(later).parent:
            # Layers override by id on purpose; two files of one folder doing so is a slip.
            findings.append(LintFinding("warning", rule_id, later, line, f"rule id also used in {earlier}, which this file's rule replaces"))
    findings += _lint_directory(rule_set)
    if publications:
        categoriser = Categoriser(rule_set)
        fires = np.zeros(len(rule_set.rules), dtype=np.int64)
        wins = np.zeros(len(rule_set.rules), dtype=np.int64)
        for publication in publications:
            result = categoriser.categorise(publication)
            fires += result.rule_fires
            wins += result.rule_wins
        for loaded, fired, won in zip(rule_set.rules, fires, wins):
            if fired == 0:
                severity = "info" if loaded.rule.examples else "warning"
                message = "never fires on these files" + (" (its examples say why it exists)" if loaded.rule.examples else "")
                findings.append(LintFinding(severity, loaded.rule.id, loaded.file, loaded.line, message))
            elif won == 0 and not loaded.rule.exclude:
                # A fallback (a supplier pattern for lines that say nothing else) is always
                # overridden on files that do say more; its examples show where it decides.
                severity = "info" if loaded.rule.examples else "warning"
                findings.append(
                    LintFinding(severity, loaded.rule.id, loaded.file, loaded.line, f"fires on {fired:,} lines but never decides one (always overridden)")
                )
    return findings


def explain_line(publication: Publication, row: int, rule_set: RuleSet, sheet: str | None = None) -> dict[str, Any]:
    """Every rule and supplier candidate considered for one line, and why the winner won."""
    lines = publication.lines
    mask = lines["source_row"].to_numpy() == row
    if sheet is not None and "source_sheet" in lines:
        mask &= (lines["source_sheet"].astype(object) == sheet).to_numpy()
    positions = np.flatnonzero(mask)
    if not len(positions):
        skipped = publication.skipped[publication.skipped["row"] == row]
        reason = f" (skipped: {skipped['reason'].iloc[0]})" if len(skipped) else ""
        raise BadOption(f"row {row} is not a spend line{reason}", file=publication.file)
    position = int(positions[0])
    categoriser = Categoriser(rule_set)
    result = categoriser.categorise(publication).added.iloc[position]
    view = LineView(publication, rule_set.shorthand)
    masks = rule_masks(view, rule_set)
    fired = []
    for loaded, fires_on in zip(rule_set.rules, masks):
        if fires_on[position]:
            rule = loaded.rule
            fired.append(
                {
                    "rule": rule.id,
                    "category": "excluded" if rule.exclude else rule.category,
                    "priority": rule.priority,
                    "where": f"{loaded.file}:{loaded.line}",
                }
            )
    origin = {loaded.rule.id: loaded for loaded in rule_set.rules}
    for rule in categoriser.area_rules:
        if rule_mask(view, rule)[position]:
            loaded = origin[rule.id.removesuffix("@area")]
            fired.append({"rule": rule.id, "category": rule.category, "priority": rule.priority, "where": f"{loaded.file}:{loaded.line}"})
    fired.sort(key=lambda r: -r["priority"])
    fields = {
        name: (None if pd.isna(lines[name].iloc[position]) else str(lines[name].iloc[position]))
        for name in lines.columns
        if name not in ("source_file",)
    }
    supplier = fields.get("supplier")
    candidates = categoriser.directory.candidates(supplier) if supplier else []
    return {
        "file": publication.file,
        "row": row,
        "fields": fields,
        "rules_fired": fired,
        "rules_considered": len(rule_set.rules) + len(categoriser.area_rules),
        "supplier_priority": rule_set.matching.supplier_priority,
        "supplier_candidates": candidates,
        "matching": rule_set.matching.model_dump(),
        "status": str(result["status"]),
        "category": None if pd.isna(result["category"]) else result["category"],
        "decided_by": None if pd.isna(result["decided_by"]) else result["decided_by"],
        "other_categories": None if pd.isna(result["other_categories"]) else result["other_categories"],
    }
