"""The shipped rules on ledger wording from publishers we have no files of.

tests/labels/vocabulary.csv holds 320 lines written from general knowledge of UK public
ledgers (CIPFA SeRCOP headings, council charts of accounts, central-government expense
types, card merchant categories), not copied from any file, each labelled with the category
a careful labeller would give. They were written and labelled blind to the rules; the rules
were then improved on their errors, so the set now guards against regressions rather than
estimating precision (tests/labels/README.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from spendcat.categorise import Categoriser
from spendcat.rulecheck import publication_from_records
from spendcat.rules import load_rule_set
from spendcat.shipped import shipped_rules_dir

VOCABULARY = Path(__file__).parent / "labels" / "vocabulary.csv"
FIELDS = ("expense_type", "expense_area", "supplier", "description")


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, str, str | None]]:
    with VOCABULARY.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    records = [{f: row[f] or None for f in FIELDS} | {"amount": "1000.00"} for row in rows]
    added = Categoriser(load_rule_set([shipped_rules_dir()])).categorise(publication_from_records(records)).added
    return [
        (row["category"], str(status), None if category is None or str(category) == "nan" else str(category))
        for row, status, category in zip(rows, added["status"], added["category"].astype(object))
    ]


def test_ledger_wording_is_mostly_categorised(outcomes: list[tuple[str, str, str | None]]) -> None:
    labelled = [o for o in outcomes if o[0] != "unknown"]
    categorised = [o for o in labelled if o[1] == "categorised"]
    assert len(labelled) >= 300
    assert len(categorised) / len(labelled) >= 0.95


def test_ledger_wording_is_categorised_correctly(outcomes: list[tuple[str, str, str | None]]) -> None:
    judged = [(label, guess) for label, status, guess in outcomes if label != "unknown" and status == "categorised" and guess]
    group_right = sum(label.split(".")[0] == guess.split(".")[0] for label, guess in judged)
    category_right = sum(guess == label or guess.startswith(label + ".") for label, guess in judged)
    wrong = [(label, guess) for label, guess in judged if not (guess == label or guess.startswith(label + "."))]
    assert group_right / len(judged) >= 0.97, wrong
    assert category_right / len(judged) >= 0.95, wrong
