"""The shipped rules on ledger wording from publishers we have no files of.

tests/labels/vocabulary.csv (320 lines); vocabulary_2.csv (300 lines: other kinds of
council, fire and police, central government and card statements); vocabulary_3.csv and
vocabulary_4.csv (300 lines each: central government's £25k files, NHS bodies, coded council
ledgers, parish, police and fire bodies, cards); and vocabulary_5.csv to vocabulary_27.csv
(six imagined publishers' months each, 50 lines a publisher, in a realistic mix) hold lines
written from general knowledge of UK public ledgers, not copied from any file, each labelled with the
category a careful labeller would give. Each was written and labelled blind to the rules;
the rules were then improved on their errors, so the sets now guard against regressions
rather than estimate precision (tests/labels/README.md). The later sets are harder, and their
floors are lower.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from spendcat.categorise import Categoriser
from spendcat.rulecheck import publication_from_records
from spendcat.rules import load_rule_set
from spendcat.shipped import shipped_rules_dir

Outcomes = list[tuple[str, str, str | None]]
Vocabulary = tuple[Outcomes, tuple[float, float, float]]

LABELS = Path(__file__).parent / "labels"
FIELDS = ("expense_type", "expense_area", "supplier", "description", "merchant_category")
# (file, least share categorised, least group precision, least category precision)
SETS = [
    ("vocabulary.csv", 0.95, 0.97, 0.95),
    ("vocabulary_2.csv", 0.88, 0.89, 0.85),
    ("vocabulary_3.csv", 0.92, 0.88, 0.83),
    ("vocabulary_4.csv", 0.94, 0.92, 0.89),
    ("vocabulary_5.csv", 0.97, 0.94, 0.92),
    ("vocabulary_6.csv", 0.97, 0.95, 0.93),
    ("vocabulary_7.csv", 0.96, 0.93, 0.91),
    ("vocabulary_8.csv", 0.96, 0.91, 0.88),
    ("vocabulary_9.csv", 0.94, 0.95, 0.93),
    ("vocabulary_10.csv", 0.95, 0.94, 0.91),
    ("vocabulary_11.csv", 0.96, 0.95, 0.93),
    ("vocabulary_12.csv", 0.93, 0.94, 0.92),
    ("vocabulary_13.csv", 0.93, 0.92, 0.88),
    ("vocabulary_14.csv", 0.91, 0.89, 0.86),
    ("vocabulary_15.csv", 0.93, 0.92, 0.88),
    ("vocabulary_16.csv", 0.91, 0.93, 0.89),
    ("vocabulary_17.csv", 0.91, 0.92, 0.90),
    ("vocabulary_18.csv", 0.90, 0.93, 0.89),
    ("vocabulary_19.csv", 0.95, 0.93, 0.90),
    ("vocabulary_20.csv", 0.94, 0.96, 0.93),
    ("vocabulary_21.csv", 0.95, 0.92, 0.90),
    ("vocabulary_22.csv", 0.92, 0.93, 0.88),
    ("vocabulary_23.csv", 0.92, 0.95, 0.88),
    ("vocabulary_24.csv", 0.91, 0.96, 0.93),
    ("vocabulary_25.csv", 0.92, 0.95, 0.92),
    ("vocabulary_26.csv", 0.92, 0.96, 0.92),
    ("vocabulary_27.csv", 0.91, 0.92, 0.89),
]


@pytest.fixture(scope="module")
def all_outcomes() -> dict[str, Outcomes]:
    """Every set's outcomes from one run of the shipped rules over all their lines: the
    rules' cost is per run, not per line."""
    rows_by_set = {}
    for name, *_ in SETS:
        with (LABELS / name).open(encoding="utf-8", newline="") as stream:
            rows_by_set[name] = list(csv.DictReader(stream))
    records = [{f: row.get(f) or None for f in FIELDS} | {"amount": "1000.00"} for rows in rows_by_set.values() for row in rows]
    added = Categoriser(load_rule_set([shipped_rules_dir()])).categorise(publication_from_records(records)).added
    answers = list(zip(added["status"], added["category"].astype(object)))
    outcomes, start = {}, 0
    for name, rows in rows_by_set.items():
        outcomes[name] = [
            (row["category"], str(status), None if category is None or str(category) == "nan" else str(category))
            for row, (status, category) in zip(rows, answers[start : start + len(rows)])
        ]
        start += len(rows)
    return outcomes


@pytest.fixture(params=SETS, ids=[s[0] for s in SETS])
def vocabulary(request: pytest.FixtureRequest, all_outcomes: dict[str, Outcomes]) -> Vocabulary:
    name, *floors = request.param
    return all_outcomes[name], tuple(floors)


def test_ledger_wording_is_mostly_categorised(vocabulary: Vocabulary) -> None:
    outcomes, (least_categorised, _, _) = vocabulary
    labelled = [o for o in outcomes if o[0] != "unknown"]
    categorised = [o for o in labelled if o[1] == "categorised"]
    assert len(labelled) >= 250
    assert len(categorised) / len(labelled) >= least_categorised


def test_ledger_wording_is_categorised_correctly(vocabulary: Vocabulary) -> None:
    outcomes, (_, least_group, least_category) = vocabulary
    judged = [(label, guess) for label, status, guess in outcomes if label != "unknown" and status == "categorised" and guess]
    group_right = sum(label.split(".")[0] == guess.split(".")[0] for label, guess in judged)
    category_right = sum(guess == label or guess.startswith(label + ".") for label, guess in judged)
    wrong = [(label, guess) for label, guess in judged if not (guess == label or guess.startswith(label + "."))]
    assert group_right / len(judged) >= least_group, wrong
    assert category_right / len(judged) >= least_category, wrong
