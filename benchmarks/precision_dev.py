"""Error analysis on the DEV half of the labelled sample only (the TEST half stays unseen).

Usage: SPENDCAT_REAL_DATA=../shared/real_data python benchmarks/precision_dev.py [--show]
"""
import csv, hashlib, os, sys
from pathlib import Path
from spendcat.rules import load_rule_set
from spendcat.run import categorise_files
from spendcat.shipped import shipped_rules_dir

def half(file, row):
    return "dev" if int(hashlib.sha1(f"{file}:{row}".encode()).hexdigest(), 16) % 2 == 0 else "test"

root = Path(os.environ.get("SPENDCAT_REAL_DATA", "../shared/real_data"))
labels = list(csv.DictReader(open(Path(__file__).resolve().parent.parent / "tests" / "labels" / "labelled_sample.csv", encoding="utf-8")))
files = sorted({l['file'] for l in labels})
res = categorise_files([root / f for f in files], load_rule_set([shipped_rules_dir()]))
out = res.output
names = [str(Path(n).resolve().relative_to(root.resolve())) for n in out['source_file'].astype(str)]
index = {(n, int(r)): i for i, (n, r) in enumerate(zip(names, out['source_row']))}
score = {"dev": [0, 0, 0], "test": [0, 0, 0]}
show = "--show" in sys.argv
for l in labels:
    if l['category'] == 'unknown':
        continue
    h = half(l['file'], l['source_row'])
    i = index[(l['file'], int(l['source_row']))]
    s, c, d = str(out['status'].iloc[i]), out['category'].iloc[i], out['decided_by'].iloc[i]
    if s not in ('categorised', 'excluded'):
        continue
    guess = 'excluded' if s == 'excluded' else str(c)
    lab = l['category']
    g_ok = lab.split('.')[0] == guess.split('.')[0]
    c_ok = guess == lab or guess.startswith(lab + '.')
    score[h][0] += 1; score[h][1] += g_ok; score[h][2] += c_ok
    if show and (h == 'dev' or '--all' in sys.argv) and not c_ok:
        cols = {k: v for k, v in out.iloc[i].items() if isinstance(v, str) and k not in ('source_file',)}
        print(f"{'GROUP' if not g_ok else 'CAT  '} label={lab} got={guess} by={d} | {l['file'].split('/')[0]} row {l['source_row']} | " +
              " | ".join(f"{k}={str(v)[:40]}" for k, v in list(cols.items())[:14]))
for h, (n, g, c) in score.items():
    print(f"{h}: judged {n}, group {100*g/max(n,1):.2f}%, category {100*c/max(n,1):.2f}%")
