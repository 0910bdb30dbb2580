"""Decisions: precedence, every status, supplier evidence in the order, the report's sums."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcat.categorise import STATUSES, Categoriser
from spendcat.report import build_report
from spendcat.rulecheck import publication_from_records
from spendcat.rules import InvalidRuleFile, Shorthand, load_rule_set

RULES = """\
spendcat: 1
matching: {accept: 90, review: 80, margin: 5, supplier_priority: 40}
rules:
  - id: agency
    category: workforce.agency
    priority: 50
    when: {purpose: [agency staff]}
  - id: consultancy
    category: professional.consultancy
    priority: 50
    when: {purpose: [interim]}
  - id: care-home
    category: social_care.residential
    priority: 60
    when: {purpose: [residential]}
  - id: recharge
    exclude: true
    priority: 90
    when: {purpose: [internal recharge]}
  - id: low-priority-it
    category: ict.services
    priority: 10
    when: {purpose: [services]}
suppliers:
  - {name: Hays Specialist Recruitment Limited, category: workforce.agency}
  - {name: Acme Software Solutions, category: ict.software}
"""


@pytest.fixture
def categoriser(tmp_path: Path) -> Categoriser:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return Categoriser(load_rule_set([path]))


def run(categoriser: Categoriser, records: list[dict]) -> pd.DataFrame:
    added = categoriser.categorise(publication_from_records(records)).added
    return added.astype(object).where(added.notna(), None)


def test_every_status(categoriser: Categoriser) -> None:
    added = run(
        categoriser,
        [
            {"expense_type": "Agency Staff"},  # one rule
            {"expense_type": "Agency Staff Interim"},  # two rules, same priority, different categories
            {"expense_type": "Stationery"},  # nothing
            {"expense_type": "Internal Recharge"},  # exclusion
        ],
    )
    assert added["status"].tolist() == ["categorised", "ambiguous", "uncategorised", "excluded"]
    assert added["category"].tolist() == ["workforce.agency", None, None, None]
    assert added["decided_by"].tolist()[0] == "agency"
    assert added["other_categories"].tolist()[1] == "professional.consultancy; workforce.agency"


def test_higher_priority_wins_and_others_are_listed(categoriser: Categoriser) -> None:
    added = run(categoriser, [{"expense_type": "Residential Agency Staff"}])
    assert added["category"].tolist() == ["social_care.residential"]
    assert added["other_categories"].tolist() == ["workforce.agency"]


def test_exclusion_outranks_categories(categoriser: Categoriser) -> None:
    added = run(categoriser, [{"expense_type": "Internal recharge - agency staff"}])
    assert added["status"].tolist() == ["excluded"]


def test_supplier_evidence_sits_at_its_priority(categoriser: Categoriser) -> None:
    added = run(
        categoriser,
        [
            {"supplier": "HAYS SPECIALIST RECRUITMENT LTD"},  # exact, nothing else
            {"supplier": "Acme Software Solutions Ltd", "expense_type": "Residential"},  # rule 60 beats supplier 40
            {"supplier": "Acme Software Solutions Ltd", "expense_type": "Support services"},  # supplier 40 beats rule 10
            {"supplier": "Acme Sofware Solutions"},  # fuzzy, accepted
        ],
    )
    assert added["category"].tolist() == ["workforce.agency", "social_care.residential", "ict.software", "ict.software"]
    assert added["decided_by"].tolist() == ["supplier:exact", "care-home", "supplier:exact", "supplier:fuzzy"]
    assert added["matched_supplier"].tolist()[3] == "Acme Software Solutions"
    assert added["score"].tolist()[0] == 100.0
    assert 90 <= added["score"].tolist()[3] < 100


def test_fuzzy_match_in_review_band_is_ambiguous(categoriser: Categoriser) -> None:
    added = run(categoriser, [{"supplier": "Acme Softw Solutions NW"}])
    assert added["status"].tolist() == ["ambiguous"]
    assert added["decided_by"].tolist() == ["supplier:fuzzy"]


def test_report_sums_reconcile(categoriser: Categoriser) -> None:
    records = [
        {"expense_type": "Agency Staff", "amount": "100.10", "supplier": "A"},
        {"expense_type": "Stationery", "amount": "-20.05", "supplier": "B"},
        {"expense_type": "Internal Recharge", "amount": "5.00", "supplier": "C"},
    ]
    publication = publication_from_records(records)
    added = categoriser.categorise(publication).added
    frame = pd.DataFrame(
        {
            "source_file": "x",
            "supplier": publication.lines["supplier"].astype(object),
            "expense_type": publication.lines["expense_type"].astype(object),
            "amount_pence": publication.lines["amount_pence"],
            **{c: added[c] for c in ("status", "category", "category_label", "decided_by", "other_categories")},
        }
    )
    report = build_report(frame, files=1)
    assert report["amount_pence"] == 10010 - 2005 + 500
    assert sum(s["amount_pence"] for s in report["summary"]) == report["amount_pence"]
    assert report["coverage"] == {"lines": 50.0, "amount": round(100 * 10010 / (10010 + 2005), 2)}
    assert report["uncategorised"][0]["supplier"] == "B"


words = st.sampled_from(["agency staff", "interim", "residential", "internal recharge", "services", "paper", "", "Hays Specialist"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(words, words, st.integers(min_value=-10**9, max_value=10**9)),
        min_size=1,
        max_size=40,
    )
)
def test_every_line_one_status_in_order_and_money_reconciles(categoriser: Categoriser, rows: list[tuple[str, str, int]]) -> None:
    records = [
        {"expense_type": a, "supplier": b, "amount": f"{p / 100:.2f}", "transaction_id": str(i)}
        for i, (a, b, p) in enumerate(rows)
    ]
    publication = publication_from_records(records)
    added = categoriser.categorise(publication).added
    assert len(added) == len(rows)
    assert added["status"].isin(STATUSES).all()
    assert publication.lines["transaction_id"].astype(str).tolist() == [str(i) for i in range(len(rows))]
    frame = pd.DataFrame(
        {
            "source_file": "x",
            "supplier": publication.lines.get("supplier", pd.Series([None] * len(rows))).astype(object),
            "expense_type": publication.lines.get("expense_type", pd.Series([None] * len(rows))).astype(object),
            "amount_pence": publication.lines["amount_pence"],
            **{c: added[c] for c in ("status", "category", "category_label", "decided_by", "other_categories")},
        }
    )
    report = build_report(frame, files=1)
    assert report["amount_pence"] == sum(p for _, _, p in rows)
    assert sum(s["amount_pence"] for s in report["summary"]) == sum(p for _, _, p in rows)
    assert sum(s["lines"] for s in report["summary"]) == len(rows)


def test_supplier_consensus_fills_only_lines_without_evidence(tmp_path: Path) -> None:
    from spendcat.run import categorise_files

    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "Expenses Type,Net Amount,Supplier Name\n"
        "Agency Staff,100.00,Brook Street Ltd\n"
        "Agency Staff,100.00,BROOK STREET LIMITED\n"
        "Agency Staff,100.00,Brook Street Ltd\n"
        "Miscellaneous,50.00,Brook Street Ltd\n"  # no evidence: consensus lends workforce.agency
        "Interim,10.00,Brook Street Ltd\n"  # its own evidence: left alone
        "Agency Staff,10.00,REDACTED PERSONAL DATA\n"
        "Agency Staff,10.00,REDACTED PERSONAL DATA\n"
        "Agency Staff,10.00,REDACTED PERSONAL DATA\n"
        "Miscellaneous,10.00,REDACTED PERSONAL DATA\n"  # redacted: never grouped
        "Agency Staff,10.00,Two Lines Ltd\n"
        "Agency Staff,10.00,Two Lines Ltd\n"
        "Miscellaneous,10.00,Two Lines Ltd\n",  # only 2 categorised lines: no consensus
        encoding="utf-8",
    )
    result = categorise_files([spend], load_rule_set([rules]))
    out = result.output
    assert out["decided_by"].tolist()[3] == "supplier:consensus"
    assert out["category"].tolist()[3] == "workforce.agency"
    assert out["status"].tolist()[4] == "categorised" and out["decided_by"].tolist()[4] == "consultancy"
    assert out["status"].tolist()[8] == "uncategorised"
    assert out["status"].tolist()[11] == "uncategorised"
    evidence = {e["evidence"]: e["lines"] for e in result.report["by_evidence"]}
    assert evidence["supplier:consensus"] == 1


def test_group_and_its_own_category_agree_at_equal_priority(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "spendcat: 1\nrules:\n"
        "  - {id: any-ict, category: ict, when: {purpose: [computer]}}\n"
        "  - {id: hardware, category: ict.hardware, when: {purpose: [laptops]}}\n"
        "  - {id: software, category: ict.software, when: {purpose: [licences]}}\n",
        encoding="utf-8",
    )
    added = run(Categoriser(load_rule_set([path])), [
        {"expense_type": "Computer laptops"},
        {"expense_type": "Computer laptops and licences"},
    ])
    # Two categories of one group at the top still say the group.
    assert added["status"].tolist() == ["categorised", "categorised"]
    assert added["category"].tolist() == ["ict.hardware", "ict"]
    assert added["decided_by"].tolist()[0] == "hardware"


def test_top_evidence_in_two_groups_is_ambiguous_but_in_one_group_gives_the_group(tmp_path: Path) -> None:
    added = _run_rule_file(
        tmp_path / "rules.yaml",
        "spendcat: 1\nrules:\n"
        "  - {id: vehicles, category: transport.fleet, when: {expense_type: [vehicle costs]}}\n"
        "  - {id: fuel, category: transport.fuel, when: {description: [diesel]}}\n"
        "  - {id: catering, category: supplies.catering, when: {description: [food]}}\n"
        "  - {id: parts, category: transport.vehicle_maintenance, priority: 40, when: {description: [tyres]}}\n",
        [
            {"expense_type": "Vehicle Costs", "description": "diesel - van"},
            {"expense_type": "Vehicle Costs", "description": "food"},
            {"expense_type": "Vehicle Costs", "description": "diesel and tyres"},
        ],
    )
    assert added["status"].tolist() == ["categorised", "ambiguous", "categorised"]
    # The group answer is not refined by lower evidence: the top already disagreed on the category.
    assert added["category"].tolist()[0] == "transport" and added["category"].tolist()[2] == "transport"
    assert pd.isna(added["category"].tolist()[1])


def test_keywords_treat_underscores_and_hyphens_as_word_breaks(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("spendcat: 1\nrules:\n  - {id: agency, category: workforce.agency, when: {purpose: [agency staff]}}\n", encoding="utf-8")
    added = run(Categoriser(load_rule_set([path])), [
        {"expense_type": "EMPLOYEES.AGENCY_STAFF"}, {"expense_type": "Agency-Staff"}, {"expense_type": "AgencyStaff"},
    ])
    assert added["status"].tolist() == ["categorised", "categorised", "uncategorised"]



def _run_rule_file(path: Path, text: str, records: list[dict]) -> pd.DataFrame:
    path.write_text(text, encoding="utf-8")
    return run(Categoriser(load_rule_set([path])), records)


def test_ledger_shorthand_is_written_out_as_whole_words() -> None:
    shorthand = Shorthand.of({"indep sec": "independent sector", "res care": "residential care", "r&m": "repairs and maintenance", "maint": "maintenance", "bldgs": "buildings"})
    assert shorthand is not None
    expand = shorthand.expand
    assert expand("3420 INDEP SEC RES CARE - OP") == "3420 independent sector residential care - OP"
    assert expand("R&M BLDGS - PLANNED") == "repairs and maintenance buildings - PLANNED"
    # Whole words only: a word that merely starts with the shorthand is left alone; an
    # underscore or a dot ends a word, as it does for rule words.
    assert expand("Maintenance of Maintenance-free Maint") == "Maintenance of Maintenance-free maintenance"
    assert expand("BLDGS_MAINT") == "buildings_maintenance"
    # Keys are matched in any case; letters that match case-blind but fold apart are left be.
    assert Shorthand.of({"MISC": "miscellaneous"}).expand("Misc items") == "miscellaneous items"  # type: ignore[union-attr]
    assert Shorthand.of({"misc": "miscellaneous"}).expand("MİSC SUPPLIES") == "MİSC SUPPLIES"  # type: ignore[union-attr]
    assert Shorthand.of({}) is None


def test_each_word_of_a_rule_may_meet_the_value_as_written_or_written_out(tmp_path: Path) -> None:
    added = _run_rule_file(tmp_path / "rules.yaml", (
        "spendcat: 1\nabbreviations: {veh: vehicle, r&m: repairs and maintenance}\nrules:\n"
        "  - {id: vehicle-repairs, category: transport.vehicle_maintenance, when: {purpose: {all: [veh, repairs and maintenance]}}}\n"
        "  - {id: area, category: highways.maintenance, when: {expense_area: {in: [highways repairs and maintenance]}}}\n"
    ), [
        {"expense_type": "Veh R&M"}, {"expense_type": "Vehicle Repairs and Maintenance"}, {"expense_type": "Veh Hire"},
        {"expense_type": "Other", "expense_area": "Highways R&M"},
    ])
    # Each word of the rule may meet the value as written (`veh`) or written out (`repairs and
    # maintenance`); the rule's own words are taken as written, so `veh` does not meet `Vehicle`.
    assert added["status"].tolist() == ["categorised", "uncategorised", "uncategorised", "categorised"]
    assert added["category"].astype(object).tolist()[0] == "transport.vehicle_maintenance"


@pytest.mark.parametrize("entry", ['"": nothing', '"  ": nothing', "maint: ''"])
def test_blank_shorthand_is_refused_with_file_and_line(tmp_path: Path, entry: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"spendcat: 1\nabbreviations:\n  {entry}\n", encoding="utf-8")
    with pytest.raises(InvalidRuleFile, match=r"rules\.yaml.*line 2.*blank"):
        load_rule_set([rules])


def test_rules_match_ledger_shorthand_written_out_and_as_written(tmp_path: Path) -> None:
    shorthand = "abbreviations: {indep sec: independent sector, res care: residential care}\n"
    rules = (
        "spendcat: 1\n" + shorthand + "rules:\n"
        "  - {id: residential, category: social_care.residential, when: {purpose: [independent sector residential care]}}\n"
        "  - {id: res-code, category: social_care.residential, when: {expense_type: {in: [res care]}}}\n"
    )
    records = [{"expense_type": "3420 INDEP SEC RES CARE - OP"}, {"expense_type": "Independent Sector Residential Care"}, {"expense_type": "Res Care"}, {"expense_type": "Indep Sec Nursing"}]
    added = _run_rule_file(tmp_path / "rules.yaml", rules, records)
    assert added["status"].tolist() == ["categorised", "categorised", "categorised", "uncategorised"]
    # Without the abbreviations only the line written out in full matches the phrase.
    added = _run_rule_file(tmp_path / "plain.yaml", rules.replace(shorthand, ""), records)
    assert added["status"].tolist() == ["uncategorised", "categorised", "categorised", "uncategorised"]


def test_a_later_rule_file_adds_to_and_overrides_the_abbreviations(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("spendcat: 1\nabbreviations: {hsg: housing, accom: accommodation}\n", encoding="utf-8")
    second.write_text("spendcat: 1\nabbreviations: {ACCOM: accommodations, temp: temporary}\n", encoding="utf-8")
    assert load_rule_set([first, second]).abbreviations == {"hsg": "housing", "accom": "accommodations", "temp": "temporary"}

# --- Refinement: lower evidence makes a group-level decision more specific ---------------------

REFINE_RULES = """\
spendcat: 1
rules:
  - id: care-spot
    category: social_care
    priority: 41
    when: {expense_type: {equals: Care Spot}}
  - id: domiciliary
    category: social_care.home_care
    priority: 41
    when: {expense_type: [domiciliary]}
  - id: specialist-kit
    category: supplies.specialist
    priority: 41
    when: {expense_type: [specialist equipment]}
  - id: care-home-supplier
    category: social_care.residential
    priority: 37
    when: {supplier: {regex: "(?i)care home"}}
  - id: home-care-supplier
    category: social_care.home_care
    priority: 37
    when: {supplier: {regex: "(?i)home care"}}
  - id: care-services-supplier
    category: social_care
    priority: 37
    when: {supplier: {regex: "(?i)care services"}}
  - id: catering-supplier
    category: supplies.catering
    priority: 36
    when: {supplier: {regex: "(?i)catering"}}
  - id: defence-supplier
    category: supplies.specialist.military
    priority: 30
    when: {supplier: {regex: "(?i)defence"}}
  - id: recharge
    exclude: true
    priority: 90
    when: {description: [internal recharge]}
suppliers:
  - {name: Sunrise Senior Living Limited, category: social_care.residential}
"""


@pytest.fixture
def refining(tmp_path: Path) -> Categoriser:
    path = tmp_path / "refine.yaml"
    path.write_text(REFINE_RULES, encoding="utf-8")
    return Categoriser(load_rule_set([path]))


def test_lower_evidence_inside_a_group_refines_the_decision(refining: Categoriser) -> None:
    added = run(refining, [
        {"expense_type": "Care Spot", "supplier": "Jones & Sons"},  # the group alone
        {"expense_type": "Care Spot", "supplier": "Oak Lodge Care Home Ltd"},  # rule at 37 inside it
        {"expense_type": "Care Spot", "supplier": "Sunrise Senior Living Ltd"},  # supplier directory at 40
        {"expense_type": "Specialist Equipment", "supplier": "Defence Kit Ltd"},  # a category with sub-categories
    ])
    assert added["status"].tolist() == ["categorised"] * 4
    assert added["category"].tolist() == [
        "social_care", "social_care.residential", "social_care.residential", "supplies.specialist.military",
    ]
    assert added["decided_by"].tolist() == ["care-spot", "care-home-supplier", "supplier:exact", "defence-supplier"]
    assert added["category_label"].tolist()[1] == "Residential care"


def test_lower_evidence_outside_the_branch_or_at_the_same_level_changes_nothing(refining: Categoriser) -> None:
    added = run(refining, [
        {"expense_type": "Care Spot", "supplier": "Acme Catering Ltd"},  # supplies.catering at 36
        {"expense_type": "Care Spot", "supplier": "Acme Care Services Ltd"},  # social_care itself: not strictly inside
    ])
    assert added["status"].tolist() == ["categorised", "categorised"]
    assert added["category"].tolist() == ["social_care", "social_care"]
    assert added["decided_by"].tolist() == ["care-spot", "care-spot"]


def test_lower_evidence_that_disagrees_with_itself_refines_nothing(refining: Categoriser) -> None:
    added = run(refining, [
        {"expense_type": "Care Spot", "supplier": "Care Home and Home Care Ltd"},  # residential and home_care, both at 37
        {"expense_type": "Care Spot", "supplier": "Home Care Catering Ltd"},  # home_care at 37 refines; catering at 36 is outside
    ])
    assert added["status"].tolist() == ["categorised", "categorised"]
    assert added["category"].tolist() == ["social_care", "social_care.home_care"]
    assert added["decided_by"].tolist() == ["care-spot", "home-care-supplier"]


def test_a_leaf_decision_is_never_refined(refining: Categoriser) -> None:
    added = run(refining, [
        {"expense_type": "Domiciliary", "supplier": "Oak Lodge Care Home Ltd"},  # residential at 37
        {"expense_type": "Domiciliary", "supplier": "Acme Care Services Ltd"},  # the group at 37
        {"expense_type": "Domiciliary", "supplier": "Sunrise Senior Living Ltd"},  # supplier directory at 40
    ])
    assert added["status"].tolist() == ["categorised"] * 3
    assert added["category"].tolist() == ["social_care.home_care"] * 3
    assert added["decided_by"].tolist() == ["domiciliary"] * 3


def test_an_exclusion_is_never_refined(refining: Categoriser) -> None:
    added = run(refining, [
        {"expense_type": "Care Spot", "supplier": "Oak Lodge Care Home Ltd", "description": "Internal recharge"},
        {"expense_type": "Care Spot", "supplier": "Sunrise Senior Living Ltd", "description": "Internal recharge"},
    ])
    assert added["status"].tolist() == ["excluded", "excluded"]
    assert added["category"].tolist() == [None, None]
    assert added["decided_by"].tolist() == ["recharge", "recharge"]


AREA_RULES = """\
spendcat: 1
matching: {{accept: 90, review: 90, margin: 5, supplier_priority: 40{extra}}}
rules:
  - id: fostering
    category: social_care.fostering
    priority: 60
    when: {{purpose: [fostering, foster carer allowances]}}
  - id: suspense
    exclude: true
    priority: 90
    when: {{purpose: [suspense]}}
  - id: fees-by-regex
    category: professional
    priority: 60
    when: {{purpose: {{regex: "(?i)fees"}}}}
  - id: consultancy
    category: professional.consultancy
    priority: 39
    when: {{purpose: [consultancy]}}
suppliers:
  - {{name: Kent County Council, category: government.local}}
  - {{name: Brook Street UK, category: workforce.agency}}
"""


def _area_categoriser(tmp_path: Path, extra: str) -> Categoriser:
    path = tmp_path / "rules.yaml"
    path.write_text(AREA_RULES.format(extra=extra), encoding="utf-8")
    return Categoriser(load_rule_set([path]))


def test_purpose_words_read_in_the_expense_area_as_a_whole_part(tmp_path: Path) -> None:
    added = run(_area_categoriser(tmp_path, ", area_priority: 33"), [
        {"expense_type": "Other Services", "expense_area": "Children Looked After - Fostering"},
        {"expense_type": "Other Services", "expense_area": "Fostering"},
        {"expense_type": "Other Services", "expense_area": "Fostering, Adoption & Leaving Care"},
        {"expense_type": "Foster Carer Allowances", "expense_area": "Finance"},
        {"expense_type": "Other Services", "expense_area": "Suspense"},
        {"expense_type": "Other Services", "expense_area": "Fees"},
    ])
    assert added["status"].tolist() == ["categorised", "categorised", "uncategorised", "categorised", "uncategorised", "uncategorised"]
    assert added["category"].tolist()[:2] == ["social_care.fostering", "social_care.fostering"]
    assert added["decided_by"].tolist()[:2] == ["fostering@area", "fostering@area"]
    # The heading's own rule keeps its priority and its name.
    assert added["decided_by"].tolist()[3] == "fostering"


@pytest.mark.parametrize(
    ("area", "reads"),
    [
        ("Children Looked After - Fostering Team", True),  # a word for the unit after the service
        ("Adoption / Fostering Services", True),
        ("Childrens Services - Looked After Childr", True),  # the phrase cut inside a word
        ("Childrens Services - Looked After Chil", True),
        ("Childrens Services - Looked After", False),  # a whole name, not a cut phrase
        ("Looked After Childr - Finance", False),  # cut only at the end of the area
        ("Fostering Recruitment Campaign", False),
        ("C1200 Looked After Children", True),  # a cost-centre code before the name
        ("Finance / L12 - Looked After Children", True),
        ("LD Looked After Children - West", True),  # a client group before the service
        ("Our Looked After Children", False),
    ],
)
def test_area_parts_may_name_their_unit_or_be_cut_short(tmp_path: Path, area: str, reads: bool) -> None:
    rules = AREA_RULES.format(extra=", area_priority: 33").replace(
        "  - id: consultancy", "  - id: lac\n    category: social_care\n    priority: 60\n    when: {purpose: [looked after children]}\n  - id: consultancy"
    )
    path = tmp_path / "rules.yaml"
    path.write_text(rules, encoding="utf-8")
    added = run(Categoriser(load_rule_set([path])), [{"expense_type": "Other Services", "expense_area": area}])
    assert (added["status"].tolist() == ["categorised"]) is reads, added["decided_by"].tolist()


def test_area_evidence_ranks_at_its_priority_and_is_off_by_default(tmp_path: Path) -> None:
    line = {"expense_type": "Consultancy", "expense_area": "Fostering"}
    on = run(_area_categoriser(tmp_path, ", area_priority: 33"), [line])
    assert on["category"].tolist() == ["professional.consultancy"]  # 39 beats the area's 33
    off = run(_area_categoriser(tmp_path, ""), [{"expense_type": "Other Services", "expense_area": "Fostering"}])
    assert off["status"].tolist() == ["uncategorised"]


def test_public_bodies_in_the_directory_can_rank_below_headings(tmp_path: Path) -> None:
    lines = [
        {"expense_type": "Consultancy", "supplier": "Kent County Council"},
        {"expense_type": "Consultancy", "supplier": "Brook Street UK"},
    ]
    default = run(_area_categoriser(tmp_path, ""), lines)
    assert default["category"].tolist() == ["government.local", "workforce.agency"]
    lowered = run(_area_categoriser(tmp_path, ", public_body_priority: 38"), lines)
    # The heading names the service bought from the council; the agency keeps its trade.
    assert lowered["category"].tolist() == ["professional.consultancy", "workforce.agency"]
    assert lowered["decided_by"].tolist() == ["consultancy", "supplier:exact"]


def test_explain_lists_area_evidence_with_the_rule_it_comes_from(tmp_path: Path) -> None:
    from spendcat.rulecheck import explain_line

    path = tmp_path / "rules.yaml"
    path.write_text(AREA_RULES.format(extra=", area_priority: 33"), encoding="utf-8")
    publication = publication_from_records([{"expense_type": "Other Services", "expense_area": "Fostering"}])
    explanation = explain_line(publication, 1, load_rule_set([path]))
    assert explanation["decided_by"] == "fostering@area"
    assert [(r["rule"], r["priority"]) for r in explanation["rules_fired"]] == [("fostering@area", 33)]
    assert explanation["rules_fired"][0]["where"].endswith("rules.yaml:4")


def test_an_ambiguous_line_is_not_refined_and_names_its_top_evidence(tmp_path: Path) -> None:
    path = tmp_path / "refine.yaml"
    path.write_text(
        REFINE_RULES.replace("rules:\n", "rules:\n  - {id: housing-spot, category: housing, priority: 41, when: {expense_type: {equals: Care Spot}}}\n", 1),
        encoding="utf-8",
    )
    added = run(Categoriser(load_rule_set([path])), [{"expense_type": "Care Spot", "supplier": "Oak Lodge Care Home Ltd"}])
    assert added["status"].tolist() == ["ambiguous"]
    assert added["decided_by"].tolist() == ["housing-spot"]  # top evidence, never the lower care-home rule


def test_disagreement_outside_the_branch_at_the_refining_priority_refines_nothing(tmp_path: Path) -> None:
    path = tmp_path / "refine.yaml"
    path.write_text(REFINE_RULES.replace("priority: 36", "priority: 37"), encoding="utf-8")  # catering level with care homes
    added = run(Categoriser(load_rule_set([path])), [{"expense_type": "Care Spot", "supplier": "Oak Lodge Care Home Catering"}])
    assert added["category"].tolist() == ["social_care"]
    assert added["decided_by"].tolist() == ["care-spot"]


def test_a_refined_line_counts_as_a_win_for_both_rules(refining: Categoriser) -> None:
    result = refining.categorise(publication_from_records([{"expense_type": "Care Spot", "supplier": "Oak Lodge Care Home Ltd"}]))
    ids = [loaded.rule.id for loaded in refining.rule_set.rules]
    assert result.rule_wins[ids.index("care-spot")] == 1
    assert result.rule_wins[ids.index("care-home-supplier")] == 1
