"""Benchmark spendcat end to end (read + categorise + write CSV) against the floor, by hand.

    /work/venv/bin/python benchmarks/bench_categorise.py [--sizes 100000 1000000] [--repeat 3]
        [--repeat-large 1] [--seed N] [--rules-seed N] [--regenerate] [--json OUT.json]
    /work/venv/bin/python benchmarks/bench_categorise.py --profile [--lines 1000000]

Data: a synthetic publication per size (benchmarks/generate.py, ~20,000 Zipf-skewed suppliers
in many spellings) and a synthetic rule file of 200 rules with a 50,000-entry supplier
directory (benchmarks/make_ruleset.py), all under benchmarks/data/ (git-ignored), reused when
already there.

Measured, each run in a fresh subprocess (the child imports its libraries, then times only
the work with perf_counter):

  floor (arrow)   pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=TITLE_ROWS), then
                  pyarrow.csv.write_csv(pa.Table.from_pandas(frame)) -- nothing else
  floor (pandas)  the same read, then frame.to_csv(index=False), for reference
  spendcat        load_rule_set (timed, reported apart: a fixed cost per run), then
                  categorise_files([path], rule_set) and write_lines(output, OUT.csv): the
                  end-to-end figure is these two. Stages inside categorise_files are timed by
                  wrapping spendcat's functions from outside for that child only (spendcat is
                  not changed): read_publications, Categoriser() (the supplier directory's
                  index), rule_masks, SupplierDirectory.match, the rest of categorise,
                  the supplier consensus, output_frame, the report. After the timing, the
                  child counts what matching was given: distinct supplier texts, their
                  normalised keys, and the names match() sends to fuzzy matching (a key that
                  is not blank and not in the directory: one _candidates + extract each).

  cli             `spendcat categorise FILE --rules R --suppliers S --out OUT.csv --report
                  none` once per size, wall time of the whole process (skip with --no-cli)

Timings: median of --repeat runs; spendcat runs --repeat-large times at --large-at lines and
above (the floors, being cheap, always run --repeat times).
Peak memory: the parent reaps each child with os.wait4(pid) and takes that child's ru_maxrss,
minus the median ru_maxrss of import-only children of the same kind (as bench_read.py does).

With --profile: one pyinstrument profile of categorise_files at --lines (the read is a
separate subtree in it), written to benchmarks/data/profile-categorise-LINES.{txt,html}.

Target (from the issue): end to end within 2x the floor.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TIME_TARGET = 2.0
SUPPLIER_COUNT = 50_000
RULE_COUNT = 200
sys.path.insert(0, str(HERE))

from bench_read import _dataset, _mb, _proc_status

# --- child side ----------------------------------------------------------------------------

STAGES: dict[str, float] = {}


def _timed(owner: object, name: str, label: str) -> None:
    """Replace owner.name by a wrapper adding its wall time to STAGES[label]."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STAGES[label] = STAGES.get(label, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def _instrument() -> None:
    """Time spendcat's stages; keep what the counts need, to compute after the timing."""
    from spendcat import categorise, run, suppliers

    _timed(run, "read_publications", "read")
    _timed(categorise.Categoriser, "__init__", "directory index (Categoriser init)")
    _timed(categorise.Categoriser, "categorise", "categorise (rules + suppliers + decide)")
    _timed(categorise, "rule_masks", "  rule masks")
    _timed(suppliers.SupplierDirectory, "match", "  supplier match")
    _timed(run, "output_frame", "output frame")
    _timed(run, "_report_part", "report")
    _timed(run, "build_report", "report")
    _timed(run, "_apply_consensus", "supplier consensus")

    timed_match = suppliers.SupplierDirectory.match

    def match(self, names, company_numbers=None):
        KEPT.append(("match", self, names))
        return timed_match(self, names, company_numbers)

    suppliers.SupplierDirectory.match = match
    original_evidence = categorise.Categoriser.evidence

    def evidence(self, publication):
        result = original_evidence(self, publication)
        KEPT.append(("evidence", result[2], result[3]))
        return result

    categorise.Categoriser.evidence = evidence


KEPT: list[tuple] = []


def _counts() -> dict[str, object]:
    """After the timing: what supplier matching was given and what it found."""
    import numpy as np

    from spendcat.suppliers import normalise_names

    counts: dict[str, object] = {"names_matched": 0}
    fuzzy_keys: list[str] = []
    directory = None
    for item in KEPT:
        if item[0] == "match":
            _, directory, names = item
            keys = normalise_names(names.astype(object).where(names.notna(), None).tolist()).to_pylist()
            counts["names_matched"] += len(names)
            counts["distinct_keys"] = len({k for k in keys if k})
            counts["exact_keys"] = len({k for k in keys if k and k in directory.exact})
            # match() calls _candidates once per name whose key is not blank and not exact.
            fuzzy_keys += [k for k in keys if k and k not in directory.exact]
        elif item[0] == "evidence" and item[1] is not None:
            _, matches, codes = item
            per_name = np.bincount(codes[codes >= 0], minlength=len(matches))
            methods = matches["method"].fillna("none").to_numpy(dtype=object)
            counts["line_methods"] = {
                m: int(per_name[methods == m].sum()) for m in ("exact", "fuzzy", "company", "none")
            }
            counts["weak_lines"] = int(per_name[matches["weak"].to_numpy(dtype=bool)].sum())
    counts["fuzzy_names"] = len(fuzzy_keys)
    distinct = set(fuzzy_keys)
    counts["fuzzy_distinct_keys"] = len(distinct)
    sizes = [len(directory._candidates(k)) for k in distinct] if directory is not None else []
    counts["fuzzy_with_candidates"] = sum(1 for n in sizes if n)
    counts["fuzzy_candidates_mean"] = float(np.mean([n for n in sizes if n])) if any(sizes) else 0.0
    counts["fuzzy_candidates_max"] = max(sizes, default=0)
    return counts


def _child(kind: str, path: str, skiprows: int, out: str, rules: str, suppliers: str) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if kind in ("spendcat", "baseline-spendcat"):
        from spendcat.output import write_lines
        from spendcat.rules import load_rule_set
        from spendcat.run import categorise_files
    before = _proc_status()
    report: dict[str, object] = {"kind": kind}
    if kind in ("floor-arrow", "floor-pandas"):
        started = time.perf_counter()
        frame = pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=skiprows)
        read_done = time.perf_counter()
        if kind == "floor-arrow":
            pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), out)
        else:
            frame.to_csv(out, index=False)
        done = time.perf_counter()
        report.update(
            seconds=done - started, read_s=read_done - started, write_s=done - read_done, rows=len(frame)
        )
    elif kind == "spendcat":
        _instrument()
        started = time.perf_counter()
        rule_set = load_rule_set([Path(rules)], supplier_csvs=[Path(suppliers)])
        loaded = time.perf_counter()
        hwm_loaded = _proc_status()["VmHWM"]
        result = categorise_files([Path(path)], rule_set)
        categorised = time.perf_counter()
        write_lines(result.output, Path(out), inputs=[Path(path)])
        done = time.perf_counter()
        hwm_done = _proc_status()["VmHWM"]
        stages = dict(STAGES)
        categorise_total = stages.get("categorise (rules + suppliers + decide)", 0.0)
        stages["  decide (rest of categorise)"] = (
            categorise_total - stages.get("  rule masks", 0.0) - stages.get("  supplier match", 0.0)
        )
        accounted = sum(v for k, v in stages.items() if not k.startswith("  "))
        stages["other (concat, glue)"] = (categorised - loaded) - accounted
        stages["write CSV (write_lines)"] = done - categorised
        total = len(result.output)
        by_evidence = {
            item["evidence"]: round(100.0 * item["lines"] / total, 2) for item in result.report["by_evidence"]
        }
        report.update(
            seconds=done - loaded,  # end to end: categorise_files (read + categorise) + write
            load_rules_s=loaded - started,
            categorise_files_s=categorised - loaded,
            write_s=done - categorised,
            stages=stages,
            hwm_loaded_kb=hwm_loaded,
            hwm_done_kb=hwm_done,
            rows=total,
            columns=int(result.output.shape[1]),
            rules=len(rule_set.rules),
            directory_entries=len(rule_set.suppliers),
            coverage=result.report["coverage"],
            status={s["status"]: s["share_lines"] for s in result.report["summary"]},
            decided_by=by_evidence,
            suppliers=result.report["suppliers"],
            **_counts(),
        )
    after = _proc_status()
    report.update(hwm_before_kb=before["VmHWM"], hwm_after_kb=after["VmHWM"])
    print(json.dumps(report))


# --- parent side ---------------------------------------------------------------------------


def _run_child(kind: str, path: Path, skiprows: int, out: Path, rules: Path, suppliers: Path) -> dict:
    """One measured run in a fresh interpreter; its report plus its own ru_maxrss."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        str(path),
        "--skiprows",
        str(skiprows),
    ]
    command += ["--child-out", str(out), "--child-rules", str(rules), "--child-suppliers", str(suppliers)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, cwd=HERE.parent)
        stdout = process.stdout.read()  # to EOF, without reaping: wait4 must get this child
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)  # this child's rusage, not all children's
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            sys.exit(f"child {kind} failed ({code}):\n{errors.read().decode(errors='replace')}")
    report = json.loads(stdout.decode().strip().splitlines()[-1])
    report["maxrss_kb"] = usage.ru_maxrss
    out.unlink(missing_ok=True)
    return report


def _run_cli(path: Path, out: Path, rules: Path, suppliers: Path) -> dict:
    """The CLI once, wall time from exec to exit (interpreter, imports, rules, everything)."""
    spendcat = Path(sys.executable).parent / "spendcat"
    command = [str(spendcat), "categorise", str(path), "--rules", str(rules), "--suppliers", str(suppliers)]
    command += ["--out", str(out), "--report", "none"]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, cwd=HERE.parent)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            sys.exit(f"spendcat categorise failed ({code}):\n{errors.read().decode(errors='replace')}")
    out.unlink(missing_ok=True)
    out.with_name(out.name + ".manifest.json").unlink(missing_ok=True)  # the CLI writes one beside --out
    return {"seconds": seconds, "maxrss_kb": usage.ru_maxrss}


def _ruleset(seed: int, regenerate: bool) -> tuple[Path, Path]:
    rules = DATA / f"ruleset-{seed}-{RULE_COUNT}.yaml"
    suppliers = DATA / f"suppliers-{seed}-{SUPPLIER_COUNT}.csv"
    if regenerate or not (rules.exists() and suppliers.exists()):
        command = [sys.executable, str(HERE / "make_ruleset.py"), "--out-dir", str(DATA), "--seed", str(seed)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return rules, suppliers


def _version() -> str:
    """The commit under test, and whether spendcat/ differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "spendcat"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return f"commit {commit}" + (" + uncommitted changes in spendcat/" if dirty else "")


def _warm(path: Path) -> None:
    """Read the file once so every child finds it in the page cache (not in this RSS)."""
    with path.open("rb") as stream:
        while stream.read(1 << 22):
            pass


def _profile(args: argparse.Namespace) -> int:
    written, _ = _dataset(args.lines, args.seed, "utf-8", False)
    rules, suppliers = _ruleset(args.rules_seed, False)
    path = Path(written["path"])
    from pyinstrument import Profiler

    from spendcat.rules import load_rule_set
    from spendcat.run import categorise_files

    print(f"spendcat: {_version()}")
    rule_set = load_rule_set([rules], supplier_csvs=[suppliers])
    _warm(path)
    profiler = Profiler(interval=0.005)
    started = time.perf_counter()
    profiler.start()
    result = categorise_files([path], rule_set)
    profiler.stop()
    print(
        f"categorise_files on {args.lines:,} lines: {time.perf_counter() - started:.1f} s under pyinstrument ({len(result.output):,} rows)"
    )
    stem = DATA / f"profile-categorise-{args.lines}"
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    Path(f"{stem}.txt").write_text(text)
    Path(f"{stem}.html").write_text(profiler.output_html())
    print(text)
    print(f"written: {stem}.txt, {stem}.html")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time spendcat end to end against the read+write floor.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=20240131, help="publication seed")
    parser.add_argument("--rules-seed", type=int, default=7, help="rule file and supplier directory seed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per kind below --large-at lines (median)")
    parser.add_argument(
        "--repeat-large", type=int, default=1, help="runs per kind at or above --large-at lines"
    )
    parser.add_argument("--large-at", type=int, default=500_000)
    parser.add_argument("--regenerate", action="store_true", help="write data files even if they are there")
    parser.add_argument("--no-cli", action="store_true", help="skip the one timed run of the CLI per size")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--profile", action="store_true", help="profile categorise_files at --lines instead")
    parser.add_argument("--lines", type=int, default=1_000_000, help="size to profile (--profile)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--skiprows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--child-rules", help=argparse.SUPPRESS)
    parser.add_argument("--child-suppliers", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.path, args.skiprows, args.child_out, args.child_rules, args.child_suppliers)
        return 0
    if args.profile:
        return _profile(args)

    started = time.perf_counter()
    print(f"spendcat: {_version()}")
    rules, suppliers = _ruleset(args.rules_seed, args.regenerate)
    print(
        f"rules: {rules.relative_to(HERE.parent)} ({RULE_COUNT} rules), directory: {suppliers.relative_to(HERE.parent)} ({SUPPLIER_COUNT:,} entries)"
    )
    datasets = []
    for lines in args.sizes:
        written, fresh = _dataset(lines, args.seed, "utf-8", args.regenerate)
        datasets.append(written)
        print(
            f"data:  {Path(written['path']).relative_to(HERE.parent)}: {written['lines']:,} lines, {written['bytes'] / 1e6:.1f} MB, "
            f"{written['distinct_suppliers']:,} suppliers in {written['supplier_spellings']:,} spellings"
            f"{' (generated)' if fresh else ''}"
        )

    # Import-only children: what a child holds before it does any work.
    some = Path(datasets[0]["path"])
    baselines: dict[str, list[int]] = {"baseline-floor": [], "baseline-spendcat": []}
    for _ in range(3):
        for kind, figures in baselines.items():
            figures.append(
                _run_child(kind, some, 0, DATA / "bench-out-baseline.csv", rules, suppliers)["maxrss_kb"]
            )
    base = {
        "floor-arrow": statistics.median(baselines["baseline-floor"]),
        "floor-pandas": statistics.median(baselines["baseline-floor"]),
    }
    base["spendcat"] = statistics.median(baselines["baseline-spendcat"])

    results = []
    kinds = ("floor-arrow", "floor-pandas", "spendcat")
    for written in datasets:
        path = Path(written["path"])
        repeat = args.repeat if written["lines"] < args.large_at else args.repeat_large
        _warm(path)
        _run_child(
            "floor-arrow", path, written["title_rows"], DATA / "bench-out-warm.csv", rules, suppliers
        )  # uncounted
        runs: dict[str, list[dict]] = {k: [] for k in kinds}
        for index in range(max(repeat, args.repeat)):  # interleaved, so drift on the machine hits all alike
            for kind in kinds:
                if kind == "spendcat" and index >= repeat:
                    continue  # the floors are cheap: always --repeat runs of them
                out = DATA / f"bench-out-{kind}-{written['lines']}.csv"
                runs[kind].append(_run_child(kind, path, written["title_rows"], out, rules, suppliers))
        if not args.no_cli:
            runs["cli"] = [_run_cli(path, DATA / f"bench-out-cli-{written['lines']}.csv", rules, suppliers)]
        results.append((written, repeat, runs))
        print(
            f"  measured {written['lines']:,} lines ({repeat} run(s) per kind, {time.perf_counter() - started:.0f} s so far)"
        )

    _print_table(results, base)
    parent_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"\n(total {time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs; baseline RSS (imports only): "
        f"floor {_mb(base['floor-arrow']):.0f} MB, spendcat {_mb(base['spendcat']):.0f} MB; this parent's peak RSS {_mb(parent_kb):.0f} MB)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "baselines_kb": base,
                    "results": [{"written": w, "repeat": r, "runs": runs} for w, r, runs in results],
                },
                indent=2,
                default=str,
            )
        )
    ok = all(
        runs["spendcat"][-1]["rows"] == w["lines"]
        and runs["floor-arrow"][-1]["rows"] == w["lines"] + w["blank_rows"] + w["total_rows"]
        for w, _, runs in results
    )
    return 0 if ok else 1


def _print_table(results: list, base: dict[str, float]) -> None:
    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    sizes = [f"{w['lines']:,} lines" for w, _, _ in results]
    width = 46
    cell = 18

    def row(label: str, cells: list[str], note: str = "") -> None:
        print(f"{label:<{width}}" + "".join(f"{c:>{cell}}" for c in cells) + (f"  {note}" if note else ""))

    print()
    row("measure", sizes)
    row("-" * width, ["-" * (cell - 2)] * len(results))
    row("file size", [f"{w['bytes'] / 1e6:.1f} MB" for w, _, _ in results])
    row(
        "runs (median taken): floors / spendcat",
        [f"{len(runs['floor-arrow'])} / {len(runs['spendcat'])}" for _, _, runs in results],
    )

    def seconds(kind: str, key: str = "seconds") -> list[float]:
        return [median(runs[kind], key) for _, _, runs in results]

    floor = seconds("floor-arrow")
    e2e = seconds("spendcat")
    row("floor: read (pyarrow) + write (pyarrow csv)", [f"{s:.2f} s" for s in floor])
    row(
        "  read pd.read_csv(engine=pyarrow, dtype=str)",
        [f"{s:.2f} s" for s in seconds("floor-arrow", "read_s")],
    )
    row("  write pyarrow.csv.write_csv", [f"{s:.2f} s" for s in seconds("floor-arrow", "write_s")])
    row("ref: read (pyarrow) + pandas to_csv", [f"{s:.2f} s" for s in seconds("floor-pandas")])
    row("  write DataFrame.to_csv", [f"{s:.2f} s" for s in seconds("floor-pandas", "write_s")])
    row("spendcat end to end (read+categorise+write)", [f"{s:.2f} s" for s in e2e])
    stage_names = [
        "read",
        "directory index (Categoriser init)",
        "categorise (rules + suppliers + decide)",
        "  rule masks",
        "  supplier match",
        "  decide (rest of categorise)",
        "output frame",
        "supplier consensus",
        "report",
        "other (concat, glue)",
        "write CSV (write_lines)",
    ]
    for _, _, runs in results:  # and any stage this list does not know
        stage_names += [n for n in runs["spendcat"][0]["stages"] if n not in stage_names]
    for name in stage_names:
        row(
            f"  {name}",
            [
                f"{statistics.median(r['stages'].get(name, 0.0) for r in runs['spendcat']):.2f} s"
                for _, _, runs in results
            ],
        )
    row(
        "ratio end to end / floor (arrow)",
        [f"{e / f:.1f}x" for e, f in zip(e2e, floor)],
        f"target <= {TIME_TARGET:.0f}x",
    )
    row("  met?", ["MET" if e / f <= TIME_TARGET else "NOT MET" for e, f in zip(e2e, floor)])
    row(
        "ratio end to end / (read + pandas to_csv)",
        [f"{e / f:.1f}x" for e, f in zip(e2e, seconds("floor-pandas"))],
    )
    if all("cli" in runs for _, _, runs in results):
        row(
            "CLI `spendcat categorise --out X.csv`, 1 run",
            [f"{runs['cli'][0]['seconds']:.2f} s" for _, _, runs in results],
            "wall: start, imports, rules, report: all",
        )
        row(
            "  CLI peak RSS (whole process)",
            [f"{_mb(runs['cli'][0]['maxrss_kb']):.0f} MB" for _, _, runs in results],
        )
    row(
        "load_rule_set (200 rules + 50k directory)",
        [f"{s:.2f} s" for s in seconds("spendcat", "load_rules_s")],
        "once per run, not in end to end",
    )
    row(
        "spendcat peak memory (maxrss - baseline)",
        [f"{_mb(median(runs['spendcat'], 'maxrss_kb') - base['spendcat']):.0f} MB" for _, _, runs in results],
        "includes load_rule_set",
    )
    row(
        "  x file size",
        [
            f"{_mb(median(runs['spendcat'], 'maxrss_kb') - base['spendcat']) / (w['bytes'] / 1e6):.1f}x"
            for w, _, runs in results
        ],
    )
    row(
        "  after load_rule_set (VmHWM - before)",
        [
            f"{_mb(median(runs['spendcat'], 'hwm_loaded_kb') - median(runs['spendcat'], 'hwm_before_kb')):.0f} MB"
            for _, _, runs in results
        ],
    )
    row(
        "  cross-check: VmHWM at the end - before",
        [
            f"{_mb(median(runs['spendcat'], 'hwm_done_kb') - median(runs['spendcat'], 'hwm_before_kb')):.0f} MB"
            for _, _, runs in results
        ],
        "same process, before the counts below",
    )
    row(
        "floor peak memory (maxrss - baseline)",
        [
            f"{_mb(median(runs['floor-arrow'], 'maxrss_kb') - base['floor-arrow']):.0f} MB"
            for _, _, runs in results
        ],
    )
    row(
        "ref (pandas to_csv) peak memory",
        [
            f"{_mb(median(runs['floor-pandas'], 'maxrss_kb') - base['floor-pandas']):.0f} MB"
            for _, _, runs in results
        ],
    )

    last = [runs["spendcat"][-1] for _, _, runs in results]
    print()
    row("coverage (report)", sizes)
    row("-" * width, ["-" * (cell - 2)] * len(results))
    row(
        "categorised, % of lines / % of £",
        [f"{r['coverage']['lines']:.1f} / {r['coverage']['amount']:.1f}" for r in last],
        "excluded lines left out",
    )
    for status in ("categorised", "ambiguous", "uncategorised", "excluded"):
        row(f"  status {status}, % lines", [f"{r['status'].get(status, 0.0):.1f}" for r in last])
    kinds = ["rule", "supplier:exact", "supplier:fuzzy", "supplier:company"]
    kinds += sorted({k for r in last for k in r["decided_by"]} - set(kinds))
    for kind in kinds:
        row(f"  decided by {kind}, % lines", [f"{r['decided_by'].get(kind, 0.0):.1f}" for r in last])
    row(
        "lines with a directory match: exact / fuzzy",
        [
            f"{100 * r['line_methods']['exact'] / r['rows']:.1f} / {100 * r['line_methods']['fuzzy'] / r['rows']:.1f}"
            for r in last
        ],
        "% of lines, whether or not it decided",
    )
    row(
        "  of which weak (review band / runner-up)",
        [f"{100 * r['weak_lines'] / r['rows']:.1f}" for r in last],
        "% of lines",
    )

    print()
    row("supplier matching", sizes)
    row("-" * width, ["-" * (cell - 2)] * len(results))
    row("distinct supplier texts (spellings)", [f"{r['names_matched']:,}" for r in last])
    row("distinct normalised keys", [f"{r['distinct_keys']:,}" for r in last])
    row("  of which in the directory (exact)", [f"{r['exact_keys']:,}" for r in last])
    row("names sent to fuzzy matching", [f"{r['fuzzy_names']:,}" for r in last], "one extract() per name")
    row(
        "  distinct normalised keys among them",
        [f"{r['fuzzy_distinct_keys']:,}" for r in last],
        "what it would take per key",
    )
    row("  distinct keys with >= 1 blocked candidate", [f"{r['fuzzy_with_candidates']:,}" for r in last])
    row(
        "  candidates per key: mean / max",
        [f"{r['fuzzy_candidates_mean']:,.0f} / {r['fuzzy_candidates_max']:,}" for r in last],
        "scored by token_sort_ratio",
    )
    print()
    for w, _, runs in results:
        s, f = runs["spendcat"][-1], runs["floor-arrow"][-1]
        expected_floor = w["lines"] + w["blank_rows"] + w["total_rows"]
        print(
            f"check {w['lines']:,}: spendcat rows {s['rows']:,} (expected {w['lines']:,}) "
            f"{'ok' if s['rows'] == w['lines'] else 'MISMATCH'}; floor rows {f['rows']:,} (expected {expected_floor:,}) "
            f"{'ok' if f['rows'] == expected_floor else 'MISMATCH'}; spendcat output {s['columns']} columns"
        )


if __name__ == "__main__":
    sys.exit(main())
