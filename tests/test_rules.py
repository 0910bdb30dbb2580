"""Rule files: validation with file and line, conditions, layering."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spendcat.categorise import Categoriser
from spendcat.rulecheck import lint, publication_from_records
from spendcat.rules import InvalidRuleFile, load_rule_set, rule_file_schema


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def categories(rule_text: str, tmp_path: Path, records: list[dict]) -> list[object]:
    rule_set = load_rule_set([write(tmp_path, "r.yaml", rule_text)])
    added = Categoriser(rule_set).categorise(publication_from_records(records)).added
    return [None if pd.isna(c) else c for c in added["category"].tolist()]


HEAD = "spendcat: 1\nrules:\n"


@pytest.mark.parametrize(
    ("condition", "records", "expected"),
    [
        # keywords: whole words, any case
        ("expense_type: {any: [agency]}", [{"expense_type": "AGENCY Staff"}, {"expense_type": "Agencyfee"}], [True, False]),
        ("expense_type: {all: [agency, social]}", [{"expense_type": "Agency - Social Care"}, {"expense_type": "Agency"}], [True, False]),
        ("expense_type: [temporary staff]", [{"expense_type": "Temporary   Staff"}, {"expense_type": "Staff temporary"}], [True, False]),
        ("supplier: {regex: '^HM Revenue'}", [{"supplier": "HM Revenue & Customs"}, {"supplier": "Not HM Revenue"}], [True, False]),
        ("expense_area: {equals: ' adult social care '}", [{"expense_area": "Adult Social Care"}, {"expense_area": "Adult Social Care North"}], [True, False]),
        ("expense_area: {in: [highways, parks]}", [{"expense_area": "PARKS"}, {"expense_area": "Libraries"}], [True, False]),
        ("amount: {min: 500, max: 1000}", [{"amount": "500.00"}, {"amount": "1,000.01"}, {"amount": "499.99"}], [True, False, False]),
        ("date: {from: 2024-04-01, to: 2024-04-30}", [{"date": "01/04/2024"}, {"date": "01/05/2024"}], [True, False]),
        ("description: {missing: true}", [{"description": ""}, {"description": "Paper"}], [True, False]),
        ("purpose: {any: [stationery]}", [{"description": "Stationery order"}, {"expense_type": "Stationery"}, {"supplier": "Stationery Ltd"}], [True, True, False]),
        ("'column:Cost Code': {equals: K9534}", [{"column:Cost Code": "K9534"}, {"column:Cost Code": "K0000"}], [True, False]),
    ],
)
def test_each_condition_type(tmp_path: Path, condition: str, records: list[dict], expected: list[bool]) -> None:
    text = HEAD + f"  - id: r1\n    category: supplies.office\n    when:\n      {condition}\n"
    got = categories(text, tmp_path, records)
    assert [c == "supplies.office" for c in got] == expected


def test_any_of_is_or_and_unless_is_not(tmp_path: Path) -> None:
    text = HEAD + (
        "  - id: r1\n    category: premises.utilities\n"
        "    any_of:\n      - {expense_type: [electricity]}\n      - {supplier: [npower]}\n"
        "    unless:\n      - {description: [refund]}\n"
    )
    records = [
        {"expense_type": "Electricity"},
        {"supplier": "Npower Ltd"},
        {"supplier": "Npower Ltd", "description": "Refund of overpayment"},
        {"expense_type": "Gas"},
    ]
    assert categories(text, tmp_path, records) == ["premises.utilities", "premises.utilities", None, None]


def test_several_fields_in_when_all_must_hold(tmp_path: Path) -> None:
    text = HEAD + "  - id: r1\n    category: transport.home_to_school\n    when:\n      expense_type: [transport]\n      expense_area: [education]\n"
    records = [{"expense_type": "Transport", "expense_area": "Education"}, {"expense_type": "Transport", "expense_area": "Highways"}]
    assert categories(text, tmp_path, records) == ["transport.home_to_school", None]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - id: r1\n    category: workforce.agnecy\n    when: {expense_type: [agency]}\n", "unknown category 'workforce.agnecy'"),
        ("  - id: r1\n    category: workforce.agency\n    when: {expense_typ: [agency]}\n", "unknown field 'expense_typ'"),
        ("  - id: r1\n    category: workforce.agency\n    when: {expense_type: {regex: '(unclosed'}}\n", "bad regex"),
        ("  - id: r1\n    category: workforce.agency\n    when: {expense_type: [a]}\n  - id: r1\n    category: workforce.agency\n    when: {expense_type: [b]}\n", "duplicate rule id 'r1'"),
        ("  - id: r1\n    category: workforce.agency\n    priority: high\n    when: {expense_type: [a]}\n", "priority"),
        ("  - id: r1\n    category: workforce.agency\n    wehn: {expense_type: [a]}\n", "unknown key 'wehn'"),
        ("  - id: r1\n    category: workforce.agency\n", "needs conditions"),
        ("  - id: r1\n    category: workforce.agency\n    when: {supplier: {min: 5}}\n", "min/max apply to amount only"),
    ],
)
def test_invalid_rule_files_name_file_line_and_problem(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, "bad.yaml", HEAD + body)
    with pytest.raises(InvalidRuleFile) as caught:
        load_rule_set([path])
    text = str(caught.value)
    assert str(path) in text
    assert message in text
    assert "line " in text


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "spendcat: 1\nrules:\n  - id: [unclosed\n")
    with pytest.raises(InvalidRuleFile, match=r"line \d+: not valid YAML"):
        load_rule_set([path])


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    path = write(tmp_path, "evil.yaml", "spendcat: 1\nrules: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(InvalidRuleFile):
        load_rule_set([path])


def test_later_layers_override_and_disable_by_id(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", HEAD + (
        "  - id: agency\n    category: workforce.agency\n    when: {expense_type: [agency]}\n"
        "  - id: paper\n    category: supplies.office\n    when: {expense_type: [paper]}\n"
    ))
    body = write(tmp_path, "body.yaml", HEAD + (
        "  - id: agency\n    category: professional.consultancy\n    when: {expense_type: [agency]}\n"
        "  - id: paper\n    enabled: false\n"
        "  - id: cars\n    category: transport.fleet\n    when: {expense_type: [vehicle]}\n"
    ))
    rule_set = load_rule_set([base, body])
    assert [r.rule.id for r in rule_set.rules] == ["agency", "cars"]
    records = [{"expense_type": "Agency"}, {"expense_type": "Paper"}, {"expense_type": "Vehicle hire"}]
    added = Categoriser(rule_set).categorise(publication_from_records(records)).added
    assert [None if pd.isna(c) else c for c in added["category"]] == ["professional.consultancy", None, "transport.fleet"]


def test_schema_describes_rules_and_conditions() -> None:
    schema = rule_file_schema()
    assert schema["title"] == "spendcat rule file"
    assert "rules" in schema["properties"]
    condition = schema["$defs"]["Condition"]["properties"]
    assert {"any", "all", "regex", "equals", "in", "min", "max", "from", "to", "missing"} <= set(condition)


def test_conditions_on_a_text_field_kept_as_plain_strings(tmp_path: Path) -> None:
    from spendcat.categorise import Categoriser

    path = write(tmp_path, "r.yaml", HEAD + "  - id: r1\n    category: supplies.office\n    when:\n      transaction_id: {regex: '^CAP'}\n")
    publication = publication_from_records([{"transaction_id": "CAP123"}, {"transaction_id": "X9"}, {"transaction_id": ""}])
    publication.lines["transaction_id"] = publication.lines["transaction_id"].astype(object).where(publication.lines["transaction_id"].notna(), "").astype(str)
    added = Categoriser(load_rule_set([path])).categorise(publication).added
    assert [c == "supplies.office" for c in added["category"]] == [True, False, False]


def test_lint_finds_a_supplier_listed_twice_or_under_two_categories(tmp_path: Path) -> None:
    rule_set = load_rule_set([write(tmp_path, "r.yaml", """spendcat: 1
rules: []
suppliers:
  - {name: Kwik Fit, category: transport.vehicle_maintenance}
  - {name: Kwik-Fit (GB) Ltd, category: transport.vehicle_maintenance}
  - {name: Telefonica UK, category: ict.telecoms}
  - {name: Acme Holdings, category: ict.software, aliases: [Telefonica]}
""")])
    messages = sorted(f.message for f in lint(rule_set) if f.severity == "warning")
    assert messages == [
        "supplier 'Kwik-Fit (GB) Ltd' is listed twice",
        "supplier name 'telefonica' is listed under several categories: ['ict.software', 'ict.telecoms']",
    ]


def test_lint_finds_one_rule_id_in_two_files_of_one_folder(tmp_path: Path) -> None:
    rule = "  - id: agency\n    category: workforce.agency\n    when: {expense_type: [agency]}\n    examples: [{expense_type: Agency}]\n"
    folder, layer = tmp_path / "rules", tmp_path / "mine"
    folder.mkdir()
    layer.mkdir()
    write(folder, "a.yaml", HEAD + rule)
    write(folder, "b.yaml", HEAD + rule)
    write(layer, "c.yaml", HEAD + rule)
    findings = [f for f in lint(load_rule_set([folder])) if f.severity == "warning"]
    assert [(f.rule_id, Path(f.file).name) for f in findings] == [("agency", "b.yaml")]
    # A later layer in another folder replaces a rule on purpose.
    assert [f for f in lint(load_rule_set([folder / "a.yaml", layer])) if f.severity == "warning"] == []
    # A third file that switches the rule off leaves the warning, and lint still runs.
    write(folder, "c.yaml", HEAD + "  - id: agency\n    enabled: false\n")
    findings = [f for f in lint(load_rule_set([folder])) if f.severity == "warning"]
    assert [(f.rule_id, Path(f.file).name, f.line) for f in findings] == [("agency", "b.yaml", 3)]
