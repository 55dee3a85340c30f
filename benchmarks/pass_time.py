"""Time the counting pass alone: ``count_first.stream_tally`` in this process, without
the start-up, the statistics or the report (what the reading and coding cost).

    python benchmarks/pass_time.py SCHEMA [--by SEGMENT ...] [--repeat 3] [--in-order]

Prints, for each run, the wall time, the CPU time of the whole process during the pass
(every thread: the reading threads too) and the main thread's own CPU time. The first
run reads a file the page cache may not hold yet: compare the later ones.
``--in-order`` reads a large CSV file in order, with one reader, instead of as two
ranges at once.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("schema", type=Path)
    parser.add_argument("--by", action="append", default=[], help="a segment to count by")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-order", action="store_true", help="one reader, in order")
    args = parser.parse_args()

    from gapscan import count_first
    from gapscan.inputs import csv_parts
    from gapscan.schema import load_schema

    if args.in_order:
        csv_parts.MIN_SIZE = 1 << 62
    survey = load_schema(args.schema)
    for run in range(1, args.repeat + 1):
        wall, cpu, main_cpu = time.perf_counter(), _cpu(), time.thread_time()
        tally = count_first.stream_tally(survey, segments=tuple(args.by))
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        main_cpu = time.thread_time() - main_cpu
        counted = "counted" if tally is not None else "not clean (the held path would read it)"
        times = f"wall {wall:.2f} s, CPU {cpu:.2f} s, main thread {main_cpu:.2f} s"
        print(f"run {run}: {times}; {counted}")


if __name__ == "__main__":
    main()
