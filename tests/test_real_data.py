"""Real publications, read with no options, against their independently established truth.

The files are not part of the project: set SPENDCAT_REAL_DATA to a folder holding them and
their `truth.json` (`.ci/run` points it at `../shared/real_data` when that folder exists).
Without it these tests are skipped, with the reason shown in the pytest summary.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spendcat.publication import read_publications

ENV = "SPENDCAT_REAL_DATA"


def _entries() -> list[object]:
    folder = os.environ.get(ENV)
    if not folder:
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(reason=f"{ENV} is not set: no real publications to test against"),
                id="unset",
            )
        ]
    truth = Path(folder) / "truth.json"
    if not truth.is_file():
        # Set but wrong is a broken setup, not a reason to skip quietly.
        return [pytest.param({"missing": str(truth)}, id="no-truth-json")]
    return [pytest.param(entry, id=entry["path"]) for entry in json.loads(truth.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("entry", _entries())
def test_real_publication_matches_truth(entry: dict | None) -> None:
    assert entry is not None
    assert "missing" not in entry, f"{ENV} is set but {entry.get('missing')} does not exist"
    path = Path(os.environ[ENV]) / entry["path"]
    publications = read_publications(path)
    lines = sum(p.line_count for p in publications)
    pence = sum(p.amount_pence for p in publications)
    assert (lines, pence) == (entry["data_rows"], entry["amount_pence_total"]), path
    if "negative_rows" in entry:
        assert sum(int((p.lines["amount_pence"] < 0).sum()) for p in publications) == entry["negative_rows"]
    if "amount_column" in entry:
        assert publications[0].columns["amount"] == entry["amount_column"].strip()
    if "supplier_column" in entry:
        assert publications[0].columns.get("supplier") == entry["supplier_column"].strip()
