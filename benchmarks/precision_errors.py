"""List the lines of the labelled sample that the shipped rules get wrong, for rules work.

Errors are judged against the panel's majority label (`panel`), the reference the precision
test holds the targets against; `contested` lines are left out.

Only the labelled sample (tests/labels/labelled_sample.csv): the holdouts are never listed,
so that the second holdout's figures stay an honest estimate for lines nobody tuned on.

Usage: SPENDCAT_REAL_DATA=../shared/real_data python benchmarks/precision_errors.py
"""

import csv
import os
import sys
from pathlib import Path

import pandas as pd

from spendcat.rules import load_rule_set
from spendcat.run import categorise_files
from spendcat.shipped import shipped_rules_dir

HERE = Path(__file__).resolve().parent
root = Path(os.environ.get("SPENDCAT_REAL_DATA", HERE.parent.parent / "shared" / "real_data"))
with (HERE.parent / "tests" / "labels" / "labelled_sample.csv").open(encoding="utf-8", newline="") as stream:
    labels = list(csv.DictReader(stream))
result = categorise_files([root / f for f in sorted({label["file"] for label in labels})], load_rule_set([shipped_rules_dir()]))
out = result.output
names = [str(Path(n).resolve().relative_to(root.resolve())) for n in out["source_file"].astype(str)]
index = {(n, int(r)): i for i, (n, r) in enumerate(zip(names, out["source_row"]))}
skipped = {"source_file", "source_sheet", "category_label", "category_group", "sercop", "cofog", "proclass", "status"}
wrong = 0
for label in labels:
    if label["panel"] in ("unknown", "contested"):
        continue
    line = out.iloc[index[(label["file"], int(label["source_row"]))]]
    if line["status"] not in ("categorised", "excluded"):
        continue
    guess = "excluded" if line["status"] == "excluded" else str(line["category"])
    expected = label["panel"]
    if guess == expected or guess.startswith(expected + "."):
        continue
    wrong += 1
    level = "GROUP" if expected.split(".")[0] != guess.split(".")[0] else "CAT  "
    fields = " | ".join(f"{k}={str(v)[:40]}" for k, v in line.items() if k not in skipped and isinstance(v, str) and not pd.isna(v))
    print(f"{level} label={expected} got={guess} | {label['file'].split('/')[0]} row {label['source_row']} | {fields}")
print(f"{wrong} wrong answers in the labelled sample", file=sys.stderr)
