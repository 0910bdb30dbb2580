"""Where spendcat's reader spends time and memory, stage by stage, by hand.

    /work/venv/bin/python benchmarks/stages_read.py [--lines 1000000] [--encoding utf-8|cp1252]

Wraps the reader's stages from the outside (spendcat itself is not changed: the names the
reader calls are patched in its modules for this process only) and samples this process's
RSS every 2 ms on a thread. Stages the reader runs on its worker threads are marked
[thread]; their seconds add up across threads, so can exceed the wall time around them. For each stage: seconds, RSS on entry, the highest RSS sampled
while it ran, and what it left behind on exit. Run bench_read.py first (or this generates
the file). Stages that no longer exist in spendcat are skipped, so this keeps running while
the reader changes; nested stages are indented under the stage that called them.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from bench_read import _dataset

PAGE_KB = 4


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_KB


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.running = True

    def run(self) -> None:
        while self.running:
            self.samples.append((time.perf_counter(), _rss_kb()))
            time.sleep(0.002)

    def peak(self, start: float, end: float) -> int:
        return max((kb for t, kb in self.samples if start <= t <= end), default=0)


RECORDS: list[dict] = []
_DEPTH = threading.local()
_MAIN_DEPTH = [0]  # the main thread's depth: a stage run on a worker thread nests under it


def _depth() -> int:
    if threading.current_thread() is threading.main_thread():
        return _MAIN_DEPTH[0]
    return getattr(_DEPTH, "value", _MAIN_DEPTH[0])


def _set_depth(value: int) -> None:
    if threading.current_thread() is threading.main_thread():
        _MAIN_DEPTH[0] = value
    else:
        _DEPTH.value = value


def _wrap(module, name: str, label: str) -> None:
    original = getattr(module, name, None)
    if original is None or getattr(original, "_staged", False):
        return

    @functools.wraps(original)
    def staged(*args, **kwargs):
        depth = _depth()
        thread = "" if threading.current_thread() is threading.main_thread() else " [thread]"
        record = {"label": label + thread, "depth": depth, "rss_in": _rss_kb(), "start": time.perf_counter()}
        RECORDS.append(record)
        _set_depth(depth + 1)
        try:
            return original(*args, **kwargs)
        finally:
            _set_depth(depth)
            record["end"] = time.perf_counter()
            record["rss_out"] = _rss_kb()

    staged._staged = True
    setattr(module, name, staged)


def _instrument() -> None:
    from spendcat import publication, read

    # Stages that ran in earlier versions of the reader are skipped when they are gone.
    _wrap(publication, "open_sources", "open_sources (find the file; bytes stay on disk)")
    _wrap(publication, "grids_of", "grids_of (sniff, decode the first MB, head records)")
    _wrap(read, "_read_pieces", "read._read_pieces (rows below the header, in pieces)")
    _wrap(read, "_parse_piece", "read._parse_piece (pyarrow CSV parse of one piece)")
    _wrap(read, "_finish_piece", "read._finish_piece (decode, fill, drop blank rows)")
    _wrap(read, "_read_arrow", "read._read_arrow (SLOWER PATH: the whole text at once)")
    _wrap(read, "_read_python", "read._read_python (SLOW PATH: ragged rows)")
    _wrap(read, "_transcode", "read._transcode (re-encode all of it to UTF-8)")
    _wrap(publication, "find_header_row", "find_header_row")
    _wrap(publication, "map_columns", "map_columns")
    _wrap(publication, "filled_cells", "filled_cells (which cells hold more than spaces)")
    _wrap(publication, "_classify_rows", "_classify_rows (blank/total/summary rows)")
    _wrap(publication, "_take", "_take (kept rows; combine_chunks)")
    _wrap(publication, "_kept_rows", "_kept_rows (kept rows: slice or filter)")
    _wrap(publication, "_run_tasks", "_run_tasks (fields parsed on threads)")
    _wrap(publication, "parse_amounts", "parse_amounts")
    _wrap(publication, "parse_dates", "parse_dates")
    _wrap(publication, "_trimmed_categorical", "_trimmed_categorical (one per text field)")
    _wrap(publication, "_trimmed_text", "_trimmed_text (transaction_id as text)")
    _wrap(publication, "_frame_of", "_frame_of (the original columns as a DataFrame)")
    _wrap(publication, "_with_redaction", "_with_redaction (the supplier's redaction)")
    _wrap(publication, "redacted_suppliers", "redacted_suppliers")
    _wrap(publication, "_problems", "_problems")
    _wrap(publication, "_read_table", "_read_table (everything after the header is found)")


def _inline_steps(path: Path) -> list[tuple[str, float, float]]:
    """Time, apart, steps _read_table does inline (no function to wrap): building the
    `original` frame with to_pandas. (seconds, RSS growth)"""
    from spendcat.columns import find_header_row
    from spendcat.read import body_of, grids_of, open_sources

    source = open_sources(path)[0]
    grid = grids_of(source)[0]
    index = find_header_row(grid.head)
    body = grid.rows_below(index) if grid.rows_below is not None else body_of(*grid.body(index))
    steps = []
    columns = [body.table.column(i) for i in range(body.table.num_columns)]
    before, started = _rss_kb(), time.perf_counter()
    frame = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))]).to_pandas()
    steps.append(("original: Table.from_arrays(...).to_pandas() (inline)", time.perf_counter() - started, _rss_kb() - before))
    del frame
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stage-by-stage time and RSS of read_publications.")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240131)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1252"])
    args = parser.parse_args(argv)
    _dataset(args.lines, args.seed, args.encoding, regenerate=False)
    path = DATA / f"publication-{args.lines}-{args.seed}-{args.encoding}.csv"

    from spendcat.publication import read_publications

    _instrument()
    sampler = Sampler()
    sampler.start()
    base = _rss_kb()
    started = time.perf_counter()
    pubs = read_publications(path)
    total = time.perf_counter() - started
    time.sleep(0.01)
    sampler.running = False
    sampler.join()
    peak = sampler.peak(started, time.perf_counter())
    file_mb = path.stat().st_size / 1e6

    # Merge repeated calls of one stage at one depth (e.g. _trimmed_categorical x6).
    merged: dict[tuple[int, str], dict] = {}
    order: list[tuple[int, str]] = []
    for record in RECORDS:
        key = (record["depth"], record["label"])
        if key not in merged:
            merged[key] = {"calls": 0, "seconds": 0.0, "peak": 0, "rss_in": record["rss_in"], "held": 0}
            order.append(key)
        entry = merged[key]
        entry["calls"] += 1
        entry["seconds"] += record["end"] - record["start"]
        entry["peak"] = max(entry["peak"], sampler.peak(record["start"], record["end"]) - base)
        entry["held"] += record["rss_out"] - record["rss_in"]

    def mb(kb: float) -> str:
        return f"{kb * 1024 / 1e6:8.0f}"

    print(f"file {path.name}: {file_mb:.1f} MB; read_publications {total:.3f} s (warm-up not done: cold call);")
    print(f"RSS before the read {mb(base).strip()} MB; peak above it {mb(peak - base).strip()} MB ({(peak - base) * 1024 / 1e6 / file_mb:.1f}x file)")
    print(f"pyarrow pool holds {pa.total_allocated_bytes() / 1e6:.0f} MB after the read (backend {pa.default_memory_pool().backend_name})\n")
    print(f"{'stage':<66}{'calls':>6}{'seconds':>9}{'peak MB':>9}{'kept MB':>9}")
    print("  (peak: highest RSS above the pre-read RSS while the stage ran; kept: RSS growth across it)")
    for key in order:
        depth, label = key
        entry = merged[key]
        print(f"{'  ' * depth + label:<66}{entry['calls']:>6}{entry['seconds']:>9.3f}{mb(entry['peak'])}{mb(entry['held'])}")
    for outer in (r for r in RECORDS if r["label"].startswith("_read_table")):
        inner = sum(r["end"] - r["start"] for r in RECORDS if r["depth"] == outer["depth"] + 1 and outer["start"] <= r["start"] <= outer["end"])
        label = "  " * (outer["depth"] + 1) + "_read_table's own lines (not in a stage above)"
        print(f"{label:<66}{'':>6}{outer['end'] - outer['start'] - inner:>9.3f}")
    print(f"\nresult: {pubs[0].line_count:,} lines, {pubs[0].amount_pence:,} pence")
    del pubs
    print("\ninline steps of _read_table, timed apart on the same file:")
    for label, seconds, grown in _inline_steps(path):
        print(f"  {label:<64}{seconds:>9.3f} s  RSS +{grown * 1024 / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
