"""Where the shipped `rules/` folder (taxonomy, default rules, supplier directory) lives."""

from __future__ import annotations

import sys
from pathlib import Path

from spendcat.errors import UnreadableFile


def shipped_rules_dir() -> Path:
    """Beside the package in a checkout or editable install; under `share/spendcat/rules`
    of the environment in a regular install (pyproject's data-files)."""
    beside = Path(__file__).resolve().parent.parent / "rules"
    if (beside / "taxonomy.yaml").is_file():
        return beside
    installed = Path(sys.prefix) / "share" / "spendcat" / "rules"
    if (installed / "taxonomy.yaml").is_file():
        return installed
    raise UnreadableFile("the shipped rules/ folder is missing; pass --rules", file=str(beside))
