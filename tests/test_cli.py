"""The command line: exit codes, JSON parsed back, one-line errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spendcat.cli import app

runner = CliRunner()

COUNCIL_CSV = (
    "Monthly payments over £500,,,,\n"
    ",,,,\n"
    "Body Name,Service Area,Expenses Type,Payment Date,Net Amount,Supplier Name\n"
    "Anytown Council,Adult Social Care,Residential Care,02/05/2024,\"1,250.00\",Oakfield Care Homes Ltd\n"
    "Anytown Council,Highways,Road Maintenance,03/05/2024,\"£12,000.50\",Tarmac Roads PLC\n"
    "Anytown Council,Children's Services,Foster Care,04/05/2024,(100.25),REDACTED PERSONAL DATA\n"
    ",,,,\n"
    "Total,,,,\"13,150.25\",\n"
)


@pytest.fixture
def council_file(tmp_path: Path) -> Path:
    path = tmp_path / "council.csv"
    path.write_bytes(COUNCIL_CSV.replace("\n", "\r\n").encode("cp1252"))
    return path


def test_inspect_json_reports_lines_pence_and_skips(council_file: Path) -> None:
    result = runner.invoke(app, ["inspect", str(council_file), "--json"])
    assert result.exit_code == 0, result.output
    [summary] = [json.loads(line) for line in result.stdout.splitlines()]
    assert summary["file"] == str(council_file)
    assert summary["format"] == "csv"
    assert summary["encoding"] == "cp1252"
    assert summary["header_row"] == 3
    assert summary["lines"] == 3
    assert summary["amount_pence"] == 125000 + 1200050 - 10025
    assert summary["columns"]["supplier"] == "Supplier Name"
    assert summary["columns"]["amount"] == "Net Amount"
    assert summary["date_min"] == "2024-05-02" and summary["date_max"] == "2024-05-04"
    assert summary["redacted_lines"] == 1
    assert {(s["row"], s["reason"]) for s in summary["skipped"]} == {(7, "blank row"), (8, "totals row")}


def test_inspect_table_names_the_file_and_total(council_file: Path) -> None:
    result = runner.invoke(app, ["inspect", str(council_file)])
    assert result.exit_code == 0, result.output
    assert "council.csv" in result.stdout
    assert "£13,150.25" in result.stdout
    assert "totals row" in result.stdout


def test_inspect_many_files_one_json_line_each(council_file: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_text("Supplier,Amount\nAcme Ltd,10.00\n", encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    files = [json.loads(line)["file"] for line in result.stdout.splitlines()]
    assert files == [str(council_file), str(second)]


def test_column_override_wins(tmp_path: Path) -> None:
    path = tmp_path / "vendor.csv"
    path.write_text("Vendor Name,Payee,Amount\nAcme Ltd,Someone Else,10.00\n", encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path), "--json", "--column", "supplier=Payee"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["columns"]["supplier"] == "Payee"


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (None, [], "no such file"),
        (b"", [], "empty file"),
        (b"\x00\x01\x02\x03binary\x00junk" * 50, [], "binary"),
        (b"Supplier,Description\nAcme Ltd,Paper\n", [], "amount"),
        (b"Supplier,Amount\nAcme Ltd,10.00\n", ["--column", "nonsense=Supplier"], "unknown field"),
        (b"Supplier,Amount\nAcme Ltd,10.00\n", ["--column", "supplier=Vendor"], "no such header"),
        (b"Supplier,Amount\nAcme Ltd,10.00\n", ["--sheet", "May"], "no such sheet"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, content: bytes | None, args: list[str], expected: str) -> None:
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(app, ["inspect", str(path), *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.output
    if content is not None and not args:
        assert str(path) in lines[0]


def test_one_bad_file_does_not_hide_the_others(council_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["inspect", str(council_file), str(empty), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout.splitlines()[0])["lines"] == 3
    assert "empty file" in result.stderr


COMMANDS = [
    ["inspect"], ["categorise"], ["check"], ["explain"], ["taxonomy"], ["rules", "schema"], ["rules", "test"],
    ["rules", "lint"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"spendcat {' '.join(command)}" in (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_taxonomy_exports_the_crosswalk() -> None:
    as_json = json.loads(runner.invoke(app, ["taxonomy", "--format", "json"]).stdout)
    groups = [row["id"] for row in as_json if row["level"] == 1]
    assert len(groups) == 18 and groups[0] == "workforce"
    as_csv = runner.invoke(app, ["taxonomy", "--format", "csv"]).stdout.splitlines()
    assert as_csv[0] == "id,parent,level,label,definition,sercop,cofog,proclass"
    assert len(as_csv) == len(as_json) + 1
    assert runner.invoke(app, ["taxonomy", "--format", "xml"]).exit_code == 2
