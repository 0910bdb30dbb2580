"""Precision of the shipped rules on a hand-labelled sample of real lines.

The sample (tests/labels/labelled_sample.csv) holds references to lines of the real files
(file, source row, transaction number, amount) and the category a person gave each after
reading it; never copies of the lines. Runs when SPENDCAT_REAL_DATA is set.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import pytest

from spendcat.rules import load_rule_set
from spendcat.run import categorise_files
from spendcat.shipped import shipped_rules_dir

LABELS = Path(__file__).parent / "labels" / "labelled_sample.csv"
GROUP_TARGET = 97.0
CATEGORY_TARGET = 90.0


def _group(category: str) -> str:
    return category.split(".")[0]


def _matches(label: str, predicted: str) -> bool:
    """A prediction is right when it is the label or lies under it (a group-level label
    says only the group)."""
    return predicted == label or predicted.startswith(label + ".")


def half(label: dict[str, str]) -> str:
    """`dev` or `test`: rules work may study the errors of the dev half only; the test half
    is the honest estimate of precision on lines nobody tuned the rules on."""
    digest = hashlib.sha1(f"{label['file']}:{label['source_row']}".encode()).hexdigest()
    return "dev" if int(digest, 16) % 2 == 0 else "test"


def precision(labels: list[dict[str, str]], predicted: dict[tuple[str, int], tuple[str, str, int | None]]) -> dict[str, float | int]:
    judged = group_right = category_right = 0
    for label in labels:
        if label["category"] == "unknown":
            continue
        status, category, pence = predicted[(label["file"], int(label["source_row"]))]
        assert pence == int(label["amount_pence"]), f"{label['file']} row {label['source_row']}: amount does not match the reference"
        if status == "excluded":
            guess = "excluded"
        elif status == "categorised":
            guess = category
        else:
            continue
        judged += 1
        if label["category"] == "excluded" or guess == "excluded":
            right = label["category"] == guess
            group_right += right
            category_right += right
            continue
        group_right += _group(label["category"]) == _group(guess)
        category_right += _matches(label["category"], guess)
    return {
        "judged": judged,
        "labelled": sum(1 for label in labels if label["category"] != "unknown"),
        "group": round(100.0 * group_right / judged, 2) if judged else 0.0,
        "category": round(100.0 * category_right / judged, 2) if judged else 0.0,
    }


# The targets are not met yet: the test half stays well below them (see the note on issue 5
# and docs/COVERAGE.md). Strict, so the marker must go the day the targets are met.
@pytest.mark.xfail(strict=True, reason="precision targets (97% group, 90% category) not yet met on the labelled sample")
def test_precision_of_shipped_rules_on_labelled_sample() -> None:
    real = os.environ.get("SPENDCAT_REAL_DATA")
    if not real:
        pytest.skip("SPENDCAT_REAL_DATA is not set: no real publications to measure precision on")
    if not LABELS.exists():
        pytest.skip("no labelled sample yet")
    root = Path(real)
    with LABELS.open(encoding="utf-8", newline="") as stream:
        labels = list(csv.DictReader(stream))
    files = sorted({label["file"] for label in labels})
    result = categorise_files([root / f for f in files], load_rule_set([shipped_rules_dir()]))
    out = result.output
    names = [str(Path(n).resolve().relative_to(root.resolve())) for n in out["source_file"].astype(str)]
    predicted = {
        (name, int(row)): (str(status), None if category is None or category != category else str(category), None if pence is None or pence != pence else int(pence))
        for name, row, status, category, pence in zip(names, out["source_row"], out["status"], out["category"], out["amount_pence"])
    }
    figures = precision(labels, predicted)
    for name in ("dev", "test"):
        print(f"\n{name} half: {precision([label for label in labels if half(label) == name], predicted)}")
    print(f"\nlabelled sample: {figures}")
    assert figures["group"] >= GROUP_TARGET, figures
    assert figures["category"] >= CATEGORY_TARGET, figures
