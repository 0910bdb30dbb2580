"""Benchmark spendcat's reader against the read floor, by hand (never collected by pytest).

    /work/venv/bin/python benchmarks/bench_read.py [--lines 1000000] [--repeat 3]
        [--encoding utf-8|cp1252] [--seed N] [--regenerate]

It generates a synthetic publication (benchmarks/generate.py) into benchmarks/data/ (git-
ignored), or reuses one already there with the same lines, seed and encoding, then times:

  floor     pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=TITLE_ROWS, encoding=ENC)
            (the floor is told what spendcat finds out: the title rows above the header, as
            without skiprows pyarrow stops at "Expected 1 columns, got 7", and the encoding)
  spendcat  spendcat.publication.read_publications(path)

Every measured read runs in a fresh subprocess, so neither shares caches, pools or heap with
another. The child imports its libraries, then times only the read call (perf_counter).
Timings are the median of --repeat runs.

Peak memory: the parent starts each child with Popen and reaps it with os.wait4(pid), which
returns that one child's rusage; ru_maxrss (kB on Linux) is the child's peak RSS over its
whole life. From it the median ru_maxrss of "baseline" children, which import the same
libraries and read nothing, is subtracted. As a cross-check each child also reports VmHWM
from /proc/self/status before and after its read (the in-process delta).

Targets (from the issue): spendcat's read within 3x the floor; peak memory within 3x the
file's size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TIME_TARGET = 3.0
MEMORY_TARGET = 3.0

# --- child side ----------------------------------------------------------------------


def _proc_status() -> dict[str, int]:
    """VmHWM and VmRSS of this process, in kB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    return values


def _child(kind: str, path: str, skiprows: int, encoding: str) -> None:
    import pandas as pd
    import pyarrow
    import pyarrow.csv  # noqa: F401

    if kind in ("spendcat", "baseline-spendcat"):
        from spendcat.publication import read_publications
    before = _proc_status()
    report: dict[str, object] = {"kind": kind}
    if kind == "floor":
        started = time.perf_counter()
        frame = pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=skiprows, encoding=encoding)
        report["seconds"] = time.perf_counter() - started
        report["rows"] = len(frame)
        report["columns"] = frame.shape[1]
    elif kind == "spendcat":
        started = time.perf_counter()
        pubs = read_publications(path)
        report["seconds"] = time.perf_counter() - started
        pub = pubs[0]
        report.update(
            publications=len(pubs),
            lines=pub.line_count,
            pence=pub.amount_pence,
            skipped=len(pub.skipped),
            skipped_reasons=pub.skipped["reason"].value_counts().to_dict(),
            problems=pub.problem_count,
            original_shape=list(pub.original.shape),
            header_row=pub.tables[0].header_row,
            date_range=[str(d) for d in pub.date_range],
            encoding=pub.encoding,
            supplier_categories=len(pub.lines["supplier"].cat.categories),
        )
    after = _proc_status()
    report.update(hwm_before_kb=before["VmHWM"], hwm_after_kb=after["VmHWM"], rss_after_kb=after["VmRSS"])
    if kind == "spendcat":  # after the measurement: what the result itself holds
        report["result_mb"] = (
            pub.lines.memory_usage(deep=True).sum() + pub.original.memory_usage(deep=True).sum()
        ) / 1e6
    print(json.dumps(report))


# --- parent side ---------------------------------------------------------------------


def _run_child(kind: str, path: Path, skiprows: int, encoding: str) -> dict:
    """One measured read in a fresh interpreter; its report plus its own ru_maxrss."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path), "--skiprows", str(skiprows)]
    command += ["--child-encoding", encoding]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE.parent)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's rusage, not all children's
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"child {kind} failed ({process.returncode}):\n{err.decode(errors='replace')}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    report["maxrss_kb"] = usage.ru_maxrss
    return report


def _dataset(lines: int, seed: int, encoding: str, regenerate: bool) -> tuple[dict, bool]:
    """The data file and what was written to it: reused when its manifest matches.

    Generated in a subprocess: this parent process must stay small, because Linux carries a
    process's peak RSS across fork and exec into the child's ru_maxrss (kernel: exec_mmap ->
    setmax_mm_hiwater_rss), so a parent that had grown to generate the data would inflate
    every child's figure.
    """
    DATA.mkdir(exist_ok=True)
    path = DATA / f"publication-{lines}-{seed}-{encoding}.csv"
    manifest = path.with_name(path.name + ".manifest.json")
    if not regenerate and path.exists() and manifest.exists():
        written = json.loads(manifest.read_text())
        if written.get("bytes") == path.stat().st_size:
            return written, False
    command = [sys.executable, str(HERE / "generate.py"), str(path), "--lines", str(lines), "--seed", str(seed)]
    command += ["--encoding", encoding, "--manifest", str(manifest)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return json.loads(manifest.read_text()), True


def _mb(kb: float) -> float:
    return kb * 1024 / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time spendcat's reader against pd.read_csv(engine='pyarrow').")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240131)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1252"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="uncounted reads of each kind first (default 1)")
    parser.add_argument("--regenerate", action="store_true", help="write the data file even if one is there")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--skiprows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-encoding", default="utf-8", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.path, args.skiprows, args.child_encoding)
        return 0

    started = time.perf_counter()
    written_dict, fresh = _dataset(args.lines, args.seed, args.encoding, args.regenerate)
    written = argparse.Namespace(**written_dict)
    path = Path(written.path)
    file_mb = written.bytes / 1e6
    print(f"data: {path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path}")
    print(
        f"      {written.lines:,} lines, {file_mb:.1f} MB, {written.encoding}, "
        f"{written.distinct_suppliers:,} suppliers in {written.supplier_spellings:,} spellings "
        f"({'generated in %.1f s' % written.seconds if fresh else 'reused'})"
    )
    skip = written.title_rows
    runs: dict[str, list[dict]] = {k: [] for k in ("baseline-floor", "floor", "baseline-spendcat", "spendcat")}
    for _ in range(args.warmup):  # not counted: first reads after writing the file run slower
        for kind in ("floor", "spendcat"):
            _run_child(kind, path, skip, written.encoding)
    for _ in range(args.repeat):  # interleaved, so drift on the machine hits both alike
        for kind in runs:
            runs[kind].append(_run_child(kind, path, skip, written.encoding))

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    floor_s, spendcat_s = median("floor", "seconds"), median("spendcat", "seconds")
    floor_peak = _mb(median("floor", "maxrss_kb") - median("baseline-floor", "maxrss_kb"))
    spendcat_peak = _mb(median("spendcat", "maxrss_kb") - median("baseline-spendcat", "maxrss_kb"))
    floor_hwm = _mb(statistics.median(r["hwm_after_kb"] - r["hwm_before_kb"] for r in runs["floor"]))
    spendcat_hwm = _mb(statistics.median(r["hwm_after_kb"] - r["hwm_before_kb"] for r in runs["spendcat"]))
    spendcat_held = _mb(statistics.median(r["rss_after_kb"] - r["hwm_before_kb"] for r in runs["spendcat"]))
    last = runs["spendcat"][-1]
    floor_rows = runs["floor"][-1]["rows"]
    ratio = spendcat_s / floor_s
    memory_ratio = spendcat_peak / file_mb

    expected_skipped = written.blank_rows + written.total_rows
    checks = [
        ("lines", written.lines, last["lines"]),
        ("pence", written.pence, last["pence"]),
        ("skipped rows (blank + total)", expected_skipped, last["skipped"]),
        ("header row", written.header_row, last["header_row"]),
        ("original shape", [written.lines, 7], last["original_shape"]),
        ("date range", [written.first_date, written.last_date], last["date_range"]),
        ("value problems", 0, last["problems"]),
        ("encoding detected", written.encoding, last["encoding"]),
        ("floor rows (lines + blank + total)", written.lines + expected_skipped, floor_rows),
    ]
    consistent = all(len({json.dumps(r[k]) for r in runs["spendcat"]}) == 1 for k in ("lines", "pence"))

    def row(*cells: object) -> str:
        return f"{cells[0]:<44}{cells[1]:>12}  {cells[2]}"

    print()
    print(row("measure", "value", "note"))
    print(row("-" * 44, "-" * 12, "-" * 40))
    print(row("floor read (pd.read_csv pyarrow, dtype=str)", f"{floor_s:.3f} s", f"median of {args.repeat}: " + ", ".join(f"{r['seconds']:.3f}" for r in runs["floor"])))
    print(row("spendcat read_publications", f"{spendcat_s:.3f} s", f"median of {args.repeat}: " + ", ".join(f"{r['seconds']:.3f}" for r in runs["spendcat"])))
    print(row("ratio spendcat / floor", f"{ratio:.1f}x", f"target <= {TIME_TARGET:.0f}x: {'MET' if ratio <= TIME_TARGET else 'NOT MET'}"))
    print(row("file size", f"{file_mb:.1f} MB", f"{written.bytes:,} bytes"))
    print(row("spendcat peak memory (ru_maxrss - baseline)", f"{spendcat_peak:.0f} MB", f"baseline (imports only) {_mb(median('baseline-spendcat', 'maxrss_kb')):.0f} MB"))
    print(row("ratio peak memory / file size", f"{memory_ratio:.1f}x", f"target <= {MEMORY_TARGET:.0f}x: {'MET' if memory_ratio <= MEMORY_TARGET else 'NOT MET'}"))
    print(row("  cross-check: VmHWM after - before read", f"{spendcat_hwm:.0f} MB", "same process, before vs after the read"))
    print(row("  RSS still held after the read", f"{spendcat_held:.0f} MB", f"result frames (lines + original) {last['result_mb']:.0f} MB deep"))
    print(row("floor peak memory (ru_maxrss - baseline)", f"{floor_peak:.0f} MB", f"{floor_peak / file_mb:.1f}x file; VmHWM delta {floor_hwm:.0f} MB"))
    print()
    for name, expected, got in checks:
        verdict = "ok" if expected == got else "MISMATCH"
        print(f"check {name:<36} {verdict:<9} expected {expected}, read {got}")
    print(f"check {'same result in every run':<36} {'ok' if consistent else 'MISMATCH'}")
    parent_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n(total {time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs; skipped: {last['skipped_reasons']};")
    print(f" this parent's own peak RSS {_mb(parent_kb):.0f} MB, which bounds below every child's ru_maxrss)")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "file": str(path), "file_mb": file_mb, "floor_s": floor_s, "spendcat_s": spendcat_s,
                    "ratio": ratio, "spendcat_peak_mb": spendcat_peak, "memory_ratio": memory_ratio,
                    "floor_peak_mb": floor_peak, "runs": runs, "written": written_dict,
                },
                indent=2, default=str,
            )
        )
    ok = all(expected == got for _, expected, got in checks) and consistent
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
