"""The shipped rules/ folder: valid, its examples pass, and (on real data) nothing in it is dead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spendcat.files import expand_inputs
from spendcat.publication import read_publications
from spendcat.rulecheck import lint, run_examples
from spendcat.rules import load_rule_set
from spendcat.shipped import shipped_rules_dir


@pytest.fixture(scope="module")
def shipped():
    return load_rule_set([shipped_rules_dir()])


def test_every_example_in_the_shipped_rules_passes(shipped) -> None:
    results = run_examples(shipped)
    failures = [f"{r.file}:{r.line} {r.rule_id}: {r.example} expected {r.expected}, got {r.got}" for r in results if not r.passed]
    assert len(results) > 200
    assert failures == []


def test_every_shipped_rule_has_examples_and_the_directory_is_consistent(shipped) -> None:
    warnings = [f for f in lint(shipped) if f.severity == "warning"]
    assert warnings == []


@pytest.mark.parametrize("layer", sorted((Path(__file__).resolve().parent.parent / "rules" / "publishers").glob("*.yaml")), ids=lambda p: p.stem)
def test_publisher_layers_load_on_the_defaults_and_pass_their_examples(layer: Path) -> None:
    rule_set = load_rule_set([shipped_rules_dir(), layer])
    failures = [r for r in run_examples(rule_set) if not r.passed and r.file == str(layer)]
    assert failures == []


def test_no_shipped_rule_is_dead_on_real_publications(shipped) -> None:
    real = os.environ.get("SPENDCAT_REAL_DATA")
    if not real:
        pytest.skip("SPENDCAT_REAL_DATA is not set: no real publications to lint the rules against")
    paths = [p for p in expand_inputs([real]) if p.suffix.lower() in (".csv", ".xls", ".xlsx", ".ods")]
    publications = [publication for path in paths for publication in read_publications(path)]
    warnings = [f"{f.rule_id}: {f.message}" for f in lint(shipped, publications) if f.severity == "warning"]
    assert warnings == []
