"""`spendcat categorise`, `explain` and `rules` through the CLI: outputs, gates, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spendcat.cli import app

runner = CliRunner()

RULES = """\
spendcat: 1
matching: {accept: 90, review: 80, margin: 5, supplier_priority: 40}
rules:
  - id: care
    category: social_care.residential
    priority: 60
    when: {expense_type: [residential care]}
    examples:
      - {expense_type: "Residential Care"}
      - {expense_type: "Day care", expect: none}
  - id: roads
    category: highways.maintenance
    when: {expense_type: [road maintenance]}
    examples:
      - {expense_type: "Road Maintenance"}
  - id: recharge
    exclude: true
    priority: 90
    when: {expense_type: [internal recharge]}
    examples:
      - {expense_type: "Internal Recharge"}
suppliers:
  - {name: Acme Stationers Ltd, category: supplies.office}
"""

PUBLICATION = (
    "Body Name,Expenses Type,Payment Date,Net Amount,Supplier Name,Category\n"
    "Anytown,Residential Care,02/05/2024,\"1,000.00\",Oakfield Care Homes Ltd,x\n"
    "Anytown,Road Maintenance,03/05/2024,500.00,Tarmac Roads PLC,=HYPERLINK(\"http://evil\")\n"
    "Anytown,Office supplies,04/05/2024,250.50,ACME STATIONERS LIMITED,y\n"
    "Anytown,Mystery,05/05/2024,-100.25,Unknown Ltd,z\n"
    "Anytown,Internal Recharge,06/05/2024,40.00,Anytown Council,z\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    publication = tmp_path / "spend.csv"
    publication.write_text(PUBLICATION, encoding="utf-8")
    return rules, publication


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_categorise_writes_every_line_in_order_with_originals(files: tuple[Path, Path], tmp_path: Path) -> None:
    rules, publication = files
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--out", str(out), "--report", "none"])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [r["Supplier Name"] for r in rows] == [
        "Oakfield Care Homes Ltd", "Tarmac Roads PLC", "ACME STATIONERS LIMITED", "Unknown Ltd", "Anytown Council",
    ]
    assert [r["status"] for r in rows] == ["categorised", "categorised", "categorised", "uncategorised", "excluded"]
    assert [r["category_spendcat"] for r in rows][:3] == ["social_care.residential", "highways.maintenance", "supplies.office"]
    assert [r["Category"] for r in rows][0] == "x"  # the original column of the same name is kept
    assert rows[1]["Category"].startswith("'=")  # formula neutralised
    assert [r["decided_by"] for r in rows][:3] == ["care", "roads", "supplier:exact"]
    assert [int(r["amount_pence"]) for r in rows] == [100000, 50000, 25050, -10025, 4000]
    assert [r["source_row"] for r in rows] == ["2", "3", "4", "5", "6"]
    manifest = json.loads((tmp_path / "out.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["lines"] == 5
    assert manifest["amount_pence"] == 100000 + 50000 + 25050 - 10025 + 4000
    assert manifest["inputs"][0]["sha256"] and manifest["rule_files"][0]["file"] == str(rules)


def test_report_json_and_coverage_gates(files: tuple[Path, Path]) -> None:
    rules, publication = files
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--report", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["lines"] == 5
    assert sum(s["amount_pence"] for s in report["summary"]) == report["amount_pence"]
    assert report["uncategorised"][0]["supplier"] == "Unknown Ltd"
    covered = 100 * (100000 + 50000 + 25050) / (100000 + 50000 + 25050 + 10025)
    assert report["coverage"]["amount"] == round(covered, 2)
    passing = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--report", "none", "--min-coverage", "90"])
    assert passing.exit_code == 0
    failing = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--report", "none", "--min-coverage", "95"])
    assert failing.exit_code == 1
    assert "below --min-coverage 95" in failing.stderr
    lines_gate = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--report", "none", "--min-line-coverage", "80"])
    assert lines_gate.exit_code == 1


def test_rich_report_fits_80_columns(files: tuple[Path, Path]) -> None:
    rules, publication = files
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(rules)])
    assert result.exit_code == 0, result.output
    assert "uncategorised" in result.stdout and "Unknown Ltd" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_refuses_to_overwrite_an_input(files: tuple[Path, Path]) -> None:
    rules, publication = files
    before = publication.read_bytes()
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--out", str(publication)])
    assert result.exit_code == 2
    assert publication.read_bytes() == before
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_rule_file_is_exit_2_with_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, publication = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("spendcat: 1\nrules:\n  - id: x\n    category: nope.nope\n    when: {supplier: [a]}\n", encoding="utf-8")
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(bad)])
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "unknown category 'nope.nope'" in result.stderr
    assert "Traceback" not in result.output


def test_xlsx_output_has_summary_and_uncategorised_sheets(files: tuple[Path, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rules, publication = files
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["categorise", str(publication), "-r", str(rules), "--out", str(out), "--report", "none"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames[:2] == ["lines", "summary"]
    assert "uncategorised" in workbook.sheetnames


def test_explain_names_rules_and_supplier_candidates(files: tuple[Path, Path]) -> None:
    rules, publication = files
    result = runner.invoke(app, ["explain", str(publication), "--row", "4", "-r", str(rules), "--json"])
    assert result.exit_code == 0, result.output
    explanation = json.loads(result.stdout)
    assert explanation["status"] == "categorised"
    assert explanation["decided_by"] == "supplier:exact"
    assert explanation["supplier_candidates"][0]["name"] == "Acme Stationers Ltd"
    table = runner.invoke(app, ["explain", str(publication), "--row", "2", "-r", str(rules)])
    assert table.exit_code == 0 and "care" in table.stdout
    missing = runner.invoke(app, ["explain", str(publication), "--row", "99", "-r", str(rules)])
    assert missing.exit_code == 2 and "not a spend line" in missing.stderr


def test_rules_test_passes_and_fails_like_a_test_runner(files: tuple[Path, Path], tmp_path: Path) -> None:
    rules, _ = files
    result = runner.invoke(app, ["rules", "test", str(rules)])
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed" in result.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(RULES.replace('- {expense_type: "Day care", expect: none}', '- {expense_type: "Residential care home", expect: none}'), encoding="utf-8")
    failed = runner.invoke(app, ["rules", "test", str(broken)])
    assert failed.exit_code == 1
    assert "FAIL" in failed.stdout and "care" in failed.stdout


def test_rules_lint_against_files(files: tuple[Path, Path], tmp_path: Path) -> None:
    rules, publication = files
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "spendcat: 1\nrules:\n  - id: never\n    category: ict.software\n    when: {expense_type: [zzz]}\n"
        "  - id: shadowed\n    category: ict.hardware\n    priority: 10\n    when: {expense_type: [residential]}\n"
        "    examples:\n      - {expense_type: residential, expect: none}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "lint", str(rules), str(extra), "--against", str(publication)])
    assert result.exit_code == 1
    assert "never: rule has no examples" in result.stdout
    assert "never: never fires" in result.stdout
    assert "warning: " in result.stdout and "shadowed: fires on 1 lines but never decides one" in result.stdout


def test_rules_schema_is_json() -> None:
    result = runner.invoke(app, ["rules", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "spendcat rule file"
