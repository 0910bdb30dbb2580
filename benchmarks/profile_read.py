"""Profile spendcat's reader on the benchmark file, by hand.

    /work/venv/bin/python benchmarks/profile_read.py [--lines 1000000] [--encoding utf-8|cp1252]
        [--cprofile]

Uses pyinstrument when installed (`pip install pyinstrument`), else cProfile (or with
--cprofile). The data file is the one bench_read.py generates (run it first, or this
generates it). Reports go to stdout and to benchmarks/data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from bench_read import _dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile read_publications on the benchmark file.")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240131)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1252"])
    parser.add_argument("--cprofile", action="store_true", help="use cProfile even if pyinstrument is installed")
    args = parser.parse_args(argv)

    _dataset(args.lines, args.seed, args.encoding, regenerate=False)
    path = DATA / f"publication-{args.lines}-{args.seed}-{args.encoding}.csv"

    from spendcat.publication import read_publications

    read_publications(path)  # warm: imports, regex compilation, page cache
    stem = DATA / f"profile-{path.stem}"
    try:
        if args.cprofile:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        read_publications(path)
        profiler.disable()
        print(f"read_publications: {time.perf_counter() - started:.3f} s under cProfile")
        profiler.dump_stats(f"{stem}.pstats")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(35)
        out.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(20)
        print(out.getvalue())
        print(f"(saved {stem}.pstats)")
        return 0

    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    profiler.start()
    read_publications(path)
    profiler.stop()
    print(f"read_publications: {time.perf_counter() - started:.3f} s under pyinstrument")
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    print(text)
    Path(f"{stem}.txt").write_text(text)
    Path(f"{stem}.html").write_text(profiler.output_html())
    print(f"(saved {stem}.txt and .html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
